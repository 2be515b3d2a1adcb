"""Existing PDF appendices that are not portrait A4, and their text (issue 13, items 3 and 9).

One build of a variant of the minimal project, for another authority (Penrhos County Council),
with appendix PDFs made here with WeasyPrint and pikepdf:

- `peer-review.pdf`, tagged (PDF/UA-1): an A4 landscape page of 10 pt text with a table, then
  an A4 portrait page; it is the only paper of item 1, so the item starts on a landscape page;
- `plans.pdf`, untagged: an A3 landscape plan, a US Letter portrait schedule, and an A4 page
  stored portrait but turned by /Rotate 90 (shown landscape, as a scanner writes it);
- `valuation.pdf`: an exempt appendix (Part B), whose text must reach no public file.

Checked on the pack's pages as written: page size and rotation, the scale of the placed appendix
page, where the page number and the stamp are printed, the text size of the source text, the
structure tree (ActualText of each merged page, /Scope of header cells); and on the website: the
text page of each public PDF, its notice, the search index, and nothing of the exempt one.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import re
from typing import Any

import pikepdf
import pytest
from helpers_content import original, project
from helpers_pdf import struct_elements
from pypdf import PdfReader
from weasyprint import HTML

A4_LONG, A4_SHORT = 841.89, 595.28
MM = 72 / 25.4

MEETING_YAML = """\
date: 2026-01-12
start_time: "10:00"
venue: Neuadd y Sir, Penrhos LL00 1AA
issued_on: 2026-01-02
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - title: Corporate peer challenge
      documents:
        - pdf: peer-review.pdf
          title: Peer challenge feedback
          label: Appendix 1
          description: The peer team's feedback, on landscape slides.
    - title: Budget monitoring, quarter 3
      documents:
        - report-budget.md
        - pdf: plans.pdf
          title: Site plans
          label: Appendix 2
          description: A plan on A3, a schedule on US Letter and a scanned table.
  part_b:
    - title: Sale of the old depot
      exempt_paragraph: 3
      documents:
        - report-depot.md
        - pdf: valuation.pdf
          title: Valuation of the depot
          label: Appendix A
          description: The valuer's report.
"""

PEER_PAGE_1 = (
    "<h1>Peer challenge</h1>"
    "<p>The council knows its places well and its leadership is visible across the county.</p>"
    "<p>Finances are sound, and the medium-term plan is realistic.</p>"
    "<table><thead><tr><th>Theme</th><th>Finding</th></tr></thead>"
    "<tbody><tr><td>Finance</td><td>Sound reserves</td></tr></tbody></table>")
EXEMPT_WORDS = "valuation of seven hundred thousand pounds for the Llanfair depot"


def _pdf(pages: list[tuple[str, str]], *, tagged: bool) -> bytes:
    """A PDF with one page per (CSS page size, HTML) in 10 pt text, tagged (PDF/UA-1) or not."""
    css = "".join(f"@page p{n} {{ size: {size}; margin: 20mm }} .p{n} {{ page: p{n} }}"
                  for n, (size, _) in enumerate(pages))
    body = "".join(f'<div class="p{n}" style="break-before: page; font: 10pt sans-serif">{html}</div>'
                   for n, (_, html) in enumerate(pages))
    document = HTML(string=f"<html lang='en-GB'><head><title>Appendix</title><style>{css}</style></head>"
                           f"<body>{body}</body></html>")
    return document.write_pdf(pdf_variant="pdf/ua-1") if tagged else document.write_pdf()


def _turned(data: bytes, k: int) -> bytes:
    """The PDF with page `k` given /Rotate 90."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages[k].obj.Rotate = 90
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from meetingpack.commands.build import build_project

    tmp = tmp_path_factory.mktemp("appendix")
    plans = _pdf([("A3 landscape", "<p>Plan of the depot site at a scale of 1 to 500.</p>"),
                  ("letter", ("<p>Schedule of works, printed on US Letter.</p><p>&lt;script&gt;alert(1)&lt;/script&gt; "
                              "&amp; other text that looks like markup.</p>")),
                  ("A4", "<p>Scanned table of room sizes.</p>")], tagged=False)
    root = project(tmp, {
        "site.yaml": original("site.yaml").replace("Testford Borough Council", "Penrhos County Council"),
        "panel/2026-01-12/meeting.yaml": MEETING_YAML,
        "panel/2026-01-12/peer-review.pdf": _pdf([("A4 landscape", PEER_PAGE_1),
                                                  ("A4", "<p>The peer team thanks everyone it met.</p>")],
                                                 tagged=True),
        "panel/2026-01-12/plans.pdf": _turned(plans, 2),
        "panel/2026-01-12/valuation.pdf": _pdf([("A4", f"<p>A {EXEMPT_WORDS}.</p>")], tagged=False),
    })
    build_project(root, tmp / "build")
    manifest = json.loads((tmp / "build" / "manifest.json").read_text())
    meeting = manifest["meetings"][0]
    agenda = next(p for p in meeting["packs"] if p["kind"] == "agenda")
    return {"out": tmp / "build", "meeting": meeting, "agenda": agenda,
            "site": tmp / "build" / "site" / "panel" / "2026-01-12"}


