"""A build reaches no network and reads no file outside the content folder (issue 10, class 3).

A paper's SVG chart refers to a file outside the content folder (by `file:///`
and by `../../..`) and to a web server on 127.0.0.1; the content's own
`templates/pdf/pack.css` imports a stylesheet from that server and a background
from outside; a paper's Markdown images point outside and to the server. The
server must receive no request, and the sentinel phrase in the outside files
must be in no byte of any PDF (decompressed streams and extracted text) or file
under `build/site/`.
"""

from __future__ import annotations

import http.server
import io
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
import pytest
from helpers_content import original, project
from helpers_pdf import decoded_streams
from pypdf import PdfReader

SENTINEL = "OUTSIDESECRETZQX"
"""In every file outside the content folder; must never be published."""

REPO = Path(__file__).resolve().parent.parent


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with an SVG holding the sentinel, and notes that it was asked."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = _svg_with(SENTINEL).encode()
        content_type = "text/css" if self.path.endswith(".css") else "image/svg+xml"
        if self.path.endswith(".css"):
            body = f'body::after {{ content: "{SENTINEL}" }}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _svg_with(text: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" viewBox="0 0 300 60">'
            f'<text x="5" y="40" font-size="20">{text}</text></svg>')


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server bound to 127.0.0.1 only, shut down after the module's tests."""
    requests: ClassVar[list[str]] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _outside(tmp: Path) -> Path:
    """A folder beside the content folder, holding files with the sentinel."""
    folder = tmp / "outside"
    folder.mkdir()
    (folder / "secret.svg").write_text(_svg_with(SENTINEL), encoding="utf-8")
    (folder / "secret.css").write_text(f'body::before {{ content: "{SENTINEL}" }}', encoding="utf-8")
    (folder / "secret.txt").write_text(SENTINEL, encoding="utf-8")
    return folder


def _chart(outside: Path, base: str) -> str:
    return f"""\
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
             width="400" height="200" viewBox="0 0 400 200">
          <style>@import url("{base}/svg-style.css");</style>
          <rect width="400" height="200" fill="#dde"/>
          <text x="10" y="30" font-size="20">CHARTSHOWN</text>
          <image href="{outside.as_uri()}/secret.svg" x="0" y="50" width="300" height="60"/>
          <image xlink:href="../../../outside/secret.svg" x="0" y="100" width="300" height="60"/>
          <image href="{base}/svg-image.svg" x="0" y="150" width="300" height="60"/>
          <rect x="300" y="0" width="100" height="100" style="fill: url('{base}/fill.svg')"/>
        </svg>
        """


def _pack_css(outside: Path, base: str) -> str:
    builtin = (REPO / "templates" / "pdf" / "pack.css").read_text(encoding="utf-8")
    return (f'@import url("{base}/pack-import.css");\n@import url("{outside.as_uri()}/secret.css");\n'
            + builtin + f'\nhtml {{ background: url("{outside.as_uri()}/secret.svg") no-repeat; }}\n'
            + f'.front-sheet {{ background: url("{base}/background.svg") no-repeat; }}\n')


@pytest.fixture(scope="module")
def confined(tmp_path_factory: pytest.TempPathFactory, server: tuple[str, list[str]]) -> dict[str, Any]:
    """One build of a paper with the hostile chart and a hostile template override."""
    from meetingpack.commands.build import build_project

    base, requests = server
    tmp = tmp_path_factory.mktemp("fetch")
    outside = _outside(tmp)
    report = original("panel/2026-01-12/report-budget.md") + "\n![Spending against budget](chart.svg)\n"
    root = project(tmp, {
        "panel/2026-01-12/report-budget.md": report,
        "panel/2026-01-12/chart.svg": _chart(outside, base),
        "templates/pdf/pack.css": _pack_css(outside, base),
    })
    build_project(root, tmp / "build")
    return {"out": tmp / "build", "requests": list(requests), "root": root}


def _pdf_leaks(data: bytes, secret: str) -> list[str]:
    """Where `secret` is in a PDF: its raw bytes, any decoded stream, or the text of a page."""
    found = []
    if secret.encode() in data:
        found.append("raw bytes")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for objgen, content in decoded_streams(pdf):
            if secret.encode() in content:
                found.append(f"stream {objgen}")
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        if secret in (page.extract_text() or ""):
            found.append(f"text of page {number}")
    return found


def _site_leaks(site: Path, secret: str) -> dict[str, list[str]]:
    leaks: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            found = _pdf_leaks(data, secret)
        else:
            if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
                data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
            found = ["bytes"] if secret.encode() in data else []
        if found:
            leaks[str(path.relative_to(site))] = found
    return leaks


