"""Feeds and open data (opendata.py), read back with the parsers other software uses.

The bundled example is loaded and its packs rendered once for the module
(a few seconds); the files are then made directly with the opendata
functions, so that these tests do not depend on how the build wires them in.
Changed copies of the content (a cancelled meeting, meetings either side of
the clock change) are only loaded and resolved, never rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from conftest import EXAMPLE
from helpers_content import project as minimal_project
from helpers_content import replaced_copy
from icalendar import Calendar

from meetingpack import opendata
from meetingpack.commands.check import check_project
from meetingpack.exempt import exempt_notice
from meetingpack.load import Project
from meetingpack.records import project_records
from meetingpack.render.pdf import MeetingPacks, PackFile, render_packs
from meetingpack.render.templates import make_environment
from meetingpack.resolve import ResolvedMeeting, resolve_project
from meetingpack.site import Output, render_meeting_site

SCHEMA_DIR = Path(__file__).parent / "schemas"
OCD_SCHEMA = json.loads((SCHEMA_DIR / "ocd-event.json").read_text(encoding="utf-8"))
BASE = "https://meetings.aldermoor.gov.uk/"
EARLIER, LATER = "2025-12-09", "2026-03-02"
COMMITTEE = "children-young-people"
PANEL = "Children and Young People Overview and Scrutiny Panel"
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

EXEMPT_SECRETS = (
    "commercially confidential tender prices",  # from the exempt report's text
    "report-residential-framework",  # the exempt report's file name
    "KD/2026/02",  # the exempt report's key decision reference
    "Paul Greaves",  # the exempt report's contact officer
)


@dataclass
class Example:
    project: Project
    meetings: list[ResolvedMeeting]
    rendered: list[tuple[ResolvedMeeting, MeetingPacks]]
    site_pages: list[Output]
    """The website's own files (pages, PDFs), to check that every link points at one."""

    def meeting(self, slug: str) -> tuple[ResolvedMeeting, MeetingPacks]:
        return next((m, p) for m, p in self.rendered if m.source.slug == slug)

    def outputs(self) -> list[Output]:
        """Every file opendata makes for the example, in a fixed order."""
        pages = [o.path for o in self.site_pages if o.path.endswith(".html")]
        return [*opendata.calendars(self.project, self.meetings),
                opendata.papers_feed(self.project, self.rendered),
                *(opendata.meeting_json(m, p) for m, p in self.rendered),
                opendata.sitemap(self.project.site, pages)]

    def output(self, path: str) -> bytes:
        found = next(o for o in self.outputs() if o.path == path)
        assert found.data is not None
        return found.data


def _load(root: Path) -> tuple[Project, list[ResolvedMeeting]]:
    project, report = check_project(root)
    assert project is not None and not report.errors, report.diagnostics
    return project, resolve_project(project)


@pytest.fixture(scope="module")
def example() -> Example:
    project, meetings = _load(EXAMPLE)
    env = make_environment(project.root)
    rendered = [(meeting, render_packs(env, meeting)) for meeting in meetings]
    records = project_records(meetings)
    pages = [o for m, p in rendered for o in render_meeting_site(env, m, p, records[m.committee.slug])]
    # The listing pages (home, committee), without rendering them: their signature is not this module's concern.
    pages += [Output("index.html", b""), *(Output(f"{c.slug}/index.html", b"") for c in project.committees)]
    return Example(project, meetings, rendered, pages)


def _site_path(url: str) -> str:
    """The file of the site that an absolute URL serves (a folder URL serves its index.html)."""
    assert url.startswith(BASE), url
    path = url[len(BASE):]
    return path + "index.html" if path == "" or path.endswith("/") else path


def _events(data: bytes) -> list:
    """The panel's events (the example's other committee has a meeting of its own)."""
    return [e for e in Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]).startswith(COMMITTEE)]


def _stub_packs(meeting: ResolvedMeeting, like: MeetingPacks) -> MeetingPacks:
    """Packs without PDFs for a meeting that is only resolved (the OCD event needs their titles and dates).

    Made from another meeting's packs (`like`) with the fields the OCD event reads replaced.
    """
    agenda = PackFile("agenda", f"{meeting.title}: agenda", b"", 1, None, {}, {}, meeting.meeting.issued_on)
    return dataclasses.replace(like, agenda=agenda, supplements=[], consolidated=None, members=None, item_pdfs={})


