"""paths.resolved: the same result as Path.resolve(), each folder resolved once per check (issue 11, item 3)."""

from __future__ import annotations

from pathlib import Path

from meetingpack.paths import forget_folders, resolved


def test_resolved_is_path_resolve(tmp_path: Path) -> None:
    (tmp_path / "content" / "panel" / "2026-01-12").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.md").write_text("x")
    meeting = tmp_path / "content" / "panel" / "2026-01-12"
    (meeting / "report.md").write_text("x")
    (meeting / "linked.md").symlink_to(tmp_path / "elsewhere" / "secret.md")  # a file that is a link
    (tmp_path / "content" / "alias").symlink_to(meeting)  # a folder that is a link
    (meeting / "loop.md").symlink_to(meeting / "loop.md")
    forget_folders()
    for path in [meeting / "report.md", meeting / "linked.md", meeting / "missing.md", meeting / "../x.md",
                 meeting / "..", meeting / "sub/../report.md", tmp_path / "content" / "alias" / "report.md",
                 tmp_path / "content" / "alias" / "linked.md", Path("relative/file.md"), meeting / "loop.md"]:
        try:
            expected: Path | str = path.resolve()
        except RuntimeError as exc:
            expected = type(exc).__name__
        try:
            got: Path | str = resolved(path)
        except RuntimeError as exc:
            got = type(exc).__name__
        assert got == expected, path


def test_a_link_changed_since_is_seen_after_forget_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "file.md").symlink_to(tmp_path / "a" / "x.md")
    forget_folders()
    assert resolved(tmp_path / "link" / "x.md") == (tmp_path / "a" / "x.md").resolve()
    assert resolved(tmp_path / "a" / "file.md") == (tmp_path / "a" / "x.md").resolve()
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to(tmp_path / "b")
    (tmp_path / "a" / "file.md").unlink()
    forget_folders()  # what each check does first (load.load_project)
    assert resolved(tmp_path / "link" / "x.md") == (tmp_path / "b" / "x.md").resolve()
    assert resolved(tmp_path / "a" / "file.md") == tmp_path.resolve() / "a" / "file.md"
