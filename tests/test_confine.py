"""Confinement: the build reads nothing outside the content folder, whatever links the folder holds.

A symbolic link (to a file or a folder) whose target is outside the content
folder is a content error naming the link; nothing of the target is read or
published.  Links that stay inside the folder work as before.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers_content import check, errors, original, project

from meetingpack.cli import main

SECRET = "Outsidersecret phrase"
MINUTES = f"""---
kind: minutes
attendance:
  present: [Councillor Ann Carter (Chair)]
---

## Apologies

{SECRET}.
"""


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the content folder, with files that must never be read."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    shutil.copytree(Path(original.__globals__["MINIMAL"]) / "panel/2026-01-12", folder / "meeting")
    (folder / "meeting/report-budget.md").write_text(
        original("panel/2026-01-12/report-budget.md").replace("spend within its budget", SECRET), encoding="utf-8")
    (folder / "page.html").write_text(SECRET, encoding="utf-8")
    return folder


def _link_errors(root: Path) -> list[tuple[str, str]]:
    return [(d.path, d.message) for d in errors(root) if "symbolic link" in d.message]


def test_minutes_linked_from_outside_is_an_error(tmp_path: Path, outside: Path) -> None:
    root = project(tmp_path)
    os.symlink(outside / "minutes.md", root / "panel/2026-01-12/minutes.md")
    assert _link_errors(root) == [(
        "content/panel/2026-01-12/minutes.md",
        f"'minutes.md' is a symbolic link to a place outside the content folder ({outside / 'minutes.md'})")]


def test_meeting_folder_linked_from_outside_is_an_error(tmp_path: Path, outside: Path) -> None:
    root = project(tmp_path)
    os.symlink(outside / "meeting", root / "panel/2026-02-09")
    assert [p for p, _ in _link_errors(root)] == ["content/panel/2026-02-09"]


def test_committee_folder_and_template_linked_from_outside_are_errors(tmp_path: Path, outside: Path) -> None:
    root = project(tmp_path)
    (root / "templates/site").mkdir(parents=True)
    os.symlink(outside / "page.html", root / "templates/site/index.html")
    os.symlink(outside, root / "other-panel")
    assert sorted(p for p, _ in _link_errors(root)) == ["content/other-panel", "content/templates/site/index.html"]


def test_links_inside_the_content_folder_are_fine(tmp_path: Path) -> None:
    root = project(tmp_path)
    shared = root / "panel/2026-01-12/report-budget.md"
    (root / "shared").mkdir()
    shutil.move(shared, root / "shared/report-budget.md")
    os.symlink("../../shared/report-budget.md", shared)
    assert [d for d in check(root) if "symbolic link" in d.message or d.severity == "error"] == []


def test_build_with_a_link_leaving_the_folder_writes_nothing(tmp_path: Path, outside: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    os.symlink(outside / "meeting/report-budget.md", root / "panel/2026-01-12/minutes.md")
    out = tmp_path / "build"
    assert main(["build", str(root), "--out", str(out), "-j", "1"]) == 1
    assert "is a symbolic link to a place outside the content folder" in capsys.readouterr().err
    assert not out.exists()


def test_template_linked_after_the_check_is_refused_while_rendering(tmp_path: Path, outside: Path) -> None:
    """Defence in depth: the template loader itself refuses a file outside the folders it searches."""
    from meetingpack.errors import BuildError
    from meetingpack.render.templates import make_environment, render_template

    root = project(tmp_path)
    (root / "templates/site").mkdir(parents=True)
    os.symlink(outside / "page.html", root / "templates/site/search.js")
    with pytest.raises(BuildError, match="is a link to a file outside the templates folder"):
        render_template(make_environment(root), "site/search.js")
