"""The document packs of the bundled example, parsed back: ranges, numbers, stamps, supplements, item PDFs,
cross references and the HTML page markers.

The later meeting (2 March 2026) has an agenda pack, one supplement (item 11,
published 26 February 2026), a consolidated pack and a members' pack with the
exempt item 13.  Every test reads what was produced (text per page, page
labels, outline) and compares it with what the manifest and front sheets say.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import pytest
from conftest import EXAMPLE, Built
from helpers_pdf import struct_elements
from pypdf import PdfReader

LATER = "2026-03-02"
EARLIER = "2025-12-09"
PACKS = [(EARLIER, "agenda"), (LATER, "agenda"), (LATER, "supplement-1"), (LATER, "consolidated")]
BLANK = "This page is intentionally left blank"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def numbered(built: Built, slug: str, kind: str) -> dict[int, str]:
    """Printed page number -> text of that page, for one pack."""
    entry = built.pack_entry(slug, kind)
    texts = built.page_texts(slug, kind)
    return {entry["first_page"] + k: t for k, t in enumerate(texts[entry["front_sheet_pages"]:])}


def item(built: Built, slug: str, number: int) -> dict[str, Any]:
    return next(i for i in built.meeting(slug)["items"] if i["number"] == number)


def document(built: Built, slug: str, ending: str) -> dict[str, Any]:
    entry = built.pack_entry(slug, "consolidated" if slug == LATER else "agenda")
    return next(d for d in entry["documents"] if d["id"].endswith(ending))


def test_the_later_meeting_has_agenda_supplement_and_consolidated_packs(built: Built) -> None:
    assert [p["kind"] for p in built.meeting(EARLIER)["packs"]] == ["agenda"]
    later = built.meeting(LATER)["packs"]
    assert [p["kind"] for p in later] == ["agenda", "supplement-1", "consolidated"]
    agenda, supplement, consolidated = later
    assert agenda["published_on"] == "2026-02-20" and supplement["published_on"] == "2026-02-26"
    assert [i["number"] for i in supplement["items"]] == [11]
    assert 11 not in [i["number"] for i in agenda["items"]]
    # page numbers are unique across the meeting: the supplement follows on from the agenda pack
    assert supplement["first_page"] == agenda["last_page"] + 1
    assert (consolidated["first_page"], consolidated["last_page"]) == (1, supplement["last_page"])


@pytest.mark.parametrize(("slug", "kind"), PACKS)
def test_ranges_are_contiguous_start_on_odd_pages_and_fill_the_pack(built: Built, slug: str, kind: str) -> None:
    entry = built.pack_entry(slug, kind)
    items = entry["items"]
    assert items[0]["first_page"] == entry["first_page"]
    for before, after in itertools.pairwise(sorted(items, key=lambda i: i["first_page"])):
        assert after["first_page"] == before["last_page"] + 1
    assert max(i["last_page"] for i in items) == entry["last_page"]
    assert all(i["first_page"] % 2 == 1 for i in items)
    assert entry["front_sheet_pages"] % 2 == 0
    assert entry["pages"] == entry["front_sheet_pages"] + entry["last_page"] - entry["first_page"] + 1
    assert len(built.pack(slug, kind).pages) == entry["pages"]


@pytest.mark.parametrize(("slug", "kind"), PACKS)
def test_front_sheet_ranges_are_where_the_stamps_and_last_pages_fall(built: Built, slug: str, kind: str) -> None:
    entry = built.pack_entry(slug, kind)
    front = flat(" ".join(built.page_texts(slug, kind)[: entry["front_sheet_pages"]]))
    pages = numbered(built, slug, kind)
    for it in entry["items"]:
        first, last = it["first_page"], it["last_page"]
        expected = f"(Page {first})" if first == last else f"(Pages {first} - {last})"
        title = item(built, slug, it["number"])["title"]
        start = title.replace("'", "\u2019")[:20]
        assert re.search(rf"{re.escape(start)}[^()]*(\(supplementary\) )?{re.escape(expected)}", front.replace("'", "\u2019")), title
        assert f"Agenda Item {it['number']}." in pages[first]
        if first > entry["first_page"]:
            assert "Agenda Item" not in pages[first - 1]
        stamped = [n for n in range(first, last + 1) if f"Agenda Item {it['number']}." in pages[n]]
        assert stamped == [first]


@pytest.mark.parametrize(("slug", "kind"), PACKS)
def test_every_numbered_page_shows_its_number_and_blank_pages_sit_before_items(built: Built, slug: str,
                                                                               kind: str) -> None:
    entry = built.pack_entry(slug, kind)
    texts = built.page_texts(slug, kind)
    starts = {i["first_page"] for i in entry["items"]}
    for number, text in numbered(built, slug, kind).items():
        assert re.search(rf"\bPage {number}\b", text), f"page {number} has no number"
        assert len(re.findall(r"\bPage \d+\b", text.replace(f"page {number}", ""))) >= 1
        if BLANK in text:
            # a blank page precedes an item, or ends the pack so that the next pack starts on an odd page
            assert number % 2 == 0 and (number + 1 in starts or number == entry["last_page"]), number
            assert len(flat(text).replace(BLANK, "").replace(f"Page {number}", "").strip()) == 0
    for text in texts[: entry["front_sheet_pages"]]:
        assert not re.search(r"\bPage \d+\b", text)


def test_the_example_needs_blank_pages(built: Built) -> None:
    pages = numbered(built, LATER, "consolidated")
    assert sum(BLANK in t for t in pages.values()) >= 3


def test_pack_banners_stamp_the_first_page_of_each_pack(built: Built) -> None:
    agenda = numbered(built, LATER, "agenda")
    assert "Public Document Pack" in agenda[1]
    assert not any("Public Document Pack" in t for n, t in agenda.items() if n > 1)
    supplement = numbered(built, LATER, "supplement-1")
    first = built.pack_entry(LATER, "supplement-1")["first_page"]
    assert "Supplementary Information" in supplement[first]


def test_supplementary_items_are_to_follow_in_the_agenda_and_listed_in_the_supplement(built: Built) -> None:
    agenda = built.pack_entry(LATER, "agenda")
    front = flat(" ".join(built.page_texts(LATER)[: agenda["front_sheet_pages"]]))
    assert "Future of Eastwood Youth Centre: pre-decision scrutiny (to follow)" in front
    supplement = built.pack_entry(LATER, "supplement-1")
    sfront = flat(" ".join(built.page_texts(LATER, "supplement-1")[: supplement["front_sheet_pages"]]))
    assert "Supplementary information" in sfront
    assert "Published on: Thursday 26 February 2026" in sfront
    assert "issued on Friday 20 February 2026" in sfront
    assert "Apologies for absence" not in sfront
    consolidated = built.pack_entry(LATER, "consolidated")
    cfront = flat(" ".join(built.page_texts(LATER, "consolidated")[: consolidated["front_sheet_pages"]]))
    assert "published on Thursday 26 February 2026" in cfront
    assert "(to follow)" not in cfront


def test_a_page_number_means_the_same_page_in_every_pdf(built: Built) -> None:
    consolidated = numbered(built, LATER, "consolidated")
    for kind in ("agenda", "supplement-1"):
        for number, text in numbered(built, LATER, kind).items():
            assert text == consolidated[number], (kind, number)
    members_file = built.meeting(LATER)["members_pack"]["file"]
    members = built.texts(members_file)
    front = next(i for i, t in enumerate(members) if re.search(r"\bPage 1\b", t))
    for number, text in consolidated.items():
        assert members[front + number - 1] == text, number
    for it in built.meeting(LATER)["items"]:
        if it["pdf"] is None:
            continue
        texts = built.texts(it["pdf"])
        assert len(texts) == it["last_page"] - it["first_page"] + 1
        for k, text in enumerate(texts):
            assert text == consolidated[it["first_page"] + k], (it["number"], k)
        labels = built.reader(it["pdf"]).page_labels
        assert labels[0] == str(it["first_page"]) and labels[-1] == str(it["last_page"])


def test_only_public_items_with_papers_get_an_item_pdf(built: Built) -> None:
    for it in built.meeting(LATER)["items"]:
        has_pages = it["first_page"] is not None
        assert (it["pdf"] is not None) == has_pages, it["number"]
        if it["exempt"]:
            assert it["pdf"] is None and it["first_page"] is None


def test_page_labels_match_printed_numbers(built: Built) -> None:
    for slug, kind in PACKS:
        entry = built.pack_entry(slug, kind)
        labels = built.pack(slug, kind).page_labels
        front = entry["front_sheet_pages"]
        prefix = "Supplement" if kind.startswith("supplement") else "Agenda"
        assert labels[:front] == [f"{prefix} {n}" for n in range(1, front + 1)]
        assert labels[front:] == [str(n) for n in range(entry["first_page"], entry["last_page"] + 1)]


def test_pdf_is_tagged_titled_outlined_and_in_british_english(built: Built) -> None:
    reader = built.pack(LATER, "consolidated")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "Children and Young People Overview and Scrutiny Panel" in reader.metadata.title
    assert reader.metadata.author == "Aldermoor Metropolitan Borough Council"
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    for it in built.pack_entry(LATER, "consolidated")["items"]:
        assert any(title.startswith(f"{it['number']}. ") for title in outline), it
    for box in (p.mediabox for p in reader.pages):
        assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]  # A4, either way
    item_pdf = built.reader(item(built, LATER, 6)["pdf"])
    assert item_pdf.metadata.title.startswith("Agenda item 6: ")
    assert "/StructTreeRoot" in item_pdf.trailer["/Root"]


def test_merged_pdf_appendix_pages_are_numbered_and_keep_their_text(built: Built) -> None:
    letter = document(built, LATER, "inspection-letter")
    pages = numbered(built, LATER, "consolidated")
    source = PdfReader(EXAMPLE / "children-young-people" / LATER / "inspection-letter.pdf")
    assert letter["last_page"] - letter["first_page"] + 1 >= len(source.pages)
    for k, source_page in enumerate(source.pages):
        number = letter["first_page"] + k
        assert f"Page {number}" in pages[number]
        first_words = (source_page.extract_text() or "").split()[:6]
        assert " ".join(first_words) in flat(pages[number])


def test_cross_references_print_the_page_they_land_on(built: Built) -> None:
    pages = numbered(built, LATER, "consolidated")
    text = flat(" ".join(pages.values()))
    plan = document(built, LATER, "appendix-exploitation-action-plan")
    views = document(built, LATER, "appendix-exploitation-young-people")
    letter = document(built, LATER, "inspection-letter")
    workplan = document(built, LATER, "appendix-workplan")
    assert f"attached as Appendix 1, page {plan['first_page']}. Of its twelve" in text
    assert f"summarised at Appendix 2, page {views['first_page']}," in text
    assert f"attached as Appendix 1, page {letter['first_page']}." in text
    assert f"attached as Appendix 1, page {workplan['first_page']}," in text
    # a heading: the page on which "Ideas for next year" is printed
    ideas = re.search(r"under Ideas for next year, page (\d+)", text)
    assert ideas and "ideas for next year" in pages[int(ideas.group(1))].replace(ideas.group(0), "").lower()
    # from the supplement back into the agenda pack: the number is known
    assert re.search(rf"work plan for 2025/26, page {workplan['first_page']} in December", text)
    # from the agenda pack forward into a later supplement: no number was known when it was issued
    assert "future of Eastwood Youth Centre (in the supplementary information)" in text


def test_cross_references_are_links_on_the_website(built: Built) -> None:
    folder = built.site / "children-young-people" / LATER
    page = (folder / "item-6" / "report-exploitation-update" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../appendix-exploitation-action-plan/index.html">Appendix 1</a>' in page
    assert '<a href="../appendix-exploitation-action-plan/index.html#summary">its summary</a>' in page
    plan = (folder / "item-6" / "appendix-exploitation-action-plan" / "index.html").read_text(encoding="utf-8")
    assert 'id="summary"' in plan
    workplan = (folder / "item-12" / "report-workplan" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../item-11/report-eastwood-youth-centre/index.html">' in workplan
    assert '<a href="../appendix-workplan/index.html#ideas">Ideas for next year</a>' in workplan
    visit = (folder / "item-8" / "report-focused-visit" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../inspection-letter.pdf">Appendix 1</a>' in visit


def test_html_view_marks_where_each_pack_page_begins(built: Built) -> None:
    pages = numbered(built, LATER, "consolidated")
    folder = built.site / "children-young-people" / LATER
    for doc_id in ("item-6-report-exploitation-update", "item-6-appendix-exploitation-action-plan",
                   "item-7-report-fostering", "item-12-appendix-workplan"):
        entry = document(built, LATER, doc_id)
        item_slug, _, doc_slug = doc_id.partition("-")[2].partition("-")
        page = (folder / f"item-{item_slug}" / doc_slug / "index.html").read_text(encoding="utf-8")
        markers = [int(n) for n in re.findall(r'class="page-marker" id="page-(\d+)"', page)]
        assert markers[0] == entry["first_page"]
        assert markers == sorted(set(markers))
        assert all(entry["first_page"] <= n <= entry["last_page"] for n in markers)
        text_pages = [n for n in range(entry["first_page"], entry["last_page"] + 1) if BLANK not in pages[n]]
        assert len(markers) >= len(text_pages) - 1, (doc_id, markers, text_pages)
        # the words that follow each marker are printed on that page of the pack
        for number in markers[1:]:
            after = page.split(f'id="page-{number}">Page {number}</', 1)[1]
            words = re.sub(r"<[^>]+>", " ", after.split(">", 1)[1])
            words = html.unescape(re.sub(r"\s+", " ", words)).strip().split(" ")
            snippet = " ".join(w for w in words[:12] if w)[:40]
            snippet = re.sub(r"^\d+\. ", "", snippet)[:20]
            assert snippet and snippet.lower() in flat(pages[number]).lower(), (doc_id, number, snippet)


def test_exempt_item_is_only_in_the_members_pack_with_its_range(built: Built) -> None:
    members_file = built.meeting(LATER)["members_pack"]["file"]
    assert members_file.startswith("private/")
    texts = built.texts(members_file)
    front = next(i for i, t in enumerate(texts) if re.search(r"\bPage 1\b", t))
    consolidated = built.pack_entry(LATER, "consolidated")
    exempt_pages = texts[front + consolidated["last_page"]:]
    assert exempt_pages and "Agenda Item 13." in exempt_pages[0]
    assert re.search(rf"\bPage {consolidated['last_page'] + 1}\b", exempt_pages[0])
    assert "Exempt information: not for publication" in exempt_pages[0]
    first = consolidated["last_page"] + 1
    last = first + len(exempt_pages) - 1
    assert f"(Pages {first} - {last})" in flat(" ".join(texts[:front]))
    assert "Members' Pack (includes exempt information)" in flat(" ".join(texts[:front]))


def _struct_elements_below(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    found = []
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_struct_elements_below(kid)]
    return found


def test_structure_tree_has_headings_tables_figures_and_no_stray_furniture(built: Built) -> None:
    import pikepdf

    entry = built.pack_entry(LATER, "consolidated")
    letter = document(built, LATER, "inspection-letter")
    with pikepdf.open(built.out / entry["file"]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en-GB"
        elements = struct_elements(pdf)
        kinds = [str(e.S) for e in elements]
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure", "/Link"} <= set(kinds)
        # header cells are tied to their data cells (WeasyPrint writes IDs and Headers)
        ids = {str(e.ID) for e in elements if str(e.S) == "/TH" and "/ID" in e}
        headers = [str(h) for e in elements if str(e.S) == "/TD" and "/A" in e and "/Headers" in e.A
                   for h in e.A.Headers]
        assert ids and headers and set(headers) <= ids
        # each merged page of the existing PDF, which is tagged, keeps its own tags: under one titled /Div on
        # its own page (tests/test_appendix.py; an untagged PDF's page is a Figure with alternative text)
        figures = [e for e in elements if str(e.S) == "/Div" and "Letter from Ofsted" in str(e.get("/T", ""))]
        assert len(figures) == 3
        for k, figure in enumerate(figures):
            page_index = entry["front_sheet_pages"] + letter["first_page"] - 1 + k
            assert figure.Pg.objgen == pdf.pages[page_index].obj.objgen
            assert f"page {k + 1} of 3" in str(figure.T)
            assert "/P" in {str(e.S) for e in _struct_elements_below(figure)}
        assert {"/H1", "/H2", "/L", "/LI"} <= {str(e.S) for f in figures for e in _struct_elements_below(f)}
        # page furniture is not content: no marked content points at an element outside the tree
        reachable = {e.objgen for e in elements}
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        artifacts = 0
        for page in pdf.pages:
            marked = tree.get(int(page.obj.StructParents))
            for elem in marked if isinstance(marked, pikepdf.Array) else []:
                assert elem is None or not isinstance(elem, pikepdf.Dictionary) or elem.objgen in reachable
            ops = pikepdf.parse_content_stream(page)
            artifacts += sum(1 for operands, op in ops
                             if str(op) == "BDC" and operands and operands[0] == pikepdf.Name.Artifact)
        # at least the page number of every numbered page, and every stamp and blank notice
        assert artifacts >= entry["last_page"]


@pytest.mark.parametrize(("slug", "kind"), PACKS)
def test_manifest_documents_end_on_their_last_printed_page_not_on_a_blank_one(built: Built, slug: str,
                                                                            kind: str) -> None:
    """A document's pages in manifest.json leave out the blank page after it (its item's range keeps it,
    as the front sheet prints it)."""
    entry = built.pack_entry(slug, kind)
    pages = numbered(built, slug, kind)
    blank_after = 0
    for doc in entry["documents"]:
        assert BLANK not in pages[doc["last_page"]], (doc["id"], doc["last_page"])
        if doc["last_page"] + 1 in pages and BLANK in pages[doc["last_page"] + 1]:
            blank_after += 1
    items = {i["number"]: i for i in entry["items"]}
    assert all(BLANK not in pages[i["first_page"]] for i in items.values())
    if kind == "consolidated":
        assert blank_after  # the example has documents followed by a blank page: the test can see the rule
