"""Records: a committee's resolved meetings in, its decisions and what became of them out.

Minutes are written once, as Markdown; this stage reads them back as records,
across meetings:

- every resolution, by its reference ("minute 36, resolution (ii)", written
  `36(ii)`), with the meeting and minute item it belongs to;
- follow-ups: a resolution that names the date of a later meeting of the
  committee ("...at its meeting on 2 March 2026") is due at that meeting; an
  agenda item that says `follows_up: ["36(ii)"]` answers it, and links back.
  A follow-up whose meeting is past (held, or followed by a held meeting)
  without an answering item is overdue: the committee page lists it, and
  `pack check` warns.

Nothing here reads files beyond the minutes already loaded; like resolve.py it
is a pure function of the content.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from .errors import Report
from .load import CommitteeSource
from .members import (
    ABSENT,
    APOLOGIES,
    PRESENT,
    SUBSTITUTE_SENT,
    MeetingAttendance,
    Register,
    build_register,
    check_attendance,
    meeting_attendance,
    project_attendance,
)
from .paths import resolved
from .render.markdown import Resolution, renumbered
from .resolve import Document, Item, ResolvedMeeting, is_past, long_date, municipal_year, year_label

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DATE_IN_TEXT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r"),? (\d{4})\b")
REFERENCE = re.compile(r"^\s*(?:minute\s+)?(\d+)\s*(?:\(\s*([ivxlc]+)\s*\)|\.([ivxlc]+))?"
                       r"(?:\s+of\s+(\d{4}-\d{2}-\d{2}))?\s*$", re.IGNORECASE)


@dataclass
class Decision:
    """A resolution in its place: which meeting made it, and what became of it."""

    meeting: ResolvedMeeting
    resolution: Resolution
    minute_title: str
    due: ResolvedMeeting | None = None
    """The later meeting the resolution asks the matter to come back to, if it names one."""
    answered_by: list[tuple[ResolvedMeeting, Item]] = field(default_factory=list)
    """The agenda items of later meetings that say they follow it up."""

    @property
    def reference(self) -> str:
        return self.resolution.reference

    @property
    def anchor(self) -> str:
        return self.resolution.anchor

    @property
    def key(self) -> str:
        """Unique within the committee: '2025-12-09/36(ii)'."""
        return f"{self.meeting.source.slug}/{self.reference}"

    def status(self, meetings: list[ResolvedMeeting]) -> str:
        """'answered', 'due' (its meeting is still to come), 'overdue', or '' when nothing is to come back."""
        if self.answered_by:
            return "answered"
        if self.due is None:
            return ""
        return "overdue" if is_past(self.due, meetings) else "due"


TITLES = re.compile(r"^(?:councillor|cllr\.?|mr|mrs|ms|miss|dr|professor|prof\.?)\s+", re.IGNORECASE)


def person(name: str) -> str:
    """A name as a key for matching: titles, roles in brackets and case set aside.

    'Councillor Helen Ashworth (Chair)' and 'Helen Ashworth' are the same person.
    """
    name = re.sub(r"\s*\(.*?\)\s*", " ", name.split(",")[0]).strip()
    while TITLES.match(name):
        name = TITLES.sub("", name, count=1)
    return re.sub(r"\s+", " ", name).lower()


@dataclass
class Attendance:
    """One member's record for a municipal year, over the meetings that took place and were minuted."""

    member: str
    role: str
    present: list[ResolvedMeeting] = field(default_factory=list)
    apologies: list[ResolvedMeeting] = field(default_factory=list)
    substituted: list[ResolvedMeeting] = field(default_factory=list)
    absent: list[ResolvedMeeting] = field(default_factory=list)
    """Neither present, nor apologies, nor substituted."""
    person: str = ""
    """The member's id (members.py), for the link to their page."""

    @property
    def meetings(self) -> int:
        return len(self.present) + len(self.apologies) + len(self.substituted) + len(self.absent)


@dataclass
class DeclaredInterest:
    meeting: ResolvedMeeting
    item: Item | None
    declaration: object
    """The model.Declaration as written in the minutes' front matter."""


@dataclass
class Tracked:
    """A recommendation with the records it points to, for its path from meeting to outcome."""

    recommendation: object
    """The model.Recommendation as written in recommendations.yaml."""
    made: Decision | None
    response: tuple[ResolvedMeeting, Item, Document] | None = None
    """The agenda paper carrying the executive's response."""
    review: tuple[ResolvedMeeting, Item] | None = None


