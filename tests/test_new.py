"""`pack new` (issue 12, scope 3): each scaffold passes `pack check` as written, holds what it should
(standard items, sections, minute numbers, members), and never overwrites a file."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path

import pytest
from helpers_content import project

from meetingpack import model
from meetingpack.cli import main
from meetingpack.commands.check import checked_project
from meetingpack.commands.new import latest_issue_date
from meetingpack.render.markdown import Options, render_markdown
from meetingpack.scaffold.sections import SECTIONS
from meetingpack.yamlpos import parse_yaml

EXAMPLE = Path(__file__).resolve().parent.parent / "content"
STANDARD_SECTIONS = [  # docs/authoring.md, section 5.10, as the bundled example's reports have them
    "Executive summary", "Exempt information", "Recommendations", "What this means for residents", "Background",
    "Options considered", "Reasons for the recommended option", "Impact on the council's key outcomes",
    "Risks and assumptions", "Legal implications", "Financial implications", "Human resources implications",
    "Technology implications", "Equality implications", "Consultation"]


def new(root: Path, *args: str) -> int:
    return main(["new", *args, "--source", str(root)])


def clean(root: Path) -> None:
    """`pack check` finds nothing at all (no errors, no warnings) in the content folder."""
    checked = checked_project(root)
    assert [str(d) for d in checked.report.diagnostics] == []


def resolved(root: Path, committee: str, meeting: str):  # type: ignore[no-untyped-def]
    checked = checked_project(root)
    assert not checked.report.errors, [str(d) for d in checked.report.errors]
    assert checked.meetings is not None
    return next(m for m in checked.meetings if m.committee.slug == committee and m.source.slug == meeting)


def yaml_of(path: Path) -> dict:  # type: ignore[type-arg]
    data, _ = parse_yaml(path.read_text(encoding="utf-8"))
    return data


# ------------------------------------------------------------------ committee


def test_new_committee_checks_and_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert new(root, "committee", "licensing", "--name", "Licensing Committee") == 0
    assert "wrote " in capsys.readouterr().out
    clean(root)
    checked = checked_project(root)
    assert checked.project is not None
    committee = next(c for c in checked.project.committees if c.slug == "licensing").committee
    assert committee.name == "Licensing Committee" and committee.short_name == "Licensing"
    assert committee.governance_officer.email == "democratic.services@testford.example"  # the site's contact
    assert [s.key for s in committee.standard_items] == ["apologies", "declarations", "exclusion"]


def test_new_committee_refuses_a_bad_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert new(root, "committee", "Licensing Committee") == 1
    assert "is not a valid name" in capsys.readouterr().err
    assert new(root, "committee", "templates") == 1
    assert not (root / "templates").exists()


# -------------------------------------------------------------------- meeting


def test_new_meeting_takes_the_standard_items_and_the_last_meeting(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert new(root, "meeting", "panel", "2026-03-09") == 0
    out = capsys.readouterr()
    assert "wrote " in out.out and "meeting.yaml" in out.out and "issued_on" in out.err
    clean(root)
    meeting = resolved(root, "panel", "2026-03-09")
    assert meeting.meeting.venue == "Committee Room 1, Town Hall, Testford TF1 1AA"  # from 2026-01-12
    assert meeting.meeting.start_time == dt.time(10, 0)
    assert (meeting.meeting.issued_by.name, meeting.meeting.issued_by.title) == ("Jo Bloggs", "Chief Executive")
    assert meeting.meeting.status == model.MeetingStatus.scheduled
    assert [(i.number, i.title) for i in meeting.items] == [(1, "Apologies for absence"),
                                                           (2, "Declarations of interest")]
    # issued_on is to be filled in: until then, the latest day the agenda may be published, with a comment
    assert meeting.meeting.issued_on == dt.date(2026, 2, 27)
    text = (root / "panel/2026-03-09/meeting.yaml").read_text(encoding="utf-8")
    assert "# FILL IN the day the agenda is published" in text
    assert "#   - Draft work plan 2026/27" in text  # the work plan's topic for that date, as a reminder


def test_issue_date_leaves_five_clear_working_days() -> None:
    # Tuesday 16 June 2026: Tue 9 to Mon 15 holds five working days, so the agenda goes out on Monday 8 June.
    assert latest_issue_date(dt.date(2026, 6, 16)) == dt.date(2026, 6, 8)
    # Monday 9 March 2026: Mon 2 to Fri 6 are the five clear days; Friday 27 February is the last day.
    assert latest_issue_date(dt.date(2026, 3, 9)) == dt.date(2026, 2, 27)


def test_new_meeting_of_a_committee_without_meetings(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert new(root, "committee", "licensing") == 0
    assert new(root, "meeting", "licensing", "2026-07-01-2") == 0  # a second meeting that day: its own folder
    clean(root)
    meeting = resolved(root, "licensing", "2026-07-01-2")
    assert meeting.meeting.date == dt.date(2026, 7, 1)
    assert [i.title for i in meeting.items] == ["Apologies for absence", "Declarations of interest",
                                                "Exclusion of the press and public"]


# --------------------------------------------------------------------- report


def test_new_report_has_every_standard_section_and_joins_the_agenda(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    meeting_yaml = root / "panel/2026-01-12/meeting.yaml"
    before = meeting_yaml.read_text(encoding="utf-8").replace(
        "  part_a:\n", "  part_a:  # the officer's own comment\n").replace("end_time: \"12:00\"",
                                                                           "end_time: '12:00'")
    meeting_yaml.write_text(before, encoding="utf-8")
    assert new(root, "report", "panel", "2026-01-12", "asset-review", "--title", "Asset review: phase 2") == 0
    out = capsys.readouterr().out
    assert "wrote " in out and "report-asset-review.md" in out and "changed " in out
    clean(root)
    after = meeting_yaml.read_text(encoding="utf-8")
    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert diff == ['+     - title: "Asset review: phase 2"', "+       documents:",
                    "+         - report-asset-review.md"]  # nothing else of the file changed
    meeting = resolved(root, "panel", "2026-01-12")
    assert [(i.number, i.part, i.title) for i in meeting.items] == [
        (1, "A", "Apologies for absence"), (2, "A", "Declarations of interest"),
        (3, "A", "Budget monitoring, quarter 3"), (4, "A", "Asset review: phase 2"),
        (5, "B", "Sale of the old depot")]
    report = meeting.items[3].documents[0]
    assert report.kind == "report" and report.title == "Asset review: phase 2"
    meta = report.source.meta
    assert meta.date == dt.date(2026, 1, 12)
    assert meta.addressee == "To the Chair and Members of the Resources Scrutiny Panel"
    body = report.source.body
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == STANDARD_SECTIONS
    assert [heading for heading, _ in SECTIONS] == STANDARD_SECTIONS


def test_report_guidance_is_printed_nowhere() -> None:
    from meetingpack.scaffold.sections import report_body

    html = render_markdown(report_body("Panel"), Options(number_paragraphs=True, block_ids=True)).html
    assert html.count("<h2") == len(STANDARD_SECTIONS)
    assert "<p" not in html and "pack check" not in html and "[//]" not in html


def test_new_report_of_a_meeting_with_no_part_a(tmp_path: Path) -> None:
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Committee Room 1
        issued_on: 2026-01-02
        issued_by:
          name: Jo Bloggs
        agenda:
          # Part B only
          part_b:
            - title: Sale of the old depot
              exempt_paragraph: 3
              documents:
                - report-depot.md
        """})
    assert new(root, "report", "panel", "2026-01-12", "report-budget-2") == 0  # 'report-' is not doubled
    assert (root / "panel/2026-01-12/report-budget-2.md").is_file()
    assert "  # Part B only\n" in (root / "panel/2026-01-12/meeting.yaml").read_text(encoding="utf-8")
    meeting = resolved(root, "panel", "2026-01-12")
    assert [(i.number, i.part, i.title) for i in meeting.items] == [(1, "A", "Budget 2"),
                                                                   (2, "B", "Sale of the old depot")]


