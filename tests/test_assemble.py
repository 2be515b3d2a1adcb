"""Every PDF the example build writes, made from page copies of written pieces, parsed back whole.

render/assemble.py makes each pack, item PDF and paper PDF from pages that WeasyPrint wrote
once.  A page copied into the wrong file, a structure element left pointing at a page of
another file, an MCID with no element, an outline entry or a link aimed outside the file,
labels out of step with the printed numbers, or a page of an item PDF that differs from the
same printed page of the pack: each of these fails here, for every PDF under build/site and
build/private (existing PDF appendices, published as they came, excepted).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import EXAMPLE, Built
from pikepdf import Array, Dictionary, Name


def _written(built: Built) -> list[Path]:
    """The PDFs the build made (not the existing appendices it publishes as they came), by path."""
    found = []
    for path in sorted([*built.site.rglob("*.pdf"), *(built.out / "private").rglob("*.pdf")]):
        committee, meeting = path.relative_to(built.out).parts[1:3]
        if not (EXAMPLE / committee / meeting / path.name).exists():
            found.append(path)
    return found


@pytest.fixture(scope="module")
def written(built: Built) -> list[Path]:
    paths = _written(built)
    # both meetings: packs, supplement, consolidated, members' pack, item and paper PDFs
    names = {p.name for p in paths}
    assert any(n.endswith("-members-pack.pdf") for n in names) and any(n.endswith("-supplement-1.pdf") for n in names)
    assert sum(1 for p in paths if p.parent.name.startswith("item-")) >= 15
    return paths


def _kids(node: object) -> list:
    kids = node.get("/K") if isinstance(node, Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(node: object) -> bool:
    return isinstance(node, Dictionary) and "/S" in node and node.get("/Type") not in (Name.MCR, Name.OBJR)


def _elements(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    """Every structure element reachable from the root, in document order."""
    stack = list(reversed(_kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        if _is_element(node):
            yield node
            stack += reversed(_kids(node))


def _mcids(page: pikepdf.Page) -> list[int]:
    """The MCIDs the page's content marks, in order (inline property lists or named ones)."""
    resources = page.obj.get("/Resources")
    properties = resources.get("/Properties") if isinstance(resources, Dictionary) else None
    found = []
    for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
        props = operands[1] if len(operands) == 2 else None
        if isinstance(props, Name) and isinstance(properties, Dictionary):
            props = properties.get(props)
        if isinstance(props, Dictionary) and "/MCID" in props:
            found.append(int(props.MCID))
    return found


