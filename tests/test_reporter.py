"""What a build tells the person running it: bars on a terminal, plain lines elsewhere, and the summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers_content import project
from rich.console import Console

from meetingpack.cli import main
from meetingpack.commands.build import build_project
from meetingpack.reporter import Reporter, TerminalReporter


def test_terminal_bars_count_reused_meetings(tmp_path: Path) -> None:
    root = project(tmp_path)
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    (root / "notes.txt").write_text("a change that no page shows", encoding="utf-8")  # else nothing to do
    screen = io.StringIO()
    reporter = TerminalReporter(Console(file=screen, force_terminal=True, width=120, color_system=None))
    try:
        result = build_project(root, out, progress=reporter, jobs=1)
    finally:
        reporter.close()
    text = screen.getvalue()
    assert (result.rendered, result.reused) == (0, 1)
    assert "packs" in text and "1/1" in text and "1 reused" in text
    assert "pages" in text and "site" in text and "search index" in text


def test_plain_lines_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    out = tmp_path / "build"
    assert main(["build", str(root), "--out", str(out), "-j", "1"]) == 0
    first = capsys.readouterr().err
    assert "rendering the packs of 1 meetings" in first
    assert "(1 rendered, " in first and " pages/s, 0 unchanged and taken from the cache)" in first
    assert main(["build", str(root), "--out", str(out), "-j", "1"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err
    (root / "notes.txt").write_text("a change that no page shows", encoding="utf-8")
    assert main(["build", str(root), "--out", str(out), "-j", "1"]) == 0
    second = capsys.readouterr().err
    assert "rendering the packs of 0 meetings; 1 unchanged, taken from the cache" in second
    assert "(0 rendered, 1 unchanged and taken from the cache)" in second
    assert " site tasks (" in first and " site tasks (0 unchanged)" in first
    assert " site tasks (0 unchanged)" not in second  # the committee's listing and the home page, say, are linked
    assert main(["build", str(root), "--out", str(out), "-j", "1", "--clean"]) == 0
    assert "(1 rendered, " in capsys.readouterr().err


def test_reporter_counts_pages_laid_out() -> None:
    lines: list[str] = []
    reporter = Reporter(lines.append)
    reporter.phase("packs", 3, reused=1)
    reporter.step("packs", "a", pages=10)
    reporter.step("packs", "b", reused=True)
    assert reporter.pages == 10
    assert lines == ["rendering the packs of 2 meetings; 1 unchanged, taken from the cache"]
