"""Feeds and open data: the same meetings, in the formats other software reads.

- `calendar.ics` (every meeting) and `<committee>/calendar.ics`, so that
  people can subscribe to a committee's meetings in their calendar app;
- `papers.atom`, a feed of the papers as they are published;
- `<committee>/<meeting>/meeting.json`, each meeting as an Open Civic Data
  (OCD) event, the format civic-tech tools already import;
- schema.org Event JSON-LD for the meeting page, which search engines read;
- `sitemap.xml`, the list of pages for search engines.

Three rules hold for every file written here:

1. Exempt business (Part B, Schedule 12A to the Local Government Act 1972)
   shows only what the printed agenda shows: the item's number, its title and
   the exemption notice.  Nothing is taken from an exempt item's papers (not
   their titles, file names, wards or key-decision flags): every paper comes
   from `Item.public_documents`, which is empty for an exempt item.
2. The output is a function of the content alone: the same content gives the
   same bytes.  There is no "now": where a format wants a timestamp (the
   iCalendar DTSTAMP, Atom's `updated`) it is a date from the content (when the
   agenda was issued or a paper published), identifiers are made from the
   committee and meeting, and everything is listed in a fixed order.
3. Times are local wall-clock times in the site's time zone (Europe/London),
   written with their UTC offset (or, in iCalendar, with the time zone), so
   that a 10.00 am meeting is at 10.00 am in both GMT and BST.

Meeting statuses map onto the formats as follows (see `_STATUS`): a meeting
that is cancelled or postponed stays in every feed, marked as such, because a
calendar entry that silently disappears leaves people turning up to an empty
room.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from icalendar import Calendar, Event, Timezone, vDuration  # type: ignore[import-untyped]

from . import model
from .exempt import exempt_notice
from .load import CommitteeSource, Project
from .records import CommitteeRecords
from .render.pdf import MeetingPacks
from .resolve import Document, Item, ResolvedMeeting, clock, long_date
from .site import Output, document_path, pdf_file

# ------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Status:
    ocd: str
    ical: str
    schema_org: str
    note: str | None
    """Said in words wherever the format has room (a description), when the status alone is not enough."""


_STATUS = {
    model.MeetingStatus.scheduled: _Status("confirmed", "CONFIRMED", "EventScheduled", None),
    model.MeetingStatus.held: _Status("passed", "CONFIRMED", "EventScheduled", None),
    model.MeetingStatus.cancelled: _Status("cancelled", "CANCELLED", "EventCancelled",
                                           "This meeting has been cancelled."),
    model.MeetingStatus.postponed: _Status("cancelled", "CANCELLED", "EventPostponed",
                                           "This meeting has been postponed; the new date will be published "
                                           "when it is known."),
}
"""How a meeting's status is written in each format.