@dataclass
class CommitteeRecords:
    """The records of one committee, in meeting order."""

    meetings: list[ResolvedMeeting]
    decisions: list[Decision]
    unknown: list[tuple[ResolvedMeeting, Item, int, str]] = field(default_factory=list)
    """Follow-up references that match no resolution: (meeting, item, index, reference)."""
    declarations: list[DeclaredInterest] = field(default_factory=list)
    recommendations: list[Tracked] = field(default_factory=list)
    topic_links: dict[tuple[dt.date, str], str] = field(default_factory=dict)
    """Work plan topics an agenda carries: (date, topic) -> the item's page (see `workplan_links`)."""
    problems: list[tuple[tuple, str, str]] = field(default_factory=list)
    """Problems in recommendations.yaml: (location in the file, message, hint)."""
    register: Register | None = None
    """Every member of every committee, by identity (members.py); None until `project_records` sets it."""
    attended: list[MeetingAttendance] = field(default_factory=list)
    """The attendance at this committee's held meetings with published minutes, by identity."""

    def meeting_members(self, meeting: ResolvedMeeting) -> list[tuple[str, str, str, str]]:
        """The committee's members as a meeting's page lists them, with links:
        (name with the member title, role, member id, attendance status or '' before the minutes)."""
        committee = meeting.committee
        register = self.register if self.register is not None else build_register([committee])
        record = next((a for a in self.attended if a.meeting is meeting), None)
        return [(register.people[s.person].title(meeting.site), s.role, s.person,
                 record.status.get(s.person, ABSENT) if record else "")
                for s in register.committees.get(committee.slug, [])]

    def meeting_substitutes(self, meeting: ResolvedMeeting) -> list[tuple[str, str, str, str]]:
        """Who attended a meeting as a substitute: (name, their id, whom they replaced, that id); names with
        the member title when known, else as the minutes write them."""
        record = next((a for a in self.attended if a.meeting is meeting), None)
        return [(s.person.title(meeting.site) if s.person else s.written, s.person.id if s.person else "",
                 r.person.title(meeting.site) if r.person else r.written, r.person.id if r.person else "")
                for s, r in (record.substitutes if record else [])]

    def attendance(self) -> dict[str, list[Attendance]]:
        """Each member's attendance by municipal year ('2025/26'), newest year first.

        Only meetings that took place (status held) and whose minutes record
        the attendance count; cancelled and postponed meetings never count
        against anyone.  Members are matched by identity (members.py): a name
        in the minutes in any common form, or the member's id.
        """
        if not self.meetings:
            return {}
        committee = self.meetings[0].committee
        register = self.register if self.register is not None else build_register([committee])
        attended = {id(a.meeting): a for a in self.attended} if self.register is not None else {}
        seats = register.committees.get(committee.slug, [])
        years: dict[str, list[Attendance]] = {}
        for meeting in sorted(self.meetings, key=lambda m: m.meeting.date, reverse=True):
            record = attended.get(id(meeting)) or meeting_attendance(meeting, register)
            if record is None:
                continue
            rows = years.setdefault(year_label(meeting.meeting.date),
                                    [Attendance(s.written, "" if s.role == "Member" else s.role, person=s.person)
                                     for s in seats])
            for row in rows:
                status = record.status.get(row.person, ABSENT)
                target = (row.present if status == PRESENT else row.apologies if status == APOLOGIES
                          else row.substituted if status == SUBSTITUTE_SENT else row.absent)
                target.append(meeting)
        return years

    def declarations_by_member(self) -> list[tuple[str, list[DeclaredInterest]]]:
        """The register of interests declared at meetings, by member (A to Z), newest first."""
        found: dict[str, tuple[str, list[DeclaredInterest]]] = {}
        for declared in self.declarations:
            name = declared.declaration.member  # type: ignore[attr-defined]
            found.setdefault(person(name), (name, []))[1].append(declared)
        return [(name, sorted(entries, key=lambda d: d.meeting.meeting.date, reverse=True))
                for _, (name, entries) in sorted(found.items())]

    def of_meeting(self, meeting: ResolvedMeeting) -> list[Decision]:
        return [d for d in self.decisions if d.meeting is meeting]

    def answered_by(self, meeting: ResolvedMeeting, item: Item) -> list[Decision]:
        """The earlier resolutions an agenda item answers (asked of complete records: by the pages and keys)."""
        # an index made on the first question: each meeting's page key asks of every item (issue 11)
        index = self.__dict__.get("_answers")
        if index is None:
            index = self.__dict__["_answers"] = {}
            for decision in self.decisions:
                for m, i in dict.fromkeys((id(m), i.number) for m, i in decision.answered_by):
                    index.setdefault((m, i), []).append(decision)
        return list(index.get((id(meeting), item.number), []))

    def open(self) -> list[Decision]:
        """Follow-ups not yet answered, oldest first: the action tracker."""
        return [d for d in self.decisions if d.status(self.meetings) in ("due", "overdue")]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'")))


