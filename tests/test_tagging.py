"""Tagging fixes of the pack PDF, on small packs laid out by the real WeasyPrint and read back with pikepdf.

The fixture document has what the pack has: the margin boxes of `pdf/pack.css` (page number, item
stamp, banner, the blank-page notice), items that start on a right-hand page (so one blank page
appears), headings, a table, a full page of paragraphs (body lines right above the bottom margin),
a reserved empty page for a one-page PDF appendix, and an A4 landscape page.  Text is told apart
by the marked content around it: a copy of the PDF keeps only the text drawn inside artifacts (or
only the text drawn inside MCID-tagged sequences) and pypdf extracts what is left.
"""

from __future__ import annotations

import collections
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import font_source_sans_pro
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader
from weasyprint import HTML

from meetingpack.render.tagging import add_underlay_figure, mark_page_furniture

MM = 72 / 25.4
TOP, BOTTOM = 20 * MM, 22 * MM
"""The pack's top and bottom page margins, in points."""
FOOTER_BAND = 36.0
ALT = "Appendix A, page 1 of 1: the inspection letter of 3 February 2026"
APPENDIX_TEXT = "Ofsted inspection letter appendix"

FONTS = Path(font_source_sans_pro.font_directory).as_uri()
PARAGRAPHS = 45
PACK_HTML = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Tagging test pack</title>
<style>
@font-face {{ font-family: "Pack Sans"; src: url("{FONTS}/SourceSansPro-Regular.ttf"); font-weight: 400; }}
@font-face {{ font-family: "Pack Sans"; src: url("{FONTS}/SourceSansPro-Bold.ttf"); font-weight: 700; }}
@page {{
  size: A4;
  margin: 20mm 20mm 22mm 20mm;
  @bottom-center {{ content: "Page " counter(page); font-family: "Pack Sans"; font-size: 10pt; }}
  @top-right {{ content: string(stamp, first); font-family: "Pack Sans"; font-weight: 700; font-size: 12pt; }}
  @top-left {{ content: string(banner, first); font-family: "Pack Sans"; font-weight: 700; font-size: 12pt; }}
}}
@page :blank {{
  @top-right {{ content: none; }}
  @top-left {{ content: none; }}
  @top-center {{ content: "This page is intentionally left blank"; font-family: "Pack Sans"; font-size: 12pt; }}
}}
@page landscape {{ size: A4 landscape; }}
html {{ font-family: "Pack Sans"; font-size: 11.5pt; line-height: 1.4; }}
body {{ margin: 0; }}
.item {{ break-before: right; }}
.item-start {{ height: 0; string-set: stamp attr(data-stamp), banner attr(data-banner); }}
.document + .document {{ break-before: page; }}
.landscape {{ page: landscape; }}
.pdf-page {{ height: 0; break-before: page; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
table {{ border-collapse: collapse; }} th, td {{ border: 0.75pt solid #444; padding: 3pt 5pt; }}
</style></head>
<body>
<section class="item" id="item-5">
  <div class="item-start" data-stamp="Agenda Item 5." data-banner="Public Document Pack"></div>
  <article class="document"><h1>Budget monitoring report</h1><p>The panel is asked to note the forecast.</p>
  <table><thead><tr><th scope="col">Service</th><th scope="col">Variance</th></tr></thead>
  <tbody><tr><td>Fostering</td><td>120</td></tr></tbody></table></article>
</section>
<section class="item" id="item-6">
  <div class="item-start" data-stamp="Agenda Item 6." data-banner="Public Document Pack"></div>
  <article class="document"><h1>Children in care sufficiency</h1><h2>Background</h2>
  {''.join(f'<p>Paragraph {n:02d} of the sufficiency report.</p>' for n in range(1, PARAGRAPHS + 1))}
  </article>
  <article class="document" id="item-6-appendix">
    <h1 class="visually-hidden">Inspection letter</h1>
    <div class="pdf-page" id="item-6-appendix-page-1"></div>
  </article>
</section>
<section class="item landscape" id="item-7">
  <div class="item-start" data-stamp="Agenda Item 7." data-banner="Public Document Pack"></div>
  <article class="document"><h1>Work programme</h1><p>Landscape body text.</p></article>
</section>
</body></html>"""


@dataclass
class Fixture:
    raw: bytes
    """The pack as WeasyPrint wrote it (pdf/ua-1)."""
    appendix: bytes
    reserved: int
    """0-based index of the page reserved for the appendix."""
    blank: int
    landscape: int


def _appendix_pdf() -> bytes:
    """A one-page PDF appendix: untagged text in a standard font, as a scanned-in letter would be."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    page = pdf.pages[0]
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 20 Tf 72 700 Td (" + APPENDIX_TEXT.encode() + b") Tj ET")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def fixture() -> Fixture:
    laid_out = HTML(string=PACK_HTML).render()
    anchors = [page.anchors for page in laid_out.pages]
    reserved = next(i for i, a in enumerate(anchors) if "item-6-appendix-page-1" in a)
    item_7 = next(i for i, a in enumerate(anchors) if "item-7" in a)
    blank = next(i for i in range(item_7) if not anchors[i] and i != reserved)
    raw = laid_out.write_pdf(pdf_variant="pdf/ua-1")
    return Fixture(raw, _appendix_pdf(), reserved, blank, item_7)


def _finish(raw: bytes, appendix: bytes, reserved: int, *, tag: bool = True, top: float = TOP,
            bottom: float = BOTTOM, before_figure=None) -> bytes:
    """The pack's pikepdf pipeline (as in render/pdf.py), with or without the tagging fixes."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as pdf, pikepdf.open(io.BytesIO(appendix)) as source:
        if before_figure is not None:
            before_figure(pdf)
        target = pdf.pages[reserved]
        form = pdf.copy_foreign(source.pages[0].as_form_xobject())
        name = target.add_resource(form, Name.XObject, name=Name("/MpAppendix1"))
        width, height = (float(v) for v in target.mediabox[2:4])
        rect = pikepdf.Rectangle(0, FOOTER_BAND, width, height)
        placement = target.calc_form_xobject_placement(form, name, rect, allow_shrink=True, allow_expand=True)
        content = b"q\n" + placement + b"\nQ\n"
        if tag:
            add_underlay_figure(pdf, reserved, content, ALT)
            mark_page_furniture(pdf, top=top, bottom=bottom)
        else:
            target.contents_add(content, prepend=True)
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


@pytest.fixture(scope="module")
def tagged(fixture: Fixture) -> bytes:
    return _finish(fixture.raw, fixture.appendix, fixture.reserved)


# -- reading the result back -----------------------------------------------------------------------


def _contexts(instructions: list) -> Iterator[tuple[int, str, list[tuple[str, int | None]]]]:
    """(index, operator, open marked-content [(tag, mcid)]) for every instruction."""
    stack: list[tuple[str, int | None]] = []
    for index, ins in enumerate(instructions):
        op = str(ins.operator)
        if op in ("BDC", "BMC"):
            props = ins.operands[1] if op == "BDC" else None
            mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
            stack.append((str(ins.operands[0]), None if mcid is None else int(mcid)))
        yield index, op, list(stack)
        if op == "EMC":
            stack.pop()


def _kind(stack: list[tuple[str, int | None]]) -> str:
    if any(tag == "/Artifact" for tag, _ in stack):
        return "artifact"
    return "tagged" if any(mcid is not None for _, mcid in stack) else "untagged"


def _texts(data: bytes, kind: str) -> list[str]:
    """Each page's text drawn in marked content of `kind` (artifact, tagged, untagged) only.

    Text shown by the page itself and forms it draws (the appendix) count; other drawing is kept.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            instructions = pikepdf.parse_content_stream(page)
            kept = [instructions[i] for i, op, stack in _contexts(instructions)
                    if op not in ("Tj", "TJ", "'", '"', "Do") or _kind(stack) == kind]
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        pdf.save(out)
    return [page.extract_text() or "" for page in PdfReader(out).pages]


def _content_mcids(page: pikepdf.Page) -> list[int]:
    """The MCIDs of the page's content stream, in the order they are opened."""
    return [stack[-1][1] for _, op, stack in _contexts(pikepdf.parse_content_stream(page))
            if op == "BDC" and stack[-1][1] is not None]


def _kids(element: Dictionary) -> list:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, Array) else [k]


@dataclass
class Element:
    element: Dictionary
    depth: int
    page: int | None
    mcids: list[tuple[int, int]]
    """(page, MCID) pairs this element owns directly."""


def _walk(pdf: pikepdf.Pdf) -> list[Element]:
    """The structure elements reachable from the StructTreeRoot, in document order."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    found: list[Element] = []

    def visit(element: Dictionary, depth: int, page: int | None) -> None:
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        entry = Element(element, depth, page, [])
        found.append(entry)
        for kid in _kids(element):
            if isinstance(kid, int):
                entry.mcids.append((page, int(kid)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                entry.mcids.append((pages[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
            elif isinstance(kid, Dictionary) and "/S" in kid:
                visit(kid, depth + 1, page)

    for kid in _kids(pdf.Root.StructTreeRoot):
        visit(kid, 0, None)
    return found


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, list]:
    return {int(k): list(v) for k, v in pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items()
            if isinstance(v, Array)}


def _orphans(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """(page, MCID) entries of the ParentTree whose element is not reachable from the root."""
    reachable = {e.element.objgen for e in _walk(pdf)}
    pages = {int(p.obj.StructParents): i for i, p in enumerate(pdf.pages) if "/StructParents" in p.obj}
    return [(pages[key], mcid) for key, entries in _parent_tree(pdf).items() if key in pages
            for mcid, owner in enumerate(entries) if owner is not None and owner.objgen not in reachable]


# -- the tests -------------------------------------------------------------------------------------


def test_fixture_has_the_pages_of_a_pack(fixture: Fixture) -> None:
    texts = _texts(fixture.raw, "tagged")
    assert len(texts) >= 7
    assert "intentionally left blank" in texts[fixture.blank]
    assert "Paragraph 01" in texts[2] and f"Paragraph {PARAGRAPHS:02d}" not in texts[2]  # page 3 is full
    with pikepdf.open(io.BytesIO(fixture.raw)) as pdf:
        assert float(pdf.pages[fixture.landscape].mediabox[2]) > float(pdf.pages[fixture.landscape].mediabox[3])


def test_weasyprint_tags_the_furniture_as_orphaned_spans(fixture: Fixture) -> None:
    """What is being fixed: WeasyPrint 70 draws margin-box text as tagged, unreachable spans."""
    tagged_text = _texts(fixture.raw, "tagged")
    assert "Page 3" in tagged_text[2]
    assert "Agenda Item 6." in tagged_text[2]
    assert not any(_texts(fixture.raw, "artifact"))
    with pikepdf.open(io.BytesIO(fixture.raw)) as pdf:
        orphans = _orphans(pdf)
        assert {page for page, _ in orphans} == set(range(len(pdf.pages)))  # every page has some


def test_furniture_is_drawn_as_artifacts(fixture: Fixture, tagged: bytes) -> None:
    artifacts = _texts(tagged, "artifact")
    body = _texts(tagged, "tagged")
    for number, (furniture, content) in enumerate(zip(artifacts, body), start=1):
        assert f"Page {number}" in furniture
        assert f"Page {number}" not in content
        assert "Public Document Pack" not in content and "Agenda Item" not in content
    assert "Agenda Item 6." in artifacts[2] and "Public Document Pack" in artifacts[2]
    assert "This page is intentionally left blank" in artifacts[fixture.blank]
    assert not body[fixture.blank].strip()
    assert "Agenda Item 7." in artifacts[fixture.landscape]
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        subtypes = collections.Counter()
        for page in pdf.pages:
            for ins in pikepdf.parse_content_stream(page):
                if str(ins.operator) == "BDC" and ins.operands[0] == Name.Artifact:
                    assert ins.operands[1].Type == Name.Pagination and "/MCID" not in ins.operands[1]
                    subtypes[str(ins.operands[1].Subtype)] += 1
        assert subtypes["/Footer"] == len(pdf.pages) and subtypes["/Header"] > len(pdf.pages)


def test_body_text_stays_tagged(fixture: Fixture, tagged: bytes) -> None:
    body = "\n".join(_texts(tagged, "tagged"))
    furniture = "\n".join(_texts(tagged, "artifact"))
    for text in ["Budget monitoring report", "Service", "Variance", "Fostering", "Children in care sufficiency",
                 "Background", "Work programme", "Landscape body text."]:
        assert text in body and text not in furniture
    for n in range(1, PARAGRAPHS + 1):  # including the lines right above the bottom margin
        assert f"Paragraph {n:02d}" in body and f"Paragraph {n:02d}" not in furniture


def test_structure_tree_keeps_the_body_and_gains_one_figure(fixture: Fixture, tagged: bytes) -> None:
    with pikepdf.open(io.BytesIO(fixture.raw)) as raw, pikepdf.open(io.BytesIO(tagged)) as pdf:
        before = collections.Counter(str(e.element.S) for e in _walk(raw))
        after = collections.Counter(str(e.element.S) for e in _walk(pdf))
        assert after - before == collections.Counter({"/Figure": 1}) and not before - after
        assert after["/TH"] == 2 and after["/TD"] == 2 and after["/H2"] == 1 and after["/H1"] == 4
        kept = {m for e in _walk(raw) for m in e.mcids}
        assert kept <= {m for e in _walk(pdf) for m in e.mcids}


def test_parent_tree_and_content_agree(tagged: bytes) -> None:
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        assert _orphans(pdf) == []
        tree = _parent_tree(pdf)
        owned = [m for e in _walk(pdf) for m in e.mcids]
        assert len(owned) == len(set(owned))
        in_content = []
        for index, page in enumerate(pdf.pages):
            mcids = _content_mcids(page)
            assert len(mcids) == len(set(mcids))
            in_content += [(index, m) for m in mcids]
            entries = tree[int(page.obj.StructParents)]
            referenced = [m for m, owner in enumerate(entries) if owner is not None]
            assert sorted(mcids) == referenced, f"page {index + 1}"
            assert entries == [] or entries[-1] is not None
            for mcid in referenced:
                assert (index, mcid) in {m for e in _walk(pdf) if e.element.objgen == entries[mcid].objgen
                                         for m in e.mcids}
        assert sorted(owned) == sorted(in_content)


def test_appendix_page_is_a_figure_in_reading_order(fixture: Fixture, tagged: bytes) -> None:
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        elements = _walk(pdf)
        figures = [e for e in elements if e.element.S == Name.Figure]
        assert len(figures) == 1
        figure = figures[0]
        assert str(figure.element.Alt) == ALT
        assert figure.page == fixture.reserved and figure.mcids == [(fixture.reserved, int(figure.element.K))]
        # drawn first on the page, under everything else, around the appendix's form
        instructions = pikepdf.parse_content_stream(pdf.pages[fixture.reserved])
        first = instructions[0]
        assert str(first.operator) == "BDC" and first.operands[0] == Name.Figure
        assert first.operands[1].MCID == figure.element.K
        drawn = [str(ins.operands[0]) for i, op, stack in _contexts(instructions)
                 for ins in [instructions[i]] if op == "Do" and stack and stack[-1][0] == "/Figure"]
        assert drawn == ["/MpAppendix1"]
        # in the appendix's own article, after its placeholder, before the next item
        parent = figure.element.P
        assert parent.S == Name.Art and any(k.objgen == figure.element.objgen for k in _kids(parent))
        siblings = _kids(parent)
        assert siblings[-1].objgen == figure.element.objgen and siblings[-2].S == Name.Div
        order = [str(e.element.S) for e in elements]
        position = elements.index(figure)
        assert order.index("/H2") < position
        later_pages = [i for i, e in enumerate(elements) if e.page is not None and e.page > fixture.reserved]
        assert later_pages and min(later_pages) > position
        # where it is drawn, in page coordinates
        llx, lly, urx, ury = (float(v) for v in figure.element.A.BBox)
        assert figure.element.A.O == Name.Layout
        assert lly == pytest.approx(FOOTER_BAND, abs=0.01) and ury == pytest.approx(841.89, abs=0.5)
        assert 0 <= llx < urx <= 595.28


def test_text_extraction_is_unchanged(fixture: Fixture, tagged: bytes) -> None:
    plain = _finish(fixture.raw, fixture.appendix, fixture.reserved, tag=False)
    before = [page.extract_text() for page in PdfReader(io.BytesIO(plain)).pages]
    after = [page.extract_text() for page in PdfReader(io.BytesIO(tagged)).pages]
    assert after == before
    assert APPENDIX_TEXT in after[fixture.reserved] and "Page 3" in after[2]


def test_output_is_reproducible(fixture: Fixture, tagged: bytes, tmp_path: Path) -> None:
    assert _finish(fixture.raw, fixture.appendix, fixture.reserved) == tagged
    (tmp_path / "raw.pdf").write_bytes(fixture.raw)
    (tmp_path / "appendix.pdf").write_bytes(fixture.appendix)
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import test_tagging as t; "
        "d = Path(sys.argv[2]); "
        "sys.stdout.buffer.write(t._finish((d / 'raw.pdf').read_bytes(), (d / 'appendix.pdf').read_bytes(), "
        "int(sys.argv[3])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path),
                             str(fixture.reserved)], capture_output=True, env=env, check=True)
    assert result.stdout == tagged


def test_page_without_struct_parents_gets_a_new_key(fixture: Fixture) -> None:
    def forget_page(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[fixture.reserved].obj
        del pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[int(page.StructParents)]
        del page.StructParents

    data = _finish(fixture.raw, fixture.appendix, fixture.reserved, before_figure=forget_page)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        page = pdf.pages[fixture.reserved]
        keys = [int(k) for k in pikepdf.NumberTree(root.ParentTree)]
        key = int(page.obj.StructParents)
        assert key == max(keys) and key >= len(pdf.pages) - 1
        assert int(root.ParentTreeNextKey) == key + 1
        entries = _parent_tree(pdf)[key]
        figure = next(e for e in _walk(pdf) if e.element.S == Name.Figure)
        mcid = int(figure.element.K)
        assert [m for m, owner in enumerate(entries) if owner is not None] == [mcid]
        assert entries[mcid].objgen == figure.element.objgen
        others = [m for m in _content_mcids(page) if m != mcid]  # the hidden heading's, unregistered here
        assert mcid in _content_mcids(page) and mcid > max(others)
    texts = _texts(data, "artifact")
    assert f"Page {fixture.reserved + 1}" in texts[fixture.reserved] and "Agenda Item 6." in texts[fixture.reserved]


def test_bands_of_zero_change_nothing(fixture: Fixture) -> None:
    data = _finish(fixture.raw, fixture.appendix, fixture.reserved, top=0, bottom=0)
    assert not any(_texts(data, "artifact"))
    assert "Page 3" in _texts(data, "tagged")[2]


def test_untagged_pdf_gets_the_drawing_untagged(fixture: Fixture) -> None:
    with pikepdf.open(io.BytesIO(fixture.appendix)) as pdf:
        add_underlay_figure(pdf, 0, b"q\n0 0 10 10 re f\nQ\n", ALT)
        mark_page_furniture(pdf, top=TOP, bottom=BOTTOM)
        instructions = pikepdf.parse_content_stream(pdf.pages[0])
        assert "/StructTreeRoot" not in pdf.Root
        assert [str(i.operator) for i in instructions[:4]] == ["q", "re", "f", "Q"]
        assert not any(str(i.operator) in ("BDC", "BMC") for i in instructions)


def test_figure_without_alternative_text_is_refused(fixture: Fixture) -> None:
    with pikepdf.open(io.BytesIO(fixture.raw)) as pdf, pytest.raises(ValueError, match="alternative text"):
        add_underlay_figure(pdf, fixture.reserved, b"q\nQ\n", "  ")
