"""Nothing active is published (issue 10, class 4): PDF appendices and SVG images are sanitised.

The hostile files are written here: a PDF (with pikepdf) with an OpenAction,
document JavaScript, page actions, JavaScript, Launch and `javascript:` links, an
embedded executable, a file attachment and an XFA form; an SVG with a script,
event handlers, foreignObject, animation and outside references.  Unit tests
check the sanitisers; one build of a paper that uses both checks every PDF and
SVG under `build/site/`, the warnings of `pack check`, and that raw HTML in
Markdown comes out as text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import defusedxml.ElementTree
import pikepdf
import pytest
from helpers_content import MEETING, check, original, project
from helpers_pdf import decoded_streams
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from meetingpack.sanitise import SvgProblem, sanitise_pdf, sanitise_svg

SECRET = b"EMBEDDEDPAYLOADQX"
"""In the embedded files and the XFA form: must be in no published byte."""
JS = "app.alert('SCRIPTSENTINELQX')"


# ------------------------------------------------------------------ a hostile PDF


def _js(pdf: pikepdf.Pdf, code: str = JS) -> pikepdf.Dictionary:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code)))


def _filespec(pdf: pikepdf.Pdf, name: str) -> pikepdf.Dictionary:
    stream = pdf.make_stream(b"MZ\x90\x00" + SECRET, Type=Name.EmbeddedFile)
    return pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String(name), UF=String(name),
                                        EF=Dictionary(F=stream)))


def _link(pdf: pikepdf.Pdf, y: int, action: pikepdf.Dictionary) -> pikepdf.Dictionary:
    return pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, y, 300, y + 20]),
                                        Border=Array([0, 0, 0]), A=action))


def hostile_pdf(words: str = "Hostile appendix text") -> bytes:
    """Two pages of text carrying every kind of active content a PDF viewer might act on."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for n in (1, 2):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 20 Tf 72 760 Td ({words} page {n}) Tj ET".encode())
    first, second = pdf.pages[0], pdf.pages[1]
    pdf.Root.OpenAction = _js(pdf)
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("init"), _js(pdf)])),
        EmbeddedFiles=Dictionary(Names=Array([String("payload.exe"), _filespec(pdf, "payload.exe")])))
    first.obj.AA = Dictionary(O=_js(pdf), C=_js(pdf))
    first.obj.Annots = pdf.make_indirect(Array([
        _link(pdf, 600, _js(pdf)),
        _link(pdf, 560, Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))),
        _link(pdf, 520, Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))),
        _link(pdf, 480, Dictionary(S=Name.URI, URI=String("https://www.example.org/report"))),
        _link(pdf, 440, Dictionary(S=Name.GoTo, D=Array([second.obj, Name.Fit]), Next=_js(pdf))),
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([72, 400, 90, 420]),
                                     FS=_filespec(pdf, "attached.exe"), Contents=String("attachment"))),
    ]))
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp:xdp>" + SECRET + b"</xdp:xdp>"))
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=1))
    entry = pdf.make_indirect(Dictionary(Title=String("Start"), Parent=outlines, A=_js(pdf)))
    outlines.First = outlines.Last = entry
    pdf.Root.Outlines = outlines
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


_ALLOWED_LINKS = ("http://", "https://", "mailto:")


