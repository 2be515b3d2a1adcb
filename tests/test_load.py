"""load: every kind of content file read into its record, with the values, types
and defaults the rest of the pipeline relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import pytest
from helpers_content import check, original, project

from meetingpack import model
from meetingpack.errors import Report
from meetingpack.load import Project, load_document, load_project

MEETING_DIR = "panel/2026-01-12"

MEETING_WITH_EVERY_KIND = """\
date: 2026-01-12
start_time: "10:00"
venue: Committee Room 1, Town Hall
issued_on: 2026-01-02
issued_by:
  name: Jo Bloggs
  title: Chief Executive
agenda:
  part_a:
    - standard: apologies
    - title: Minutes of the last meeting
      documents:
        - ../2025-11-10/minutes.md
    - title: Budget monitoring, quarter 3
      note: The Panel will hear from the finance team.
      supplementary: true
      documents:
        - report-budget.md
        - appendix-budget.md
        - letter-auditor.md
        - document-strategy.md
        - pdf: auditor-letter.pdf
          title: Letter from the auditor
          label: Appendix 4
          description: A one-page letter from the external auditor.
  part_b:
    - title: Sale of the old depot
      exempt_paragraph: 3
      documents:
        - report-depot.md
"""

EARLIER_MEETING = """\
date: 2025-11-10
start_time: 14:30
venue: Committee Room 2
status: held
public_welcome: null
issued_on: 2025-10-31
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - standard: apologies
"""

MINUTES = """\
---
kind: minutes
attendance:
  present:
    - Councillor Ann Carter (Chair)
    - Councillor Ben Doyle
  apologies:
    - Councillor Dana Ford
---

## Apologies for absence

Apologies were received from Councillor Dana Ford.
"""

LETTER = """\
---
kind: letter
title: Audit findings
label: Appendix 2
date: 2025-12-19
sender:
  name: Kim Lee
  title: Audit Partner
  address: |
    1 High Street
    Testford
recipient:
  name: Councillor Ann Carter
---

Thank you for your letter.
"""

PLAIN = """\
---
kind: document
title: Medium-term financial strategy
label: Appendix 3
---

## Overview