def workplan_links(meetings: list[ResolvedMeeting]) -> dict[tuple[dt.date, str], str]:
    """Work plan topics that an agenda carries: (meeting date, topic) -> the item's page (site-relative).

    A topic is matched to an item of the committee's meeting on the same date
    when their words are nearly the same ("Fostering recruitment and placement
    sufficiency") or one contains the other.
    """
    if not meetings or meetings[0].committee.workplan is None:
        return {}
    committee = meetings[0].committee
    by_date = {m.meeting.date: m for m in meetings}
    links: dict[tuple[dt.date, str], str] = {}
    plans = [committee.workplan, *(plan for _, plan, _ in committee.earlier_workplans)]
    for planned in (p for plan in plans for p in plan.meetings):
        meeting = by_date.get(planned.date)
        if meeting is None:
            continue
        for topic in planned.topics:
            best, score = None, 0.0
            a = _words(topic)
            for item in meeting.items:
                if not item.has_page:  # a link goes to the item's page
                    continue
                b = _words(item.title)
                if a and b and (a in b or b in a):
                    ratio = 1.0
                else:
                    matcher = difflib.SequenceMatcher(None, a, b)
                    # the cheap upper bounds first: an item that cannot win (nor reach 0.6) needs no exact ratio
                    if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score \
                            or matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                        continue
                    ratio = matcher.ratio()
                if ratio > score:
                    best, score = item, ratio
            if best is not None and score >= 0.6:
                links[(planned.date, topic)] = f"{meeting.url_path}/{best.slug}/index.html"
    return links


def _minutes(meeting: ResolvedMeeting) -> tuple[list[Resolution], dict[int, str]]:
    doc = meeting.minutes
    if doc is None or doc.minute_start is None:
        return [], {}
    rendered = renumbered(doc.source.analysis, doc.minute_start)
    return rendered.resolutions, dict(rendered.minutes)


def _due(text: str, meeting: ResolvedMeeting, later: list[ResolvedMeeting]) -> ResolvedMeeting | None:
    """The first later meeting of the committee whose date the resolution names."""
    by_date = {m.meeting.date: m for m in later}
    for day, month, year in DATE_IN_TEXT.findall(text):
        try:
            date = dt.date(int(year), MONTHS.index(month) + 1, int(day))
        except ValueError:
            continue
        if date > meeting.meeting.date and date in by_date:
            return by_date[date]
    return None


def _parse_reference(text: str) -> tuple[str, str | None] | None:
    """'minute 36 (ii) of 2025-12-09' -> ('36(ii)', '2025-12-09'); '36.ii' -> ('36(ii)', None)."""
    match = REFERENCE.match(text)
    if match is None:
        return None
    part = (match.group(2) or match.group(3) or "").lower()
    return (f"{match.group(1)}({part})" if part else match.group(1)), match.group(4)


def _find(reference: str, meeting: ResolvedMeeting, decisions: list[Decision]) -> Decision | None:
    """The resolution a `follows_up` reference means, looking back from `meeting`.

    '36(ii)' is looked for among earlier meetings of the same municipal year
    first, then of earlier years (the newest first): minute numbers start
    again each year. '36(ii) of 2025-12-09' names the meeting.
    """
    parsed = _parse_reference(reference)
    if parsed is None:
        return None
    wanted, named = parsed
    earlier = [d for d in decisions if d.meeting.meeting.date < meeting.meeting.date]
    if named:
        earlier = [d for d in earlier if d.meeting.source.slug == named]
    year = municipal_year(meeting.meeting.date)
    ranked = sorted(earlier, key=lambda d: (municipal_year(d.meeting.meeting.date) != year,
                                            -d.meeting.meeting.date.toordinal()))
    return next((d for d in ranked if d.reference == wanted), None)