def _objects(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every dictionary and stream reachable from the trailer, direct ones included."""
    found: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    todo: list[pikepdf.Object] = [pdf.trailer]
    while todo:
        obj = todo.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            found.append(obj)
            todo.extend(obj[k] for k in obj)
        elif isinstance(obj, pikepdf.Array):
            todo.extend(obj)
    return found


def active_content(data: bytes) -> list[str]:
    """Everything in a PDF that a viewer could run, launch or extract, by where it is."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        for key in ("/OpenAction", "/AA", "/Collection"):
            if key in root:
                found.append(f"catalog {key}")
        names = root.get("/Names", Dictionary())
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                found.append(f"names {key}")
        if "/XFA" in root.get("/AcroForm", Dictionary()):
            found.append("XFA")
        for obj in _objects(pdf):
            for key in ("/JS", "/AA", "/EF", "/AF"):
                if key in obj:
                    found.append(f"{key} in {obj.objgen}")
            if obj.get("/Type") == Name.EmbeddedFile or obj.get("/Subtype") == Name.FileAttachment:
                found.append(f"embedded file {obj.objgen}")
            kind = obj.get("/S")
            if kind in (Name.JavaScript, Name.Launch, Name.SubmitForm, Name.ImportData, Name.GoToR, Name.GoToE):
                found.append(f"action {kind} {obj.objgen}")
            if kind == Name.URI and not str(obj.get("/URI", "")).lower().startswith(_ALLOWED_LINKS):
                found.append(f"link to {obj.get('/URI')}")
        for objgen, content in decoded_streams(pdf):
            if SECRET in content or b"SCRIPTSENTINELQX" in content:
                found.append(f"payload in stream {objgen}")
    if SECRET in data or b"SCRIPTSENTINELQX" in data:
        found.append("payload in the raw bytes")
    return found


def test_the_hostile_pdf_is_hostile() -> None:
    """The test file carries what it should (else the tests below prove nothing)."""
    found = active_content(hostile_pdf())
    assert "catalog /OpenAction" in found and "names /JavaScript" in found and "names /EmbeddedFiles" in found
    assert "XFA" in found and any(f.startswith("action /Launch") for f in found)
    assert any(f.startswith("link to javascript:") for f in found)


def test_sanitising_a_pdf_removes_every_active_part_and_keeps_pages_and_plain_links() -> None:
    result = sanitise_pdf(hostile_pdf())
    assert active_content(result.data) == []
    assert set(result.removed) >= {"an action run when the file is opened (OpenAction)", "document JavaScript",
                                   "embedded files", "an XFA form", "JavaScript", "file attachments",
                                   "a Launch action (starts a program or opens a file)",
                                   "a link to 'javascript:alert(1)'"}
    reader = PdfReader(io.BytesIO(result.data))
    assert [p.extract_text().strip() for p in reader.pages] == ["Hostile appendix text page 1",
                                                                 "Hostile appendix text page 2"]
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        actions = [a.get("/A") for a in pdf.pages[0].Annots if "/A" in a]
        assert [str(a.S) for a in actions] == ["/URI", "/GoTo"]
        assert str(actions[0].URI) == "https://www.example.org/report"
        assert "/Next" not in actions[1]


def test_sanitising_is_deterministic_and_leaves_a_clean_pdf_as_it_came() -> None:
    data = hostile_pdf()
    assert sanitise_pdf(data).data == sanitise_pdf(data).data
    clean = sanitise_pdf(data).data
    again = sanitise_pdf(clean)
    assert again.removed == () and again.data == clean


# ------------------------------------------------------------------ a hostile SVG

HOSTILE_SVG = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="400" height="200" viewBox="0 0 400 200" onload="alert('svg')">
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <script>alert('SCRIPTINSVG')</script>
  <style>@import url("https://evil.example/x.css"); rect.bar { fill: url(#grad); stroke: black }
    .bg { background: url("https://evil.example/track.png") }</style>
  <defs><linearGradient id="grad"><stop offset="0" stop-color="#036"/></linearGradient>
    <rect id="unit" width="10" height="10"/></defs>
  <rect class="bar" x="10" y="10" width="100" height="50" onclick="steal()" inkscape:label="Bar"/>
  <rect x="120" y="10" width="50" height="50" style="fill: url('https://evil.example/p.svg#x'); stroke: red"/>
  <use href="#unit" x="200"/>
  <use xlink:href="https://evil.example/sprite.svg#icon" x="220"/>
  <a href="javascript:alert(1)"><text x="10" y="100">Click</text></a>
  <a href="https://evil.example/"><text x="10" y="120">Away</text></a>
  <foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">HTMLINSVG</div></foreignObject>
  <set attributeName="href" to="javascript:alert(2)"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <image href="file:///etc/passwd" width="1" height="1"/>
  <text x="10" y="180">Spending by service</text>
</svg>
"""


def test_sanitising_an_svg_keeps_the_drawing_and_removes_everything_active() -> None:
    result = sanitise_svg(HOSTILE_SVG.encode())
    text = result.data.decode()
    for gone in ("script", "SCRIPTINSVG", "onload", "onclick", "evil.example", "javascript", "foreignObject",
                 "HTMLINSVG", "<set", "/etc/passwd", "inkscape", "metadata", "DOCTYPE"):
        assert gone not in text, gone
    root = defusedxml.ElementTree.fromstring(result.data)
    svg = "{http://www.w3.org/2000/svg}"
    assert [e.tag.removeprefix(svg) for e in root] == [
        "style", "defs", "rect", "rect", "use", "use", "a", "a", "image", "text"]
    assert root[2].get("fill") is None and root[2].get("class") == "bar"
    assert root[3].get("style") == "stroke: red"
    assert root[4].get("href") == "#unit"
    assert root[5].get("{http://www.w3.org/1999/xlink}href") is None  # an outside sprite: left empty
    assert root[6].get("href") is None and root[6][0].text == "Click"
    assert root[8].get("href") == "data:image/png;base64,iVBORw0KGgo="
    assert "fill: url(#grad)" in root[0].text and "@import" not in root[0].text
    assert root[9].text == "Spending by service"
    assert result.removed == (
        "event handler attributes (onload)", "a <script> element", "a reference to 'https://evil.example/x.css'",
        "a reference to 'https://evil.example/track.png'", "event handler attributes (onclick)",
        "a reference to 'https://evil.example/p.svg#x'", "a reference to 'https://evil.example/sprite.svg#icon'",
        "a link to 'javascript:alert(1)'", "a link to 'https://evil.example/'",
        "a <foreignObject> element (HTML inside the image)", "animation (<set>, <animate>)",
        "a reference to 'file:///etc/passwd'")


def test_a_clean_svg_comes_through_unchanged_in_substance_and_sanitising_twice_changes_nothing() -> None:
    once = sanitise_svg(HOSTILE_SVG.encode())
    twice = sanitise_svg(once.data)
    assert twice.removed == () and twice.data == once.data


@pytest.mark.parametrize(("svg", "words"), [
    (('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'), "declares XML entities"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed XML"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"><script>x</script></html>', "not an SVG image"),
    ("", "not well-formed XML"),
])
def test_an_svg_that_cannot_be_read_safely_is_refused(svg: str, words: str) -> None:
    with pytest.raises(SvgProblem, match=words):
        sanitise_svg(svg.encode())


# ------------------------------------------------------------------ one build with both


HOSTILE_MEETING = original("panel/2026-01-12/meeting.yaml").replace(
    "        - appendix-budget.md\n",
    "        - appendix-budget.md\n"
    "        - pdf: hostile.pdf\n"
    "          title: Supplier's statement\n"
    "          label: Appendix 2\n"
    "          description: Two pages of text from the supplier.\n")

RAW_HTML = """
<script>alert('RAWSCRIPT')</script>

Before <img src=x onerror="alert('RAWIMG')"> after.

![Spending by service](hostile.svg)
"""


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from meetingpack.commands.build import build_project

    tmp = tmp_path_factory.mktemp("hostile")
    root = project(tmp, {
        "panel/2026-01-12/meeting.yaml": HOSTILE_MEETING,
        "panel/2026-01-12/hostile.pdf": hostile_pdf(),
        "panel/2026-01-12/hostile.svg": HOSTILE_SVG,
        "panel/2026-01-12/report-budget.md": original("panel/2026-01-12/report-budget.md") + RAW_HTML,
    })
    result = build_project(root, tmp / "build")
    manifest = json.loads((tmp / "build" / "manifest.json").read_text())
    return {"root": root, "out": tmp / "build", "site": tmp / "build" / "site", "result": result,
            "manifest": manifest}


def test_no_pdf_under_the_site_carries_active_content(hostile_build: dict[str, Any]) -> None:
    pdfs = sorted(hostile_build["site"].rglob("*.pdf"))
    assert len(pdfs) >= 4  # the pack, the item's PDF, the report's PDF, the appendix
    assert {str(p.relative_to(hostile_build["site"])): active_content(p.read_bytes()) for p in pdfs} == \
        {str(p.relative_to(hostile_build["site"])): [] for p in pdfs}


def test_the_published_appendix_keeps_its_pages(hostile_build: dict[str, Any]) -> None:
    appendix = next(hostile_build["site"].rglob("hostile.pdf"))
    texts = [p.extract_text().strip() for p in PdfReader(appendix).pages]
    assert texts == ["Hostile appendix text page 1", "Hostile appendix text page 2"]


def test_the_pack_draws_the_appendix_pages_without_their_active_content(hostile_build: dict[str, Any]) -> None:
    pack = next(hostile_build["site"].rglob("*-pack.pdf"))
    text = " ".join(p.extract_text() or "" for p in PdfReader(pack).pages)
    assert "Hostile appendix text page 1" in text and "Hostile appendix text page 2" in text
    assert active_content(pack.read_bytes()) == []


def test_the_published_svg_is_the_sanitised_one(hostile_build: dict[str, Any]) -> None:
    published = next(hostile_build["site"].rglob("hostile.svg")).read_bytes()
    assert published == sanitise_svg(HOSTILE_SVG.encode()).data
    assert b"script" not in published and b"onclick" not in published and b"Spending by service" in published


def test_pack_check_warns_what_publishing_removes_where_the_file_is_listed_or_shown(
        hostile_build: dict[str, Any]) -> None:
    warnings = [d for d in check(hostile_build["root"]) if d.severity == "warning"]
    listing = HOSTILE_MEETING.splitlines().index("        - pdf: hostile.pdf") + 1
    pdf_warning = next(d for d in warnings if "hostile.pdf" in d.message)
    assert (pdf_warning.path, pdf_warning.line) == (MEETING, listing)
    for words in ("OpenAction", "document JavaScript", "embedded files", "Launch", "XFA", "file attachments"):
        assert words in pdf_warning.message
    report = original("panel/2026-01-12/report-budget.md") + RAW_HTML
    image_line = report.splitlines().index("![Spending by service](hostile.svg)") + 1
    svg_warning = next(d for d in warnings if "hostile.svg" in d.message)
    assert (svg_warning.path, svg_warning.line) == ("content/panel/2026-01-12/report-budget.md", image_line)
    assert "a <script> element" in svg_warning.message and "event handler attributes" in svg_warning.message


def test_an_svg_that_is_not_well_formed_is_a_located_error(tmp_path: Path) -> None:
    report = original("panel/2026-01-12/report-budget.md") + "\n![Broken chart](broken.svg)\n"
    root = project(tmp_path, {"panel/2026-01-12/report-budget.md": report,
                              "panel/2026-01-12/broken.svg": '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'})
    found = [d for d in check(root) if d.severity == "error"]
    assert [(d.path, d.line) for d in found] == [("content/panel/2026-01-12/report-budget.md",
                                                  len(report.splitlines()))]
    assert "'broken.svg': the SVG cannot be read: it is not well-formed XML" in found[0].message


def test_raw_html_in_a_paper_is_shown_as_text_on_the_page_and_in_the_pdf(hostile_build: dict[str, Any]) -> None:
    page = next(p for p in hostile_build["site"].rglob("index.html") if p.parent.name == "report-budget")
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert "&lt;img src=x onerror=" in html and "<img src=x" not in html and "onerror=\"alert" not in html
    pdf = next(p for p in hostile_build["site"].rglob("report-budget.pdf"))
    text = " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    # the words as typed (the typographer curls the quotes): no script ran and nothing was dropped
    assert "<script>alert(‘RAWSCRIPT’)</script>" in text
    assert "Before <img src=x onerror=“alert(‘RAWIMG’)”> after." in text
