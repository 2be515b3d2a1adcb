"""The build cache: an incremental build gives, byte for byte, what a clean build gives.

One content folder (two meetings of one committee, the first held with its
minutes carried to the second, an existing PDF appendix and an SVG chart) is
changed one kind of file at a time.  After each change the same output folder
is built again with its cache, and a fresh folder is built with --clean; the
two trees must be identical, and the meetings that the change does not touch
must have come from the cache.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from helpers_content import original, project, tree

from meetingpack.commands.build import BuildResult, build_project
from meetingpack.engine.cache import MAGIC

SECOND = "panel/2026-02-09"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="{w}" height="30"/></svg>'
MINUTES = """---
kind: minutes
attendance:
  present: [Councillor Ann Carter (Chair), Councillor Ben Doyle]
---

## Apologies

None.

## Budget monitoring

RESOLVED that the forecast be noted, and that the outturn come back to the meeting on 9 February 2026.
"""
REPORT = original("panel/2026-01-12/report-budget.md").replace("2026-01-12", "2026-02-09").replace(
    "The council expects", "![Spending by month](chart.svg)\n\nThe council expects")


def _meeting(date: str, status: str, items: str) -> str:
    return (f'date: {date}\nstart_time: "10:00"\nvenue: Committee Room 1\nstatus: {status}\n'
            f"issued_on: {date}\nissued_by:\n  name: Jo Bloggs\n  title: Chief Executive\n"
            f"agenda:\n  part_a:\n    - standard: apologies\n    - standard: declarations\n{items}")


def _pdf(text: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = text
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


class Archive:
    """A content folder, its output built incrementally, and a clean build to compare with after each change."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        first = original("panel/2026-01-12/meeting.yaml").replace("issued_on:", "status: held\nissued_on:")
        self.root = project(tmp, {
            "panel/2026-01-12/meeting.yaml": first,
            "panel/2026-01-12/minutes.md": MINUTES,
            f"{SECOND}/meeting.yaml": _meeting("2026-02-09", "scheduled", """\
    - title: Budget monitoring, quarter 4
      documents:
        - report-budget.md
        - {pdf: letter.pdf, title: Letter from the auditor, description: A one-page letter.}
"""),
            f"{SECOND}/report-budget.md": REPORT,
            f"{SECOND}/chart.svg": SVG.format(w=20),
            f"{SECOND}/letter.pdf": _pdf("first"),
        })
        self.out = tmp / "build"
        self.rounds = 0

    def build(self) -> BuildResult:
        return build_project(self.root, self.out, jobs=1)

    def check(self) -> BuildResult:
        """Build incrementally, build clean elsewhere, and require the same bytes."""
        result = self.build()
        self.rounds += 1
        clean = self.tmp / f"clean-{self.rounds}"
        build_project(self.root, clean, jobs=1, clean=True, cache=self.tmp / f"clean-cache-{self.rounds}")
        assert tree(self.out) == tree(clean)
        shutil.rmtree(clean)
        return result

    def write(self, relative: str, text: str | bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        text = (self.root / relative).read_text(encoding="utf-8")
        assert old in text, (relative, old)
        self.write(relative, text.replace(old, new, 1))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    built = Archive(tmp_path_factory.mktemp("cache"))
    first = built.build()
    assert (first.rendered, first.reused) == (2, 0)
    return built


# The changes run in order on one content folder (each test starts where the previous one left it).

def test_nothing_changed_renders_nothing(archive: Archive) -> None:
    result = archive.check()
    assert (result.rendered, result.reused) == (0, 2)


def test_a_paper(archive: Archive) -> None:
    archive.edit(f"{SECOND}/report-budget.md", "within its budget", "within its revised budget")
    assert (archive.check().rendered) == 1


def test_an_image_a_paper_shows(archive: Archive) -> None:
    archive.write(f"{SECOND}/chart.svg", SVG.format(w=40))
    assert archive.check().rendered == 1


def test_a_pdf_appendix(archive: Archive) -> None:
    archive.write(f"{SECOND}/letter.pdf", _pdf("second"))
    assert archive.check().rendered == 1


def test_a_meeting_yaml(archive: Archive) -> None:
    archive.edit(f"{SECOND}/meeting.yaml", "venue: Committee Room 1", "venue: Council Chamber")
    assert archive.check().rendered == 1


def test_the_minutes_carried_forward(archive: Archive) -> None:
    """The first meeting's minutes are printed in the second meeting's pack: both change."""
    archive.edit("panel/2026-01-12/minutes.md", "None.", "Councillor Dana Ford.")
    assert archive.check().rendered == 2


def test_committee_yaml(archive: Archive) -> None:
    archive.edit("panel/committee.yaml", "name: Resources Scrutiny Panel", "name: Resources and Assets Panel")
    assert archive.check().rendered == 2


def test_site_yaml(archive: Archive) -> None:
    archive.edit("site.yaml", "authority: Testford Borough Council", "authority: Testford City Council")
    assert archive.check().rendered == 2


def test_workplan_yaml(archive: Archive) -> None:
    archive.edit("panel/workplan.yaml", 'time: "10:00"', 'time: "14:00"')
    archive.check()


def test_recommendations_yaml(archive: Archive) -> None:
    archive.write("panel/recommendations.yaml", "recommendations:\n  - id: budget-1\n    title: Publish the forecast"
                  "\n    made: 2 of 2026-01-12\n    to: the Cabinet\n")
    assert archive.check().rendered == 0


def test_a_site_template(archive: Archive) -> None:
    base = Path(__file__).resolve().parent.parent / "templates/site/base.html"
    archive.write("templates/site/base.html", base.read_text(encoding="utf-8").replace("</body>", "<!-- x --></body>"))
    result = archive.check()
    assert result.rendered == 0  # the packs do not use it
    # every site task with a web page extends it; the style sheet, the feeds, the sitemap and manifest.json do not
    assert result.site_tasks_reused == 4 and result.site_tasks > 4


def test_a_pack_template(archive: Archive) -> None:
    css = Path(__file__).resolve().parent.parent / "templates/pdf/pack.css"
    archive.write("templates/pdf/pack.css", css.read_text(encoding="utf-8") + "\nh2 { letter-spacing: 0.01em; }\n")
    assert archive.check().rendered == 2


def test_a_new_meeting(archive: Archive) -> None:
    """The second meeting becomes held with minutes; the new one carries them forward."""
    archive.edit(f"{SECOND}/meeting.yaml", "status: scheduled", "status: held")
    archive.write(f"{SECOND}/minutes.md", MINUTES)
    archive.write("panel/2026-03-09/meeting.yaml", _meeting("2026-03-09", "scheduled", ""))
    result = archive.check()
    assert result.meetings == 3


def test_a_renamed_meeting(archive: Archive) -> None:
    (archive.root / "panel/2026-03-09").rename(archive.root / "panel/2026-03-16")
    archive.edit("panel/2026-03-16/meeting.yaml", "2026-03-09", "2026-03-16")
    archive.edit("panel/2026-03-16/meeting.yaml", "issued_on: 2026-03-09", "issued_on: 2026-03-16")
    archive.check()
    assert not any("2026-03-09" in p for p in tree(archive.out))


def test_a_deleted_meeting(archive: Archive) -> None:
    shutil.rmtree(archive.root / "panel/2026-03-16")
    result = archive.check()
    assert result.meetings == 2 and not any("2026-03-16" in p for p in tree(archive.out))
    entries = list((archive.tmp / ".build.cache/meetings").iterdir())
    assert len(entries) == 2  # the deleted meeting's entry is gone from the cache too
    assert all(p.stat().st_mode & 0o077 == 0 for p in entries)  # members' packs: readable by the owner only


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty"])
def test_a_damaged_entry_is_rendered_again(archive: Archive, damage: str) -> None:
    entry = min((archive.tmp / ".build.cache/meetings").iterdir())
    # else nothing changed, or the pages are reused without reading their PDFs: either way the entry is not read
    for record in ("state.json", "pages.json"):
        (archive.tmp / ".build.cache" / record).unlink()
    data = entry.read_bytes()
    entry.write_bytes({"truncated": data[: len(data) // 2], "flipped": data[:-100] + bytes([data[-100] ^ 1]) + data[-99:],
                       "foreign": b"PK\x03\x04 not ours" + data[20:], "empty": b""}[damage])
    result = archive.check()
    assert (result.rendered, result.reused) == (1, 1)
    assert entry.read_bytes().startswith(MAGIC)


def test_clean_ignores_the_cache(archive: Archive) -> None:
    result = build_project(archive.root, archive.out, jobs=1, clean=True)
    assert (result.rendered, result.reused) == (2, 0)


def test_the_cache_may_not_be_inside_the_output(archive: Archive) -> None:
    from meetingpack.errors import BuildError

    with pytest.raises(BuildError, match="is inside the output folder"):
        build_project(archive.root, archive.out, jobs=1, cache=archive.out / "cache")


def test_unchanged_files_are_hard_links_not_copies(archive: Archive) -> None:
    """An unchanged archive is not written again: its files keep their inodes from one build to the next."""
    paper_pdf = archive.out / f"site/{SECOND}/item-4/report-budget.pdf"
    before = {p: p.stat().st_ino for p in archive.out.rglob("*.pdf")}
    archive.edit(f"{SECOND}/report-budget.md", "forecast", "forecast outturn")
    archive.check()
    after = {p: p.stat().st_ino for p in archive.out.rglob("*.pdf")}
    changed = [p for p in before if after.get(p) != before[p]]
    assert paper_pdf in changed  # the changed paper's PDF was written afresh
    assert any(p.name.endswith("2026-01-12-pack.pdf") for p in before) and \
        all("2026-01-12" not in str(p.relative_to(archive.out)) for p in changed)  # the other meeting: links


def test_a_published_file_changed_by_hand_is_written_again(archive: Archive) -> None:
    page = archive.out / "site/panel/2026-01-12/index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", "<!-- edited on the server --></body>"), encoding="utf-8")
    archive.check()  # equal to a clean build: the hand edit is gone
    assert "edited on the server" not in page.read_text(encoding="utf-8")