def committee_records(meetings: list[ResolvedMeeting]) -> CommitteeRecords:
    """The decisions of one committee's meetings (given in date order) and their follow-ups."""
    decisions: list[Decision] = []
    for k, meeting in enumerate(meetings):
        resolutions, titles = _minutes(meeting)
        later = [m for m in meetings[k + 1:] if m.meeting.status.value not in ("cancelled", "postponed")]
        for resolution in resolutions:
            decisions.append(Decision(meeting, resolution, titles.get(resolution.minute, ""),
                                      _due(resolution.text, meeting, later)))
    records = CommitteeRecords(meetings, decisions, topic_links=workplan_links(meetings))
    _track_recommendations(records)
    for meeting in meetings:
        meta = meeting.minutes.source.meta if meeting.minutes is not None else None
        for declaration in getattr(meta, "declarations", []):
            item = next((i for i in meeting.items if i.number == declaration.item), None)
            records.declarations.append(DeclaredInterest(meeting, item, declaration))
    for meeting in meetings:
        for item in meeting.items:
            for index, reference in enumerate(item.follows_up):
                found = _find(reference, meeting, decisions)
                if found is None:
                    records.unknown.append((meeting, item, index, reference))
                else:
                    found.answered_by.append((meeting, item))
    return records


def _track_recommendations(records: CommitteeRecords) -> None:
    """Tie each recommendation to the resolution that made it, the response paper and the review."""
    if not records.meetings:
        return
    committee = records.meetings[0].committee
    by_date = {m.meeting.date: m for m in records.meetings}
    for k, rec in enumerate(committee.recommendations):
        loc = ("recommendations", k)
        parsed = _parse_reference(rec.made)
        made = None
        if parsed is None or parsed[1] is None:
            records.problems.append((loc + ("made",), f"made: '{rec.made}' is not a resolution reference",
                                     "write the minute, part and meeting, e.g. '38(ii) of 2025-12-09'"))
        else:
            wanted, named = parsed
            made = next((d for d in records.decisions
                         if d.meeting.source.slug == named and d.reference == wanted), None)
            if made is None:
                records.problems.append((loc + ("made",), f"made: no resolution {wanted} in the minutes of {named}",
                                         "check the minute number and the meeting's date"))
        tracked = Tracked(rec, made)
        if rec.response is not None and rec.response.document:
            path = resolved(committee.path / rec.response.document)
            found = next(((m, *hit) for m in records.meetings if (hit := m.document_at(path)) is not None), None)
            if found is None or found[1].exempt or found[2].exempt:
                records.problems.append((loc + ("response", "document"),
                                         (f"response document '{rec.response.document}' is not a public paper "
                                         "of any meeting of this committee"),
                                         ("give its path from the committee folder, e.g. "
                                         "'2026-03-02/letter-response.md', and put it on that meeting's agenda")))
            else:
                tracked.response = found
        if rec.review is not None:
            meeting = by_date.get(rec.review.meeting)
            item = next((i for i in meeting.items if i.number == rec.review.item), None) if meeting else None
            if meeting is None or item is None:
                records.problems.append((loc + ("review",), (f"review: no item {rec.review.item} at a meeting on "
                                         f"{rec.review.meeting}"), "give the date and agenda item number"))
            else:
                tracked.review = (meeting, item)
        if rec.status.value in ("accepted", "partly accepted", "rejected", "implemented") and rec.response is None:
            records.problems.append((loc + ("status",), f"status '{rec.status.value}' but no response is recorded",
                                     "add the response's date (and the paper that carries it)"))
        records.recommendations.append(tracked)


def project_records(meetings: list[ResolvedMeeting],
                    committees: list[CommitteeSource] | None = None) -> dict[str, CommitteeRecords]:
    """Records of every committee, by committee slug; members are known across `committees` (by default,
    the committees of the meetings)."""
    by_committee: dict[str, list[ResolvedMeeting]] = {}
    for meeting in meetings:
        by_committee.setdefault(meeting.committee.slug, []).append(meeting)
    if committees is None:
        committees = list({id(m.committee): m.committee for m in meetings}.values())
    register, attended = project_attendance(committees, meetings)
    out = {slug: committee_records(sorted(ms, key=lambda m: m.meeting.date)) for slug, ms in by_committee.items()}
    for slug, records in out.items():
        records.register = register
        records.attended = [a for a in attended if a.meeting.committee.slug == slug]
    return out


