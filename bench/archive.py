#!/usr/bin/env python
"""Write a synthetic council archive: N committees x M meetings of realistic papers (deterministic).

    python bench/archive.py OUT --committees 2 --meetings 12 [--seed 20260518]

OUT must not exist or be empty.  It becomes a content folder that `pack check` accepts without errors:

- `site.yaml` with wards; per committee `committee.yaml` (membership, standard items), `workplan.yaml`
  (the municipal year of its last meeting) and `recommendations.yaml`;
- one meeting a month per committee (none in August), from May 2021 on, each committee on its own
  weekday; every meeting is `held` with `minutes.md` except each committee's last, which is `scheduled`;
- per meeting: the four standard items, three topic items with cover reports (numbered paragraphs,
  tables, bullet and numbered lists, a cross reference), a Markdown appendix (landscape every other
  meeting), a small existing PDF appendix written with pikepdf, and, in turn, a supplementary item
  (`published_on` after `issued_on`), a Part B exempt item (`exempt_paragraph`, with an exempt
  minute `{exempt=3}`), a further report answering an earlier resolution (`follows_up`), a letter
  answering a recommendation to the Executive, and `decisions.md`.

The same arguments always give the same bytes: the text comes from `random.Random` seeded with a
string built from the seed, the committee and the meeting; dates come from the meeting's place in the
sequence, never from the clock; files are written in sorted order.  `write_archive` is the importable
entry (used by bench/archive_build.py and tests/test_bench_archive.py).
"""

from __future__ import annotations

import argparse
import calendar
import io
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEFAULT_SEED = 20260518
FIRST_MONTH = (2021, 5)
"""The first meeting month of every committee: May 2021, the start of the 2021/22 municipal year."""

WORDS = (
    "council", "service", "residents", "families", "budget", "placement", "school", "support",
    "review", "plan", "action", "officer", "partnership", "quarter", "forecast", "performance",
    "target", "outcome", "provision", "capacity", "demand", "referral", "assessment", "contract",
    "provider", "monitoring", "safeguarding", "housing", "transport", "pressure", "improvement",
    "inspection", "members", "evidence", "ward", "community", "centre", "framework", "strategy",
    "delivery", "saving", "investment", "staffing", "recruitment", "retention", "training",
    "consultation", "equality", "impact", "legal", "duty", "statutory", "guidance", "data", "trend",
    "rate", "increase", "decrease", "stable", "risk", "mitigation", "timescale", "milestone",
    "progress", "benchmark", "region", "national", "average", "local", "health", "education",
    "social", "care", "early", "help", "prevention", "library", "highways", "waste", "planning",
)
FIRST_NAMES = ("Helen", "Daniel", "Imran", "Carol", "Gareth", "Fiona", "Peter", "Nasreen", "Stuart",
               "Joanne", "Ravi", "Leanne", "Paul", "Farah", "Mark", "Rebecca", "Claire", "Kwame")
SURNAMES = ("Ashworth", "Okonjo", "Baig", "Dempsey", "Ellison", "Hargreaves", "Lightfoot", "Malik",
            "Pennington", "Quayle", "Chaudhry", "Birtwistle", "Greaves", "Iqbal", "Tennant", "Nuttall",
            "Lindqvist", "Asante")
WARDS = ("Aldermoor Central", "Brookfield", "Eastwood", "Fairholme", "Hallgate", "Kingsmoor",
         "Northfield", "Riverside")
COMMITTEES = (
    ("children-young-people", "Children and Young People Overview and Scrutiny Panel", "Children and Young People",
     ("Fostering", "Early help", "Youth services", "SEND transport", "Virtual school", "Leaving care")),
    ("adult-social-care", "Adult Social Care and Health Scrutiny Committee", "Adult Social Care",
     ("Home care", "Reablement", "Carers", "Day services", "Safeguarding adults", "Mental health")),
    ("place-environment", "Place and Environment Scrutiny Panel", "Place and Environment",
     ("Highways maintenance", "Waste collection", "Parks", "Air quality", "Local plan", "Street lighting")),
    ("resources", "Resources and Governance Scrutiny Committee", "Resources",
     ("Budget monitoring", "Council tax collection", "Procurement", "Workforce", "Digital services", "Estates")),
    ("housing", "Housing and Communities Scrutiny Panel", "Housing and Communities",
     ("Homelessness", "Social housing repairs", "Private rented sector", "Community safety", "Libraries",
      "Allocations")),
)
STANDARD_ITEMS = (
    ("apologies", "Apologies for absence", None),
    ("exclusion", "To consider the extent, if any, to which the public and press are to be excluded from the meeting",
     None),
    ("declarations", "Declarations of interest, if any", None),
    ("public-statements", "Public statements",
     ("Up to 20 minutes is set aside for members of the public to speak on a matter within the remit. "
      "Please contact the governance officer by noon two working days before the meeting.")),
)
VENUES = ("Council Chamber, Aldermoor Civic Centre, Market Street, Aldermoor AM1 1AA",
          "Committee Room 2, Aldermoor Civic Centre, Market Street, Aldermoor AM1 1AA")