def test_only_the_changed_meetings_pages_are_made_again(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other meeting's pages are neither rendered nor read: linked from the last build by their hashes."""
    from meetingpack.commands import build

    made: list[str] = []
    real = build.render_meeting_site
    monkeypatch.setattr(build, "render_meeting_site",
                        lambda env, meeting, *rest: made.append(meeting.url_path) or real(env, meeting, *rest))
    archive.edit(f"{SECOND}/report-budget.md", "forecast outturn", "forecast outturn for the year")
    result = archive.build()
    assert made == [SECOND] and result.rendered == 1
    made.clear()
    archive.check()  # the same bytes as a clean build (which makes every page)
    assert sorted(made) == ["panel/2026-01-12", SECOND]


def test_a_later_meeting_answering_a_resolution(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the records tie the first meeting to the later one (its resolution 'came back'): the first
    meeting's pages change, and are made again, though nothing of its own changed."""
    from meetingpack.commands import build

    agenda = "    - title: Budget outturn\n"
    archive.write("panel/2026-04-13/meeting.yaml", _meeting("2026-04-13", "scheduled", agenda))
    assert archive.check().meetings == 3
    made: list[str] = []
    real = build.render_meeting_site
    monkeypatch.setattr(build, "render_meeting_site",
                        lambda env, meeting, *rest: made.append(meeting.url_path) or real(env, meeting, *rest))
    archive.write("panel/2026-04-13/meeting.yaml",
                  _meeting("2026-04-13", "scheduled", agenda + '      follows_up: ["2 of 2026-01-12"]\n'))
    archive.build()
    assert sorted(made) == ["panel/2026-01-12", "panel/2026-04-13"]
    page = (archive.out / "site/panel/2026-01-12/index.html").read_text(encoding="utf-8")
    # the item has no papers, so no page of its own: "came back" links to its entry on the meeting's page
    assert "Came back" in page and "2026-04-13/index.html#item-4" in page
    archive.check()


def test_a_pages_first_build_shows_the_edit_at_once_and_the_next_build_completes_it(archive: Archive) -> None:
    """pack serve's quick build: the edited paper's page is new, the meeting's PDFs are still the last ones
    (linked, not rendered), and the build after it renders the packs and equals a clean build."""
    pack = archive.out / f"site/{SECOND}/panel-2026-02-09-pack.pdf"
    page = archive.out / f"site/{SECOND}/item-4/report-budget/index.html"
    old_pdf, old_inode = pack.read_bytes(), pack.stat().st_ino
    archive.edit(f"{SECOND}/report-budget.md", "forecast outturn for the year", "forecast outturn for the whole year")
    quick = build_project(archive.root, archive.out, jobs=1, pages_first=True)
    assert quick.pending == [SECOND] and quick.rendered == 0
    assert "for the whole year" in page.read_text(encoding="utf-8")
    assert pack.read_bytes() == old_pdf and pack.stat().st_ino == old_inode
    assert not (archive.tmp / ".build.cache/state.json").exists()  # never taken for a whole build
    whole = archive.check()
    assert whole.rendered == 1 and not whole.pending
    assert pack.read_bytes() != old_pdf


def _relocated(built: Archive, to: Path, *, copy: bool) -> Archive:
    """The archive's whole folder (content, output and cache) copied or moved to `to`."""
    if copy:
        shutil.copytree(built.tmp, to, symlinks=True)
    else:
        built.tmp.rename(to)
    there = Archive.__new__(Archive)
    there.tmp, there.root, there.out, there.rounds = to, to / built.root.relative_to(built.tmp), to / "build", 0
    return there


def test_a_moved_content_folder_renders_nothing_again(tmp_path: Path) -> None:
    """Keys name the content's files by their place in the content folder, not on the disk: a council's
    checkout moved (or built on another machine into the same relative places) reuses every render."""
    here = Archive(tmp_path / "here")
    assert here.build().rendered == 2
    moved = _relocated(here, tmp_path / "elsewhere", copy=False)
    result = moved.check()
    assert (result.rendered, result.reused) == (0, 2)
    assert result.pages == 0 and result.site_tasks_reused == result.site_tasks  # no page made again either


def test_a_copied_content_folder_checks_the_files_of_the_copy(tmp_path: Path) -> None:
    """A render's recorded inputs (an image a paper shows) are looked for in the content being built: the
    copy's changed image renders that meeting again, though the original beside it is unchanged."""
    here = Archive(tmp_path / "here")
    assert here.build().rendered == 2
    copy = _relocated(here, tmp_path / "copy", copy=True)
    copy.write(f"{SECOND}/chart.svg", SVG.format(w=50))
    result = copy.check()
    assert (result.rendered, result.reused) == (1, 1)
    assert (here.root / f"{SECOND}/chart.svg").read_text(encoding="utf-8") == SVG.format(w=20)
