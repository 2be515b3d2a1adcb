"""Committee and site-wide pages as tasks: each task's inputs (a key) in, its files out, reused when unchanged.

The pages that list meetings and papers (site.py `committee_pages`,
`home_page`, ...) and the open data made from every meeting (opendata.py)
are split into tasks: one per committee (its listing page, decisions
register, declarations, calendar and decisions.json) and one per site-wide
part (home, each ward's page, the index of wards, councillors, search,
accessibility statement, style sheet, the feeds of all meetings, the
sitemap, manifest.json).  Each task's
key is a hash of exactly what it reads:

- a projection of the data: site.yaml and the committees, and of each
  meeting only what listings show (`listing_digest`: the meeting with its
  papers' front matter, not their text) and the facts of its packs that the
  listings print (`site.paper_facts`: sizes, page counts, page ranges), and
  of the records what the pages read of them (`described`);
- the templates the task rendered, recorded while it rendered
  (render/templates.py `RecordingEnvironment`, as Lektor does), each by the
  file it resolves to now (the content's override first) and its text;
- the tool's version (`versions`: the libraries and meetingpack's code).

Templates are known only once a task has rendered, so the record keeps them
beside the data key: a task is reused when its data key is the recorded one,
every recorded template still hashes the same, and every file it wrote is
still in the output folder as published.  Its files are then linked from the
previous output by their recorded hashes (publish.py), never rendered or
read.  The records are one JSON file in the build cache, `site.json`.

What the tasks need of each meeting is its projection (`meeting_projection`),
a small JSON record made when the meeting's pages are made and kept with the
record of its pages (tasks.py `PagesRecord.site`): a build that reuses a
meeting's pages takes it from there, and no meeting's packs are kept for the
site-wide pages.  Exempt business gets no further than it does on the pages
themselves: paper facts are made from public papers only
(`Item.public_documents`), and the manifest entry is the one manifest.json
always carried (agenda entries, and the members' pack by path and pages).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from ..load import CommitteeSource, DocumentSource, Project
from ..members import Person
from ..opendata import all_calendar, committee_calendar, decisions_json, papers_feed, sitemap
from ..publish import Published, unchanged
from ..records import CommitteeRecords
from ..render.pdf import MeetingPacks, PackFile, PageRange
from ..render.templates import RecordingEnvironment
from ..reporter import Reporter
from ..resolve import ResolvedMeeting
from ..site import (
    Output,
    PaperFacts,
    accessibility_page,
    committee_pages,
    council_register,
    everywhere_papers,
    home_page,
    paper_facts,
    pdf_file,
    published_papers,
    render_councillor_pages,
    search_page,
    search_script,
    site_css,
    ward_names,
    ward_page,
    ward_slug,
    wards_index,
)
from ..yamlpos import Positions
from .cache import canonical, place, versions

FORMAT = 1


# ------------------------------------------------------- projections


def described(value: Any, seen: set[str] | None = None) -> Any:
    """A JSON-able description of a value as the listing pages read it (as cache.canonical, but lighter).

    A meeting is named by its address, which goes into `seen` (the task adds
    the `listing_digest` of every meeting seen to its key); a committee by its
    slug (every task hashes all committees); a person by identity and name; a
    Markdown paper by its path and front matter, not its text: no listing
    shows a paper's words.
    """
    if isinstance(value, ResolvedMeeting):
        if seen is not None:
            seen.add(value.url_path)
        return ["meeting", value.url_path]
    if isinstance(value, CommitteeSource):
        return ["committee", value.slug]
    if isinstance(value, Person):
        return ["person", value.id, value.name, value.councillor]
    if isinstance(value, DocumentSource):
        return ["document", place(value.path), canonical(value.meta)]
    if isinstance(value, Positions):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {type(value).__name__: {f.name: described(getattr(value, f.name), seen) for f in fields(value)}}
    if isinstance(value, dict):
        return sorted([json.dumps(described(k, seen), sort_keys=True), described(v, seen)] for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [described(v, seen) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(described(v, seen), sort_keys=True) for v in value)
    return canonical(value)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


def listing_digest(meeting: ResolvedMeeting) -> str:
    """A hash of what the listings and feeds show of a meeting: all of it but its papers' text."""
    return _digest({f.name: described(getattr(meeting, f.name)) for f in fields(meeting)})