def _changed_example(tmp_path: Path, changes: dict[str, tuple[str, str]]) -> Path:
    """A copy of the bundled example with one line of some files replaced: {file: (old, new)}."""
    return replaced_copy(EXAMPLE, tmp_path, changes)


# ------------------------------------------------------------ Open Civic Data


def test_ocd_schema_is_pupas_event_schema_with_its_provenance() -> None:
    jsonschema.Draft202012Validator.check_schema(OCD_SCHEMA)
    comment = OCD_SCHEMA["$comment"]
    assert "opencivicdata/pupa" in comment and "pupa/scrape/schemas/event.py" in comment
    assert "BSD 3-Clause" in comment and "Sunlight Foundation" in comment
    assert "Sunlight Foundation" in (SCHEMA_DIR / "LICENSE-pupa.txt").read_text(encoding="utf-8")
    properties = OCD_SCHEMA["properties"]
    assert properties["status"]["enum"] == ["cancelled", "tentative", "confirmed", "passed"]
    assert {"name", "start_date", "end_date", "location", "documents", "participants", "media", "agenda",
            "sources", "extras"} <= set(properties)
    agenda_item = properties["agenda"]["items"]["properties"]
    assert {"description", "order", "classification", "notes", "media", "related_entities"} <= set(agenda_item)


@pytest.mark.parametrize("slug", [EARLIER, LATER])
def test_meeting_json_is_a_valid_ocd_event(example: Example, slug: str) -> None:
    meeting, packs = example.meeting(slug)
    output = opendata.meeting_json(meeting, packs)
    assert output.path == f"{COMMITTEE}/{slug}/meeting.json"
    assert output.data is not None and output.data.endswith(b"\n")
    event = json.loads(output.data)
    validator = jsonschema.Draft202012Validator(OCD_SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(event)]
    assert errors == []
    # pupa's schema requires nothing (Draft 3: properties are optional); these are what makes it an event.
    assert event["name"] == PANEL
    assert event["classification"] == "committee-meeting"
    assert event["location"]["name"] == meeting.meeting.venue
    assert event["participants"] == [{"name": PANEL, "type": "organization", "entity_type": "organization",
                                      "note": "host"}]
    assert event["sources"] == [{"url": f"{BASE}{COMMITTEE}/{slug}/", "note": "Meeting page"}]
    assert [a["order"] for a in event["agenda"]] == [str(item.number) for item in meeting.items]
    assert [a["description"] for a in event["agenda"]] == [item.title for item in meeting.items]
    assert all(a["related_entities"] == [] for a in event["agenda"])


def test_meeting_json_times_and_status(example: Example) -> None:
    held = json.loads(opendata.meeting_json(*example.meeting(EARLIER)).data or b"")
    assert held["status"] == "passed"
    assert held["start_date"] == "2025-12-09T10:00:00+00:00"
    assert held["end_date"] == "2025-12-09T12:40:00+00:00"
    assert held["extras"]["meeting_status"] == "held"
    scheduled = json.loads(opendata.meeting_json(*example.meeting(LATER)).data or b"")
    assert scheduled["status"] == "confirmed"
    assert scheduled["start_date"] == "2026-03-02T10:00:00+00:00"
    assert scheduled["end_date"] == ""  # no end time in the content


