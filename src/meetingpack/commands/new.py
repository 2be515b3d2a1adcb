"""`pack new`: start a committee, a meeting, a cover report, a meeting's minutes or next year's work plan.

Each function takes the content folder and what the officer named, writes new
files that pass `pack check` as they are (never over an existing file), and
returns what it wrote, what it changed and anything the officer should know.
Where a value can only come from the officer (the day the agenda is issued, a
report's author), a valid stand-in is written with a YAML comment saying so.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import Report
from ..load import MEETING_FOLDER, load_record, read_yaml
from ..resolve import long_date, municipal_year
from ..scaffold.agenda import add_agenda_item
from ..scaffold.files import (
    ScaffoldError,
    check_slug,
    one_line,
    refuse_existing,
    replace_text,
    scalar,
    shown,
    slug_words,
    write_new,
    yaml_field,
)
from ..scaffold.minutes import minutes_text
from ..scaffold.sections import report_body
from ..scaffold.workplan import next_year_text
from .check import checked_project
from .init import committee_yaml


@dataclass
class Scaffolded:
    """What a `pack new` command did, for the CLI to print."""

    written: list[Path] = field(default_factory=list)
    changed: list[tuple[Path, str]] = field(default_factory=list)
    """An existing file and what was done to it."""
    notes: list[str] = field(default_factory=list)


def _content(root: Path) -> Path:
    if not (root / "site.yaml").is_file():
        raise ScaffoldError(f"{shown(root)} is not a content folder (it has no site.yaml); run pack in the "
                            "folder that holds content/, or give --source")
    return root


def _committee(root: Path, slug: str) -> tuple[Path, model.Committee]:
    folder = _content(root) / slug
    if not (folder / "committee.yaml").is_file():
        known = sorted(p.name for p in root.iterdir() if (p / "committee.yaml").is_file())
        raise ScaffoldError(f"there is no committee '{slug}' ({shown(folder / 'committee.yaml')} not found); "
                            + (f"the committees are: {', '.join(known)}" if known else
                               "start one with: pack new committee SLUG"))
    loaded = load_record(model.Committee, folder / "committee.yaml", Report(root))
    if loaded is None:
        raise ScaffoldError(f"{shown(folder / 'committee.yaml')} has errors; run pack check and fix them first")
    return folder, loaded[0]


def _meeting_folder(text: str) -> tuple[str, dt.date]:
    """A meeting folder's name as typed ('2026-06-16', or '2026-06-16-2' for a second that day) and its date."""
    match = MEETING_FOLDER.match(text)
    try:
        if match is None:
            raise ValueError
        return text, dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise ScaffoldError(f"DATE '{text}' is not a date: write it YYYY-MM-DD, e.g. 2026-06-16 "
                            "(add -2 for a second meeting that day)") from None


def _meetings(folder: Path) -> list[tuple[str, model.Meeting]]:
    """The committee's meetings that can be read, by folder name, in date order (others are skipped)."""
    found = []
    for path in sorted(folder.glob("*/meeting.yaml")):
        if not MEETING_FOLDER.match(path.parent.name) or path.parent.name.startswith(("_", ".")):
            continue
        loaded = load_record(model.Meeting, path, Report(folder.parent))
        if loaded is not None:
            found.append((path.parent.name, loaded[0]))
    return sorted(found, key=lambda m: (m[1].date, m[1].start_time, m[0]))


# ----------------------------------------------------------------- committee


def new_committee(root: Path, slug: str, name: str | None = None) -> Scaffolded:
    """A committee folder with a committee.yaml to fill in (members "to be confirmed")."""
    check_slug(slug, "committee")
    if slug == "templates":
        raise ScaffoldError("'templates' is the folder of the content's own templates; name the committee otherwise")
    path = _content(root) / slug / "committee.yaml"
    refuse_existing([path])
    site = load_record(model.Site, root / "site.yaml", Report(root))
    contact = site[0].contact if site else None
    officer = contact.name if contact and contact.name else "Democratic Services"
    name = name or slug_words(slug) + ("" if slug.endswith(("committee", "panel")) else " Committee")
    return Scaffolded([write_new(path, committee_yaml(name, officer, contact.email if contact else None))],
                      notes=["fill in the chair and members in committee.yaml"])


# ------------------------------------------------------------------- meeting