def _problems(path: Path) -> list[str]:
    """What is wrong with one PDF's structure, links and outline (empty: nothing)."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        elements = list(_elements(pdf))
        reachable = {e.objgen for e in elements}
        root_kids = [k for k in _kids(pdf.Root.StructTreeRoot) if _is_element(k)]
        if [str(k.S) for k in root_kids] != ["/Document"]:
            problems.append(f"the root holds {[str(k.S) for k in root_kids]}, not one /Document")
        owned_mcids: set[tuple[int, int]] = set()
        owned_annots: dict[tuple[int, int], tuple[int, int]] = {}
        document = root_kids[0].objgen if root_kids else None
        for element in elements:
            pg = element.get("/Pg")
            if element.objgen != document and (not isinstance(pg, Dictionary) or pg.objgen not in pages):
                problems.append(f"a {element.S} element's /Pg is not a page of this PDF")
                continue
            for kid in _kids(element):
                if isinstance(kid, int):
                    owned_mcids.add((pages[pg.objgen], int(kid)))
                elif isinstance(kid, Dictionary) and kid.get("/Type") in (Name.MCR, Name.OBJR):
                    kid_pg = kid.get("/Pg", pg)
                    if not isinstance(kid_pg, Dictionary) or kid_pg.objgen not in pages:
                        problems.append(f"a {kid.Type} of a {element.S} element is on a page of another PDF")
                    elif kid.Type == Name.MCR:
                        owned_mcids.add((pages[kid_pg.objgen], int(kid.MCID)))
                    else:
                        owned_annots[kid.Obj.objgen] = element.objgen
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for i, page in enumerate(pdf.pages):
            entries = tree[int(page.obj.StructParents)] if int(page.obj.StructParents) in tree else Array()
            for mcid in _mcids(page):
                owner = entries[mcid] if mcid < len(entries) else None
                if not isinstance(owner, Dictionary) or owner.objgen not in reachable:
                    problems.append(f"page {i + 1}: MCID {mcid} has no element reachable from the root")
                elif (i, mcid) not in owned_mcids:
                    problems.append(f"page {i + 1}: MCID {mcid}'s element does not list it")
            for annot in page.obj.get("/Annots", Array()):
                key = annot.get("/StructParent")
                if key is not None and (int(key) not in tree or tree[int(key)].objgen != owned_annots.get(annot.objgen)):
                    problems.append(f"page {i + 1}: an annotation's /StructParent is not the element that holds it")
        dests = {}
        names = pdf.Root.get("/Names")
        if isinstance(names, Dictionary) and "/Dests" in names:
            dests = {name: pages.get(dest[0].objgen) for name, dest in pikepdf.NameTree(names.Dests).items()}
        if any(page is None for page in dests.values()):
            problems.append("a named destination points at a page of another PDF")
        for i, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", Array()):
                dest = annot.get("/Dest")
                if dest is not None and dests.get(str(dest)) is None:
                    problems.append(f"page {i + 1}: a link to '{dest}' lands nowhere in this PDF")
        with pdf.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                stack += item.children
                if item.destination is None or item.destination[0].objgen not in pages:
                    problems.append(f"the outline entry '{item.title}' points outside this PDF")
        strays = [obj for obj in pdf.objects if isinstance(obj, Dictionary) and obj.get("/Type") == Name.Page
                  and obj.objgen not in pages]
        if strays:
            problems.append(f"{len(strays)} page objects that are not pages of this PDF")
    return problems


def test_every_structure_element_mcid_link_and_bookmark_belongs_to_its_own_pdf(written: list[Path],
                                                                                built: Built) -> None:
    failures = {str(p.relative_to(built.out)): problems for p in written if (problems := _problems(p))}
    assert not failures


def test_page_labels_are_the_printed_page_numbers(written: list[Path], built: Built) -> None:
    for path in written:
        relative = str(path.relative_to(built.out))
        labels = built.reader(relative).page_labels
        texts = built.texts(relative)
        front = 0
        while front < len(labels) and not labels[front].isdigit():
            assert re.fullmatch(r"(Agenda|Supplement) \d+", labels[front]), (relative, labels[front])
            front += 1
        assert labels[front:], relative
        first = int(labels[front])
        assert labels[front:] == [str(n) for n in range(first, first + len(labels) - front)], relative
        for label, text in zip(labels[front:], texts[front:], strict=True):
            assert re.search(rf"(^|\n)Page {label}\s*$", text), (relative, label)


def test_every_page_of_an_item_or_paper_pdf_is_that_page_of_the_pack(written: list[Path], built: Built) -> None:
    compared = 0
    for path in written:
        if not path.parent.name.startswith("item-"):
            continue
        meeting = path.parent.parent.name
        packs = [p["kind"] for p in built.meeting(meeting)["packs"]]
        kind = "consolidated" if "consolidated" in packs else "agenda"
        pack = built.pack_entry(meeting, kind)
        by_number = {str(pack["first_page"] + k): text
                     for k, text in enumerate(built.page_texts(meeting, kind)[pack["front_sheet_pages"]:])}
        relative = str(path.relative_to(built.out))
        for label, text in zip(built.reader(relative).page_labels, built.texts(relative), strict=True):
            assert text == by_number[label], (relative, label)
            compared += 1
    assert compared >= 60


def test_the_members_pack_prints_the_public_pages_as_the_public_packs_do(written: list[Path], built: Built) -> None:
    members = next(p for p in written if p.name.endswith("-members-pack.pdf"))
    meeting = members.parent.name
    consolidated = built.pack_entry(meeting, "consolidated")
    public = built.page_texts(meeting, "consolidated")[consolidated["front_sheet_pages"]:]
    relative = str(members.relative_to(built.out))
    labels = built.reader(relative).page_labels
    texts = dict(zip(labels, built.texts(relative), strict=True))
    assert [texts[str(consolidated["first_page"] + k)] for k in range(len(public))] == public
    # and the exempt pages follow, numbered on, in the members' pack only
    assert labels[-1].isdigit() and int(labels[-1]) > consolidated["last_page"]


# ------------------------------------------------------------------ assemble() on small pieces


def _laid_out(body: str):
    from weasyprint import HTML

    return HTML(string=f"<html lang='en-GB'><head><title>Piece</title></head><body>{body}</body></html>").render()


TABLE = "<table><tr><th>Ward</th><th>Cases</th></tr><tr><td>North</td><td>12</td></tr></table>"


@pytest.fixture(scope="module")
def pieces():
    from meetingpack.render.assemble import write_piece

    first = _laid_out(f"<h1 id='target'>Report</h1><p>Text of the report.</p>{TABLE}")
    second = _laid_out("<h1>Exempt report</h1><p>See <a href='#target'>the report</a>, "
                       "<a href='https://example.org/'>a site</a> and <a href='javascript:alert(1)'>a script</a>.</p>"
                       f"{TABLE}")
    one = write_piece("one", first, first.pages, finish=lambda pdf: None)
    two = write_piece("two", first, second.pages, finish=lambda pdf: None, linked_elsewhere=["target"])
    yield first, one, two
    one.close()
    two.close()


def _open(data: bytes) -> pikepdf.Pdf:
    import io

    return pikepdf.open(io.BytesIO(data))


def _check(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "assembled.pdf"
    path.write_bytes(data)
    assert _problems(path) == []


def test_a_link_to_another_piece_is_kept_only_where_its_target_is(pieces, tmp_path: Path) -> None:
    from meetingpack.render.assemble import Labels, assemble

    template, one, two = pieces
    both = assemble(template, [(one, 0), (two, 0)], "Both", Labels(0, 1))
    alone = assemble(template, [(two, 0)], "Alone", Labels(0, 1))
    _check(both, tmp_path)
    _check(alone, tmp_path)
    with _open(both) as pdf:
        links = [a for a in pdf.pages[1].Annots if "/Dest" in a]
        assert [str(a.Dest) for a in links] == ["target"]
        dest = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())["target"]
        assert dest[0].objgen == pdf.pages[0].obj.objgen
        assert str(pdf.docinfo.Title) == "Both" and str(pdf.Root.Lang) == "en-GB"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "Both"
    with _open(alone) as pdf:
        assert not [a for a in pdf.pages[0].get("/Annots", []) if "/Dest" in a]
        # the words stay a /Link element (as WeasyPrint tags a link it drops), with no annotation
        links = [e for e in _elements(pdf) if e.S == Name.Link]
        objrs = [kid for e in links for kid in _kids(e) if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR]
        assert len(links) == 3 and len(objrs) == len(pdf.pages[0].Annots) == 2


def test_nothing_active_survives_and_external_links_stay(pieces) -> None:
    from meetingpack.render.assemble import Labels, assemble

    template, _, two = pieces
    # WeasyPrint writes the javascript: link as a URI action; the targeted sanitise of the piece removes it
    with _open(assemble(template, [(two, 0)], "Links", Labels(0, 1))) as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a]
        assert uris == ["https://example.org/"]
        assert not any("/A" in a and a.A.get("/S") != Name.URI for a in pdf.pages[0].get("/Annots", []))


def test_table_header_ids_stay_unique_when_two_pieces_meet(pieces) -> None:
    from meetingpack.render.assemble import Labels, assemble

    template, one, two = pieces
    with _open(assemble(template, [(one, 0), (two, 0)], "Tables", Labels(0, 1))) as pdf:
        elements = list(_elements(pdf))
        ids = [str(e.ID) for e in elements if e.S == Name.TH]
        headers = [[str(h) for h in e.A.Headers] for e in elements if e.S == Name.TD]
        assert len(ids) == 4 and len(set(ids)) == 4
        assert headers[:2] == [[ids[0]], [ids[1]]] and headers[2:] == [[ids[2]], [ids[3]]]


def test_the_same_pages_give_the_same_bytes(pieces) -> None:
    from meetingpack.render.assemble import Labels, assemble

    template, one, two = pieces
    selection = [(one, 0), (two, 0)]
    assert assemble(template, selection, "Same", Labels(1, 1)) == assemble(template, selection, "Same", Labels(1, 1))
