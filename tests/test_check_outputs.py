"""`pack check` finds before rendering what the build would otherwise find only at the end.

Two outputs on one path (a paper named like its item's PDF, a committee folder
named like one of the site's pages), images whose names have spaces or
letters outside ASCII (valid names that must work), and PDF pages of no or
absurd size.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from helpers_content import MEETING, check, errors, original, project

from meetingpack.commands.build import build_project

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'


def _pdf(width: float, height: float) -> bytes:
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.MediaBox = pikepdf.Array([0, 0, width, height])  # sizes pikepdf itself would refuse to make
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _with_pdf(name: str) -> str:
    return original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        f"        - appendix-budget.md\n        - {{pdf: {name}, title: Letter, description: A letter.}}\n")


def test_paper_named_like_its_items_pdf_is_found_by_check(tmp_path: Path) -> None:
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": _with_pdf("panel-2026-01-12-item-3.pdf"),
                              "panel/2026-01-12/panel-2026-01-12-item-3.pdf": _pdf(595, 842)})
    (d,) = errors(root)
    assert (d.path, d.line, d.column) == (MEETING, 13, 7)
    assert d.message == ("'panel-2026-01-12-item-3.pdf' would be published at "
                         "panel/2026-01-12/item-3/panel-2026-01-12-item-3.pdf, where the PDF of item 3 is published")


def test_committee_folder_named_like_a_site_page_is_found_by_check(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "panel").rename(root / "wards")
    found = [d for d in errors(root) if d.path == "content/wards"]
    assert [d.message for d in found] == [
        "the committee folder 'wards' has the name of one of the website's own pages (wards/)"]


def test_pdf_pages_of_no_or_absurd_size_are_refused(tmp_path: Path) -> None:
    for size, shown in (((0, 0), "0 x 0 mm"), ((200_000, 842), "70556 x 297 mm")):
        root = project(tmp_path / str(size[0]), {"panel/2026-01-12/meeting.yaml": _with_pdf("letter.pdf"),
                                                 "panel/2026-01-12/letter.pdf": _pdf(*size)})
        (d,) = errors(root)
        assert d.path == MEETING and d.line == 17
        assert d.message.startswith(f"'letter.pdf': page 1 measures {shown}; pages must be between 25 mm and")


def test_image_names_with_spaces_and_accents_work(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    report = original("panel/2026-01-12/report-budget.md").replace(
        "The council expects", "![Spending by month](<my chart.svg>)\n\n![Staff](Ünïcode.svg)\n\nThe council expects")
    root = project(tmp_path, {"panel/2026-01-12/report-budget.md": report,
                              "panel/2026-01-12/my chart.svg": SVG, "panel/2026-01-12/Ünïcode.svg": SVG})
    assert [d for d in check(root) if "image" in d.message] == []
    out = tmp_path / "build"
    result = build_project(root, out, jobs=1)
    assert not result.report.errors
    folder = out / "site/panel/2026-01-12/item-3/report-budget"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'src="my%20chart.svg"' in page and 'src="%C3%9Cn%C3%AFcode.svg"' in page
    assert b"<rect" in (folder / "my chart.svg").read_bytes() and (folder / "Ünïcode.svg").is_file()
    # WeasyPrint found and drew both in the PDF (it logs what it cannot load)
    assert [r.getMessage() for r in caplog.records if "image" in r.getMessage().lower()] == []


def test_image_from_another_folder_is_refused(tmp_path: Path) -> None:
    """Two papers of an item showing '../chart.svg' would publish it twice at one address."""
    report = original("panel/2026-01-12/report-budget.md").replace(
        "The council expects", "![Spending](../chart.svg)\n\nThe council expects")
    root = project(tmp_path, {"panel/2026-01-12/report-budget.md": report, "panel/chart.svg": SVG})
    (d,) = errors(root)
    assert d.message == "image '../chart.svg' must be in the document's folder or a folder inside it"