class Text:
    """Deterministic filler prose from one seeded `random.Random`."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def phrase(self, low: int = 3, high: int = 8) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self, low: int = 9, high: int = 22) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < 0.25:
            words.insert(self.rng.randrange(len(words)), f"{self.rng.randint(2, 98)}%")
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int = 3, high: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def rag(self) -> str:
        return self.rng.choice((":green:", ":green:", ":amber:", ":red:"))

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"


# ------------------------------------------------------------------------------------------- the plan

@dataclass
class Item:
    """One agenda item the generator writes (standard items and the automatic minutes item excluded)."""

    key: str
    title: str
    documents: list[str] = field(default_factory=list)
    yaml_extra: list[str] = field(default_factory=list)
    exempt: bool = False
    supplementary: bool = False


@dataclass
class Meeting:
    """A meeting's place in the archive: its date, status and the minute numbers its minutes take."""

    index: int
    day: date
    held: bool
    first_minute: int = 1
    items: list[Item] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


def municipal_year(day: date) -> int:
    """The year a municipal year starts in (May to April)."""
    return day.year if day.month >= 5 else day.year - 1


def meeting_dates(committee: int, count: int) -> list[date]:
    """`count` monthly dates (no meeting in August): the second week, on the committee's own weekday."""
    year, month = FIRST_MONTH
    weekday = committee % 4  # Monday to Thursday
    days: list[date] = []
    while len(days) < count:
        if month != 8:
            first = date(year, month, 1)
            offset = (weekday - first.weekday()) % 7
            days.append(first + timedelta(days=offset + 7))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return days


def long_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


# ------------------------------------------------------------------------------------------- files