def test_a_build_sends_no_request_to_a_server_named_by_an_svg_or_a_template(confined: dict[str, Any]) -> None:
    assert confined["requests"] == []


def test_no_file_outside_the_content_folder_reaches_the_public_site(confined: dict[str, Any]) -> None:
    assert _site_leaks(confined["out"] / "site", SENTINEL) == {}


def test_the_chart_itself_is_still_drawn_in_the_pack(confined: dict[str, Any]) -> None:
    pack = next((confined["out"] / "site").rglob("*-pack.pdf"))
    text = " ".join(page.extract_text() or "" for page in PdfReader(pack).pages)
    assert "CHARTSHOWN" in text
    assert "Budget monitoring, quarter 3" in text


def test_the_published_chart_names_neither_the_server_nor_the_outside_file(confined: dict[str, Any]) -> None:
    chart = next((confined["out"] / "site").rglob("chart.svg")).read_text(encoding="utf-8")
    assert "CHARTSHOWN" in chart
    assert "127.0.0.1" not in chart
    assert "outside" not in chart
    assert "file:" not in chart


def test_markdown_images_pointing_outside_or_to_a_server_are_not_fetched_by_the_renderer(
        tmp_path: Path, server: tuple[str, list[str]]) -> None:
    """`pack check` refuses these images; the renderer must not fetch them even if it is called anyway."""
    from meetingpack.commands.check import check_project
    from meetingpack.render.pdf import render_packs
    from meetingpack.render.templates import make_environment
    from meetingpack.resolve import resolve_project

    base, requests = server
    before = len(requests)
    outside = _outside(tmp_path)
    report = original("panel/2026-01-12/report-budget.md") + (
        f"\n![From a server]({base}/md-image.svg)\n\n![By a path](../../../outside/secret.svg)\n\n"
        f"![By a file address]({outside.as_uri()}/secret.svg)\n\n![By an absolute path]({outside}/secret.svg)\n")
    root = project(tmp_path, {"panel/2026-01-12/report-budget.md": report})
    loaded, diagnostics = check_project(root)
    assert loaded is not None
    # markdown-it does not make an image of a file: address; the three others are refused by `pack check`
    assert len([d for d in diagnostics.diagnostics if "image" in d.message and d.severity == "error"]) == 3
    meeting = resolve_project(loaded)[0]
    packs = render_packs(make_environment(root), meeting)
    assert requests[before:] == []
    for pack in [*packs.public, *packs.item_pdfs.values(), *packs.document_pdfs.values()]:
        assert _pdf_leaks(pack.pdf, SENTINEL) == [], pack.key


def test_the_fetcher_serves_files_inside_its_folders_and_refuses_everything_else(
        tmp_path: Path, server: tuple[str, list[str]]) -> None:
    from meetingpack.render.fetch import ConfinedFetcher, RefusedResource

    base, requests = server
    before = len(requests)
    outside = _outside(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    (content / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (content / "sneaky.svg").symlink_to(outside / "secret.svg")
    (content / "linked").symlink_to(outside, target_is_directory=True)
    fetcher = ConfinedFetcher([content])
    served = fetcher.fetch((content / "chart.png").as_uri())
    assert served.read() == b"\x89PNG\r\n\x1a\nnot really" and served.content_type == "image/png"
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    refused = [
        (content / "sneaky.svg").as_uri(),  # a symbolic link to a file outside
        (content / "linked" / "secret.svg").as_uri(),  # through a linked folder
        (content / ".." / "outside" / "secret.svg").as_uri(),
        (outside / "secret.svg").as_uri(),
        (content / "missing.png").as_uri(),
        content.as_uri(),  # a folder, not a file
        "file://otherhost/etc/passwd",
        f"{base}/direct.svg",
        f"{base.replace('http:', 'https:')}/direct.svg",
        "ftp://127.0.0.1/x.svg",
    ]
    for url in refused:
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)
    assert requests[before:] == []


def test_an_svg_is_served_to_the_pdf_engine_sanitised(tmp_path: Path) -> None:
    from meetingpack.render.fetch import ConfinedFetcher, RefusedResource

    (tmp_path / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script><rect width="5" height="5"/></svg>')
    (tmp_path / "bomb.svg").write_text(
        '<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>')
    fetcher = ConfinedFetcher([tmp_path])
    served = fetcher.fetch((tmp_path / "chart.svg").as_uri())
    assert served.content_type == "image/svg+xml"
    assert served.read() == (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                             b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5" /></svg>\n')
    with pytest.raises(RefusedResource, match="declares XML entities"):
        fetcher.fetch((tmp_path / "bomb.svg").as_uri())