# -------------------------------------------------------------------- minutes


def test_new_minutes_are_numbered_as_the_build_numbers_them(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(EXAMPLE, root)
    assert new(root, "minutes", "children-young-people", "2026-03-02") == 0
    clean(root)
    meeting = resolved(root, "children-young-people", "2026-03-02")
    minutes = meeting.minutes
    assert minutes is not None
    # 2025/26 starts at minute 31 and the 9 December minutes hold 31 to 38: these start at 39
    assert minutes.minute_start == 39
    assert len(minutes.source.analysis.minutes) == len(meeting.items)
    text = (root / "children-young-people/2026-03-02/minutes.md").read_text(encoding="utf-8")
    titled = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    # a heading per agenda item, in agenda order, with the minutes of 9 December that the build adds after
    # the declarations, and the Part B item marked exempt with its paragraph
    assert titled == [i.title + (f" {{exempt={i.exempt_paragraph}}}" if i.exempt else "") for i in meeting.items]
    assert titled[3] == "Minutes of the meeting held on 9 December 2025"
    assert titled[-1] == "Children's residential placements framework 2026-2030: award of contract {exempt=3}"
    for index, item in enumerate(meeting.items):
        assert f'[//]: # "Minute {39 + index} (agenda item {item.number}).' in text
    # the minute numbers the build prints are those
    html = render_markdown(minutes.source.body, Options(minute_start=39, block_ids=True)).html
    assert '<span class="minute-number">39.</span> Apologies for absence' in html
    assert f'<span class="minute-number">{38 + len(meeting.items)}.</span>' in html
    assert "Minute 39" not in html
    # attendance: every member of the committee, named as minutes name them, and the governance officer
    attendance = minutes.source.meta.attendance
    assert attendance.present[:3] == ["Councillor Helen Ashworth (Chair)", "Councillor Daniel Okonjo (Vice-Chair)",
                                      "Councillor Imran Baig"]
    assert "Mr Kwame Asante (Parent governor representative)" in attendance.present
    assert "Mr Martin Kershaw (UNISON, invitee)" in attendance.present
    assert len(attendance.present) == 2 + 8 + 2 + 1
    assert attendance.also_in_attendance == ["Sarah Whitlock, Senior Governance Officer"]
    assert attendance.apologies == []


def test_new_minutes_count_the_minutes_before_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert new(root, "meeting", "panel", "2026-03-09") == 0
    assert new(root, "minutes", "panel", "2026-03-09") == 0
    assert new(root, "minutes", "panel", "2026-01-12") == 0  # written later, for an earlier meeting
    err = capsys.readouterr().err
    assert "2026-03-09 are renumbered" in err and "status: held" in err
    clean(root)
    text = (root / "panel/2026-01-12/minutes.md").read_text(encoding="utf-8")
    assert "## Sale of the old depot {exempt=3}" in text and '"Minute 4 (agenda item 4).' in text
    assert resolved(root, "panel", "2026-01-12").minutes.minute_start == 1
    assert resolved(root, "panel", "2026-03-09").minutes.minute_start == 5  # renumbered, as the build does


def test_new_minutes_need_sound_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"panel/2026-01-12/report-budget.md": None})
    assert new(root, "minutes", "panel", "2026-01-12") == 1
    assert "pack check finds 1 error" in capsys.readouterr().err
    assert not (root / "panel/2026-01-12/minutes.md").exists()