def _yaml_text(text: str) -> str:
    """A YAML scalar that is always read back as the same string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _table(t: Text, caption: str, rows: int) -> list[str]:
    lines = [f"Table: {caption}", "", "| Ref | Measure | Q1 | Q2 | Q3 | Target | Status |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in range(1, rows + 1):
        q = [t.rng.randint(40, 990) for _ in range(4)]
        lines.append(f"| {r} | {t.phrase(3, 8).capitalize()} | {q[0]} | {q[1]} | {q[2]} | {q[3]} | {t.rag()} |")
    return lines + [""]


def _report(t: Text, *, title: str, day: date, committee_name: str, sections: int,
            exempt: bool = False, appendix: str | None = None) -> str:
    officer, director = t.person(), t.person()
    wards = ["All"] if t.rng.random() < 0.5 else sorted(t.rng.sample(WARDS, 2))
    out = ["---", "kind: report", f"title: {_yaml_text(title)}", f"date: {day.isoformat()}",
           f"addressee: To the Chair and Members of the {committee_name}",
           "cabinet_members:", f"  - Councillor {t.person()}, Cabinet Member for {t.phrase(1, 2).title()}",
           "wards:", *[f"  - {w}" for w in wards],
           f"key_decision: {'KD/' + str(day.year) + '/' + str(t.rng.randint(1, 40)) if t.rng.random() < 0.3 else 'false'}"]
    if exempt:
        out.append("exempt_paragraph: 3")
    out += ["contact_officer:", f"  name: {officer}", "  title: Head of Service", "  phone: 01632 960400",
            f"  email: {officer.lower().replace(' ', '.')}@aldermoor.example",
            "director:", f"  name: {director}", "  title: Strategic Director",
            "background_papers:", f"  - {_yaml_text(t.phrase().capitalize())}", "---", "",
            "## Executive summary", "", t.paragraph(), "",
            "## Exempt information", "",
            ("This report is exempt under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972."
             if exempt else "This report is not exempt."), "",
            "## Recommendations", "", "The Panel is asked to:", "",
            f"1. note {t.phrase()};", f"2. consider and comment on {t.phrase()}, in particular:",
            f"    1. {t.phrase()};", f"    2. {t.phrase()};", f"3. receive a further report on {t.phrase()}.", "",
            "## Background", "", t.paragraph(), ""]
    if appendix:
        out += [f"{t.sentence()} The detail is in [Appendix 1]({appendix}). {t.sentence()}", ""]
    for s in range(1, sections + 1):
        out += [f"### {t.phrase(2, 5).capitalize()}", "", t.paragraph(), ""]
        if s % 2:
            out += [f"- {t.phrase()} {t.rag()}" for _ in range(4)] + [""]
        else:
            out += [f"1. {t.phrase(6, 12)};" for _ in range(3)] + [""]
        out += [t.paragraph(2, 4), ""]
        if s % 3 == 0:
            out += _table(t, f"{t.phrase(3, 6).capitalize()}, quarters 1 to 3", 12)
    out += ["## Options considered", "", t.paragraph(2, 4), "",
            "## Risks and assumptions", "", *[f"- {t.sentence()}" for _ in range(3)], "",
            "## Financial implications", "", t.paragraph(2, 3), "",
            *_table(t, "Forecast spend by service (thousands of pounds)", 10),
            "## Legal implications", "", t.paragraph(1, 2), "",
            "## Equality implications", "", t.paragraph(1, 2), ""]
    return "\n".join(out)


def _appendix(t: Text, landscape: bool) -> str:
    out = ["---", "kind: appendix", "title: Action plan and progress", "label: Appendix 1"]
    if landscape:
        out.append("landscape: true")
    out += ["---", "", "## Summary", "", t.paragraph(), "",
            "Table: Actions, leads, dates and progress", "",
            "| Ref | Action | Lead | Due | Progress | Status |", "|---|---|---|---|---|---|"]
    for r in range(1, 19):
        out.append(f"| {r} | {t.phrase(6, 12).capitalize()} | {t.person()} "
                   f"| {t.rng.choice(('June', 'September', 'December'))} | {t.sentence(5, 10)} | {t.rag()} |")
    return "\n".join(out) + "\n"


def _pdf_appendix(t: Text, pages: int = 2) -> bytes:
    """A plain, untagged text PDF (Helvetica) such as a scanned-in letter: same text, same bytes."""
    import pikepdf
    from pikepdf import Dictionary, Name

    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for p in range(pages):
        pdf.add_blank_page(page_size=(595.28, 841.89))
        page = pdf.pages[p]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        ops = ["BT /F1 10 Tf 14 TL 60 780 Td"]
        for line in [f"Letter from the inspectorate, page {p + 1} of {pages}"] + [t.sentence(8, 12) for _ in range(40)]:
            ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '")
        ops.append("ET")
        page.obj.Contents = pdf.make_stream("\n".join(ops).encode("latin-1"))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _letter(t: Text, *, title: str, day: date) -> str:
    mayor, chair = t.person(), t.person()
    return "\n".join([
        "---", "kind: letter", f"title: {_yaml_text(title)}", "label: Appendix 1", f"date: {day.isoformat()}",
        "sender:", f"  name: {mayor}", "  title: Executive Mayor",
        "  address: Aldermoor Civic Centre, Market Street, Aldermoor AM1 1AA",
        "recipient:", f"  name: Councillor {chair}", "  title: Chair of the Panel",
        "  address: Aldermoor Civic Centre, Market Street, Aldermoor AM1 1AA",
        f"salutation: Dear Councillor {chair.split()[-1]}", "---", "",
        t.paragraph(), "", t.paragraph(), "",
        *[f"{n}. {t.sentence()}" for n in range(1, 5)], "", t.paragraph(2, 3), ""])


@dataclass
class Committee:
    """One committee's names and its meetings, planned before anything is written."""

    index: int
    slug: str
    name: str
    short_name: str
    services: tuple[str, ...]
    members: list[str]
    meetings: list[Meeting]