def test_meeting_json_documents_are_the_public_packs_and_papers(example: Example) -> None:
    meeting, packs = example.meeting(LATER)
    event = json.loads(opendata.meeting_json(meeting, packs).data or b"")
    documents = event["documents"]
    written = {o.path for o in example.site_pages}
    for doc in documents:
        assert _site_path(doc["url"]) in written, doc["url"]
        assert doc["links"] == [{"url": doc["url"], "media_type": doc["media_type"]}]
    stem = f"{BASE}{COMMITTEE}/{LATER}/{COMMITTEE}-{LATER}"
    assert [(d["url"], d["date"]) for d in documents[:3]] == [
        (f"{stem}-pack.pdf", "2026-02-20"), (f"{stem}-supplement-1.pdf", "2026-02-26"),
        (f"{stem}-consolidated.pdf", "2026-02-26")]
    papers = [d for d in documents[3:]]
    assert len(papers) == sum(len(item.public_documents) for item in meeting.items) == 14
    by_url = {d["url"]: d for d in papers}
    letter = by_url[f"{BASE}{COMMITTEE}/{LATER}/item-8/inspection-letter.pdf"]
    assert letter["media_type"] == "application/pdf"
    assert letter["note"] == "Item 8: Appendix 1: Letter from Ofsted: focused visit to Aldermoor children's services"
    eastwood = by_url[f"{BASE}{COMMITTEE}/{LATER}/item-11/report-eastwood-youth-centre/"]
    assert eastwood["media_type"] == "text/html" and eastwood["date"] == "2026-02-26"
    assert not any("item-13" in d["url"] for d in documents)


def test_meeting_json_exempt_item_is_its_agenda_entry_only(example: Example) -> None:
    event = json.loads(opendata.meeting_json(*example.meeting(LATER)).data or b"")
    item = event["agenda"][12]
    assert item == {
        "description": "Children's residential placements framework 2026-2030: award of contract",
        "order": "13",
        "classification": ["part-b", "exempt"],
        "notes": [exempt_notice(3)],
        "subjects": [],
        "media": [],
        "related_entities": [],
        "extras": {"part": "B", "exempt": True, "exempt_paragraph": 3,
                   "page": f"{BASE}{COMMITTEE}/{LATER}/item-13/"},
    }


def test_meeting_json_wards_and_key_decisions(example: Example) -> None:
    event = json.loads(opendata.meeting_json(*example.meeting(LATER)).data or b"")
    eastwood = event["agenda"][10]
    assert eastwood["description"] == "Future of Eastwood Youth Centre: pre-decision scrutiny"
    assert eastwood["classification"] == ["part-a", "supplementary"]
    assert eastwood["notes"] == ["key decision: KD/2026/04", "wards: Eastwood, Fairholme"]
    extras = eastwood["extras"]
    assert extras["wards"] == ["Eastwood", "Fairholme"]
    assert (extras["key_decision"], extras["key_decision_reference"]) == (True, "KD/2026/04")
    assert extras["published_on"] == "2026-02-26"
    assert [d["url"] for d in extras["documents"]] == [
        f"{BASE}{COMMITTEE}/{LATER}/item-11/{COMMITTEE}-{LATER}-item-11.pdf",
        f"{BASE}{COMMITTEE}/{LATER}/item-11/report-eastwood-youth-centre/"]
    apologies = event["agenda"][0]
    assert apologies["extras"]["wards"] == [] and apologies["extras"]["key_decision"] is False
    assert not any(n.startswith(("wards", "key decision")) for n in apologies["notes"])


def test_meeting_json_webcast_offsets(example: Example) -> None:
    meeting, packs = example.meeting(EARLIER)
    event = json.loads(opendata.meeting_json(meeting, packs).data or b"")
    webcast = meeting.meeting.webcast
    assert event["media"] == [{"name": "Webcast of the meeting", "type": "webcast", "date": EARLIER,
                               "links": [{"url": webcast, "media_type": "text/html"}]}]
    offsets = [a["media"][0]["offset"] if a["media"] else None for a in event["agenda"]]
    assert offsets == [40, 90, 125, 190, 240, 865, 3530, 8475]
    item_6 = event["agenda"][5]["media"][0]
    assert item_6["offset"] == 14 * 60 + 25 and item_6["links"] == [{"url": webcast, "media_type": "text/html"}]
    later = json.loads(opendata.meeting_json(*example.meeting(LATER)).data or b"")
    assert later["media"] == [] and all(a["media"] == [] for a in later["agenda"])


# --------------------------------------------------------------- iCalendar