def latest_issue_date(date: dt.date) -> dt.date:
    """The last day an agenda can be published: five clear working days before the meeting (the Local
    Government Act 1972, s.100B: neither that day nor the meeting's counts). Bank holidays are not known."""
    day, clear = date, 0
    while clear < 5:
        day -= dt.timedelta(days=1)
        clear += day.weekday() < 5
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def meeting_text(date: dt.date, committee: model.Committee, last: tuple[str, model.Meeting] | None,
                 topics: list[str]) -> str:
    """A new meeting.yaml: the committee's standard items, and the venue, time and issuer of its last meeting."""
    if last is not None:
        origin = f"# The time, venue and issuer of the meeting of {long_date(last[1].date)}:"
        start, venue = last[1].start_time.strftime("%H:%M"), last[1].venue
        issuer = (last[1].issued_by.name, last[1].issued_by.title)
    else:
        origin = "# FILL IN the time, the venue and who issues the agenda:"
        start, venue = "10:00", "To be confirmed"
        issuer = (committee.governance_officer.name or "To be confirmed", committee.governance_officer.title)
    issued_by = "".join(f"\n  {key}: {scalar(text)}" for key, text in zip(("name", "title"), issuer) if text)
    planned = "".join(f"\n#   - {one_line(topic)}" for topic in topics)
    planned = f"\n# The work plan's topics for this meeting:{planned}" if topics else ""
    items = "".join(f"\n    - standard: {item.key}" for item in committee.standard_items)
    part_a = f"\n  part_a:{items}" if items else "\n  part_a: []"
    return f"""\
date: {date.isoformat()}
status: scheduled
{origin}
start_time: "{start}"
{yaml_field("venue", venue)}
issued_by:{issued_by}
# FILL IN the day the agenda is published. Until then this is the latest day it can be: five clear
# working days before the meeting (check for bank holidays, which are not counted).
issued_on: {latest_issue_date(date).isoformat()}{planned}
agenda:
  # The minutes of the last meeting held are added after 'declarations' by meetingpack.
  # Add an item with its cover report: pack new report COMMITTEE DATE SLUG
  # Exempt items go under 'part_b:', each with its exempt_paragraph.{part_a}
"""


def new_meeting(root: Path, committee_slug: str, date_text: str) -> Scaffolded:
    """A meeting folder and its meeting.yaml."""
    folder, committee = _committee(root, committee_slug)
    name, date = _meeting_folder(date_text)
    path = folder / name / "meeting.yaml"
    refuse_existing([path])
    meetings = _meetings(folder)
    before = [m for m in meetings if m[1].date < date]
    last = before[-1] if before else (meetings[-1] if meetings else None)
    topics: list[str] = []
    plan = load_record(model.WorkPlan, folder / "workplan.yaml", Report(root)) \
        if (folder / "workplan.yaml").is_file() else None
    if plan is not None:
        topics = [t for planned in plan[0].meetings if planned.date == date for t in planned.topics]
    done = Scaffolded([write_new(path, meeting_text(date, committee, last, topics))])
    done.notes.append(f"issued_on is {latest_issue_date(date).isoformat()}, the latest day the agenda can be "
                      "published: change it to the day it is")
    if last is None:
        done.notes.append("fill in the venue, the start time and who issues the agenda (issued_by)")
    return done


# -------------------------------------------------------------------- report


def report_text(title: str, date: dt.date, committee: model.Committee) -> str:
    """A cover report: front matter with what meetingpack prints from it, then every standard section."""
    return f"""\
---
kind: report
title: {scalar(title)}
date: {date.isoformat()}
addressee: {scalar(f"To the Chair and Members of the {committee.name}")}
# The cabinet member(s) responsible, each with their portfolio, one '- ' line each;
# [] prints "None".
cabinet_members: []
# The wards affected, one '- ' line each, or All.
wards:
  - All
# false, or the forward plan reference of a key decision, e.g. KD/2026/04
key_decision: false
# The author, printed under "Contact officer and report author".
contact_officer:
  name: To be confirmed
  title: To be confirmed
  # phone: 01632 960000
  # email: name@council.gov.uk
# The director who signs the report off.
director:
  name: To be confirmed
  title: To be confirmed
# Published documents used in writing the report, one '- ' line each; [] prints "None.".
background_papers: []
---

{report_body(committee.noun)}"""