# ----------------------------------------------------------------------- year


def test_new_year_carries_the_work_plan_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    old = (root / "panel/workplan.yaml").read_text(encoding="utf-8")
    assert new(root, "year", "panel") == 0
    assert "workplan-2025-26.yaml" in capsys.readouterr().out
    clean(root)
    assert (root / "panel/workplan-2025-26.yaml").read_text(encoding="utf-8") == old  # kept as it was
    checked = checked_project(root)
    assert checked.project is not None
    plan = checked.project.committees[0].workplan
    assert plan is not None
    assert plan.municipal_year == "2026/27" and plan.title == "Resources Scrutiny Panel: work plan 2026/27"
    assert [(m.date, m.date.weekday(), m.time, m.type.value, m.topics) for m in plan.meetings] == [
        (dt.date(2027, 1, 11), 0, dt.time(10, 0), "formal", []),  # Monday 12 January 2026, a year on
        (dt.date(2027, 3, 8), 0, dt.time(14, 30), "informal", [])]
    assert plan.other_work == ["Asset disposals briefing"]
    text = (root / "panel/workplan.yaml").read_text(encoding="utf-8")
    assert "# 2025/26: Budget monitoring, quarter 3" in text


def test_new_year_keeps_meetings_in_the_new_year(tmp_path: Path) -> None:
    root = project(tmp_path, {"panel/workplan.yaml": """\
        title: Work plan
        municipal_year: 2025/26
        meetings:
          - date: 2025-05-01
            time: "10:00"
        """})
    assert new(root, "year", "panel") == 0
    clean(root)
    data = yaml_of(root / "panel/workplan.yaml")
    # 52 weeks on is Thursday 30 April 2026, still 2025/26: a week later instead
    assert data["meetings"][0]["date"] == "2026-05-07" and data["title"] == "Work plan 2026/27"


# ---------------------------------------------------------- refusals, errors