def test_calendars_have_every_meeting_with_local_times(example: Example) -> None:
    outputs = {o.path: o.data for o in opendata.calendars(example.project, example.meetings)}
    assert set(outputs) == {"calendar.ics", f"{COMMITTEE}/calendar.ics", "overview-scrutiny/calendar.ics"}
    for data in (outputs["calendar.ics"], outputs[f"{COMMITTEE}/calendar.ics"]):
        assert data is not None
        calendar = Calendar.from_ical(data)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
        earlier, later = _events(data)
        assert str(earlier["SUMMARY"]) == str(later["SUMMARY"]) == PANEL
        assert earlier["DTSTART"].params["TZID"] == "Europe/London"
        assert earlier["DTSTART"].dt == dt.datetime(2025, 12, 9, 10, tzinfo=LONDON)
        assert earlier["DTSTART"].dt.astimezone(UTC) == dt.datetime(2025, 12, 9, 10, tzinfo=UTC)
        assert earlier["DTEND"].dt.astimezone(UTC) == dt.datetime(2025, 12, 9, 12, 40, tzinfo=UTC)
        assert later["DTSTART"].dt.astimezone(UTC) == dt.datetime(2026, 3, 2, 10, tzinfo=UTC)
        assert "DTEND" not in later and "DURATION" not in later
        assert str(later["LOCATION"]) == "Committee Room 2, Aldermoor Civic Centre, Market Street, Aldermoor AM1 1AA"
        assert str(earlier["URL"]) == f"{BASE}{COMMITTEE}/{EARLIER}/"
        assert str(later["URL"]) == f"{BASE}{COMMITTEE}/{LATER}/"
        assert str(earlier["STATUS"]) == str(later["STATUS"]) == "CONFIRMED"
        assert str(later["UID"]) == f"{COMMITTEE}-{LATER}@meetings.aldermoor.gov.uk"
        # DTSTAMP from the content: the agenda's issue date, or the last supplement's.
        assert earlier["DTSTAMP"].dt == dt.datetime(2025, 12, 1, tzinfo=UTC)
        assert later["DTSTAMP"].dt == dt.datetime(2026, 2, 26, tzinfo=UTC)
        assert "Webcast: https://webcasts.aldermoor.gov.uk/" in str(earlier["DESCRIPTION"])
    assert b"\r\n" in outputs["calendar.ics"] and b"X-WR-CALNAME:Aldermoor Metropolitan" in outputs["calendar.ics"]


def test_cancelled_and_postponed_meetings_stay_in_the_feeds(example: Example, tmp_path: Path) -> None:
    root = _changed_example(tmp_path, {
        f"{COMMITTEE}/{LATER}/meeting.yaml": ("status: scheduled", "status: cancelled"),
        f"{COMMITTEE}/{EARLIER}/meeting.yaml": ("status: held", "status: postponed"),
    })
    project, meetings = _load(root)
    for output in opendata.calendars(project, meetings):
        if output.path.startswith("overview-scrutiny/"):
            continue  # the other committee's calendar: none of the panel's meetings
        postponed, cancelled = _events(output.data or b"")
        assert str(cancelled["STATUS"]) == "CANCELLED" and str(postponed["STATUS"]) == "CANCELLED"
        assert str(cancelled["SUMMARY"]) == f"Cancelled: {PANEL}"
        assert str(postponed["SUMMARY"]) == f"Postponed: {PANEL}"
        assert "postponed" in str(postponed["DESCRIPTION"])
        assert cancelled["SEQUENCE"] == 1
        assert str(cancelled["UID"]) == f"{COMMITTEE}-{LATER}@meetings.aldermoor.gov.uk"  # the same entry
    packs = {m.source.slug: p for m, p in example.rendered}
    by_slug = {m.source.slug: m for m in meetings}
    cancelled_event = opendata.ocd_event(by_slug[LATER], packs[LATER])
    postponed_event = opendata.ocd_event(by_slug[EARLIER], packs[EARLIER])
    assert cancelled_event["status"] == postponed_event["status"] == "cancelled"
    assert postponed_event["extras"]["meeting_status"] == "postponed"
    assert "postponed" in postponed_event["description"]
    jsonschema.validate(postponed_event, OCD_SCHEMA)
    assert json.loads(opendata.meeting_json_ld(by_slug[LATER]))["eventStatus"] == "https://schema.org/EventCancelled"
    assert json.loads(opendata.meeting_json_ld(by_slug[EARLIER]))["eventStatus"] == \
        "https://schema.org/EventPostponed"


