"""Helpers for tests that need a content folder: a copy of tests/projects/minimal with
some files changed, and the diagnostics `pack check` finds in it.

    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": "...whole new text..."})
    diagnostics = check(root)

The copy is made at `tmp_path / "content"`, so diagnostic paths read as they do
for a real project: `content/panel/2026-01-12/meeting.yaml`.
"""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from collections.abc import Mapping
from pathlib import Path

from meetingpack.commands.check import check_project
from meetingpack.errors import Diagnostic

MINIMAL = Path(__file__).parent / "projects" / "minimal"
"""A small valid content folder: one committee (`panel`) with one meeting (`2026-01-12`)."""

MEETING = "content/panel/2026-01-12/meeting.yaml"
"""Where diagnostics about the minimal project's meeting.yaml point."""


def project(tmp_path: Path, changes: Mapping[str, str | bytes | None] | None = None) -> Path:
    """Copy the minimal project to `tmp_path/content` and apply `changes`; return the copy's path.

    `changes` maps a path relative to the content folder to the file's new
    content: text (dedented, so that it can be written indented in a test),
    bytes (written as they are), or None to delete the file or folder.
    Missing folders are created.
    """
    root = tmp_path / "content"
    shutil.copytree(MINIMAL, root)
    for relative, content in (changes or {}).items():
        target = root / relative
        if content is None:
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def original(relative: str) -> str:
    """The text of a file of the minimal project, e.g. to change one line of it."""
    return (MINIMAL / relative).read_text(encoding="utf-8")


def check(root: Path) -> list[Diagnostic]:
    """Every diagnostic `pack check` finds in the content folder `root`, in file and line order."""
    _, report = check_project(root)
    return sorted(report.diagnostics)


def errors(root: Path) -> list[Diagnostic]:
    """The errors (not warnings) `pack check` finds in `root`."""
    return [d for d in check(root) if d.severity == "error"]


def replaced_copy(source: Path, tmp_path: Path, changes: Mapping[str, tuple[str, str]]) -> Path:
    """A copy of the content folder `source` at tmp_path/content with one text replaced in some files:
    {file: (old, new)}; each old text must be there.  Returns the copy's path."""
    root = tmp_path / "content"
    shutil.copytree(source, root)
    for relative, (old, new) in changes.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def tree(path: Path) -> dict[str, str]:
    """Every file under `path`, by relative path, with the SHA-256 of its bytes: two builds are the same
    when their trees are equal."""
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}