@pytest.mark.parametrize(("args", "existing"), [
    (["committee", "panel"], "panel/committee.yaml"),
    (["meeting", "panel", "2026-01-12"], "panel/2026-01-12/meeting.yaml"),
    (["report", "panel", "2026-01-12", "budget"], "panel/2026-01-12/report-budget.md"),
    (["minutes", "panel", "2026-01-12"], "panel/2026-01-12/minutes.md"),
    (["year", "panel"], "panel/workplan-2025-26.yaml"),
])
def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                              existing: str) -> None:
    root = project(tmp_path, {"panel/2026-01-12/minutes.md": "kept\n", "panel/workplan-2025-26.yaml": "kept\n"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert new(root, *args) == 1
    err = capsys.readouterr().err
    assert f"{root / existing} already exists" in err or f"{existing} already exists" in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before  # nothing written or changed


@pytest.mark.parametrize(("args", "words"), [
    (["meeting", "planning", "2026-03-09"], "there is no committee 'planning'"),
    (["meeting", "panel", "2026-02-30"], "DATE '2026-02-30' is not a date"),
    (["report", "panel", "2026-03-09", "budget"], "there is no meeting 2026-03-09 of 'panel'"),
    (["report", "panel", "2026-01-12", "Budget Report"], "report 'Budget Report' is not a valid name"),
    (["year", "panel"], "there is no work plan to carry into the next year"),
])
def test_new_explains_mistakes_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              args: list[str], words: str) -> None:
    root = project(tmp_path, {"panel/workplan.yaml": None})
    assert new(root, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith("pack: error: ") and words in err and "Traceback" not in err


def test_new_outside_a_content_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(tmp_path, "meeting", "panel", "2026-03-09") == 1
    assert "is not a content folder (it has no site.yaml)" in capsys.readouterr().err


def test_new_usage_mistakes_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["new", "meeting", "panel"])
    assert stop.value.code == 2


def test_new_meeting_keeps_a_venue_of_several_lines(tmp_path: Path) -> None:
    root = project(tmp_path)
    meeting_yaml = root / "panel/2026-01-12/meeting.yaml"
    meeting_yaml.write_text(meeting_yaml.read_text(encoding="utf-8").replace(
        "venue: Committee Room 1, Town Hall, Testford TF1 1AA", "venue: |\n  Committee Room 1\n  Town Hall"))
    assert new(root, "meeting", "panel", "2026-03-09") == 0
    clean(root)
    assert resolved(root, "panel", "2026-03-09").meeting.venue == "Committee Room 1\nTown Hall"
    mask = os.umask(0o22)
    os.umask(mask)
    assert (root / "panel/2026-03-09/meeting.yaml").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


ITEM = ["- title: New item", "  documents:", "    - report-new.md"]


@pytest.mark.parametrize(("before", "after"), [
    ("agenda:\n  part_a:\n    - title: X\n      note: >-\n        a long\n        note\n    # kept\n  part_b: []\n",
     ("agenda:\n  part_a:\n    - title: X\n      note: >-\n        a long\n        note\n"
     "    - title: New item\n      documents:\n        - report-new.md\n    # kept\n  part_b: []\n")),
    ("agenda:\n  part_a: []\n  part_b: []\n",
     "agenda:\n  part_a:\n    - title: New item\n      documents:\n        - report-new.md\n  part_b: []\n"),
    ("agenda:\n  part_a:\n  part_b: []\n",
     "agenda:\n  part_a:\n    - title: New item\n      documents:\n        - report-new.md\n  part_b: []\n"),
    ("agenda:\r\n  part_a:\r\n  - standard: apologies  # c\r\n",
     ("agenda:\r\n  part_a:\r\n  - standard: apologies  # c\r\n"
     "  - title: New item\r\n    documents:\r\n      - report-new.md\r\n")),
])
def test_an_item_joins_part_a_and_nothing_else_changes(before: str, after: str) -> None:
    from meetingpack.scaffold.agenda import add_agenda_item

    assert add_agenda_item(before, ITEM) == after


def test_an_agenda_written_on_one_line_is_left_to_the_officer() -> None:
    from meetingpack.scaffold.agenda import add_agenda_item
    from meetingpack.scaffold.files import ScaffoldError

    with pytest.raises(ScaffoldError, match=r"written as \[\.\.\.\] on one line; add the item by hand"):
        add_agenda_item("agenda:\n  part_a: [{standard: apologies}]\n", ITEM)


def test_a_past_meetings_work_plan_appendix_keeps_its_own_years_plan(tmp_path: Path) -> None:
    """After `pack new year`, the 2 March 2026 pack still shows the 2025/26 plan (kept as workplan-2025-26.yaml),
    not the new year's: an old meeting's papers do not change when the plan is carried on."""
    from meetingpack.render.documents import render_document
    from meetingpack.render.templates import make_environment

    root = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", root)

    def appendix() -> str:
        meeting = resolved(root, "children-young-people", "2026-03-02")
        doc = next(d for i in meeting.items for d in i.documents if d.slug == "appendix-workplan")
        return str(render_document(make_environment(root), meeting, doc, id_prefix="", image_src=str,
                                   link=lambda href: None, in_pack=False).html)  # type: ignore[arg-type,return-value]

    before = appendix()
    assert "Aldermoor Safeguarding Children Partnership priorities for 2025/26" in before
    assert new(root, "year", "children-young-people") == 0
    assert (root / "children-young-people/workplan-2025-26.yaml").is_file()
    assert appendix() == before