MEETING_ON = """\
date: {date}
start_time: "10:00"
end_time: "11:30"
venue: Committee Room 1, Town Hall, Testford TF1 1AA
issued_on: 2026-03-02
issued_by:
  name: Jo Bloggs
  title: Chief Executive
agenda:
  part_a:
    - standard: apologies
"""


def test_times_are_local_across_the_clock_change(example: Example, tmp_path: Path) -> None:
    # British Summer Time began at 01:00 UTC on Sunday 29 March 2026.
    dates = ["2026-03-28", "2026-03-29", "2026-06-15", "2026-11-02"]
    root = minimal_project(tmp_path, {f"panel/{d}/meeting.yaml": MEETING_ON.format(date=d) for d in dates})
    project, meetings = _load(root)
    meetings = [m for m in meetings if m.source.slug in dates]
    utc_hours = {"2026-03-28": 10, "2026-03-29": 9, "2026-06-15": 9, "2026-11-02": 10}
    offsets = {"2026-03-28": "+00:00", "2026-03-29": "+01:00", "2026-06-15": "+01:00", "2026-11-02": "+00:00"}

    calendar = opendata.calendars(project, meetings)[0].data or b""
    for event in _events(calendar):
        date = event["DTSTART"].dt.date().isoformat()
        assert event["DTSTART"].dt.hour == 10 and event["DTEND"].dt.hour == 11
        assert event["DTSTART"].dt.astimezone(UTC).hour == utc_hours[date]
        assert event["DTEND"].dt.astimezone(UTC) - event["DTSTART"].dt.astimezone(UTC) == dt.timedelta(minutes=90)
    assert b"DTSTART;TZID=Europe/London:20260329T100000" in calendar
    for meeting in meetings:
        date = meeting.source.slug
        event = opendata.ocd_event(meeting, _stub_packs(meeting, example.rendered[0][1]))
        assert event["start_date"] == f"{date}T10:00:00{offsets[date]}"
        assert event["end_date"] == f"{date}T11:30:00{offsets[date]}"
        jsonschema.validate(event, OCD_SCHEMA)
        ld = json.loads(opendata.meeting_json_ld(meeting))
        assert ld["startDate"] == f"{date}T10:00:00{offsets[date]}"
        assert dt.datetime.fromisoformat(ld["startDate"]).astimezone(UTC).hour == utc_hours[date]


# -------------------------------------------------------------------- Atom


def test_papers_feed_lists_public_papers_newest_first(example: Example) -> None:
    output = opendata.papers_feed(example.project, example.rendered)
    assert output.path == "papers.atom"
    feed = ET.fromstring(output.data or b"")
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    public = [(m, i, d) for m in example.meetings for i in m.items for d in i.public_documents]
    assert len(entries) == len(public) == 18  # 17 of the panel, 1 of the Overview and Scrutiny Management Committee
    updated = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated") == "2026-02-26T00:00:00+00:00"
    assert updated[-1] == dt.datetime(2025, 12, 1, tzinfo=LONDON)
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Future of Eastwood Youth Centre: pre-decision scrutiny"
    written = {o.path for o in example.site_pages}
    hrefs = []
    for entry in entries:
        links = entry.findall(f"{ATOM}link")
        assert len(links) == 1
        href = links[0].get("href") or ""
        assert _site_path(href) in written
        assert entry.findtext(f"{ATOM}id") == href
        hrefs.append(href)
    assert hrefs[0] == f"{BASE}{COMMITTEE}/{LATER}/item-11/report-eastwood-youth-centre/"
    assert f"{BASE}{COMMITTEE}/{LATER}/item-8/inspection-letter.pdf" in hrefs
    assert len(set(hrefs)) == len(hrefs)
    assert not any("/item-13/" in h for h in hrefs)
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_link] == [f"{BASE}papers.atom"]


# ---------------------------------------------------------- schema.org


