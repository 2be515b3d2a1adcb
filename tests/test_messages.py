"""Messages a person can act on (issue 10, class 8).

Paths are printed relative to the folder `pack` was run from (absolute when the
file is outside it); no message carries a temporary path or a library's words;
an empty file is called empty; a file that is not UTF-8 is reported at the line
and column of its first bad byte.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest
from helpers_content import MEETING, errors, original, project

from meetingpack.cli import main
from meetingpack.errors import Diagnostic

FOLDER = "panel/2026-01-12"
APPENDIX = f"content/{FOLDER}/appendix-budget.md"
WITH_PDF = original(f"{FOLDER}/meeting.yaml").replace(
    "        - appendix-budget.md\n",
    "        - appendix-budget.md\n        - {pdf: letter.pdf, title: Letter, description: A letter.}\n")
PDF_LINE = 17
"""The line of meeting.yaml (WITH_PDF) that lists letter.pdf."""


def only(found: list[Diagnostic]) -> Diagnostic:
    assert len(found) == 1, found
    return found[0]


def broken_site(tmp_path: Path) -> Path:
    return project(tmp_path, {"site.yaml": original("site.yaml").replace("base_url: https://", "base_url: ")})


# ------------------------------------------------------------ paths as typed


def test_paths_are_relative_to_the_folder_pack_was_run_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_site(tmp_path)
    monkeypatch.chdir(root)  # Before: "content/site.yaml", a path that does not exist from here.
    assert main(["check", "."]) == 1
    assert "\nsite.yaml:5:11: error: base_url: must start with https://" in "\n" + capsys.readouterr().err
    monkeypatch.chdir(root / "panel")
    assert main(["check", ".."]) == 1
    err = capsys.readouterr().err
    assert f"{root.resolve() / 'site.yaml'}:5:11: error: " in err  # outside the current folder: the absolute path
    assert not re.search(r"^\.\./", err, re.MULTILINE)


def test_paths_printed_from_the_project_folder_open_from_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_site(tmp_path)
    (root / FOLDER / "appendix-budget.md").write_bytes(b"")
    monkeypatch.chdir(tmp_path / "content" / "..")
    assert main(["check", "content"]) == 1
    printed = [line.split(":")[0] for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert sorted(printed) == ["content/panel/2026-01-12/appendix-budget.md", "content/site.yaml"]
    assert all(Path(p).is_file() for p in printed)


def test_a_path_outside_the_current_folder_is_printed_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_site(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["check", os.path.relpath(root)]) == 1
    line = next(line for line in capsys.readouterr().err.splitlines() if ": error: " in line)
    assert line.startswith(f"{root.resolve() / 'site.yaml'}:5:11: error: ")
    assert ".." not in line.split(":")[0]


# ------------------------------------------------------------ PDFs in plain words


def pdf_errors(tmp_path: Path, pdf: bytes) -> Diagnostic:
    return only(errors(project(tmp_path, {f"{FOLDER}/meeting.yaml": WITH_PDF, f"{FOLDER}/letter.pdf": pdf})))


def test_a_damaged_pdf_is_called_damaged_without_the_libraries_words(tmp_path: Path) -> None:
    # Before: "the PDF is damaged and cannot be read (/tmp/.../letter.pdf: unable to find trailer dictionary...)"
    d = pdf_errors(tmp_path, b"%PDF-1.7\nthis is not really a PDF\n" * 20)
    assert (d.path, d.line) == (MEETING, PDF_LINE)
    assert d.message == ("'letter.pdf': the PDF is damaged and cannot be read; open it in a PDF reader and "
                         "save a new copy, or ask whoever sent it for a new copy")
    assert str(tmp_path) not in d.message + d.hint


def test_a_file_that_is_not_a_pdf_is_called_so(tmp_path: Path) -> None:
    word_document = b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" * 50
    d = pdf_errors(tmp_path, word_document)
    assert d.message == ("'letter.pdf': the file is not a PDF (it does not start as a PDF does); "
                         "it may be another kind of file renamed to .pdf")


def test_a_truncated_pdf_is_damaged_not_a_library_error(tmp_path: Path) -> None:
    import io

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    d = pdf_errors(tmp_path, out.getvalue()[:40])
    assert "damaged" in d.message and "trailer" not in d.message and "(" not in d.message


def test_an_empty_pdf_is_called_empty(tmp_path: Path) -> None:
    d = pdf_errors(tmp_path, b"")
    assert (d.path, d.line) == (MEETING, PDF_LINE)
    assert d.message == "'letter.pdf': the file is empty (0 bytes)"


# ------------------------------------------------------------ empty files


@pytest.mark.parametrize("target", ["site.yaml", "panel/committee.yaml", "panel/workplan.yaml",
                                    f"{FOLDER}/meeting.yaml", f"{FOLDER}/appendix-budget.md",
                                    f"{FOLDER}/report-budget.md"])
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_an_empty_file_is_called_empty(tmp_path: Path, target: str, content: bytes) -> None:
    # Before: "expected a set of 'field: value' lines" or "the document has no front matter".
    found = [d for d in errors(project(tmp_path, {target: content})) if d.path == f"content/{target}"]
    d = only(found)
    assert (d.line, d.message) == (1, "the file is empty")


# ------------------------------------------------------------ not UTF-8


def test_a_non_utf8_paper_is_reported_at_its_first_bad_byte(tmp_path: Path) -> None:
    # Before: line 0, "the file is not UTF-8 text (invalid continuation byte)".
    text = "---\nkind: appendix\ntitle: Forecast\nlabel: Appendix 1\n---\n\nThe café and the bistro.\n"
    d = only(errors(project(tmp_path, {f"{FOLDER}/appendix-budget.md": text.encode("cp1252")})))
    assert (d.path, d.line, d.column) == (APPENDIX, 7, 8)
    assert d.message == "the file is not UTF-8 text: byte 0xE9 is not UTF-8"
    assert "UTF-8" in d.hint


def test_a_non_utf8_yaml_file_is_reported_at_its_first_bad_byte(tmp_path: Path) -> None:
    text = original("panel/committee.yaml").replace("Councillor Ann Carter", "Councillor Zoë “Ann” Carter")
    d = only(errors(project(tmp_path, {"panel/committee.yaml": text.encode("cp1252")})))
    assert (d.path, d.line, d.column) == ("content/panel/committee.yaml", 5, 23)
    assert d.message == "the file is not UTF-8 text: byte 0xEB is not UTF-8"


def test_the_column_of_a_bad_byte_counts_characters_not_bytes(tmp_path: Path) -> None:
    text = "name: Résumé ".encode() + b"\xff" + b"\n"
    d = only([d for d in errors(project(tmp_path, {"panel/committee.yaml": text}))
              if d.path == "content/panel/committee.yaml"])
    assert (d.line, d.column) == (1, 14)
    assert "0xFF" in d.message


# ------------------------------------------------------------ YAML in plain words


@pytest.mark.parametrize(("text", "line", "col", "words"), [
    ("date: 2026-01-12\nvenue: Room 1: Town Hall\n", 2, 14, "a ':' followed by a space"),
    ("date: 2026-01-12\n\tvenue: Town Hall\n", 2, 1, "a tab"),
    ("date: 2026-01-12\nissued_by: *officer\n", 2, 12, "no anchor '&officer'"),
    ("date: 2026-01-12\n---\ndate: 2026-01-13\n", 2, 1, "more than one YAML document"),
    ('venue: "Room \\q"\n', 1, 15, "'\\q' is not an escape"),
])
def test_yaml_syntax_errors_in_plain_words(tmp_path: Path, text: str, line: int, col: int, words: str) -> None:
    d = only(errors(project(tmp_path, {f"{FOLDER}/meeting.yaml": text})))
    assert (d.path, d.line, d.column) == (MEETING, line, col)
    assert words in d.message
    for library in ("mapping values", "token", "stream", "<unicode string>", "constructor", "scanning"):
        assert library not in d.message
