"""Members by identity: committee memberships and minutes in, people, their seats and attendance out.

A member is identified by the membership in committee.yaml: each chair,
vice-chair, councillor and co-optee has an id, written (`{name: ..., id: ...}`)
or derived from the name ("Councillor Hywel Rhys Pardoe" -> `hywel-pardoe`:
first and last name, so that a middle name does not make a second person).
The same id on two committees is the same person, with one page on the site.

Minutes name members as councils write them: "Councillor", "Cllr", "County
Councillor", "Councillor Dr", "Cllr Mrs", with or without a middle name or an
initial, in any case and spacing, with a role in brackets or after a comma; or
by id.  `identify` finds the person such a name means among the members of the
committee, then among every member of the council (a substitute usually sits
on other committees).  A name that means no one is a `pack check` warning with
the nearest name (`check_attendance`).

Only the front matter of minutes that are published (not exempt) is read, so
nothing of exempt business reaches the pages made from these records.  Like
records.py this is a pure function of the content.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from . import model
from .errors import Report
from .load import CommitteeSource, DocumentSource
from .resolve import ResolvedMeeting

TITLES = ("county councillor", "borough councillor", "district councillor", "city councillor", "town councillor",
          "parish councillor", "councillor", "cllr", "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "professor",
          "prof", "sir", "dame", "lord", "lady", "baroness", "rev", "revd", "reverend", "the", "canon")
"""Words before a name that are not part of it, longest first where one begins another."""
POST_NOMINALS = ("mbe", "obe", "cbe", "jp", "dl", "kc", "qc", "phd")
COUNCIL_TITLE = re.compile(r"^\s*(?:(?:county|borough|district|city|town|parish)\s+)?(?:councillor|cllr\.?)\s+",
                           re.IGNORECASE)

PRESENT, APOLOGIES, SUBSTITUTE_SENT, ABSENT = "present", "apologies", "substitute sent", "absent"
STATUS_WORDS = {PRESENT: "Present", APOLOGIES: "Apologies", SUBSTITUTE_SENT: "Substitute sent",
                ABSENT: "Absent without apologies"}


@functools.lru_cache(maxsize=8192)  # the same names come back at every meeting of an archive
def words(name: str) -> tuple[str, ...]:
    """The words of a name that identify the person: lower case, without titles, roles or letters after it.

    'County Councillor Hywel R. Pardoe (Chair)' -> ('hywel', 'r', 'pardoe').
    """
    name = re.sub(r"\(.*?\)", " ", name).split(",")[0].lower().replace("\u2019", "'")
    # 'Siân' and 'Sian' are one name (and ids are plain ASCII): accents set aside
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    tokens = [t.strip("'-") for t in re.findall(r"[^\W_]+(?:['\-][^\W_]+)*", name.replace(".", " "))]
    tokens = [t for t in tokens if t]
    while tokens:
        for title in TITLES:
            size = len(title.split())
            if tuple(tokens[:size]) == tuple(title.split()) and len(tokens) > size:
                tokens = tokens[size:]
                break
        else:
            break
    while len(tokens) > 1 and tokens[-1] in POST_NOMINALS:
        tokens.pop()
    return tuple(tokens)


def derived_id(name: str) -> str:
    """A member's id from the name: first and last name, e.g. 'hywel-pardoe'."""
    found = words(name)
    picked = (found[0], found[-1]) if len(found) > 1 else found
    return re.sub(r"[^a-z0-9]+", "-", "-".join(picked)).strip("-") or "member"


def bare_name(name: str) -> str:
    """A name without the council title before it: 'Cllr Dr Jane Smith' -> 'Dr Jane Smith'."""
    return COUNCIL_TITLE.sub("", name.strip()).strip()


@dataclass(frozen=True)
class Seat:
    """A person's place on a committee."""

    committee: CommitteeSource
    person: str
    """The person's id."""
    role: str
    """'Chair', 'Vice-Chair', 'Member', or a co-optee's role ('Co-opted member')."""
    written: str
    """The name as committee.yaml writes it."""
    at: tuple[str | int, ...]
    """Where committee.yaml writes it (for messages)."""


