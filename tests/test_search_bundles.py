"""The search index as one bundle per committee (search.py): a change re-indexes its own committee only.

Two committees (the minimal project's panel, and a copy of it as a licensing
board) are built; a paper of the panel changes; the next build runs Pagefind
for the panel alone, links the board's bundle from the last build, and gives
byte for byte what a clean build gives.  Every paper page is in exactly one
bundle, and the search page merges them all.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_content import project, tree

from meetingpack import search
from meetingpack.commands.build import build_project

PAPER = "panel/2026-01-12/report-budget.md"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("bundles")
    root = project(tmp)
    shutil.copytree(root / "panel", root / "board")
    committee = root / "board" / "committee.yaml"
    committee.write_text(committee.read_text(encoding="utf-8").replace("Resources Scrutiny Panel", "Licensing Board")
                         .replace("short_name: Resources", "short_name: Licensing"), encoding="utf-8")
    return root


def test_one_bundle_per_committee_holding_each_paper_once(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    site = out / "site"
    # a bundle per committee, and one for the councillor pages (outside every committee's folder)
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["board", "councillors", "panel"]
    urls: list[str] = []
    for bundle in ("board", "councillors", "panel"):
        mine = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
                for f in (site / "pagefind" / bundle).glob("fragment/*.pf_fragment")]
        assert mine and all(u.startswith(f"/{bundle}/") for u in mine)
        urls += mine
    papers = sorted("/" + str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html")
                    if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    assert sorted(urls) == papers and len(papers) >= 4  # each paper page once, in its committee's bundle
    script = (site / "assets" / "search.js").read_text(encoding="utf-8")
    assert 'const bundles = ["pagefind/board/", "pagefind/councillors/", "pagefind/panel/"];' in script and "mergeIndex" in script
    published = json.loads((tmp_path / ".build.cache" / "published.json").read_text(encoding="utf-8"))
    assert "site/pagefind/panel/pagefind.js" in published  # one record of what was published, the index too


def test_a_change_re_indexes_its_own_committee_only(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    board = {p: p.stat().st_ino for p in (out / "site/pagefind/board").rglob("*") if p.is_file()}
    globs: list[str | None] = []
    real = search.index_site
    monkeypatch.setattr(search, "index_site", lambda site, glob=None, output=None: globs.append(glob)
                        or real(site, glob, output))
    text = (root / PAPER).read_text(encoding="utf-8")
    try:
        (root / PAPER).write_text(text.replace("within its budget", "within its revised budget"), encoding="utf-8")
        build_project(root, out, jobs=1)
        assert globs == ["panel/**/*.html"]
        assert board == {p: p.stat().st_ino for p in (out / "site/pagefind/board").rglob("*") if p.is_file()}
        clean = tmp_path / "clean"
        build_project(root, clean, jobs=1, clean=True, cache=tmp_path / "clean-cache")
        assert tree(out) == tree(clean)
        assert any(b"revised" in gzip.decompress(f.read_bytes())
                   for f in (out / "site/pagefind/panel/fragment").iterdir())
    finally:
        (root / PAPER).write_text(text, encoding="utf-8")


def test_a_bundle_file_changed_by_hand_is_made_again(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    entry = out / "site/pagefind/board/pagefind-entry.json"
    entry.write_text("{}", encoding="utf-8")
    build_project(root, out, jobs=1)
    clean = tmp_path / "clean"
    build_project(root, clean, jobs=1, clean=True, cache=tmp_path / "clean-cache")
    assert tree(out) == tree(clean)


def _edit(root: Path, old: str, new: str) -> None:
    text = (root / PAPER).read_text(encoding="utf-8")
    assert old in text
    (root / PAPER).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_bundle_left_in_the_spare_tree_is_not_linked_again(root: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """From the third build on, the staging folder is the tree of the build before the last (publish.py's
    spare): the board's bundle, unchanged since, is already there as the very files published, and stays."""
    from meetingpack import publish

    mine = tmp_path / "content"
    shutil.copytree(root, mine)
    out = tmp_path / "build"
    build_project(mine, out, jobs=1)
    _edit(mine, "within its budget", "within its revised budget")
    build_project(mine, out, jobs=1)
    board = {p: p.stat().st_ino for p in (out / "site/pagefind/board").rglob("*") if p.is_file()}
    linked: list[str] = []
    real = publish.os.link
    monkeypatch.setattr(publish.os, "link", lambda src, dst, **kw: linked.append(str(dst)) or real(src, dst, **kw))
    _edit(mine, "within its revised budget", "within its amended budget")
    build_project(mine, out, jobs=1)
    assert not [p for p in linked if "/pagefind/board/" in p]
    assert board == {p: p.stat().st_ino for p in (out / "site/pagefind/board").rglob("*") if p.is_file()}
    clean = tmp_path / "clean"
    build_project(mine, clean, jobs=1, clean=True, cache=tmp_path / "clean-cache")
    assert tree(out) == tree(clean)


def test_a_deleted_committees_bundle_left_in_the_spare_tree_is_not_published(root: Path, tmp_path: Path) -> None:
    mine = tmp_path / "content"
    shutil.copytree(root, mine)
    out = tmp_path / "build"
    build_project(mine, out, jobs=1)
    _edit(mine, "within its budget", "within its revised budget")
    build_project(mine, out, jobs=1)
    shutil.rmtree(mine / "board")
    build_project(mine, out, jobs=1)
    assert not (out / "site/pagefind/board").exists()
    clean = tmp_path / "clean"
    build_project(mine, clean, jobs=1, clean=True, cache=tmp_path / "clean-cache")
    assert tree(out) == tree(clean)
    assert sorted(p.name for p in (out / "site/pagefind").iterdir()) == ["councillors", "panel"]


def test_bundles_made_side_by_side_are_the_bundles_made_one_by_one(root: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With two cores the bundles are made by two Pagefind processes at once, each started directly
    (not through `python -m pagefind`); the bytes are those of one at a time."""
    commands: list[list[str]] = []
    real = subprocess.run

    def recorded(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        if "--site" in command:
            commands.append(command)
        return real(command, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(search.subprocess, "run", recorded)
    build_project(root, tmp_path / "two", jobs=2, clean=True, cache=tmp_path / "two-cache")
    monkeypatch.undo()
    assert len(commands) == 3 and all(c[0] != sys.executable and os.access(c[0], os.X_OK) for c in commands)
    build_project(root, tmp_path / "one", jobs=1, clean=True, cache=tmp_path / "one-cache")
    two, one = tree(tmp_path / "two" / "site" / "pagefind"), tree(tmp_path / "one" / "site" / "pagefind")
    assert two == one and len(one) > 10