- scheduled: OCD "confirmed", iCalendar CONFIRMED, schema.org EventScheduled.
- held: OCD "passed" (OCD's word for an event that has taken place); the
  meeting did take place as planned, so iCalendar CONFIRMED and schema.org
  EventScheduled (schema.org has no "happened" status).
- cancelled: "cancelled" / CANCELLED / EventCancelled.
- postponed: neither OCD (cancelled, tentative, confirmed, passed) nor
  iCalendar (TENTATIVE, CONFIRMED, CANCELLED) has a word for it.  The meeting
  will not take place at the time advertised, and "tentative" would suggest
  that it still might, so it is written as cancelled, with a description that
  says it was postponed (and OCD's `extras.meeting_status` = "postponed").
  schema.org does have EventPostponed, so the JSON-LD uses it.
"""


def absolute_url(site: model.Site, path: str) -> str:
    """The public address of a site-relative path; 'x/index.html' is written as the folder, 'x/'."""
    if path == "index.html":
        path = ""
    elif path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return site.base_url + quote(path)


def _meeting_url(meeting: ResolvedMeeting) -> str:
    return absolute_url(meeting.site, f"{meeting.url_path}/index.html")


def _item_url(meeting: ResolvedMeeting, item: Item) -> str:
    """The item's own page, or its entry on the meeting's page when it has none (`Item.has_page`)."""
    if not item.has_page:
        return absolute_url(meeting.site, f"{meeting.url_path}/index.html") + f"#{item.slug}"
    return absolute_url(meeting.site, f"{meeting.url_path}/{item.slug}/index.html")


def _local(site: model.Site, date: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in the site's time zone (aware, so the UTC offset is GMT or BST as it falls)."""
    return dt.datetime.combine(date, time, tzinfo=ZoneInfo(site.time_zone))


def _start(meeting: ResolvedMeeting) -> dt.datetime:
    return _local(meeting.site, meeting.meeting.date, meeting.meeting.start_time)


def _end(meeting: ResolvedMeeting) -> dt.datetime | None:
    end = meeting.meeting.end_time
    return _local(meeting.site, meeting.meeting.date, end) if end is not None else None


def _published(meeting: ResolvedMeeting, item: Item) -> dt.date | None:
    """When an item's papers were published: with the agenda, or on the item's own date if later.

    A supplementary item without a date has no known publication date (None).
    """
    if item.published_on is not None:
        return max(item.published_on, meeting.meeting.issued_on)
    return None if item.supplementary else meeting.meeting.issued_on


def _last_published(meeting: ResolvedMeeting) -> dt.date:
    """The latest date in the content on which anything of this meeting was published."""
    dates = [meeting.meeting.issued_on, *(d for item in meeting.items if (d := _published(meeting, item)))]
    return max(dates)


def _media_type(doc: Document) -> str:
    return "application/pdf" if doc.kind == "pdf" else "text/html"


def _paper_url(meeting: ResolvedMeeting, item: Item | None, doc: Document) -> str:
    """A paper's web page, or the file itself for an existing PDF (see site.document_path)."""
    return absolute_url(meeting.site, document_path(meeting, item, doc))


def _key_decision(item: Item) -> tuple[bool, str | None]:
    """(is it a key decision, its forward plan reference) from the item's public reports."""
    value = item.key_decision
    if isinstance(value, str):
        return True, value
    return bool(value), None


def _key_decision_note(item: Item) -> str | None:
    is_key, reference = _key_decision(item)
    if not is_key:
        return None
    return f"key decision: {reference}" if reference else "key decision"


def _summary(meeting: ResolvedMeeting) -> str:
    """The event's title in a calendar: the committee, marked when the meeting will not take place.

    Some calendar apps ignore STATUS:CANCELLED in subscribed calendars, so the word is in the title too.
    """
    name = meeting.committee.committee.name
    status = meeting.meeting.status
    if status is model.MeetingStatus.cancelled:
        return f"Cancelled: {name}"
    if status is model.MeetingStatus.postponed:
        return f"Postponed: {name}"
    return name


def _ordered(meetings: Iterable[ResolvedMeeting]) -> list[ResolvedMeeting]:
    """Meetings by start time, then committee and folder: the same order on every build."""
    return sorted(meetings, key=lambda m: (_start(m).astimezone(dt.UTC), m.committee.slug, m.source.slug))


# ---------------------------------------------------------------- iCalendar


def _calendar_event(meeting: ResolvedMeeting) -> Event:
    m = meeting.meeting
    status = _STATUS[m.status]
    host = urlsplit(meeting.site.base_url).hostname or "localhost"
    stamp = dt.datetime.combine(_last_published(meeting), dt.time(0), tzinfo=dt.UTC)
    lines = [meeting.title + "."]
    if status.note:
        lines.append(status.note)
    lines.append(f"Time: {clock(m.start_time)}" + (f" to {clock(m.end_time)}" if m.end_time else "") + ".")
    lines.append(f"Venue: {m.venue}")
    lines.append(f"Agenda and papers: {_meeting_url(meeting)}")
    if m.webcast:
        lines.append(f"Webcast: {m.webcast}")
    if meeting.items:
        lines.append("")
        lines.append("Agenda:")
        lines.extend(f"{item.number}. {item.title}" for item in meeting.items)

    event = Event()
    # One UID per meeting for ever: a calendar app updates the entry instead of adding a second one.
    event.add("uid", f"{meeting.committee.slug}-{meeting.source.slug}@{host}")
    event.add("dtstamp", stamp)
    # SEQUENCE goes up when the meeting is called off, so that apps treat the change as a revision.
    event.add("sequence", 0 if status.ical == "CONFIRMED" else 1)
    event.add("dtstart", _start(meeting))
    end = _end(meeting)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", _summary(meeting))
    event.add("location", m.venue)
    event.add("url", _meeting_url(meeting))
    event.add("status", status.ical)
    event.add("description", "\n".join(lines))
    return event


def _calendar(site: model.Site, name: str, description: str, meetings: list[ResolvedMeeting]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//meetingpack//Council meetings and papers//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", site.time_zone)
    # Ask subscribed calendar apps to look for changes daily (RFC 7986, and Outlook's older property).
    cal.add("refresh-interval", vDuration(dt.timedelta(days=1)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    if meetings:
        # The time zone goes before the events (some apps want it first) and covers only the years of
        # the meetings, so that it stays short and the same from build to build.
        years = [m.meeting.date.year for m in meetings]
        cal.add_component(Timezone.from_tzinfo(ZoneInfo(site.time_zone), site.time_zone,
                                               first_date=dt.date(min(years), 1, 1),
                                               last_date=dt.date(max(years) + 1, 1, 1)))
    for meeting in _ordered(meetings):
        cal.add_component(_calendar_event(meeting))
    return cal.to_ical()


def calendars(project: Project, meetings: list[ResolvedMeeting]) -> list[Output]:
    """`calendar.ics` with every meeting, and `<committee>/calendar.ics` for each committee.

    Every committee gets its file, even with no meetings yet, so that a
    subscription made today keeps working when meetings are added.
    """
    return [all_calendar(project, meetings),
            *(committee_calendar(project, c, [m for m in meetings if m.committee.slug == c.slug])
              for c in project.committees)]


def all_calendar(project: Project, meetings: list[ResolvedMeeting]) -> Output:
    """`calendar.ics`: every meeting of every committee."""
    site = project.site
    return Output("calendar.ics", _calendar(
        site, f"{site.authority}: council meetings",
        f"Meetings of the committees of {site.authority}, with links to their agendas and papers.", meetings))


def committee_calendar(project: Project, committee: CommitteeSource, own: list[ResolvedMeeting]) -> Output:
    """`<committee>/calendar.ics`: the meetings `own` of one committee."""
    name = committee.committee.name
    return Output(f"{committee.slug}/calendar.ics", _calendar(
        project.site, f"{name} meetings", f"Meetings of the {name}, {project.site.authority}.", own))


# -------------------------------------------------------------------- Atom


@dataclass(frozen=True)
class _Paper:
    meeting: ResolvedMeeting
    item: Item
    doc: Document
    index: int
    published: dt.date


def _feed_papers(meetings: Iterable[ResolvedMeeting]) -> list[_Paper]:
    """Every public paper of every agenda item, newest first.

    A supplementary paper with no publication date in the content is dated
    the day of the meeting: it was published after the agenda and by the
    meeting at the latest, and it is then listed above the agenda's papers,
    as a new paper should be.  A meeting's own minutes are not listed on
    their own: the content does not say when they were published, and they
    appear here when the next meeting's agenda publishes them as a paper.
    """
    papers: list[_Paper] = []
    for meeting in meetings:
        for item in meeting.items:
            published = _published(meeting, item) or meeting.meeting.date
            papers.extend(_Paper(meeting, item, doc, n, published) for n, doc in enumerate(item.public_documents))
    return sorted(papers, key=lambda p: (-p.published.toordinal(), -p.meeting.meeting.date.toordinal(),
                                         p.meeting.committee.slug, p.meeting.source.slug, p.item.number, p.index))


def papers_feed(project: Project, rendered: Sequence[tuple[ResolvedMeeting, object]]) -> Output:
    """`papers.atom`: one entry per public paper, newest first, linking to its page (or the PDF itself).

    Each entry is dated the day its paper was published (midnight, local
    time); the feed's `updated` is the newest of those, so the file changes
    only when a paper is added.
    """
    site = project.site
    papers = _feed_papers(meeting for meeting, _ in rendered)
    feed_url = absolute_url(site, "papers.atom")
    fg = FeedGenerator()
    fg.id(feed_url)
    fg.title(f"{site.site_title}: new papers")
    fg.subtitle(f"Agendas, reports and other papers of the committees of {site.authority}, as they are published.")
    fg.author({"name": site.authority, **({"email": site.contact.email} if site.contact.email else {})})
    fg.link(href=site.base_url, rel="alternate", type="text/html")
    fg.link(href=feed_url, rel="self", type="application/atom+xml")
    fg.language("en-GB")
    fg.rights(site.licence)
    fg.generator("meetingpack")
    newest = papers[0].published if papers else max(
        (_last_published(m) for m, _ in rendered), default=dt.date(1970, 1, 1))
    fg.updated(_local(site, newest, dt.time(0)))
    for paper in papers:
        meeting, item, doc = paper.meeting, paper.item, paper.doc
        committee = meeting.committee.committee
        url = _paper_url(meeting, item, doc)
        when = _local(site, paper.published, dt.time(0))
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.title(doc.heading)
        # One link only: feedgen 1.0 drops the rel and type of an entry's links, and a second link would
        # then read as a second "alternate", which Atom forbids.
        entry.link(href=url, rel="alternate", type=_media_type(doc))
        entry.published(when)
        entry.updated(when)
        entry.category(term=meeting.committee.slug, label=committee.short_name)
        entry.summary(f"{committee.name}, {long_date(meeting.meeting.date)}: agenda item {item.number}, "
                      f"{item.title}. Published {long_date(paper.published)}.")
    return Output("papers.atom", fg.atom_str(pretty=True))


# ------------------------------------------------------- Open Civic Data


def _ocd_date(date: dt.date | None) -> dict[str, str]:
    return {"date": date.isoformat()} if date is not None else {}


def _ocd_document(note: str, url: str, media_type: str, date: dt.date | None) -> dict[str, object]:
    """A document as the OCD schema describes it (note, url, media_type, date).

    pupa's own scrapers write the address as `links: [{url, media_type}]`
    instead (Event.add_document), and its importer reads that; both are
    written, so that the file validates against the schema and loads with pupa.
    """
    return {"note": note, "url": url, "media_type": media_type, **_ocd_date(date),
            "links": [{"url": url, "media_type": media_type}]}


def _ocd_webcast(meeting: ResolvedMeeting, name: str, offset: int | None) -> dict[str, object]:
    assert meeting.meeting.webcast is not None
    return {"name": name, "type": "webcast", "date": meeting.meeting.date.isoformat(),
            **({"offset": offset} if offset is not None else {}),
            "links": [{"url": meeting.meeting.webcast, "media_type": "text/html"}]}


def _ocd_agenda_item(meeting: ResolvedMeeting, item: Item, packs: MeetingPacks) -> dict[str, object]:
    """One agenda entry.

    An exempt item has its title, number and the exemption notice, and nothing else.

    `related_entities` is always empty: OCD relates agenda items to OCD
    people, organisations, bills and vote events (the only kinds pupa's
    `add_entity` accepts), and a council report is none of these; calling it a
    "bill" would mislead anyone importing the data.  The item's papers are
    listed in the event's `documents` (their note names the item) and in the
    item's `extras.documents`.
    """
    base = {"description": item.title, "order": str(item.number)}
    if item.exempt:
        return {**base, "classification": ["part-b", "exempt"], "notes": [exempt_notice(item.exempt_paragraph)],
                "subjects": [], "media": [], "related_entities": [],
                "extras": {"part": "B", "exempt": True, "exempt_paragraph": item.exempt_paragraph,
                           "page": _item_url(meeting, item)}}

    is_key, reference = _key_decision(item)
    wards = item.wards
    notes = [n for n in (item.note, _key_decision_note(item), "wards: " + ", ".join(wards) if wards else None)
             if n]
    media = []
    if item.webcast_at is not None and meeting.meeting.webcast:
        media.append(_ocd_webcast(meeting, f"Webcast of item {item.number}: {item.title}", item.webcast_at))
    published = _published(meeting, item)
    documents = []
    item_pdf = packs.item_pdfs.get(item.number)
    if item_pdf is not None:
        documents.append(_ocd_document(f"Papers for item {item.number} (PDF)",
                                       absolute_url(meeting.site, pdf_file(meeting, item_pdf)), "application/pdf",
                                       item_pdf.published_on))
    documents.extend(_ocd_document(doc.heading, _paper_url(meeting, item, doc), _media_type(doc), published)
                     for doc in item.public_documents)
    return {**base, "classification": ["part-a"] + (["supplementary"] if item.supplementary else []),
            "notes": notes, "subjects": [], "media": media, "related_entities": [],
            "extras": {"part": "A", "exempt": False, "supplementary": item.supplementary,
                       "published_on": published.isoformat() if published else None,
                       "wards": wards, "key_decision": is_key, "key_decision_reference": reference,
                       "webcast_offset": item.webcast_at if media else None,
                       "page": _item_url(meeting, item), "documents": documents}}


def ocd_event(meeting: ResolvedMeeting, packs: MeetingPacks) -> dict[str, object]:
    """The meeting as an Open Civic Data event (a dict; `meeting_json` writes it).

    The fields follow pupa's event schema (tests/schemas/ocd-event.json).
    Choices where OCD leaves room: `classification` is "committee-meeting";
    `end_date` is "" when the end time is not known (as pupa writes it);
    `documents` holds the public PDF packs and then every public paper,
    dated when they were published; the committee is the one participant,
    as the host; extra facts (the meeting's own status word, the wards and
    key decisions of each item) go in `extras`, which OCD provides for that.
    """
    m = meeting.meeting
    site = meeting.site
    status = _STATUS[m.status]
    end = _end(meeting)
    committee = meeting.committee.committee
    documents = [_ocd_document(pack.title, absolute_url(site, pdf_file(meeting, pack)), "application/pdf",
                               pack.published_on) for pack in packs.public]
    for item in meeting.items:
        published = _published(meeting, item)
        documents.extend(_ocd_document(f"Item {item.number}: {doc.heading}", _paper_url(meeting, item, doc),
                                       _media_type(doc), published) for doc in item.public_documents)
    if meeting.minutes is not None:
        documents.append(_ocd_document(meeting.minutes.heading, _paper_url(meeting, None, meeting.minutes),
                                       "text/html", None))
    description = f"Meeting of the {committee.name}, {site.authority}."
    if status.note:
        description += " " + status.note
    return {
        "name": committee.name,
        "all_day": False,
        "start_date": _start(meeting).isoformat(),
        "end_date": end.isoformat() if end is not None else "",
        "status": status.ocd,
        "classification": "committee-meeting",
        "description": description,
        "location": {"name": m.venue},
        "media": [_ocd_webcast(meeting, "Webcast of the meeting", None)] if m.webcast else [],
        "documents": documents,
        "links": [{"note": "Agenda, papers and minutes", "url": _meeting_url(meeting)}],
        "participants": [{"name": committee.name, "type": "organization", "entity_type": "organization",
                          "note": "host"}],
        "agenda": [_ocd_agenda_item(meeting, item, packs) for item in meeting.items],
        "sources": [{"url": _meeting_url(meeting), "note": "Meeting page"}],
        "extras": {"authority": site.authority, "committee": meeting.committee.slug, "meeting": meeting.source.slug,
                   "meeting_status": m.status.value, "agenda_issued_on": m.issued_on.isoformat(),
                   "time_zone": site.time_zone},
    }


def meeting_json(meeting: ResolvedMeeting, packs: MeetingPacks) -> Output:
    """`<committee>/<meeting>/meeting.json`: the meeting as an Open Civic Data event (see `ocd_event`)."""
    text = json.dumps(ocd_event(meeting, packs), indent=2, ensure_ascii=False) + "\n"
    return Output(f"{meeting.url_path}/meeting.json", text.encode("utf-8"))


def decisions_json(site: model.Site, records: CommitteeRecords) -> Output:
    """`<committee>/decisions.json`: the committee's decisions register.

    One entry per resolution (part), in meeting and minute order, with its
    reference, words, the minutes' address, the meeting it asked the matter to
    come back to, the agenda items that answered it, and its follow-up status
    ('answered', 'due', 'overdue', or '' when nothing is to come back).
    Minutes are public, so is this; exempt business is never minuted here.
    """
    entries = []
    for decision in records.decisions:
        meeting = decision.meeting
        minutes = meeting.minutes
        assert minutes is not None
        entries.append({
            "reference": decision.reference,
            "meeting": meeting.source.slug,
            "minute": decision.resolution.minute,
            "minute_title": decision.minute_title,
            "part": decision.resolution.part,
            "text": decision.resolution.text,
            "url": absolute_url(site, f"{meeting.url_path}/{minutes.slug}/index.html") + f"#{decision.anchor}",
            "due_meeting": decision.due.source.slug if decision.due else None,
            "answered_by": [{"meeting": m.source.slug, "item": item.number, "title": item.title,
                             "url": _item_url(m, item)} for m, item in decision.answered_by],
            "status": decision.status(records.meetings),
        })
    recommendations = []
    for tracked in records.recommendations:
        rec = tracked.recommendation
        recommendations.append({
            "id": rec.id, "title": rec.title, "text": rec.text, "to": rec.to, "status": rec.status.value,
            "made": tracked.made.key if tracked.made else rec.made,
            "response": None if rec.response is None else {
                "date": rec.response.date.isoformat(), "summary": rec.response.summary,
                "url": _paper_url(tracked.response[0], tracked.response[1], tracked.response[2])
                if tracked.response else None},
            "review": None if tracked.review is None else {
                "meeting": tracked.review[0].source.slug, "item": tracked.review[1].number,
                "url": _item_url(*tracked.review)},
        })
    slug = records.meetings[0].committee.slug if records.meetings else "committee"
    text = json.dumps({"committee": slug, "decisions": entries, "recommendations": recommendations},
                      indent=2, ensure_ascii=False) + "\n"
    return Output(f"{slug}/decisions.json", text.encode("utf-8"))


# ------------------------------------------------------------ schema.org


def meeting_json_ld(meeting: ResolvedMeeting) -> str:
    """The meeting as a schema.org Event, for `<script type="application/ld+json">` on its page.

    "<", ">" and "&" are written as \\u escapes (the same string to a JSON
    reader), so that no text in the content, such as "</script>" in a venue,
    can end the script element.  A meeting with a webcast is a "mixed"
    event: in the room, or watched online.
    """
    m = meeting.meeting
    site = meeting.site
    status = _STATUS[m.status]
    place = {"@type": "Place", "name": m.venue, "address": m.venue}
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.committee.committee.name,
        "description": f"Meeting of the {meeting.committee.committee.name}, {long_date(m.date)}."
                       + (f" {status.note}" if status.note else ""),
        "startDate": _start(meeting).isoformat(),
    }
    end = _end(meeting)
    if end is not None:
        data["endDate"] = end.isoformat()
    data.update({
        "eventStatus": f"https://schema.org/{status.schema_org}",
        "eventAttendanceMode": "https://schema.org/"
                               + ("MixedEventAttendanceMode" if m.webcast else "OfflineEventAttendanceMode"),
        "location": [place, {"@type": "VirtualLocation", "url": m.webcast}] if m.webcast else place,
        "organizer": {"@type": "GovernmentOrganization", "name": site.authority, "url": site.base_url},
        "isAccessibleForFree": True,
        "url": _meeting_url(meeting),
    })
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------- sitemap


def sitemap(site: model.Site, paths: list[str]) -> Output:
    """`sitemap.xml`: the address of every HTML page given, once each, in a fixed (sorted) order.

    No `lastmod` is written: the content does not record when each page last
    changed, and a made-up date is worse than none.
    """
    urls = sorted({absolute_url(site, p) for p in paths if p.endswith(".html")})
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines.extend(f"  <url><loc>{escape(url)}</loc></url>" for url in urls)
    lines.append("</urlset>")
    return Output("sitemap.xml", ("\n".join(lines) + "\n").encode("utf-8"))