The strategy covers four years.
"""


@pytest.fixture
def loaded(tmp_path: Path) -> Project:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf_path = tmp_path / "auditor-letter.pdf"
    pdf.save(pdf_path)
    root = project(tmp_path, {
        f"{MEETING_DIR}/meeting.yaml": MEETING_WITH_EVERY_KIND,
        f"{MEETING_DIR}/letter-auditor.md": LETTER,
        f"{MEETING_DIR}/document-strategy.md": PLAIN,
        f"{MEETING_DIR}/auditor-letter.pdf": pdf_path.read_bytes(),
        "panel/2025-11-10/meeting.yaml": EARLIER_MEETING,
        "panel/2025-11-10/minutes.md": MINUTES,
    })
    assert check(root) == []
    report = Report(root)
    loaded = load_project(root, report)
    assert report.diagnostics == []
    assert loaded is not None
    return loaded


def doc(project: Project, name: str) -> model.BaseModel:
    (meta,) = [d.meta for p, d in project.documents.items() if p.name == name]
    return meta


# ---------------------------------------------------------------- YAML files


def test_site_yaml_values_and_defaults(loaded: Project) -> None:
    site = loaded.site
    assert site.authority == "Testford Borough Council"
    assert site.base_url == "https://meetings.testford.example/"
    assert site.contact.email == "democratic.services@testford.example"
    assert site.contact.phone is None
    assert site.time_zone == "Europe/London"
    assert site.licence.startswith("Contains public sector information")
    assert (site.colours.primary, site.colours.accent) == ("#1d4f91", "#ffdd00")
    assert site.transport_note is None


def test_site_base_url_gains_a_trailing_slash(tmp_path: Path) -> None:
    root = project(tmp_path, {"site.yaml": """\
        authority: Testford Borough Council
        site_title: Testford council meetings
        base_url: https://meetings.testford.example/papers
        time_zone: Europe/Dublin
        colours:
          primary: "#112233"
        contact:
          address: |
            Town Hall
            Testford
        """})
    report = Report(root)
    loaded = load_project(root, report)
    assert report.diagnostics == [] and loaded is not None
    assert loaded.site.base_url == "https://meetings.testford.example/papers/"
    assert loaded.site.time_zone == "Europe/Dublin"
    assert loaded.site.colours.primary == "#112233"
    assert loaded.site.colours.accent == "#ffdd00"
    assert loaded.site.contact.address == "Town Hall\nTestford"


def test_committee_yaml_values_and_defaults(loaded: Project) -> None:
    (source,) = loaded.committees
    assert source.slug == "panel"
    committee = source.committee
    assert committee.name == "Resources Scrutiny Panel"
    assert committee.remit == "The Panel scrutinises the council's **budget** and property."
    assert committee.membership.chair == "Councillor Ann Carter"
    assert committee.membership.councillors == ["Chidi Eze", "Dana Ford"]
    assert committee.membership.invitees == [] and committee.membership.co_optees == []
    assert committee.membership.co_optee_heading == "Co-optees"
    assert [(s.key, s.title, s.note) for s in committee.standard_items] == [
        ("apologies", "Apologies for absence", None),
        ("declarations", "Declarations of interest",
         "Members declare any interests in the items below."),
    ]
    assert committee.first_minute_numbers == {2025: 1}
    assert committee.governance_officer.name == "Priya Shah"


def test_workplan_yaml_dates_times_and_types(loaded: Project) -> None:
    plan = loaded.committees[0].workplan
    assert plan is not None
    assert plan.municipal_year == "2025/26"
    assert [(m.date, m.time, m.type) for m in plan.meetings] == [
        (dt.date(2026, 1, 12), dt.time(10, 0), model.MeetingType.formal),
        (dt.date(2026, 3, 9), dt.time(14, 30), model.MeetingType.informal),
    ]
    assert plan.meetings[0].topics == ["Budget monitoring, quarter 3"]
    assert plan.other_work == ["Asset disposals briefing"]
    assert plan.ideas == []


def test_committee_without_workplan_has_none(tmp_path: Path) -> None:
    root = project(tmp_path, {"panel/workplan.yaml": None})
    loaded = load_project(root, Report(root))
    assert loaded is not None and loaded.committees[0].workplan is None


def test_meeting_yaml_values_and_defaults(loaded: Project) -> None:
    meetings = loaded.committees[0].meetings
    assert [m.slug for m in meetings] == ["2025-11-10", "2026-01-12"]
    earlier, meeting = meetings[0].meeting, meetings[1].meeting
    assert meeting.date == dt.date(2026, 1, 12)
    assert meeting.start_time == dt.time(10, 0)
    assert meeting.end_time is None
    assert meeting.status is model.MeetingStatus.scheduled
    assert meeting.public_welcome == "Members of the public are welcome to attend"
    assert meeting.issued_on == dt.date(2026, 1, 2)
    assert (meeting.issued_by.name, meeting.issued_by.title) == ("Jo Bloggs", "Chief Executive")
    # An unquoted 14:30 is a time, not 870 minutes; null removes the public welcome.
    assert earlier.start_time == dt.time(14, 30)
    assert earlier.status is model.MeetingStatus.held
    assert earlier.public_welcome is None


def test_meeting_agenda_items(loaded: Project) -> None:
    agenda = loaded.committees[0].meetings[1].meeting.agenda
    standard, minutes, budget = agenda.part_a
    assert (standard.standard, standard.title, standard.documents) == ("apologies", None, [])
    assert minutes.documents == ["../2025-11-10/minutes.md"]
    assert budget.title == "Budget monitoring, quarter 3"
    assert budget.note == "The Panel will hear from the finance team."
    assert budget.supplementary is True and minutes.supplementary is False
    assert budget.exempt_paragraph is None
    assert budget.documents[:4] == ["report-budget.md", "appendix-budget.md", "letter-auditor.md",
                                    "document-strategy.md"]
    (exempt,) = agenda.part_b
    assert exempt.exempt_paragraph == 3
    assert exempt.documents == ["report-depot.md"]


def test_pdf_appendix_is_parsed_as_a_pdf_reference(loaded: Project) -> None:
    pdf = loaded.committees[0].meetings[1].meeting.agenda.part_a[2].documents[4]
    assert isinstance(pdf, model.PdfAppendix)
    assert pdf.pdf == "auditor-letter.pdf"
    assert pdf.title == "Letter from the auditor"
    assert pdf.label == "Appendix 4"
    assert pdf.description == "A one-page letter from the external auditor."
    # An existing PDF is not a Markdown document.
    assert "auditor-letter.pdf" not in {p.name for p in loaded.documents}


def test_second_meeting_on_the_same_day_uses_a_suffixed_folder(tmp_path: Path) -> None:
    second = {f"panel/2026-01-12-2/{name}": original(f"{MEETING_DIR}/{name}")
              for name in ("report-budget.md", "appendix-budget.md", "report-depot.md")}
    second["panel/2026-01-12-2/meeting.yaml"] = original(f"{MEETING_DIR}/meeting.yaml").replace(
        'start_time: "10:00"\nend_time: "12:00"', 'start_time: "14:00"')
    root = project(tmp_path, second)
    report = Report(root)
    loaded = load_project(root, report)
    assert report.diagnostics == [] and loaded is not None
    assert [(m.slug, m.meeting.start_time) for m in loaded.committees[0].meetings] == [
        ("2026-01-12", dt.time(10, 0)), ("2026-01-12-2", dt.time(14, 0)),
    ]


# ----------------------------------------------------------------- documents


def test_report_front_matter_values_and_defaults(loaded: Project) -> None:
    meta = doc(loaded, "report-budget.md")
    assert isinstance(meta, model.ReportMeta)
    assert meta.title == "Budget monitoring, quarter 3"
    assert meta.date == dt.date(2026, 1, 12)
    assert meta.wards == ["All"]
    assert meta.key_decision is False
    assert meta.cabinet_members == [] and meta.background_papers == []
    assert meta.exempt_paragraph is None
    assert (meta.director.name, meta.director.title) == ("Alex Hill", "Director of Resources")
    assert doc(loaded, "report-depot.md").exempt_paragraph == 3  # type: ignore[attr-defined]


def test_appendix_front_matter_defaults(loaded: Project) -> None:
    meta = doc(loaded, "appendix-budget.md")
    assert isinstance(meta, model.AppendixMeta)
    assert (meta.title, meta.label) == ("Forecast by service", "Appendix 1")
    assert meta.source == "markdown"
    assert meta.landscape is False


def test_minutes_front_matter_and_meeting_link(loaded: Project) -> None:
    meta = doc(loaded, "minutes.md")
    assert isinstance(meta, model.MinutesMeta)
    assert meta.title is None
    assert meta.attendance.present == ["Councillor Ann Carter (Chair)", "Councillor Ben Doyle"]
    assert meta.attendance.apologies == ["Councillor Dana Ford"]
    assert meta.attendance.also_in_attendance == []
    earlier = loaded.committees[0].meetings[0]
    assert earlier.minutes is not None and earlier.minutes.name == "minutes.md"
    assert earlier.minutes.parent.name == "2025-11-10"
    assert loaded.committees[0].meetings[1].minutes is None


def test_letter_front_matter_values_and_defaults(loaded: Project) -> None:
    meta = doc(loaded, "letter-auditor.md")
    assert isinstance(meta, model.LetterMeta)
    assert meta.date == dt.date(2025, 12, 19)
    assert meta.sender.address == "1 High Street\nTestford"
    assert meta.recipient.name == "Councillor Ann Carter"
    assert meta.salutation == "Dear Sir or Madam"
    assert meta.closing == "Yours sincerely"


def test_plain_document_front_matter(loaded: Project) -> None:
    meta = doc(loaded, "document-strategy.md")
    assert isinstance(meta, model.PlainMeta)
    assert (meta.title, meta.label) == ("Medium-term financial strategy", "Appendix 3")


def test_each_markdown_document_is_loaded_once(loaded: Project) -> None:
    assert sorted(p.name for p in loaded.documents) == [
        "appendix-budget.md", "document-strategy.md", "letter-auditor.md", "minutes.md",
        "report-budget.md", "report-depot.md",
    ]
    assert all(p.is_absolute() for p in loaded.documents)


def test_document_body_and_positions_count_front_matter_lines(tmp_path: Path) -> None:
    path = tmp_path / "letter.md"
    path.write_text(LETTER, encoding="utf-8")
    report = Report(tmp_path)
    source = load_document(path, report)
    assert report.diagnostics == [] and source is not None
    assert source.body == "\nThank you for your letter.\n"
    assert source.body_line == 14  # the closing '---' is line 14; the body starts on 15
    assert source.positions.find(("kind",)) == (2, 7)
    assert source.positions.find(("sender", "title")) == (8, 10)


def test_document_with_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_bytes(PLAIN.replace("\n", "\r\n").encode("utf-8"))
    report = Report(tmp_path)
    source = load_document(path, report)
    assert report.diagnostics == [] and source is not None
    assert source.meta.title == "Medium-term financial strategy"
    assert source.body_line == 5
    assert source.body.lstrip().startswith("## Overview")


def test_document_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_bytes(b"\xef\xbb\xbf" + PLAIN.encode("utf-8"))
    report = Report(tmp_path)
    source = load_document(path, report)
    assert [d.message for d in report.diagnostics] == []
    assert source is not None and source.meta.title == "Medium-term financial strategy"