def _last_printed(pages: PageRange, blank: set[int]) -> int:
    """The last page of a document that is not a blank page (the blank page after it stays in its item's range)."""
    last = pages.last
    while last > pages.first and last in blank:
        last -= 1
    return last


def _pack_entry(pack: PackFile, file: str, titles: dict[str, str], blank: set[int]) -> dict[str, object]:
    return {
        "kind": pack.key,
        "file": file,
        "published_on": pack.published_on.isoformat() if pack.published_on else None,
        "pages": pack.total_pages,
        "front_sheet_pages": pack.front_pages,
        "first_page": pack.pages.first if pack.pages else None,
        "last_page": pack.pages.last if pack.pages else None,
        "items": [{"number": n, "first_page": r.first, "last_page": r.last} for n, r in pack.items.items()],
        "documents": [{"id": d, "title": titles.get(d, ""), "first_page": r.first,
                       "last_page": _last_printed(r, blank)} for d, r in pack.documents.items()],
    }


def private_pack_file(meeting: ResolvedMeeting) -> str:
    """Path of a meeting's members' pack (with exempt papers), outside the site."""
    return f"private/{meeting.url_path}/{meeting.committee.slug}-{meeting.source.slug}-members-pack.pdf"


def manifest_entry(meeting: ResolvedMeeting, packs: MeetingPacks) -> dict[str, object]:
    """A meeting in manifest.json: its pages, and each pack with the pages of every item and document.

    The members' pack is listed by its private path and page count only: the
    titles and pages of exempt papers are not written here.
    """
    items = []
    for item in meeting.items:
        page_range = packs.items.get(item.number)
        item_pdf = packs.item_pdfs.get(item.number)
        items.append({
            "number": item.number, "title": item.title, "part": item.part,
            "exempt": item.exempt, "supplementary": item.supplementary,
            "published_on": item.published_on.isoformat() if item.published_on else None,
            "first_page": page_range.first if page_range else None,
            "last_page": page_range.last if page_range else None,
            "page": f"site/{meeting.url_path}/{item.slug}/index.html",
            "pdf": f"site/{pdf_file(meeting, item_pdf)}" if item_pdf else None,
        })
    return {
        "committee": meeting.committee.slug,
        "meeting": meeting.source.slug,
        "title": meeting.title,
        "date": meeting.meeting.date.isoformat(),
        "start_time": meeting.meeting.start_time.strftime("%H:%M"),
        "status": meeting.meeting.status.value,
        "page": f"site/{meeting.url_path}/index.html",
        "items": items,
        "packs": [_pack_entry(p, f"site/{pdf_file(meeting, p)}", packs.titles, set(packs.blank_pages))
                  for p in packs.public],
        **({"members_pack": {"file": private_pack_file(meeting), "pages": packs.members.total_pages}}
           if packs.members else {}),
    }


def meeting_projection(meeting: ResolvedMeeting, packs: MeetingPacks) -> dict[str, Any]:
    """What the committee and site-wide tasks need of one meeting, made with its pages and stored with them:
    its listing's hash, its public papers' facts, and its manifest entry."""
    return {"listing": listing_digest(meeting), "papers": paper_facts(meeting, packs),
            "manifest": manifest_entry(meeting, packs)}


# ------------------------------------------------------- the record


@dataclass
class SiteRecord:
    """What one site task was made from and wrote."""

    key: str
    """Hash of the data it read and the tool's version."""
    templates: dict[str, str]
    """Every template it loaded, by name -> `RecordingEnvironment.template_digest` when it rendered."""
    files: list[tuple[str, str]]
    """(path in the output folder, SHA-256) of every file, in the order written."""


