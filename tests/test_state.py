"""A build with nothing changed does nothing; any change to a source or to the output means a whole build.

The minimal project is built once; each test then changes one thing and checks
whether the next build stopped at once (`unchanged`, every output file kept
with its inode and time) or built again (and then the output is a clean build's).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from helpers_content import original, project

from meetingpack.commands.build import BuildResult, build_project
from meetingpack.engine import state as buildstate
from meetingpack.errors import ContentError

PAPER = "panel/2026-01-12/report-budget.md"


def _files(out: Path) -> dict[str, tuple[int, int, str]]:
    """Each file of an output folder: inode, modification time and content hash."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(out.rglob("*")) if p.is_file()}


def _hashes(out: Path) -> dict[str, str]:
    return {k: v[2] for k, v in _files(out).items()}


class Site:
    def __init__(self, tmp: Path) -> None:
        report = original(PAPER).replace("date: 2026-01-12", "date: 2026-01-19")  # a warning to replay
        self.tmp = tmp
        self.root = project(tmp, {PAPER: report})
        self.out = tmp / "build"

    def build(self, **options: object) -> BuildResult:
        return build_project(self.root, self.out, jobs=1, **options)  # type: ignore[arg-type]

    def clean_build(self) -> dict[str, str]:
        clean = self.tmp / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build_project(self.root, clean, jobs=1, clean=True, cache=self.tmp / "clean-cache")
        return _hashes(clean)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = Site(tmp_path_factory.mktemp("state"))
    first = site.build()
    assert not first.unchanged and first.rendered == 1
    return site


def test_nothing_changed_does_nothing_and_says_the_same(site: Site) -> None:
    before = _files(site.out)
    first = site.build(clean=True)  # the record of this build is what the next one compares with
    assert not first.unchanged
    before = _files(site.out)
    again = site.build()
    assert again.unchanged and (again.meetings, again.files, again.rendered) == (first.meetings, first.files, 0)
    assert _files(site.out) == before  # not one file written again, not even linked anew
    assert [d.message for d in again.report.diagnostics] == [d.message for d in first.report.diagnostics] == [
        "report date 2026-01-19 differs from the meeting date 2026-01-12"]
    assert again.report.diagnostics[0].path.endswith(PAPER)


def test_touching_a_file_without_changing_it_changes_nothing(site: Site) -> None:
    paper = site.root / PAPER
    paper.write_bytes(paper.read_bytes())  # a new time (and change time), the same bytes
    assert site.build().unchanged


def test_a_changed_byte_is_seen_even_with_the_old_size_and_time(site: Site) -> None:
    paper = site.root / PAPER
    st = paper.stat()
    text = paper.read_text(encoding="utf-8")
    assert "budget" in text
    paper.write_text(text.replace("budget", "Budget", 1), encoding="utf-8")
    os.utime(paper, ns=(st.st_atime_ns, st.st_mtime_ns))  # as a careless tool might
    assert paper.stat().st_size == st.st_size and paper.stat().st_mtime_ns == st.st_mtime_ns
    result = site.build()
    assert not result.unchanged and result.rendered == 1
    assert _hashes(site.out) == site.clean_build()


@pytest.mark.parametrize("change", ["edited", "removed", "added"])
def test_an_output_changed_since_means_a_whole_build(site: Site, change: str) -> None:
    page = site.out / "site/panel/2026-01-12/index.html"
    if change == "edited":
        page.write_text(page.read_text(encoding="utf-8") + "<!-- by hand -->", encoding="utf-8")
    elif change == "removed":
        page.unlink()
    else:
        (site.out / "site/stray.html").write_text("stray", encoding="utf-8")
    result = site.build()
    assert not result.unchanged
    assert _hashes(site.out) == site.clean_build()


def test_a_new_file_in_the_content_folder_means_a_build(site: Site) -> None:
    (site.root / "panel/2026-01-12/notes.txt").write_text("not listed anywhere", encoding="utf-8")
    assert not site.build().unchanged
    assert site.build().unchanged


def test_a_failed_build_keeps_the_last_record(site: Site) -> None:
    meeting = site.root / "panel/2026-01-12/meeting.yaml"
    good = meeting.read_text(encoding="utf-8")
    meeting.write_text(good.replace("venue:", "venue: [", 1), encoding="utf-8")
    with pytest.raises(ContentError):
        site.build()
    meeting.write_text(good, encoding="utf-8")
    assert site.build().unchanged  # the output is still the build of these very sources


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 99}', b'{"format": 1, "sources": 3}'])
def test_a_damaged_record_means_a_whole_build(site: Site, damage: bytes) -> None:
    (site.tmp / ".build.cache/state.json").write_bytes(damage)
    assert not site.build().unchanged
    assert site.build().unchanged


def test_clean_always_builds(site: Site) -> None:
    assert not site.build(clean=True).unchanged


def test_the_tools_own_files_are_sources(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed template or line of meetingpack's code (or a new library version) is a change."""
    template = tmp_path / "pack.css"
    template.write_text("h1 { color: black }", encoding="utf-8")
    monkeypatch.setattr(buildstate, "tool_files", lambda: [("templates/pdf/pack.css", template)])
    folder = tmp_path / "cache"
    first = buildstate.sources(site.root, site.out, folder, buildstate.Hashes())
    assert buildstate.sources(site.root, site.out, folder, buildstate.Hashes()) == first
    template.write_text("h1 { color: navy }", encoding="utf-8")
    assert buildstate.sources(site.root, site.out, folder, buildstate.Hashes()) != first
    monkeypatch.setattr(buildstate, "libraries", lambda: {"weasyprint": "99"})
    assert buildstate.sources(site.root, site.out, folder, buildstate.Hashes()) != first


def test_an_output_folder_inside_the_content_folder_is_not_a_source(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert not build_project(root, root / "build", jobs=1).unchanged
    assert build_project(root, root / "build", jobs=1).unchanged


@pytest.mark.parametrize("out", [".", ".."])
def test_an_output_folder_holding_the_content_folder_is_refused_and_nothing_is_lost(tmp_path: Path, out: str) -> None:
    """Each build replaces the output folder whole: built into the content folder (or a folder above it),
    it would have taken the content with it."""
    from meetingpack.errors import BuildError

    root = project(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(BuildError, match="holds the content folder"):
        build_project(root, root / out, jobs=1)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_one_record_of_what_was_published_the_search_index_included(site: Site) -> None:
    """publish.py's record (published.json) is the only record of the output folder: the state keeps none
    of its own, and a file of the search index removed by hand is seen through it."""
    import json

    site.build()
    assert "published" not in json.loads((site.tmp / ".build.cache/state.json").read_text(encoding="utf-8"))
    published = json.loads((site.tmp / ".build.cache/published.json").read_text(encoding="utf-8"))
    assert set(published) == set(_files(site.out))  # every file, the Pagefind bundle's too
    (site.out / "site/pagefind/panel/pagefind-entry.json").unlink()
    assert not site.build().unchanged
    assert _hashes(site.out) == site.clean_build()
    assert site.build().unchanged