@dataclass
class Person:
    """A member of the council (or a co-optee), by identity across committees."""

    id: str
    name: str
    """The name without the council title, as the first membership listing the person writes it."""
    councillor: bool
    """False for a co-optee, who is not styled with the member title."""
    seats: list[Seat] = field(default_factory=list)
    names: set[tuple[str, ...]] = field(default_factory=set)
    """Every way the memberships write the name (as `words`)."""

    def title(self, site: model.Site) -> str:
        """The name as pages print it: 'County Councillor Hywel Pardoe'; a co-optee's as written."""
        return f"{site.member_title} {self.name}" if self.councillor else self.name

    @property
    def sort_key(self) -> tuple[str, str]:
        found = words(self.name)
        return (found[-1] if found else "", self.name.lower())


def seats(committee: CommitteeSource) -> list[tuple[model.MemberEntry | model.CoOptee, str, tuple[str | int, ...]]]:
    """A committee's members in membership order: (entry, role, where it is written)."""
    ms = committee.committee.membership
    out: list[tuple[model.MemberEntry | model.CoOptee, str, tuple[str | int, ...]]] = [
        (ms.chair, "Chair", ("membership", "chair"))]
    if ms.vice_chair is not None:
        out.append((ms.vice_chair, "Vice-Chair", ("membership", "vice_chair")))
    out += [(c, "Member", ("membership", "councillors", k)) for k, c in enumerate(ms.councillors)]
    out += [(c, c.role or "Co-opted member", ("membership", "co_optees", k)) for k, c in enumerate(ms.co_optees)]
    return out


def entry_id(entry: model.MemberEntry | model.CoOptee) -> str:
    """The id of a membership entry: its own, or derived from its name."""
    given = entry.id if isinstance(entry, (model.Member, model.CoOptee)) else None
    return given or derived_id(str(entry) if not isinstance(entry, model.CoOptee) else entry.name)


def entry_name(entry: model.MemberEntry | model.CoOptee) -> str:
    return entry.name if isinstance(entry, model.CoOptee) else str(entry)


@dataclass
class Register:
    """Every member of every committee, by id, and who sits where."""

    people: dict[str, Person] = field(default_factory=dict)
    committees: dict[str, list[Seat]] = field(default_factory=dict)
    """A committee's seats by its slug, in membership order."""
    duplicates: list[tuple[CommitteeSource, tuple[str | int, ...], str, str]] = field(default_factory=list)
    """Two members of one committee with one id: (committee, where, id, the other name)."""

    def members(self, committee: CommitteeSource) -> list[Person]:
        return [self.people[s.person] for s in self.committees.get(committee.slug, [])]

    def link_ids(self, committee: CommitteeSource) -> dict[str, str]:
        """Each name of the committee's membership as written -> the member's id (for links)."""
        return {s.written: s.person for s in self.committees.get(committee.slug, [])}


def build_register(committees: list[CommitteeSource]) -> Register:
    """The members of every committee, one Person per id."""
    register = Register()
    for committee in committees:
        mine: list[Seat] = []
        for entry, role, at in seats(committee):
            ident, name = entry_id(entry), entry_name(entry)
            if any(s.person == ident for s in mine):
                other = next(s.written for s in mine if s.person == ident)
                register.duplicates.append((committee, at, ident, other))
                continue
            seat = Seat(committee, ident, role, name, at)
            mine.append(seat)
            person = register.people.setdefault(
                ident, Person(ident, bare_name(name), not isinstance(entry, model.CoOptee)))
            if not isinstance(entry, model.CoOptee):
                person.councillor = True
            if len(bare_name(name)) > len(person.name):  # the fullest form: with a middle name, if any
                person.name = bare_name(name)
            person.seats.append(seat)
            person.names.add(words(name))
        register.committees[committee.slug] = mine
    return register


def _unique(found: list[Person]) -> Person | None:
    ids = {p.id for p in found}
    return found[0] if len(ids) == 1 else None


