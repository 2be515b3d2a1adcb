"""Publishing by the cache's spare tree: unchanged files cost nothing, and nothing wrong is ever linked.

With a build cache, the staging folder is the output of the build before the
last one (`<cache>/spare`, where the exchange of folders left it), brought up
to date in place (publish.py, `_Stage`).  These tests publish small synthetic
builds and check the output folder byte for byte: a file changed, replaced by
a link or added by hand in the output or in the spare is never published; what
a build no longer has is gone; a path cannot lead out of the staging folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meetingpack.engine import state
from meetingpack.errors import BuildError
from meetingpack.publish import SPARE, load_published, output_lock, publish
from meetingpack.site import Output


def _build(generation: dict[str, bytes]) -> list[Output]:
    return [Output(path, data, None, hashlib.sha256(data).hexdigest()) for path, data in generation.items()]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


class Site:
    """An output folder `out` with its cache beside it, published by `publish` as `pack build` does."""

    def __init__(self, tmp: Path) -> None:
        self.out = tmp / "build"
        self.cache = tmp / ".build.cache"
        self.spare = self.cache / SPARE

    def publish(self, outputs: list[Output], finish=None) -> None:  # type: ignore[no-untyped-def]
        with output_lock(self.out):
            publish(outputs, self.out, finish=finish, index=self.cache / "published.json")

    def beside(self) -> list[str]:
        return sorted(p.name for p in self.out.parent.iterdir() if p.name not in {"build", ".build.lock", ".build.cache"})


ONE = {"site/index.html": b"<p>one</p>", "site/a/index.html": b"<p>a</p>", "site/a/a.pdf": b"%PDF a",
       "site/b/index.html": b"<p>b</p>", "site/b/c/deep.json": b"{}", "manifest.json": b"{1}"}


def test_three_builds_link_the_same_files_and_keep_the_previous_tree_in_the_cache(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    first = {p: os.stat(site.out / p).st_ino for p in ONE}
    two = {**ONE, "site/index.html": b"<p>two</p>"}
    site.publish(_build(two))
    assert _tree(site.out) == two
    assert _tree(site.spare) == ONE and site.beside() == []  # the previous tree: in the cache, whole
    three = {**two, "manifest.json": b"{3}"}
    site.publish(_build(three))
    assert _tree(site.out) == three and _tree(site.spare) == two and site.beside() == []
    for path in ONE.keys() - {"site/index.html", "manifest.json"}:  # unchanged since the first build: linked
        assert os.stat(site.out / path).st_ino == first[path]
    assert state.as_published(site.out, load_published(site.cache / "published.json"))


def test_a_file_changed_or_replaced_by_a_link_in_the_output_is_written_not_linked(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    site.publish(_build(ONE))  # now the spare holds links to the output's files
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(b"<p>b</p>")
    (site.out / "site/a/index.html").write_bytes(b"<p>X</p>")  # same size, other bytes, in place
    (site.out / "site/b/index.html").unlink()
    (site.out / "site/b/index.html").symlink_to(elsewhere)
    site.publish(_build(ONE))
    assert _tree(site.out) == ONE
    assert not (site.out / "site/b/index.html").is_symlink()
    assert elsewhere.read_bytes() == b"<p>b</p>"


def test_what_was_added_to_the_spare_or_the_output_is_never_published(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    site.publish(_build(ONE))
    outside = tmp_path / "outside"
    outside.mkdir()
    (site.spare / "site/stray.html").write_bytes(b"stray")
    (site.spare / "site/a/a.pdf").write_bytes(b"%PDF tampered")  # the spare's copy is a link: the output's too
    os.rename(site.spare / "site/b", tmp_path / "moved-b")
    (site.spare / "site/b").symlink_to(outside, target_is_directory=True)  # a link where a folder was
    (site.out / "site/extra.html").write_bytes(b"extra")
    site.publish(_build(ONE))
    assert _tree(site.out) == ONE
    assert list(outside.iterdir()) == []
    assert not (site.out / "site/b").is_symlink()


def test_what_a_build_no_longer_has_is_gone_before_finish_reads_the_pages(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    site.publish(_build(ONE))
    fewer = {k: v for k, v in ONE.items() if not k.startswith("site/b/")}
    staged: list[dict[str, bytes]] = []

    def finish(stage: Path, published: object) -> dict[str, str]:
        staged.append(_tree(stage))
        (stage / "site/search.js").write_bytes(b"index")
        return {"site/search.js": hashlib.sha256(b"index").hexdigest()}

    site.publish(_build(fewer), finish)
    assert staged == [fewer]
    assert _tree(site.out) == {**fewer, "site/search.js": b"index"}
    assert not (site.out / "site/b").exists()


def test_a_reused_file_changed_since_in_the_output_stops_the_build_and_keeps_the_output(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    (site.out / "site/a/a.pdf").write_bytes(b"%PDF changed by hand")
    before = _tree(site.out)
    with pytest.raises(BuildError, match="has changed since"):
        site.publish([Output(p, digest=hashlib.sha256(d).hexdigest()) for p, d in ONE.items()])
    assert _tree(site.out) == before and site.beside() == []


@pytest.mark.parametrize("path", ["../escaped.html", "site/../../escaped.html", "/tmp/escaped.html",
                                  "site//x.html", "site/./x.html", ""])
def test_a_staged_path_cannot_lead_out_of_the_staging_folder(tmp_path: Path, path: str) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    site.publish(_build(ONE))
    with pytest.raises(BuildError, match="refusing to write outside the output folder"):
        site.publish(_build({**ONE, path: b"escaped"}))
    assert _tree(site.out) == ONE
    assert not (tmp_path / "escaped.html").exists() and not (site.cache / "escaped.html").exists()


def test_without_a_cache_the_old_tree_is_gone_when_publish_returns(tmp_path: Path) -> None:
    out = tmp_path / "build"
    for generation in (ONE, {**ONE, "manifest.json": b"{2}"}):
        with output_lock(out):
            publish(_build(generation), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]


def test_as_published_sees_a_file_touched_added_missing_or_replaced_by_a_link(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.publish(_build(ONE))
    record = load_published(site.cache / "published.json")
    (site.out / "site/empty-folder").mkdir()  # no file: not a difference
    assert state.as_published(site.out, record)
    target = site.out / "site/a/a.pdf"
    for change in ("touch", "add", "remove", "link"):
        saved = target.read_bytes()
        if change == "touch":
            os.utime(target, ns=(1, 1))
        elif change == "add":
            (site.out / "site/new.html").write_bytes(b"new")
        elif change == "remove":
            target.unlink()
        else:
            target.unlink()
            target.symlink_to(site.out / "site/index.html")
        assert not state.as_published(site.out, record), change
        site.publish(_build(ONE))
        record = load_published(site.cache / "published.json")
        assert state.as_published(site.out, record) and target.read_bytes() == saved


def test_a_build_with_nothing_changed_does_not_load_the_renderers(tmp_path: Path) -> None:
    from helpers_content import project

    root = project(tmp_path)
    out = tmp_path / "build"
    script = ("import sys; from meetingpack.cli import main; code = main(sys.argv[1:]); "
              "print('weasyprint' in sys.modules); sys.exit(code)")
    runs = [subprocess.run([sys.executable, "-c", script, "build", str(root), "--out", str(out), "-j", "1"],
                           capture_output=True, text=True, timeout=300, check=False) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[0].stdout.strip() == "True" and "nothing changed" not in runs[0].stderr
    assert runs[1].stdout.strip() == "False" and "nothing changed since the last build" in runs[1].stderr


def test_the_state_finds_the_built_in_templates_where_the_renderers_do() -> None:
    from meetingpack.render.templates import builtin_templates

    assert state._builtin_templates() == builtin_templates()


def test_all_of_the_tools_code_is_a_source() -> None:
    """Every module, not only engine/'s: a changed renderer must not reuse renders made by the old one."""
    names = {name for name, _ in state.tool_files()}
    assert {"code/render/pdf.py", "code/publish.py", "code/engine/state.py", "code/site.py"} <= names
    assert not any("__pycache__" in name for name in names)
