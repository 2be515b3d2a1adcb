"""Resolve: the loaded project in, meetings ready to render out.

This is where the numbering that councils rely on is worked out: agenda items
numbered 1, 2, 3... through Part A and Part B; minute numbers that run on
through the municipal year (May to April) per committee; which documents are
exempt; and a stable, readable address for every item and document.  Nothing
here reads or writes files apart from counting the pages of existing PDFs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from . import model
from .exempt import ExemptPapers, exempt_appendix_name, exempt_papers, listing_date
from .load import CommitteeSource, DocumentSource, MeetingSource, PdfSource, Project
from .paths import resolved
from .pdfinfo import pdf_page_sizes


def municipal_year(date: dt.date) -> int:
    """The year a municipal year starts in: May 2025 to April 2026 is 2025."""
    return date.year if date.month >= 5 else date.year - 1


def year_label(date: dt.date) -> str:
    """The municipal year of a date as councils write it: '2025/26' for May 2025 to April 2026."""
    start = municipal_year(date)
    return f"{start}/{(start + 1) % 100:02d}"


APPENDIX_KINDS = ("appendix", "letter", "document")
"""Kinds of Markdown paper that may be an exempt appendix of a public report (exempt_paragraph in their front
matter); a report with exempt_paragraph is exempt as a whole and belongs in Part B."""


@dataclass
class Revision:
    """One reissue of a paper: the version it replaced, when that was published, when and why it was revised."""

    number: int
    """1 for the first revision: it replaced version 1 by version 2."""
    earlier: Document
    """The version it replaced (its source is the earlier file; exempt when the paper is)."""
    earlier_on: dt.date
    """When the replaced version was published."""
    on: dt.date
    reason: str
    digest: str | None = None
    """For an earlier PDF: a hash of its bytes (a meeting's keys hash only its files' paths)."""


@dataclass
class Document:
    """One paper of an agenda item, as it will be rendered."""

    slug: str
    """Address of the document within its item, e.g. 'appendix-1-action-plan'."""
    kind: str
    """report, appendix, minutes, letter, document, or pdf for an existing PDF."""
    title: str
    label: str | None
    source: DocumentSource | PdfSource
    exempt: bool
    minute_start: int | None = None
    """For minutes: the number of the first minute item."""
    approval: tuple[dt.date, bool] | None = None
    """For minutes: the meeting that considers them for approval, and whether it has been held."""
    pdf_pages: list[tuple[float, float]] = field(default_factory=list)
    """For an existing PDF: the size of each page, in points."""
    full_text: bool = False
    """For minutes and decisions: with the text of the items recording exempt business (members' copy only)."""
    exempt_paragraph: int | None = None
    """For an exempt appendix of a public item: the paragraph of Schedule 12A its listing or front matter gives."""
    revisions: list[Revision] = field(default_factory=list)
    """The times this paper was reissued after publication, oldest first (empty for most papers)."""

    @property
    def heading(self) -> str:
        return f"{self.label}: {self.title}" if self.label else self.title

    @property
    def public_name(self) -> str:
        """What the public may read of an exempt appendix: 'Appendix 2 (exempt)', never its title."""
        return exempt_appendix_name(self.label)


@dataclass
class Item:
    """One numbered agenda item."""

    number: int
    part: str
    """'A' (public) or 'B' (exempt)."""
    title: str
    note: str | None
    documents: list[Document]
    supplementary: bool = False
    exempt_paragraph: int | None = None
    published_on: dt.date | None = None
    """For a supplementary item: when its papers were published, if known."""
    webcast_at: int | None = None
    """Seconds into the meeting's webcast at which the item starts."""
    follows_up: list[str] = field(default_factory=list)
    """References of the earlier resolutions this item answers, as written ('36(ii)')."""
    source: tuple[str, int] | None = None
    """Where the item is in meeting.yaml ('part_a', index); None for the previous minutes added by the tool."""

    @property
    def wards(self) -> list[str]:
        """Wards the item's public reports name ('All' included as written)."""
        found: list[str] = []
        for doc in self.public_documents:
            for ward in getattr(getattr(doc.source, "meta", None), "wards", []):
                if ward not in found:
                    found.append(ward)
        return found

    @property
    def key_decision(self) -> bool | str | None:
        """A public report's key decision flag: True, False, or a reference such as 'KD/2026/04'."""
        for doc in self.public_documents:
            value = getattr(getattr(doc.source, "meta", None), "key_decision", None)
            if value is not None:
                return value
        return None

    @property
    def slug(self) -> str:
        return f"item-{self.number}"

    @property
    def exempt(self) -> bool:
        return self.part == "B"

    @property
    def public_documents(self) -> list[Document]:
        """The documents the public may see: none of an exempt item's."""
        return [] if self.exempt else [d for d in self.documents if not d.exempt]

    @property
    def has_page(self) -> bool:
        """Whether the item gets a web page of its own: it has public papers, or is exempt (its page holds the
        notice, and work plans link to it).  Any other item (apologies, an oral update) is told in full on
        the meeting's page, at `#<slug>`: a page saying only "there are no papers" helps nobody."""
        return self.exempt or bool(self.public_documents)

    @property
    def withheld_documents(self) -> list[Document]:
        """A public item's exempt papers (its exempt appendices): printed in the members' pack only."""
        return [] if self.exempt else [d for d in self.documents if d.exempt]

    @property
    def exempt_appendices(self) -> list[Document]:
        """A public item's exempt appendices, listed in public by label and Schedule 12A notice."""
        return [d for d in self.withheld_documents if d.exempt_paragraph is not None]


@dataclass
class ResolvedMeeting:
    """A meeting with its numbered agenda, ready to render."""

    committee: CommitteeSource
    source: MeetingSource
    items: list[Item]
    minutes: Document | None
    """This meeting's own minutes, once written."""
    site: model.Site
    decisions: Document | None = None
    """This meeting's decisions, published before the minutes."""

    @property
    def meeting(self) -> model.Meeting:
        return self.source.meeting

    @property
    def url_path(self) -> str:
        return f"{self.committee.slug}/{self.source.slug}"

    @property
    def title(self) -> str:
        return f"{self.committee.committee.name}, {long_date(self.meeting.date)}"

    def document_at(self, path: Path) -> tuple[Item, Document] | None:
        """The agenda item and document whose source file is `path`, if it is a paper of this meeting."""
        for item in self.items:
            for doc in item.documents:
                if doc.source.path == path:
                    return item, doc
        return None


def local_target(href: str, document: Path) -> tuple[Path, str] | None:
    """Where a link in `document` points, as (file, heading anchor), or None for a web or email address.

    `appendix-2.md#priority-2` is taken relative to the document's folder;
    `#priority-2` is a heading of the document itself.
    """
    if "://" in href or href.startswith(("mailto:", "tel:", "/")):
        return None
    path, _, fragment = href.partition("#")
    target = resolved(document.parent / unquote(path)) if path else document
    return target, unquote(fragment)


def is_past(meeting: ResolvedMeeting, meetings: list[ResolvedMeeting]) -> bool:
    """A meeting is past once it is held, or once a later meeting of its committee is held.

    The build does not look at today's date, so that the same sources always
    give the same site; a meeting moves to "past" when its status says so.
    """
    if meeting.meeting.status.value == "held":
        return True
    return any(m.meeting.status.value == "held" and m.meeting.date > meeting.meeting.date
               for m in meetings if m.committee.slug == meeting.committee.slug)


def long_date(date: dt.date) -> str:
    """'Monday 2 March 2026', as dates are written on UK agendas."""
    return f"{date:%A} {date.day} {date:%B %Y}"


def clock(time: dt.time) -> str:
    """'10.00 am', as times are written on UK agendas."""
    hour = time.hour % 12 or 12
    return f"{hour}.{time.minute:02d} {'am' if time.hour < 12 else 'pm'}"


def _seconds(offset: str | None) -> int | None:
    """'0:42:10' -> 2530."""
    if offset is None:
        return None
    hours, minutes, seconds = (int(part) for part in offset.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _slug(path: Path, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _minute_starts(project: Project, committee: CommitteeSource) -> dict[Path, int]:
    """First minute number of each meeting's minutes, running on through each municipal year."""
    starts: dict[Path, int] = {}
    running: dict[int, int] = {}
    for meeting in committee.meetings:
        if meeting.minutes is None or meeting.minutes not in project.documents:
            continue
        year = municipal_year(meeting.meeting.date)
        start = running.get(year, committee.committee.first_minute_numbers.get(year, 1))
        starts[meeting.minutes] = start
        doc = project.documents[meeting.minutes]
        running[year] = start + len(doc.analysis.minutes)
    return starts


def _document(project: Project, meeting: MeetingSource, ref: model.DocumentRef, exempt_item: bool,
              minute_starts: dict[Path, int], used: set[str], register: ExemptPapers,
              published: dt.date) -> Document | None:
    """One listed paper; exempt when its item is, or when it is exempt anywhere and not released by `published`."""
    if isinstance(ref, str):
        path = resolved(meeting.path / ref)
        source = project.documents.get(path)
        if source is None:
            return None
        meta = source.meta
        # the register knows exempt_paragraph in front matter too; `released` may lift either
        exempt = exempt_item or register.withheld(path, getattr(meta, "released", None), published)
        title = meta.title or ""
        if isinstance(meta, model.MinutesMeta | model.DecisionsMeta):  # titled by the meeting they record
            held = next((m.meeting.date for c in project.committees for m in c.meetings
                         if path in (m.minutes, m.decisions)), None)
            what = meta.kind.capitalize()
            title = meta.title or (f"{what} of the meeting held on {long_date(held)}" if held else what)
        slug = _slug(Path(meta.kind) if meta.kind in ("minutes", "decisions") else path, used)
        paragraph = getattr(meta, "exempt_paragraph", None) if exempt and meta.kind in APPENDIX_KINDS else None
        return Document(slug, meta.kind, title, getattr(meta, "label", None), source, exempt,
                        minute_start=minute_starts.get(path), exempt_paragraph=paragraph)
    path = resolved(meeting.path / ref.pdf)
    exempt = exempt_item or register.withheld(path, ref.released, published)
    return Document(_slug(path, used), "pdf", ref.title, ref.label, PdfSource(path, ref), exempt,
                    pdf_pages=pdf_page_sizes(path), exempt_paragraph=ref.exempt_paragraph if exempt else None)


def _previous_held(committee: CommitteeSource, meeting: MeetingSource) -> MeetingSource | None:
    """The last meeting before this one that was held (its minutes come to this one for approval)."""
    earlier = [m for m in committee.meetings if m.meeting.date < meeting.meeting.date]
    held = [m for m in earlier if m.meeting.status.value == "held"]
    return held[-1] if held else None


def _lists(meeting: MeetingSource, path: Path) -> bool:
    agenda = meeting.meeting.agenda
    return any(isinstance(ref, str) and resolved(meeting.path / ref) == path
               for item in [*agenda.part_a, *agenda.part_b] for ref in item.documents)


def resolve_meeting(project: Project, committee: CommitteeSource, meeting: MeetingSource,
                    minute_starts: dict[Path, int], register: ExemptPapers | None = None) -> ResolvedMeeting:
    """Number one meeting's agenda and gather its documents.

    The minutes of the previous held meeting come to this meeting for
    approval: unless the agenda lists them already, they are added as an item
    "Minutes of the meeting held on ..." straight after the standard item
    `declarations` (as councils order their agendas), or else after the
    procedural items at the top of Part A.
    """
    register = exempt_papers(project) if register is None else register
    issued = meeting.meeting.issued_on
    standard = {s.key: s for s in committee.committee.standard_items}
    items: list[Item] = []
    used: set[str] = set()
    number = 0
    previous = _previous_held(committee, meeting)
    pending = (previous if previous is not None and previous.minutes in project.documents
               and register.place(previous.minutes) is None  # exempt minutes are never carried into Part A
               and meeting.meeting.status.value not in ("cancelled", "postponed")
               and not _lists(meeting, previous.minutes) else None)

    def add_previous_minutes() -> None:
        nonlocal number, pending
        assert pending is not None and pending.minutes is not None
        number += 1
        doc = _document(project, meeting, os.path.relpath(pending.minutes, meeting.path), False, minute_starts, used,
                        register, issued)
        title = f"Minutes of the meeting held on {pending.meeting.date.day} {pending.meeting.date:%B %Y}"
        items.append(Item(number, "A", title, "To approve as a correct record.", [doc] if doc else []))
        pending = None

    keys = [e.standard for e in meeting.meeting.agenda.part_a]
    after_declarations = keys.index("declarations") + 1 if "declarations" in keys else None
    for part, entries in (("A", meeting.meeting.agenda.part_a), ("B", meeting.meeting.agenda.part_b)):
        for index, entry in enumerate(entries):
            if pending is not None and (part == "B" or index == after_declarations
                                        or (after_declarations is None and entry.standard is None)):
                add_previous_minutes()
            number += 1
            late = entry.published_on is not None and entry.published_on > meeting.meeting.issued_on
            supplementary = entry.supplementary or late
            if entry.standard is not None:
                std = standard[entry.standard]
                items.append(Item(number, part, std.title, entry.note or std.note, [], supplementary,
                                  published_on=entry.published_on, webcast_at=_seconds(entry.webcast_at),
                                  follows_up=list(entry.follows_up), source=(f"part_{part.lower()}", index)))
                continue
            docs = [d for ref in entry.documents
                    if (d := _document(project, meeting, ref, part == "B", minute_starts, used, register,
                                       listing_date(meeting, entry))) is not None]
            _attach_revisions(project, meeting, entry, docs, register)
            items.append(Item(number, part, entry.title or "", entry.note, docs, supplementary,
                              entry.exempt_paragraph, entry.published_on, _seconds(entry.webcast_at),
                              list(entry.follows_up), (f"part_{part.lower()}", index)))
    if pending is not None:  # an agenda of procedural items only
        add_previous_minutes()
    number = _add_exempt_minutes(items, number)
    # A meeting's own minutes and decisions are published on its page unless they are exempt
    # (listed under Part B somewhere) and not released: then the public site has none.
    minutes = None
    if meeting.minutes is not None and meeting.minutes in project.documents:
        minutes = _document(project, meeting, "minutes.md", False, minute_starts, set(), register, dt.date.max)
    decisions = None
    if meeting.decisions is not None and meeting.decisions in project.documents:
        decisions = _document(project, meeting, "decisions.md", False, minute_starts, set(), register, dt.date.max)
    minutes = minutes if minutes is not None and not minutes.exempt else None
    decisions = decisions if decisions is not None and not decisions.exempt else None
    return ResolvedMeeting(committee, meeting, items, minutes, project.site, decisions)


def _attach_revisions(project: Project, meeting: MeetingSource, entry: model.AgendaItem,
                      docs: list[Document], register: ExemptPapers) -> None:
    """Give each revised paper of an item its earlier versions, oldest first.

    The first version was published with the item's papers: on the item's `published_on` when that came
    before the first revision, else with the agenda (a revision published in a supplement replaces the
    version the agenda pack carried).  Each later version was published on the revision that made it.
    An earlier version is exempt when its paper is, or when it is exempt itself (its own front matter, or
    listed under Part B somewhere): exempt is a property of the paper, version by version.
    """
    for doc in docs:
        mine = sorted((r for r in entry.revisions if resolved(meeting.path / r.document) == doc.source.path),
                      key=lambda r: r.on)
        if not mine:
            continue
        first = entry.published_on if entry.published_on and entry.published_on < mine[0].on \
            else meeting.meeting.issued_on
        for number, revision in enumerate(mine, start=1):
            path = resolved(meeting.path / revision.earlier)
            digest = None
            if doc.kind == "pdf":
                if not path.is_file():
                    continue
                ref = model.PdfAppendix(pdf=revision.earlier, title=doc.title, label=doc.label,
                                        description=doc.source.ref.description)  # type: ignore[union-attr]
                earlier = Document(f"{doc.slug}-version-{number}", "pdf", doc.title, doc.label,
                                   PdfSource(path, ref), doc.exempt or register.withheld(path, None, revision.on),
                                   pdf_pages=pdf_page_sizes(path))
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                source = project.documents.get(path)
                if source is None:  # missing or unreadable: reported by load
                    continue
                withheld = register.withheld(path, getattr(source.meta, "released", None), revision.on)
                earlier = Document(f"version-{number}", source.meta.kind, source.meta.title or doc.title,
                                   getattr(source.meta, "label", None), source, doc.exempt or withheld,
                                   minute_start=doc.minute_start)
            on = doc.revisions[-1].on if doc.revisions else first
            doc.revisions.append(Revision(number, earlier, on, revision.on, revision.reason, digest))


def _add_exempt_minutes(items: list[Item], number: int) -> int:
    """Minutes on a public agenda that record exempt business: their full text comes under Part B.

    The public item shows each exempt minute item as its heading and the
    Schedule 12A notice; members approve the withheld text as a Part B item
    of its own ("exempt minutes"), which only the members' pack carries.
    """
    for item in list(items):
        if item.exempt:
            continue
        for doc in item.public_documents:
            if doc.kind != "minutes" or not isinstance(doc.source, DocumentSource):
                continue
            if "exempt" not in doc.source.body:  # no {exempt=N} mark: spare the parse
                continue
            exempt = doc.source.analysis.exempt
            if not exempt:
                continue
            paragraphs = sorted({p for _, p, _ in exempt if p is not None})
            number += 1
            full = replace(doc, slug=f"{doc.slug}-exempt", exempt=True, full_text=True,
                           title=f"{doc.title}: exempt items")
            items.append(Item(number, "B", f"{item.title}: exempt items",
                              "To approve the minutes of the items that recorded exempt business.", [full],
                              exempt_paragraph=paragraphs[0] if paragraphs else None))
    return number


def resolve_project(project: Project) -> list[ResolvedMeeting]:
    """Every meeting of every committee, numbered, in committee then date order."""
    out: list[ResolvedMeeting] = []
    register = exempt_papers(project)
    for committee in project.committees:
        starts = _minute_starts(project, committee)
        resolved = [resolve_meeting(project, committee, m, starts, register) for m in committee.meetings]
        _mark_approval(resolved)
        out.extend(resolved)
    return out


def _mark_approval(meetings: list[ResolvedMeeting]) -> None:
    """Minutes are a draft until the meeting whose agenda carries them has been held."""
    own = {m.minutes.source.path: m.minutes for m in meetings if m.minutes is not None}
    for meeting in meetings:
        for item in meeting.items:
            for doc in item.documents:
                if doc.kind == "minutes":
                    approval = (meeting.meeting.date, meeting.meeting.status.value == "held")
                    doc.approval = approval
                    if doc.source.path in own:
                        own[doc.source.path].approval = approval