def _committee(index: int, meetings: int) -> Committee:
    slug, name, short, services = COMMITTEES[index % len(COMMITTEES)]
    if index >= len(COMMITTEES):
        slug, name, short = f"{slug}-{index // len(COMMITTEES) + 1}", f"{name} {index // len(COMMITTEES) + 1}", \
            f"{short} {index // len(COMMITTEES) + 1}"
    members = [f"{FIRST_NAMES[(index + k) % len(FIRST_NAMES)]} {SURNAMES[(3 * index + k) % len(SURNAMES)]}"
               for k in range(8)]
    days = meeting_dates(index, meetings)
    plan = [Meeting(k, d, held=k < meetings - 1) for k, d in enumerate(days)]
    return Committee(index, slug, name, short, services, members, plan)


def _plan_items(c: Committee, seed: int) -> None:
    """Decide every meeting's topic items and minute headings, and number the minutes."""
    count = len(c.meetings)
    for m in c.meetings:
        t = Text(f"{seed}:{c.index}:{m.index}:plan")
        for n in range(3):
            service = c.services[(m.index + n) % len(c.services)]
            m.items.append(Item(f"topic-{n + 1}", f"{service}: {t.phrase(2, 4)}"))
        if m.index % 3 == 1:
            m.items.append(Item("late", f"{c.services[m.index % len(c.services)]}: pre-decision scrutiny",
                                supplementary=True))
        if m.index % 2 == 0:
            m.items.append(Item("exempt", f"{c.services[(m.index + 2) % len(c.services)]}: award of contract",
                                exempt=True))
    # Follow-ups and responses are attached to a later meeting, so every meeting's items must exist first.
    for m in c.meetings:
        if m.held and m.index + 2 < count:
            later = c.meetings[m.index + 2]
            later.items.insert(3, Item("follow-up", f"{m.items[0].title}: further report"))
        if m.held and m.index % 4 == 1 and m.index + 3 < count:
            later = c.meetings[m.index + 3]
            later.items.insert(3, Item("response", f"Response of the Executive Mayor to the recommendations of "
                                                   f"{long_date(m.day)}"))
    year, next_minute = None, 1
    for m in c.meetings:
        if municipal_year(m.day) != year:
            year, next_minute = municipal_year(m.day), 1
        m.headings = [title for _, title, _ in STANDARD_ITEMS]
        if m.index > 0:
            m.headings.insert(3, f"Minutes of the meeting held on {long_date(c.meetings[m.index - 1].day)}")
        m.headings += [i.title for i in m.items]
        m.first_minute = next_minute
        if m.held:
            next_minute += len(m.headings)


def minute_of(m: Meeting, title: str) -> int:
    return m.first_minute + m.headings.index(title)


def _write_meeting(folder: Path, c: Committee, m: Meeting, seed: int, files: dict[Path, bytes | str]) -> None:
    t = Text(f"{seed}:{c.index}:{m.index}")
    issued = m.day - timedelta(days=8)
    agenda_a = ["agenda:", "  part_a:"] + [f"    - standard: {key}" for key, _, _ in STANDARD_ITEMS]
    agenda_b: list[str] = []
    earlier = {i: c.meetings[i] for i in range(m.index)}
    for n, item in enumerate(m.items):
        lines = [f"    - title: {_yaml_text(item.title)}"]
        docs: list[str] = []
        if item.key.startswith("topic"):
            report = f"report-{item.key}.md"
            appendix = "appendix-action-plan.md" if item.key == "topic-1" else None
            files[folder / report] = _report(t, title=item.title, day=m.day, committee_name=c.name,
                                             sections=3 if item.key == "topic-1" else 2, appendix=appendix)
            docs.append(report)
            if appendix:
                files[folder / appendix] = _appendix(t, landscape=m.index % 2 == 1)
                docs.append(appendix)
            if item.key == "topic-2":
                files[folder / "inspection-letter.pdf"] = _pdf_appendix(t)
                docs.append("pdf")
        elif item.key == "late":
            files[folder / "report-late.md"] = _report(t, title=item.title, day=m.day, committee_name=c.name,
                                                       sections=2)
            docs.append("report-late.md")
            lines.append(f"      published_on: {(m.day - timedelta(days=3)).isoformat()}")
        elif item.key == "exempt":
            files[folder / "report-exempt.md"] = _report(t, title=item.title, day=m.day, committee_name=c.name,
                                                         sections=1, exempt=True)
            docs.append("report-exempt.md")
            lines.append("      exempt_paragraph: 3")
        elif item.key == "follow-up":
            source = earlier[m.index - 2]
            lines.append(f'      follows_up: ["{minute_of(source, source.items[0].title)}(ii) of {source.day}"]')
            files[folder / "report-follow-up.md"] = _report(t, title=item.title, day=m.day, committee_name=c.name,
                                                            sections=2)
            docs.append("report-follow-up.md")
        elif item.key == "response":
            source = earlier[m.index - 3]
            files[folder / "letter-executive-response.md"] = _letter(
                t, title=f"Response to the Panel's recommendations of {long_date(source.day)}",
                day=issued - timedelta(days=4))
            docs.append("letter-executive-response.md")
        lines.append("      documents:")
        for doc in docs:
            if doc == "pdf":
                lines += ["        - pdf: inspection-letter.pdf", "          title: Letter from the inspectorate",
                          "          label: Appendix 2", "          description: >-",
                          "            A two-page letter from the inspectorate setting out its findings."]
            else:
                lines.append(f"        - {doc}")
        (agenda_b if item.exempt else agenda_a).extend(lines)
    head = [f"date: {m.day.isoformat()}", 'start_time: "10:00"']
    if m.held:
        head.append('end_time: "12:30"')
    head += [f"venue: {VENUES[m.index % 2]}", f"status: {'held' if m.held else 'scheduled'}",
             f"issued_on: {issued.isoformat()}", "issued_by:", "  name: Dr Miriam Holloway", "  title: Chief Executive"]
    body = head + agenda_a + (["  part_b:"] + agenda_b if agenda_b else [])
    files[folder / "meeting.yaml"] = "\n".join(body) + "\n"
    if m.held:
        files[folder / "minutes.md"] = _minutes(t, c, m)
        if m.index % 5 == 3:
            files[folder / "decisions.md"] = _decisions(t, c, m)