def _exempt_minute(reference: str, meeting: ResolvedMeeting, meetings: list[ResolvedMeeting]) -> ResolvedMeeting | None:
    """The earlier meeting whose minute `reference` names is a Part B minute ({exempt=N}), if it is one.

    Its resolutions are no records (nothing of its text is published), so a follow-up of it is never tracked.
    """
    parsed = _parse_reference(reference)
    if parsed is None:
        return None
    minute, named = int(parsed[0].split("(")[0]), parsed[1]
    year = municipal_year(meeting.meeting.date)
    for earlier in sorted(meetings, key=lambda m: m.meeting.date, reverse=True):
        doc = earlier.minutes
        if earlier.meeting.date >= meeting.meeting.date or doc is None or doc.minute_start is None:
            continue
        if (named and earlier.source.slug != named) or (not named and municipal_year(earlier.meeting.date) != year):
            continue
        analysis = getattr(doc.source, "analysis", None)  # minutes are Markdown; the union says PDF too
        if analysis is not None and any(n == minute for n, _, _ in renumbered(analysis, doc.minute_start).exempt):
            return earlier
    return None


def check_records(records: dict[str, CommitteeRecords], report: Report) -> None:
    """Follow-up references that match nothing are errors; overdue follow-ups are warnings; names in the
    minutes that mean no member are warnings (members.py)."""
    first = next(iter(records.values()), None)
    if first is not None and first.register is not None and first.meetings:
        check_attendance([a for r in records.values() for a in r.attended], first.register,
                         first.meetings[0].site, report)
    for committee in records.values():
        for meeting, item, index, reference in committee.unknown:
            line, col = meeting.source.positions.find(("agenda", *(item.source or ()), "follows_up", index))
            exempt = _exempt_minute(reference, meeting, committee.meetings)
            if exempt is not None:
                report.warning(meeting.source.yaml_path, line, col,
                               f"follows_up '{reference}': that minute of {long_date(exempt.meeting.date)} records "
                               "exempt business, so its resolutions are not published and this follow-up is not "
                               "tracked", "remove it from follows_up (docs/authoring.md, section 6, Part B minutes)",
                               code="follow-up-exempt")
                continue
            known = ", ".join(d.reference for d in committee.decisions
                              if d.meeting.meeting.date < meeting.meeting.date)
            report.error(meeting.source.yaml_path, line, col,
                         f"follows_up '{reference}': no earlier resolution of this committee has that reference",
                         f"write the minute number and part, e.g. '36(ii)'; known: {known or 'none'}", code="follow-up-unknown")
        if committee.meetings and committee.problems:
            source = committee.meetings[0].committee
            for loc, message, hint in committee.problems:
                line, col = source.recommendations_positions.find(loc) if source.recommendations_positions \
                    else (0, 0)
                severity = report.warning if message.startswith("status") else report.error
                severity(source.path / "recommendations.yaml", line, col, message, hint, code="recommendation-invalid")
        for declared in committee.declarations:
            if declared.item is None:
                minutes = declared.meeting.minutes
                assert minutes is not None
                k = minutes.source.meta.declarations.index(declared.declaration)  # type: ignore[union-attr]
                line, col = minutes.source.positions.find(("declarations", k, "item"))
                report.error(minutes.source.path, line, col,
                             f"declaration: the meeting has no agenda item {declared.declaration.item}",  # type: ignore[attr-defined]
                             f"give the number of the agenda item (1 to {len(declared.meeting.items)})", code="declaration-unknown-item")
        for decision in committee.decisions:
            if decision.status(committee.meetings) != "overdue":
                continue
            assert decision.due is not None and decision.meeting.minutes is not None
            report.warning(decision.meeting.minutes.source.path, decision.resolution.line, 1,
                           f"resolution {decision.reference} asked for this to come back on "
                           f"{long_date(decision.due.meeting.date)}, but no item of that meeting follows it up",
                           f"add `follows_up: [\"{decision.reference}\"]` to the item of that meeting that "
                           "answers it, or put it on a later agenda", code="follow-up-overdue")
