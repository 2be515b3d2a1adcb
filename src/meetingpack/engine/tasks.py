"""A meeting's web pages as a task: what they are made from (a key) in, the files they were out.

A build has two tasks per meeting: its packs (render/pdf.py, keyed and stored
by cache.py) and its pages (site.py `render_meeting_site`, and meeting.json).
The pages read the meeting itself and its packs' page ranges (both covered by
the packs' key), the site and document templates, and a little of the
committee's records: the decisions the meeting made and what became of them,
the earlier resolutions its items answer, the work plan's topic links, and
the dates and states of the committee's meetings (for "due" and "overdue").
`page_key` hashes exactly that projection.

When a meeting's page key is the one recorded for it by the last build, and
every file those pages were is still in the output folder as published, the
build does not render them again nor even read them: publish.py hard-links
each from the previous output by its recorded hash.  The record (one JSON file
in the build cache, `pages.json`) also keeps what the site-wide pages need of
each meeting's pages: their accessibility counts, the HTML paths for the
sitemap, and the meeting's projection for the committee and site-wide tasks
(sitewide.py `meeting_projection`), so that a build that reuses a meeting's
pages never needs its packs for those.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import Project
from ..publish import Published, unchanged
from ..records import CommitteeRecords, Decision
from ..render.pdf import MeetingPacks
from ..render.templates import make_environment
from ..resolve import ResolvedMeeting
from ..search import Bundle
from .cache import RenderCache, canonical, meeting_key, templates_digest

FORMAT = 1
PAGES_FORMAT = 2
"""Of pages.json: 2 added each meeting's projection for the site tasks, and its PDFs' accessibility counts."""


def _meeting_ref(meeting: ResolvedMeeting | None) -> Any:
    """What a page shows of another meeting: where it is, when, its state and its minutes' address."""
    if meeting is None:
        return None
    return [meeting.url_path, meeting.meeting.date.isoformat(), meeting.meeting.status.value,
            meeting.minutes.slug if meeting.minutes is not None else None]


def _decision(decision: Decision, meetings: list[ResolvedMeeting]) -> Any:
    return {"reference": decision.reference, "anchor": decision.anchor, "minute_title": decision.minute_title,
            "resolution": canonical(decision.resolution), "meeting": _meeting_ref(decision.meeting),
            "due": _meeting_ref(decision.due), "status": decision.status(meetings),
            "answered_by": [[_meeting_ref(m), i.number, i.slug, i.title] for m, i in decision.answered_by]}


def page_key(meeting: ResolvedMeeting, packs_key: str, templates: str, records: CommitteeRecords) -> str:
    """The key of a meeting's pages: its packs' key, the site's templates and what they show of the records."""
    description = {
        "packs": packs_key,
        "templates": templates,
        "decisions": [_decision(d, records.meetings) for d in records.of_meeting(meeting)],
        "answers": [[item.number, [_decision(d, records.meetings) for d in records.answered_by(meeting, item)]]
                    for item in meeting.items],
        "topic_links": sorted([k[0].isoformat(), k[1], v] for k, v in records.topic_links.items()),
        "meetings": [_meeting_ref(m) for m in records.meetings],
        # who sits on the committee and came, by identity: a substitute's id may come from another committee
        "members": [records.meeting_members(meeting), records.meeting_substitutes(meeting)],
    }
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class PagesRecord:
    """What one meeting's pages task wrote."""

    key: str
    files: list[tuple[str, str]]
    """(path in the output folder, SHA-256) of every file, in the order written."""
    counts: dict[str, int]
    """Its pages' share of the accessibility statement's counts."""
    html: list[str]
    """Its HTML pages, by path inside the site (for the sitemap)."""
    site: dict[str, Any] = field(default_factory=dict)
    """What the committee and site-wide tasks need of the meeting (sitewide.py `meeting_projection`)."""