def _resolutions(t: Text, c: Committee, m: Meeting, item: Item) -> list[str]:
    parts = [f"note {t.phrase()};"]
    if item.key == "topic-1" and m.index + 2 < len(c.meetings):
        parts.append(f"receive a further report on {t.phrase(2, 4)} at its meeting on "
                     f"{long_date(c.meetings[m.index + 2].day)};")
    else:
        parts.append(f"ask officers to {t.phrase()};")
    if item.key == "topic-2" and m.index % 4 == 1:
        parts.append(f"recommend to the Executive Mayor that {t.phrase(5, 10)}.")
    else:
        parts.append(f"thank the officers for {t.phrase(2, 4)}.")
    return ["RESOLVED that the Panel:", "", *[f"{n}. {p}" for n, p in enumerate(parts, 1)], ""]


def _minutes(t: Text, c: Committee, m: Meeting) -> str:
    absent = c.members[m.index % len(c.members)]
    present = [f"Councillor {c.members[0]} (Chair)"] + [f"Councillor {p}" for p in c.members[1:] if p != absent]
    out = ["---", "kind: minutes", "attendance:", "  present:", *[f"    - {p}" for p in present],
           "  also_in_attendance:", f"    - {t.person()}, Strategic Director", f"    - {t.person()}, Governance Officer",
           "  apologies:", f"    - Councillor {absent}", "---", ""]
    for heading in m.headings:
        item = next((i for i in m.items if i.title == heading), None)
        if item is not None and item.exempt:
            out += [f"## {heading} {{exempt=3}}", "", t.paragraph(2, 3), "",
                    "RESOLVED that the recommendation in the report be approved.", ""]
        elif item is not None:
            out += [f"## {heading}", "", t.paragraph(), "", t.paragraph(2, 4), "", *_resolutions(t, c, m, item)]
        elif heading.startswith("Minutes of"):
            out += [f"## {heading}", "", "RESOLVED that the minutes be approved as a correct record.", ""]
        else:
            out += [f"## {heading}", "", t.sentence(), ""]
    return "\n".join(out)


def _decisions(t: Text, c: Committee, m: Meeting) -> str:
    out = ["---", "kind: decisions", f"published_on: {(m.day + timedelta(days=2)).isoformat()}", "---", ""]
    for item in m.items:
        if item.key.startswith("topic"):
            out += [f"## {item.title}", "", *_resolutions(Text(f"decisions:{c.index}:{m.index}:{item.key}"), c, m, item)]
    return "\n".join(out)