@dataclass
class SiteTasks:
    """The site tasks of the last build (`site.json` in the cache folder), and this build's, to save."""

    file: Path
    use: bool = True
    last: dict[str, SiteRecord] = field(default_factory=dict)
    now: dict[str, SiteRecord] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, use: bool) -> SiteTasks:
        tasks = cls(folder / "site.json", use)
        if not use:
            return tasks
        try:
            data = json.loads(tasks.file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return tasks
            tasks.last = {str(name): SiteRecord(str(r["key"]), {str(t): str(d) for t, d in r["templates"].items()},
                                                [(str(p), str(h)) for p, h in r["files"]])
                          for name, r in data["tasks"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            tasks.last = {}
        return tasks

    def reusable(self, name: str, key: str, env: RecordingEnvironment,
                 intact: Callable[[str, str], bool]) -> SiteRecord | None:
        """The last build's record of task `name`, if made from `key` with templates that are still the same,
        and every file it wrote is `intact`."""
        record = self.last.get(name) if self.use else None
        if record is None or record.key != key:
            return None
        if any(env.template_digest(t) != d for t, d in record.templates.items()):
            return None
        return record if all(intact(path, digest) for path, digest in record.files) else None

    def save(self) -> None:
        """Record this build's site tasks (after it has published)."""
        data = {"format": FORMAT, "tasks": {
            name: {"key": r.key, "templates": dict(sorted(r.templates.items())), "files": [list(f) for f in r.files]}
            for name, r in sorted(self.now.items())}}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.file)


# ------------------------------------------------------- the tasks


@dataclass
class SiteInputs:
    """What the site tasks are made from."""

    env: RecordingEnvironment
    project: Project
    meetings: list[ResolvedMeeting]
    records: dict[str, CommitteeRecords]
    projections: dict[str, dict[str, Any]]
    """Each meeting's `meeting_projection`, by its url path."""
    checks: dict[str, int]
    """The accessibility statement's counts."""
    bundles: list[str]
    """The folders of the search index (search.py)."""
    pages: list[str]
    """The HTML pages of the meetings, by path inside the site (the sitemap adds the site tasks' own)."""


Task = tuple[str, Any, Callable[[], list[Output]]]
"""A site task: its name, the description of the data it reads, and what renders its files."""


def _tasks(given: SiteInputs) -> Iterator[Task]:
    """The site tasks in the order their files are written; the sitemap and manifest come from `site_outputs`."""
    env, project, meetings, records, projections = (given.env, given.project, given.meetings, given.records,
                                                   given.projections)
    site = project.site
    base = {"versions": versions(), "site": canonical(site),
            "committees": _digest([canonical(c) for c in project.committees])}
    listing = {url: p["listing"] for url, p in projections.items()}
    facts: dict[str, PaperFacts] = {url: p["papers"] for url, p in projections.items()}
    register = council_register(project, records)

    def kept_of(records: CommitteeRecords) -> str:
        """The records as the pages read them, with the listing of every meeting they name."""
        seen: set[str] = set()
        description = described(records, seen)
        return _digest([description, sorted([url, listing.get(url)] for url in seen)])

    kept = {slug: kept_of(r) for slug, r in records.items()}

    def site_files(outputs: list[Output]) -> list[Output]:
        return [Output("site/" + o.path, o.data, o.source) for o in outputs]

    for committee in project.committees:
        slug = committee.slug
        own = [m for m in meetings if m.committee.slug == slug]

        def committee_files(committee: CommitteeSource = committee, own: list[ResolvedMeeting] = own) -> list[Output]:
            out = [*committee_pages(env, project, committee, meetings, records, register),
                   committee_calendar(project, committee, own)]
            if committee.slug in records:
                out.append(decisions_json(site, records[committee.slug]))
            return site_files(out)

        yield (f"committee/{slug}", {**base, "meetings": [[m.url_path, listing[m.url_path]] for m in own],
                                     "records": kept.get(slug), "links": register.link_ids(committee)},
               committee_files)
    published = published_papers((m, facts[m.url_path]) for m in meetings)
    every = [[m.url_path, listing[m.url_path]] for m in meetings]

    def paper(p: Any) -> Any:
        doc_id = f"{p.item.slug}-{p.paper.doc.slug}"
        return [p.meeting.url_path, doc_id, facts[p.meeting.url_path].get(doc_id)]

    yield ("home", {**base, "meetings": every, "recent": [paper(p) for p in published[:10]]},
           lambda: site_files([home_page(env, project, meetings, published)]))
    # a task per ward: a paper changes the pages of the wards it names (all of them if it names 'All')
    wards = ward_names(project, published)
    everywhere = everywhere_papers(published)
    shown = [[listing[p.meeting.url_path], paper(p)] for p in everywhere]
    named = [(p, p.item.wards) for p in published]  # `Item.wards` is worked out at each call
    named = [(p, w) for p, w in named if w]
    for ward in wards:
        yield (f"ward/{ward_slug(ward)}",
               {**base, "ward": ward, "everywhere": shown,
                "papers": [[listing[p.meeting.url_path], paper(p)] for p, w in named if ward in w]},
               lambda ward=ward: site_files([ward_page(env, project, ward, published, everywhere)]))  # type: ignore[misc]
    yield ("wards", {**base, "wards": wards, "counts": [[p.meeting.url_path, p.item.number, w] for p, w in named]},
           lambda: site_files([wards_index(env, project, wards, published)]))
    yield ("councillors", {**base, "records": sorted(kept.items()), "register": _digest(described(register))},
           lambda: site_files(render_councillor_pages(env, project, records, register)))
    yield ("search", {**base, "bundles": given.bundles},
           lambda: site_files([search_page(env, project), search_script(env, given.bundles)]))
    yield ("accessibility", {**base, "checks": given.checks},
           lambda: site_files([accessibility_page(env, project, given.checks)]))
    yield ("assets", base, lambda: site_files([site_css(env, project)]))
    yield ("feeds", {**base, "meetings": every},
           lambda: site_files([all_calendar(project, meetings), papers_feed(project, [(m, None) for m in meetings])]))


def _with_digest(output: Output) -> Output:
    data = output.source.read_bytes() if output.source is not None else output.data or b""
    return Output(output.path, data, None, hashlib.sha256(data).hexdigest())


def site_outputs(given: SiteInputs, tasks: SiteTasks, previous: Published, out: Path, progress: Reporter,
                 counts: dict[str, int]) -> Iterator[Output]:
    """Every file of the committee and site-wide pages, task by task: linked from the previous output where
    the task's key is unchanged (`SiteTasks.reusable`), else rendered.  `counts` gets "site_tasks" and
    "site_tasks_reused"."""
    here = out.resolve()

    def intact(path: str, digest: str) -> bool:
        return unchanged(previous, here, path, digest) is not None

    env = given.env
    html = list(given.pages)
    counts["site_tasks"] = counts["site_tasks_reused"] = 0

    def run(name: str, description: Any, render: Callable[[], list[Output]]) -> Iterator[Output]:
        key = _digest(description)
        record = tasks.reusable(name, key, env, intact)
        if record is not None:
            files: list[Output] = [Output(path, digest=digest) for path, digest in record.files]
        else:
            with env.recording() as loaded:
                files = [_with_digest(o) for o in render()]
            record = SiteRecord(key, {t: env.template_digest(t) for t in sorted(loaded)},
                                [(o.path, o.digest or "") for o in files])
        tasks.now[name] = record
        counts["site_tasks"] += 1
        counts["site_tasks_reused"] += record is tasks.last.get(name)
        html.extend(p.removeprefix("site/") for p, _ in record.files if p.startswith("site/") and p.endswith(".html"))
        progress.step("site", name, reused=record is tasks.last.get(name))
        yield from files

    all_tasks = list(_tasks(given))
    progress.phase("site", len(all_tasks) + 2)
    for name, description, render in all_tasks:
        yield from run(name, description, render)
    site = given.project.site
    yield from run("sitemap", {"versions": versions(), "site": canonical(site), "pages": sorted(html)},
                   lambda: [Output("site/" + (o := sitemap(site, html)).path, o.data)])
    entries = [given.projections[m.url_path]["manifest"] for m in given.meetings]

    def manifest() -> list[Output]:
        data = json.dumps({"generator": "meetingpack", "meetings": entries}, indent=2, ensure_ascii=False) + "\n"
        return [Output("manifest.json", data.encode("utf-8"))]

    yield from run("manifest", {"versions": versions(), "entries": entries}, manifest)