def _document(case: dict[str, Any], ending: str) -> dict[str, Any]:
    return next(d for d in case["agenda"]["documents"] if d["id"].endswith(ending))


def _pack_page(case: dict[str, Any], number: int) -> int:
    """The index in the agenda pack of printed page `number`."""
    return case["agenda"]["front_sheet_pages"] + number - 1


def _placement(page: pikepdf.Page) -> tuple[float, ...]:
    """The `cm` that places the merged appendix page: before its form's `Do`, or opening a grafted page."""
    instructions = pikepdf.parse_content_stream(page)
    for k, (operands, operator) in enumerate(instructions):
        if str(operator) == "Do" and str(operands[0]).startswith("/MpAppendix"):
            assert str(instructions[k - 1].operator) == "cm"
            return tuple(float(v) for v in instructions[k - 1].operands)
    # a tagged page drawn with its own tags (appendix_tags.py): q, the placement, the page's own matrix...
    assert [str(i.operator) for i in instructions[:3]] == ["q", "cm", "cm"]
    return tuple(float(v) for v in instructions[1].operands)


def _scale(matrix: tuple[float, ...]) -> float:
    return math.hypot(matrix[0], matrix[1])


def _runs(reader: PdfReader, index: int) -> list[tuple[str, float, float, float]]:
    """Text runs of a page: (text, x, y, font size), with pypdf's matrices (in a form: the form's space)."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x, y, size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def test_a_landscape_a4_page_gets_a_landscape_pack_page_at_nearly_full_size(case: dict[str, Any]) -> None:
    peer = _document(case, "peer-review")
    assert (peer["first_page"], peer["last_page"]) == (1, 2)  # no page of its own for the item's start
    path = case["out"] / case["agenda"]["file"]
    with pikepdf.open(path) as pdf:
        landscape = pdf.pages[_pack_page(case, 1)]
        assert [round(float(v), 1) for v in landscape.mediabox] == [0, 0, round(A4_LONG, 1), round(A4_SHORT, 1)]
        assert int(landscape.obj.get("/Rotate", 0)) == 0
        placed = _placement(landscape)
        assert _scale(placed) >= 0.95
        assert placed[5] >= 10 * MM - 0.01  # drawn above the foot band
        portrait = pdf.pages[_pack_page(case, 2)]  # the peer review's second page is portrait: so is its page
        assert [round(float(v), 1) for v in portrait.mediabox] == [0, 0, round(A4_SHORT, 1), round(A4_LONG, 1)]
    runs = _runs(PdfReader(path), _pack_page(case, 1))
    # 10 pt text of the source prints at 9.5 pt or more (drawn inline, with its tags: in the page's space)
    body = next(r for r in runs if r[0].startswith("The council knows its places"))
    assert 9.5 <= body[3] <= 10.0
    # the page number and the stamp are printed for a landscape page: in the band at its foot, under the
    # appendix page (not over it, not sideways), the number in the middle and the stamp at the right
    number = next(r for r in runs if r[0] == "Page 1")
    stamp = next(r for r in runs if r[0].startswith("Agenda Item 1"))
    for run in (number, stamp):
        assert 0 < run[2] < placed[5]
    assert abs(number[1] - A4_LONG / 2) < 30
    assert stamp[1] > A4_LONG * 0.75
    text = PdfReader(path).pages[_pack_page(case, 1)].extract_text()
    assert "Public Document Pack" in text and "Sound reserves" in text


def test_odd_sizes_fit_the_a4_page_of_their_orientation(case: dict[str, Any]) -> None:
    plans = _document(case, "plans")
    with pikepdf.open(case["out"] / case["agenda"]["file"]) as pdf:
        a3, letter, turned = (pdf.pages[_pack_page(case, plans["first_page"] + k)] for k in range(3))
        for page in (a3, turned):
            width, height = (float(v) for v in page.mediabox[2:4])
            assert (round(width), round(height)) == (842, 595) and int(page.obj.get("/Rotate", 0)) == 0
        width, height = (float(v) for v in letter.mediabox[2:4])
        assert (round(width), round(height)) == (595, 842)
        # A3 landscape is scaled to fit the landscape page above its foot band: height-bound
        a3_scale = _scale(_placement(a3))
        assert a3_scale == pytest.approx((A4_SHORT - 10 * MM) / (297 * MM), abs=0.002)
        # US Letter portrait fills the portrait page's width
        assert _scale(_placement(letter)) == pytest.approx(A4_SHORT / 612, abs=0.002)
        # a page turned by /Rotate is drawn turned: its form's matrix rotates, and it fills the landscape page
        matrix = _placement(turned)
        assert _scale(matrix) >= 0.95
    texts = [p.extract_text() for p in PdfReader(case["out"] / case["agenda"]["file"]).pages]
    for k, words in enumerate(("Plan of the depot site", "Schedule of works", "Scanned table of room sizes")):
        assert words in texts[_pack_page(case, plans["first_page"] + k)]
        assert f"Page {plans['first_page'] + k}" in texts[_pack_page(case, plans["first_page"] + k)]


def _marked_text(reader: PdfReader, index: int) -> dict[int, str]:
    """The text drawn in each marked-content sequence (by MCID) of a page."""
    texts: dict[int, str] = {}
    open_: list[int | None] = []

    def before(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        if operator == b"BDC":
            props = operands[1] if len(operands) > 1 else None
            open_.append(props.get("/MCID") if hasattr(props, "get") else None)
        elif operator == b"BMC":
            open_.append(None)
        elif operator == b"EMC" and open_:
            open_.pop()

    def text(words: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        mcid = next((m for m in reversed(open_) if m is not None), None)
        if mcid is not None and words.strip():
            texts[int(mcid)] = texts.get(int(mcid), "") + words

    reader.pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def _text_of(element: pikepdf.Dictionary, texts: dict[int, str]) -> str:
    kids = element.get("/K")
    out = []
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
        if isinstance(kid, int):
            out.append(texts.get(int(kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out.append(_text_of(kid, texts))
    return " ".join(w for w in out if w)


def test_a_tagged_appendix_keeps_its_own_tags(case: dict[str, Any]) -> None:
    path = case["out"] / case["agenda"]["file"]
    reader = PdfReader(path)
    with pikepdf.open(path) as pdf:
        elements = struct_elements(pdf)
        assert not [e for e in elements if e.S == pikepdf.Name.Figure and "Peer challenge" in str(e.get("/Alt"))]
        grafts = [e for e in elements if e.S == pikepdf.Name.Div and str(e.get("/T", "")).startswith(
            "Appendix 1: Peer challenge feedback, page ")]
        assert [str(g.T) for g in grafts] == [f"Appendix 1: Peer challenge feedback, page {k} of 2" for k in (1, 2)]
        for graft, k in zip(grafts, (1, 2), strict=True):
            assert graft.Pg.objgen == pdf.pages[_pack_page(case, k)].obj.objgen
            assert str(graft.P.S) == "/Art"  # inside the appendix's own element, in reading order
        texts = _marked_text(reader, _pack_page(case, 1))
        inside = _elements_below(grafts[0])
        kinds = [str(e.S) for e in inside]
        assert {"/H1", "/P", "/Table", "/THead", "/TH", "/TD"} <= set(kinds)
        heading = next(e for e in inside if e.S == pikepdf.Name.H1)
        assert _text_of(heading, texts) == "Peer challenge"
        paragraphs = [_text_of(e, texts) for e in inside if e.S == pikepdf.Name.P]
        assert paragraphs[:2] == ["The council knows its places well and its leadership is visible across the county.",
                                  "Finances are sound, and the medium-term plan is realistic."]
        assert [_text_of(e, texts) for e in inside if e.S == pikepdf.Name.TH] == ["Theme", "Finding"]
        assert all(e.A.Scope == pikepdf.Name.Column for e in inside if e.S == pikepdf.Name.TH)
        # the ParentTree maps each grafted MCID of the page to its element
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        entries = tree[int(pdf.pages[_pack_page(case, 1)].obj.StructParents)]
        owned = {e.objgen for e in inside}
        source_words = [(m, w) for m, w in texts.items() if w in ("Peer challenge", "Theme", "Sound reserves")]
        assert len(source_words) == 3
        assert all(entries[m].objgen in owned for m, _ in source_words)
        assert "The peer team thanks everyone it met." in _text_of(grafts[1], _marked_text(reader, _pack_page(case, 2)))


def _elements_below(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found = []
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements_below(kid)]
    return found


def test_an_untagged_appendix_page_carries_its_text_for_assistive_technology(case: dict[str, Any]) -> None:
    with pikepdf.open(case["out"] / case["agenda"]["file"]) as pdf:
        plans = [e for e in struct_elements(pdf) if e.S == pikepdf.Name.Figure and "Site plans" in str(e.get("/Alt"))]
        assert len(plans) == 3
        assert "page 1 of 3" in str(plans[0].Alt)
        # the page's text, paragraph by paragraph
        assert str(plans[0].ActualText) == "Plan of the depot site at a scale of 1 to 500."
        assert str(plans[1].ActualText).startswith("Schedule of works, printed on US Letter.\n\n<script>")
        assert "Scanned table of room sizes." in str(plans[2].ActualText)
        plans_doc = _document(case, "plans")
        for figure, k in zip(plans, range(3), strict=True):
            assert figure.Pg.objgen == pdf.pages[_pack_page(case, plans_doc["first_page"] + k)].obj.objgen


def test_table_header_cells_carry_their_scope(case: dict[str, Any]) -> None:
    with pikepdf.open(case["out"] / case["agenda"]["file"]) as pdf:
        headers = [e for e in struct_elements(pdf) if e.S == pikepdf.Name.TH]
        assert headers
        assert all(h.A.O == pikepdf.Name.Table and "/Scope" in h.A for h in headers)
        scopes = [str(h.A.Scope) for h in headers]
        # the front sheet's Venue / Date / Time head rows; the report's header table heads columns
        assert scopes.count("/Row") == 3 and scopes.count("/Column") >= 3


def test_the_text_of_a_public_pdf_is_a_web_page_marked_as_converted(case: dict[str, Any]) -> None:
    page = (case["site"] / "item-2" / "plans" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Appendix 2: Site plans</h1>" in page
    assert "<strong>Converted from the PDF.</strong>" in page and "layout, tables and pictures are not kept" in page
    assert '<a href="../plans.pdf">' in page
    plans = _document(case, "plans")
    assert "<p>Plan of the depot site at a scale of 1 to 500.</p>" in page
    # each page of the PDF where the pack prints it
    second = plans["first_page"] + 1
    assert re.search(rf'<p class="page-marker" id="page-{second}">Page {second}</p>\s*<p>Schedule of works', page)
    # text is text: escaped, never markup
    assert "<script>" not in page and "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; other text" in page
    peer = (case["site"] / "item-1" / "peer-review" / "index.html").read_text(encoding="utf-8")
    assert "<p>Finances are sound, and the medium-term plan is realistic.</p>" in peer
    item = (case["site"] / "item-2" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../plans/index.html">text of the PDF' in item.replace("../item-2/", "../")
    fragments = b" ".join(gzip.decompress(f.read_bytes())
                          for f in (case["out"] / "site" / "pagefind").glob("*/fragment/*")).decode()
    assert "Plan of the depot site" in fragments and "leadership is visible across the county" in fragments


def test_nothing_of_an_exempt_pdf_reaches_the_website(case: dict[str, Any]) -> None:
    site = case["out"] / "site"
    assert not (case["site"] / "item-3" / "valuation").exists()
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            data = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).encode()
        elif path.parent.name in ("fragment", "index") or path.suffix.startswith(".pf_"):
            try:
                data = gzip.decompress(data)
            except OSError:
                pass
        assert b"seven hundred thousand" not in data and b"valuation" not in data.lower(), path
    members = PdfReader(case["out"] / case["meeting"]["members_pack"]["file"])
    assert "seven hundred thousand" in " ".join(p.extract_text() or "" for p in members.pages)
    with pikepdf.open(case["out"] / case["meeting"]["members_pack"]["file"]) as pdf:
        figure = next(e for e in struct_elements(pdf) if e.S == pikepdf.Name.Figure and "Valuation" in str(e.Alt))
        assert EXEMPT_WORDS in str(figure.ActualText)



def test_paragraphs_end_at_gaps_short_lines_and_list_items() -> None:
    from meetingpack.render.appendix_text import paragraphs_of

    page = """
      Headline findings
      Since the last inspection, senior leaders have worked with determination to
      improve the quality of practice for children who need help and protection.

      What needs to improve
      \u2022 The quality of child in need plans, so that they set out clearly what needs
        to change for each child.
      (a) Oversight of children in need whose circumstances are not improving.

      Yours sincerely
      Rachel Ingram
    """
    assert paragraphs_of(page) == (
        "Headline findings",
        ("Since the last inspection, senior leaders have worked with determination to improve the quality "
        "of practice for children who need help and protection."),
        "What needs to improve",
        ("\u2022 The quality of child in need plans, so that they set out clearly what needs to change for "
        "each child."),
        "(a) Oversight of children in need whose circumstances are not improving.",
        "Yours sincerely",
        "Rachel Ingram",
    )
    assert paragraphs_of("") == ()


@pytest.mark.parametrize("extra", [b"BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI", b"EMC", b"Q"])
def test_a_tagged_page_that_cannot_be_grafted_is_left_for_the_figure(extra: bytes) -> None:
    from meetingpack.render import appendix_tags

    with pikepdf.open(io.BytesIO(_pdf([("A4", "<p>Target page.</p>")], tagged=True))) as pack, \
            pikepdf.open(io.BytesIO(_pdf([("A4", "<p>Source page.</p>")], tagged=True))) as source:
        form = pack.copy_foreign(source.pages[0].as_form_xobject())
        name = pack.pages[0].add_resource(form, pikepdf.Name.XObject)
        placement = pack.pages[0].calc_form_xobject_placement(form, name, pikepdf.Rectangle(0, 36, 595, 842))
        before = pack.pages[0].obj.Contents.read_bytes()
        assert appendix_tags.graft(pack, 0, source, 0, placement, form, "Appendix", "Appendix, page 1 of 1.")
        assert pack.pages[0].obj.Contents[0].read_bytes().startswith(b"q\n")  # drawn, with its tags
        source.pages[0].contents_add(extra)
        fresh = pikepdf.open(io.BytesIO(_pdf([("A4", "<p>Target page.</p>")], tagged=True)))
        form = fresh.copy_foreign(source.pages[0].as_form_xobject())
        name = fresh.pages[0].add_resource(form, pikepdf.Name.XObject)
        placement = fresh.pages[0].calc_form_xobject_placement(form, name, pikepdf.Rectangle(0, 36, 595, 842))
        assert not appendix_tags.graft(fresh, 0, source, 0, placement, form, "Appendix", "Appendix, page 1 of 1.")
        assert fresh.pages[0].obj.Contents.read_bytes() == before  # nothing drawn: the figure is drawn instead
        fresh.close()