def new_report(root: Path, committee_slug: str, date_text: str, slug: str, title: str | None = None) -> Scaffolded:
    """A cover report in a meeting's folder, added to the end of Part A of its agenda."""
    folder, committee = _committee(root, committee_slug)
    name, date = _meeting_folder(date_text)
    meeting_yaml = folder / name / "meeting.yaml"
    if not meeting_yaml.is_file():
        raise ScaffoldError(f"there is no meeting {name} of '{committee_slug}' ({shown(meeting_yaml)} not found); "
                            f"start it with: pack new meeting {committee_slug} {name}")
    file_name = (slug if slug.startswith("report-") else f"report-{check_slug(slug, 'report')}") + ".md"
    path = meeting_yaml.parent / file_name
    refuse_existing([path])
    text = meeting_yaml.read_text(encoding="utf-8")
    read = read_yaml(meeting_yaml, Report(root), text=text)
    if read is None:
        raise ScaffoldError(f"{shown(meeting_yaml)} cannot be read; run pack check and fix it first")
    title = title or slug_words(slug.removeprefix("report-"))
    listed = _listed(read[0], file_name)
    changed = text if listed else add_agenda_item(text, [f"- title: {scalar(title)}", "  documents:",
                                                        f"    - {scalar(file_name)}"], shown(meeting_yaml))
    done = Scaffolded([write_new(path, report_text(title, date, committee))])
    if listed:
        done.notes.append(f"{file_name} was already on the agenda; meeting.yaml is unchanged")
    else:
        replace_text(meeting_yaml, changed)
        done.changed.append((meeting_yaml, f"added the item '{title}' at the end of Part A"))
    done.notes.append("fill in the contact officer and the director in the report's front matter")
    return done


def _listed(data: object, file_name: str) -> bool:
    agenda = data.get("agenda") if isinstance(data, dict) else None
    parts = [agenda.get(p) for p in ("part_a", "part_b")] if isinstance(agenda, dict) else []
    return any(isinstance(item, dict) and file_name in (item.get("documents") or [])
               for part in parts if isinstance(part, list) for item in part)


# ------------------------------------------------------------------- minutes


def new_minutes(root: Path, committee_slug: str, date_text: str) -> Scaffolded:
    """A meeting's minutes.md: a heading per agenda item, numbered as the build will, and the attendance."""
    folder, _ = _committee(root, committee_slug)
    name, date = _meeting_folder(date_text)
    meeting_yaml = folder / name / "meeting.yaml"
    if not meeting_yaml.is_file():
        raise ScaffoldError(f"there is no meeting {name} of '{committee_slug}' ({shown(meeting_yaml)} not found)")
    path = meeting_yaml.parent / "minutes.md"
    refuse_existing([path])
    checked = checked_project(root)  # the whole committee: minute numbers run on through the year
    if checked.report.errors or checked.meetings is None or checked.project is None:
        raise ScaffoldError(f"pack check finds {len(checked.report.errors)} error(s) in {shown(root)}; fix them "
                            "first (the minutes' numbers depend on the whole committee)")
    resolved = next((m for m in checked.meetings
                     if m.committee.slug == committee_slug and m.source.slug == name), None)
    if resolved is None:  # a folder pack check does not read ('_drafts'...)
        raise ScaffoldError(f"pack check does not read {shown(meeting_yaml)}; it is not a meeting of the content")
    committee = resolved.committee
    year = municipal_year(date)
    start = committee.committee.first_minute_numbers.get(year, 1)
    later = []
    for other in committee.meetings:
        if other.minutes is None or municipal_year(other.meeting.date) != year or other.slug == name:
            continue
        if (other.meeting.date, other.meeting.start_time, other.slug) < (date, resolved.meeting.start_time, name):
            start += len(checked.project.documents[other.minutes].analysis.minutes)
        else:
            later.append(other.slug)
    done = Scaffolded([write_new(path, minutes_text(resolved, start))])
    if resolved.meeting.status.value != "held":
        done.notes.append(f"once the meeting has been held, set 'status: held' (and end_time) in {shown(meeting_yaml)}")
    if later:
        done.notes.append(f"the minutes of {', '.join(later)} are renumbered after these")
    return done


# ---------------------------------------------------------------------- year


def new_year(root: Path, committee_slug: str) -> Scaffolded:
    """workplan.yaml for the next municipal year; the year before is kept as workplan-YYYY-YY.yaml."""
    folder, _ = _committee(root, committee_slug)
    path = folder / "workplan.yaml"
    if not path.is_file():
        raise ScaffoldError(f"{shown(path)} not found: there is no work plan to carry into the next year; "
                            "write one (docs/authoring.md, section 4.4)")
    loaded = load_record(model.WorkPlan, path, Report(root))
    if loaded is None:
        raise ScaffoldError(f"{shown(path)} has errors; run pack check and fix them first")
    plan = loaded[0]
    kept = folder / f"workplan-{plan.municipal_year.replace('/', '-')}.yaml"
    refuse_existing([kept])
    old = path.read_text(encoding="utf-8")
    new_text, year = next_year_text(plan)
    done = Scaffolded([write_new(kept, old)])
    replace_text(path, new_text)
    done.changed.append((path, f"now the work plan for {year}: the meetings a year on, topics to be chosen"))
    done.notes.append(f"the {plan.municipal_year} plan is kept in {os.path.basename(kept)}: the meetings of "
                      f"{plan.municipal_year} go on showing it, those of {year} show the new one")
    return done