@dataclass
class PageTasks:
    """The record of every meeting's pages task from the last build, and this build's, to save."""

    file: Path
    use: bool = True
    last: dict[str, PagesRecord] = field(default_factory=dict)
    now: dict[str, PagesRecord] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, use: bool) -> PageTasks:
        tasks = cls(folder / "pages.json", use)
        if not use:
            return tasks
        try:
            data = json.loads(tasks.file.read_text(encoding="utf-8"))
            if data.get("format") != PAGES_FORMAT:
                return tasks
            tasks.last = {url: PagesRecord(str(r["key"]), [(str(p), str(h)) for p, h in r["files"]],
                                           {str(k): int(v) for k, v in r["counts"].items()},
                                           [str(p) for p in r["html"]], dict(r["site"]))
                          for url, r in data["meetings"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            tasks.last = {}
        return tasks

    def reusable(self, meeting: ResolvedMeeting, key: str, intact: Any) -> PagesRecord | None:
        """The last build's record of this meeting's pages, if made from `key` and every file is `intact`."""
        record = self.last.get(meeting.url_path) if self.use else None
        if record is None or record.key != key:
            return None
        return record if all(intact(path, digest) for path, digest in record.files) else None

    def done(self, meeting: ResolvedMeeting, record: PagesRecord) -> None:
        self.now[meeting.url_path] = record

    def save(self) -> None:
        """Record this build's pages tasks (after it has published)."""
        data = {"format": PAGES_FORMAT, "meetings": {
            url: {"key": r.key, "files": [list(f) for f in r.files], "counts": r.counts, "html": r.html,
                  "site": r.site}
            for url, r in sorted(self.now.items())}}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.file)


def load_bundles(file: Path) -> dict[str, Bundle]:
    """The last build's search bundles (search.py), by committee; none if the record is missing or damaged."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return {}
        return {str(slug): Bundle(str(b["key"]), [(str(p), str(h)) for p, h in b["files"]])
                for slug, b in data["bundles"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def save_bundles(file: Path, bundles: dict[str, Bundle]) -> None:
    """Record this build's search bundles (after it has published)."""
    data = {"format": FORMAT, "bundles": {slug: {"key": b.key, "files": [list(f) for f in b.files]}
                                          for slug, b in sorted(bundles.items())}}
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=file.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, file)


@dataclass
class Plan:
    """What the build will do for each meeting, decided before anything is rendered."""

    pack_keys: list[str]
    page_keys: list[str]
    reuse: dict[int, tuple[PagesRecord, MeetingPacks]]
    """Meetings whose pages the last build made from the same inputs: their record, and their packs'
    page ranges and sizes (no bytes), from the cache entry's head."""
    stale: dict[int, MeetingPacks] = field(default_factory=dict)
    """Only in a pages-first build (pack serve): meetings whose packs must be rendered again, with the
    packs last stored for them (ranges and sizes, no bytes); their pages are made now with those, their
    PDFs are the previous build's, and the packs follow in the next, whole build."""


def plan_meetings(project: Project, meetings: list[ResolvedMeeting], records: dict[str, CommitteeRecords],
                  cache: RenderCache, tasks: PageTasks, previous: Published, out: Path,
                  pages_first: bool = False) -> Plan:
    env = make_environment(project.root)
    pack_templates, site_templates = templates_digest(env), templates_digest(env, ("site", "documents"))
    described: dict[int, Any] = {}  # each record described once for all the keys (engine/cache.py canonical)
    pack_keys = [meeting_key(meeting, pack_templates, described) for meeting in meetings]
    page_keys = [page_key(meeting, key, site_templates, records[meeting.committee.slug])
                 for meeting, key in zip(meetings, pack_keys, strict=True)]
    out = out.resolve()
    reuse = {}
    for i, meeting in enumerate(meetings):
        record = tasks.reusable(meeting, page_keys[i],
                                lambda path, digest: unchanged(previous, out, path, digest) is not None)
        packs = cache.head(meeting, pack_keys[i]) if record is not None else None
        if record is not None and packs is not None:
            reuse[i] = (record, packs)
    stale: dict[int, MeetingPacks] = {}
    for i, meeting in enumerate(meetings) if pages_first else []:
        if i not in reuse and not cache.has(meeting, pack_keys[i]):
            old = cache.stale(meeting)
            if old is not None:
                stale[i] = old
    return Plan(pack_keys, page_keys, reuse, stale)