def identify(written: str, people: list[Person]) -> Person | None:
    """The one person among `people` that a name in the minutes means, or None.

    Tried in turn, the first that fits exactly one person wins: the id; the
    whole name; first and last name (a middle name left out or added); an
    initial and the last name; the last name alone.
    """
    text = written.strip()
    by_id = re.sub(r"\s*\(.*?\)\s*$", "", text).strip().lower()
    for person in people:
        if person.id == by_id:
            return person
    found = words(text)
    if not found:
        return None
    tests = [lambda n: n == found]
    if len(found) > 1:
        tests.append(lambda n: len(n) > 1 and n[0] == found[0] and n[-1] == found[-1])
        tests.append(lambda n: len(n) > 1 and n[0][:1] == found[0][:1] and n[-1] == found[-1]
                     and (len(found[0]) == 1 or len(n[0]) == 1))
    else:
        tests.append(lambda n: n[-1:] == found)
    for test in tests:
        match = _unique([p for p in people if any(test(n) for n in p.names)])
        if match is not None:
            return match
    return None


def suggestion(written: str, people: list[Person], site: model.Site) -> str | None:
    """The nearest member's name to a name that means no one (difflib), as pages print it."""
    wanted = " ".join(words(written))
    forms = {" ".join(n): p for p in people for n in p.names}
    close = difflib.get_close_matches(wanted, list(forms), n=1, cutoff=0.6)
    return forms[close[0]].title(site) if close else None


@dataclass
class Named:
    """A name in a meeting's minutes and who it means."""

    written: str
    person: Person | None
    at: tuple[str | int, ...]
    """Where in the minutes' front matter (for messages)."""


@dataclass
class MeetingAttendance:
    """Who came to one held meeting, by identity, from its published minutes."""

    meeting: ResolvedMeeting
    status: dict[str, str]
    """Each member of the committee (id) -> present, apologies, substitute sent or absent."""
    substitutes: list[tuple[Named, Named]]
    """(who attended, whom they replaced)."""
    unknown: list[tuple[Named, str]]
    """Names that mean no member the field allows: (the name, the field's words for the message)."""
    declarations: list[tuple[Named, model.Declaration]]


def meeting_attendance(meeting: ResolvedMeeting, register: Register) -> MeetingAttendance | None:
    """The attendance of a meeting that was held and has published minutes, else None."""
    if meeting.meeting.status.value != "held" or meeting.minutes is None:
        return None
    meta = getattr(meeting.minutes.source, "meta", None)
    if not isinstance(meta, model.MinutesMeta):
        return None
    record = meta.attendance
    members = register.members(meeting.committee)
    everyone = list(register.people.values())
    invitees = {words(i.name) for i in meeting.committee.committee.membership.invitees}
    unknown: list[tuple[Named, str]] = []

    def name(written: str, at: tuple[str | int, ...], scope: list[Person], what: str | None) -> Named:
        named = Named(written, identify(written, scope), at)
        if named.person is None and what is not None:
            unknown.append((named, what))
        return named

    subs = [(name(s.name, ("attendance", "substitutes", k, "name"), everyone, None),
             name(s.replacing, ("attendance", "substitutes", k, "replacing"), members,
                  "a member of the committee"))
            for k, s in enumerate(record.substitutes)]
    substitute_ids = {s.person.id for s, _ in subs if s.person is not None}
    substitute_words = {words(s.written) for s, _ in subs}
    present = []
    for k, written in enumerate(record.present):
        named = name(written, ("attendance", "present", k), members, None)
        if named.person is None and words(written) not in invitees | substitute_words:
            other = identify(written, everyone)
            if other is None or other.id not in substitute_ids:
                unknown.append((named, "a member of the committee, a substitute or an invitee"))
        present.append(named)
    apologies = [name(w, ("attendance", "apologies", k), members, "a member of the committee")
                 for k, w in enumerate(record.apologies)]
    declared = [(name(d.member, ("declarations", k, "member"), everyone, None), d)
                for k, d in enumerate(meta.declarations)]
    guests = {words(g) for g in record.also_in_attendance} | substitute_words
    unknown += [(n, "a member or anyone in attendance") for n, _ in declared
                if n.person is None and words(n.written) not in guests]
    status = {}
    came = {n.person.id for n in present if n.person is not None}
    sorry = {n.person.id for n in apologies if n.person is not None}
    replaced = {r.person.id for _, r in subs if r.person is not None}
    for person in members:
        status[person.id] = (PRESENT if person.id in came else SUBSTITUTE_SENT if person.id in replaced
                             else APOLOGIES if person.id in sorry else ABSENT)
    return MeetingAttendance(meeting, status, subs, unknown, declared)


