"""(d) The feeds and open data as a subscriber gets them: fetched from the served site, then parsed.

The content of each format is tested in depth in tests/test_opendata.py; here the point is that
the served files parse, say what the pages say, and that every address in them leads to a page
of the site.
"""

from __future__ import annotations

import json
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import jsonschema

from .browser_support import SiteServer

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://meetings.aldermoor.gov.uk/"


def fetch(server: SiteServer, relative: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(server.url(relative), timeout=10) as response:
        assert response.status == 200, relative
        return response.headers.get("Content-Type", ""), response.read()


def served(server: SiteServer, url: str) -> bool:
    """True if a public address of the site (base_url + path) is a file the server serves."""
    assert url.startswith(BASE), url
    relative = url.removeprefix(BASE)
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    try:
        fetch(server, relative)
    except OSError:
        return False
    return True


def test_calendars_parse_and_lead_to_meeting_pages(server: SiteServer) -> None:
    _, data = fetch(server, "calendar.ics")
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["URL"]): e for e in calendar.walk("VEVENT")}
    # the site's calendar holds both committees' meetings: the panel's two and the management committee's one
    assert sorted(events) == [BASE + "children-young-people/2025-12-09/", BASE + "children-young-people/2026-03-02/",
                              BASE + "overview-scrutiny/2026-01-20/"]
    later = events[BASE + "children-young-people/2026-03-02/"]
    assert "Children and Young People Overview and Scrutiny Panel" in str(later["SUMMARY"])
    assert later.decoded("DTSTART").isoformat() == "2026-03-02T10:00:00+00:00"
    assert "Committee Room 2, Aldermoor Civic Centre" in str(later["LOCATION"])
    assert str(later["STATUS"]) == "CONFIRMED"
    for event in events.values():
        assert served(server, str(event["URL"]))
    _, committee = fetch(server, "children-young-people/calendar.ics")
    assert len(icalendar.Calendar.from_ical(committee).walk("VEVENT")) == 2


def test_atom_feed_lists_papers_newest_first(server: SiteServer) -> None:
    _, data = fetch(server, "papers.atom")
    feed = ET.fromstring(data)
    entries = feed.findall(f"{ATOM}entry")
    assert entries, "no entries"
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert any("Future of Eastwood Youth Centre" in t for t in titles[:1])
    for entry in entries[:5]:
        assert served(server, entry.find(f"{ATOM}link").get("href"))
    assert not any("residential" in t.lower() for t in titles)


def test_meeting_json_is_an_open_civic_data_event(server: SiteServer) -> None:
    schema = json.loads((Path(__file__).parent.parent / "schemas" / "ocd-event.json").read_text())
    _, data = fetch(server, "children-young-people/2025-12-09/meeting.json")
    event = json.loads(data)
    assert event["status"] == "passed" and event["classification"] == "committee-meeting"
    assert event["location"]["name"].startswith("Council Chamber")
    agenda = event["agenda"]
    assert [a["order"] for a in agenda] == [str(n) for n in range(1, len(agenda) + 1)]
    item6 = agenda[5]
    assert item6["media"][0]["offset"] == 865
    for document in event["documents"]:
        assert served(server, document["url"])
    jsonschema.validate(event, schema)