def test_json_ld_describes_the_meeting(example: Example) -> None:
    held, later = (json.loads(opendata.meeting_json_ld(example.meeting(s)[0])) for s in (EARLIER, LATER))
    assert held["@context"] == "https://schema.org" and held["@type"] == "Event"
    assert held["name"] == PANEL
    assert held["startDate"] == "2025-12-09T10:00:00+00:00" and held["endDate"] == "2025-12-09T12:40:00+00:00"
    assert held["eventStatus"] == "https://schema.org/EventScheduled"
    assert held["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, online = held["location"]
    assert place["@type"] == "Place" and place["name"].startswith("Council Chamber") and place["address"]
    assert online == {"@type": "VirtualLocation",
                      "url": "https://webcasts.aldermoor.gov.uk/panels/children-young-people/2025-12-09"}
    assert held["organizer"] == {"@type": "GovernmentOrganization", "name": "Aldermoor Metropolitan Borough Council",
                                 "url": BASE}
    assert held["url"] == f"{BASE}{COMMITTEE}/{EARLIER}/"
    assert "endDate" not in later
    assert later["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert later["location"]["@type"] == "Place"


def test_json_ld_cannot_end_its_script_element(example: Example) -> None:
    meeting = example.meeting(LATER)[0]
    venue = "</script><script>alert('x')</script> & <!-- Room 2"
    changed = dataclasses.replace(meeting, source=dataclasses.replace(
        meeting.source, meeting=meeting.meeting.model_copy(update={"venue": venue})))
    text = opendata.meeting_json_ld(changed)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text)["location"]["name"] == venue


# ---------------------------------------------------------------- sitemap


def test_sitemap_lists_every_page_by_its_folder_address(example: Example) -> None:
    pages = [o.path for o in example.site_pages if o.path.endswith(".html")]
    output = opendata.sitemap(example.project.site, pages + ["calendar.ics", pages[0]])
    assert output.path == "sitemap.xml"
    root = ET.fromstring(output.data or b"")
    assert root.tag == f"{SITEMAP}urlset"
    urls = [u.findtext(f"{SITEMAP}loc") or "" for u in root.findall(f"{SITEMAP}url")]
    assert len(urls) == len(set(pages)) and urls == sorted(set(urls))
    assert BASE in urls and f"{BASE}{COMMITTEE}/" in urls
    assert f"{BASE}{COMMITTEE}/{LATER}/" in urls and f"{BASE}{COMMITTEE}/{LATER}/item-12/" in urls
    assert f"{BASE}{COMMITTEE}/{EARLIER}/item-6/report-performance-q2/" in urls
    assert all(u.startswith(BASE) and not u.endswith(("index.html", ".ics", ".pdf")) for u in urls)
    assert sorted(_site_path(u) for u in urls) == sorted(set(pages))


# ------------------------------------------------------ exempt information


def test_no_exempt_information_in_any_output(example: Example) -> None:
    source = (EXAMPLE / COMMITTEE / LATER / "report-residential-framework.md").read_text(encoding="utf-8")
    assert all(secret in source or secret == "report-residential-framework" for secret in EXEMPT_SECRETS)
    texts = {o.path: (o.data or b"").decode("utf-8") for o in example.outputs()}
    texts.update({f"json-ld {m.url_path}": opendata.meeting_json_ld(m) for m in example.meetings})
    assert len(texts) == 11  # three calendars, the feed, three meeting.json, the sitemap, three JSON-LD
    for path, text in texts.items():
        for secret in EXEMPT_SECRETS:
            assert secret.lower() not in text.lower(), (path, secret)


# ---------------------------------------------------------- reproducibility


def test_outputs_are_reproducible(example: Example) -> None:
    """Loading the content again gives the same bytes: nothing depends on the clock or on ordering by chance."""
    project, meetings = _load(EXAMPLE)
    packs = {m.source.slug: p for m, p in example.rendered}
    rendered = [(m, packs[m.source.slug]) for m in meetings]
    again = Example(project, meetings, rendered, example.site_pages)
    first, second = example.outputs(), again.outputs()
    assert [o.path for o in first] == [o.path for o in second]
    for a, b in zip(first, second, strict=True):
        assert a.data == b.data, a.path
    assert [opendata.meeting_json_ld(m) for m in example.meetings] == [opendata.meeting_json_ld(m) for m in meetings]