def add_substitutes(register: Register, attendances: list[MeetingAttendance]) -> None:
    """Give a person (and a page) to each substitute who sits on no committee here."""
    for attendance in attendances:
        for sub, _ in attendance.substitutes:
            if sub.person is None and words(sub.written):
                ident = derived_id(sub.written)
                sub.person = register.people.setdefault(ident, Person(ident, bare_name(re.sub(
                    r"\s*\(.*?\)", "", sub.written).split(",")[0]), True, names={words(sub.written)}))


def check_attendance(attendances: list[MeetingAttendance], register: Register, site: model.Site,
                     report: Report) -> None:
    """Names in minutes that mean no member (members of a committee sharing an id: `check_ids`)."""
    for attendance in attendances:
        minutes = attendance.meeting.minutes
        assert minutes is not None and isinstance(minutes.source, DocumentSource)
        members = register.members(attendance.meeting.committee)
        for named, what in attendance.unknown:
            line, col = minutes.source.positions.find(named.at)
            close = suggestion(named.written, members, site)
            hint = f"did you mean '{close}'?" if close else \
                ("write the name as committee.yaml does (titles and a middle name may differ), or the member's "
                 "id; the members are: " + ", ".join(p.title(site) for p in members))
            report.warning(minutes.source.path, line, col,
                           f"{_field(named.at)}: '{named.written}' is not {what}", hint, code="member-unknown")


def check_ids(committee: CommitteeSource, report: Report) -> None:
    """Two members of a committee with one id (given, or derived from their names) are an error."""
    for committee_, at, ident, other in build_register([committee]).duplicates:
        line, col = committee_.positions.find(at)
        report.error(committee_.path / "committee.yaml", line, col,
                     f"two members of the committee have the id '{ident}' (the other is '{other}')",
                     "give one of them its own id: {name: ..., id: ...}", code="member-id-duplicate")


def _field(at: tuple[str | int, ...]) -> str:
    out = ""
    for part in at:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def project_attendance(committees: list[CommitteeSource],
                       meetings: list[ResolvedMeeting]) -> tuple[Register, list[MeetingAttendance]]:
    """The register of members and the attendance at every held meeting with minutes, in meeting order."""
    register = build_register(committees)
    found = [a for m in meetings if (a := meeting_attendance(m, register)) is not None]
    add_substitutes(register, found)
    return register, found


def printed_names(meta: model.MinutesMeta, committee: CommitteeSource, site: model.Site) -> dict[str, str]:
    """Names the minutes give as a member's id, as the minutes print them: 'sian-morgan (Vice-Chair)' ->
    'County Councillor Siân Morgan (Vice-Chair)'.  Other names are printed as written."""
    register = build_register([committee])
    people = register.members(committee)
    record = meta.attendance
    written = [*record.present, *record.apologies, *(s.replacing for s in record.substitutes),
               *(s.name for s in record.substitutes), *(d.member for d in meta.declarations)]
    out = {}
    for text in written:
        match = re.match(r"^\s*([a-z0-9][a-z0-9-]*)\s*(\(.*\))?\s*$", text)
        person = next((p for p in people if match and p.id == match.group(1)), None)
        if person is not None and match is not None:
            out[text] = person.title(site) + (f" {match.group(2)}" if match.group(2) else "")
    return out


def councillor_path(ident: str) -> str:
    """Where a member's page is, inside the site."""
    return f"councillors/{ident}/index.html"