def _committee_files(root: Path, c: Committee) -> dict[Path, str]:
    folder = root / c.slug
    lines = [f"name: {c.name}", f"short_name: {c.short_name}",
             (f"remit: The {c.name.split(' Scrutiny')[0]} scrutiny of the council's services. "
              "Its work is coordinated by the **Overview and Scrutiny Management Committee**."),
             "membership:", f"  chair: Councillor {c.members[0]}", f"  vice_chair: Councillor {c.members[1]}",
             "  councillors:", *[f"    - {p}" for p in c.members[2:]],
             "governance_officer:", "  name: Sarah Whitlock", "  title: Senior Governance Officer",
             "  phone: 01632 960412", "  email: sarah.whitlock@aldermoor.example", "standard_items:"]
    for key, title, note in STANDARD_ITEMS:
        lines += [f"  - key: {key}", f"    title: {title}"] + ([f"    note: {note}"] if note else [])
    files = {folder / "committee.yaml": "\n".join(lines) + "\n"}
    last_year = municipal_year(c.meetings[-1].day)
    plan = ["title: " + _yaml_text(f"{c.name}: work plan {last_year}/{(last_year + 1) % 100:02d}"),
            f"municipal_year: {last_year}/{(last_year + 1) % 100:02d}", "meetings:"]
    for m in c.meetings:
        if municipal_year(m.day) == last_year:
            plan += [f"  - date: {m.day.isoformat()}", '    time: "10:00"', "    topics:",
                     *[f"      - {_yaml_text(i.title)}" for i in m.items if not i.exempt]]
    files[folder / "workplan.yaml"] = "\n".join(plan) + "\n"
    recs = ["recommendations:"]
    for m in c.meetings:
        topic = next((i for i in m.items if i.key == "topic-2"), None)
        if not (m.held and m.index % 4 == 1 and topic):
            continue
        recs += [f"  - id: rec-{m.day.isoformat()}", f"    title: {_yaml_text(topic.title)}",
                 f"    made: {minute_of(m, topic.title)}(iii) of {m.day.isoformat()}", "    to: the Executive Mayor"]
        if m.index + 3 < len(c.meetings):
            later = c.meetings[m.index + 3]
            recs += ["    status: accepted", "    response:",
                     f"      date: {(later.day - timedelta(days=12)).isoformat()}",
                     f"      document: {later.day.isoformat()}/letter-executive-response.md",
                     "      summary: Accepted in full."]
        else:
            recs.append("    status: awaiting response")
    files[folder / "recommendations.yaml"] = "\n".join(recs if len(recs) > 1 else ["recommendations: []"]) + "\n"
    return files


def archive_files(root: Path, committees: int, meetings: int, seed: int = DEFAULT_SEED) -> dict[Path, bytes | str]:
    """Every file of the archive, by path under `root`: text or bytes."""
    files: dict[Path, bytes | str] = {root / "site.yaml": "\n".join([
        "authority: Aldermoor Metropolitan Borough Council", "site_title: Aldermoor council meetings and papers",
        "base_url: https://meetings.aldermoor.example/", "contact:", "  name: Democratic Services",
        "  phone: 01632 960400", "  email: democratic.services@aldermoor.example", "time_zone: Europe/London",
        "wards:", *[f"  - {w}" for w in WARDS],
        "transport_note: The Civic Centre is a five-minute walk from Aldermoor bus station."]) + "\n"}
    for index in range(committees):
        c = _committee(index, meetings)
        _plan_items(c, seed)
        files.update(_committee_files(root, c))
        for m in c.meetings:
            _write_meeting(root / c.slug / m.day.isoformat(), c, m, seed, files)
    return files


def write_archive(root: Path, committees: int, meetings: int, seed: int = DEFAULT_SEED) -> int:
    """Write the archive into `root` (which must not exist or be empty); return the number of files."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    files = archive_files(root, committees, meetings, seed)
    for path in sorted(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        content = files[path]
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="content folder to create (must not exist or be empty)")
    parser.add_argument("--committees", type=int, default=1, help="committees (default 1)")
    parser.add_argument("--meetings", type=int, default=10, help="meetings per committee (default 10)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"text seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    if args.committees < 1 or args.meetings < 1:
        parser.error("--committees and --meetings must be at least 1")
    try:
        count = write_archive(args.out, args.committees, args.meetings, args.seed)
    except FileExistsError as exc:
        print(f"archive.py: {exc}; give a new folder", file=sys.stderr)
        return 2
    print(f"archive.py: {args.committees} committee(s) x {args.meetings} meeting(s), {count} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
