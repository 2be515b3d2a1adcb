"""`pack build`: content in, `build/` out (the website under site/, and manifest.json).

The order matters: everything is checked before anything is rendered, and
everything is rendered before anything is written, so that a build with an
error leaves the previous output untouched (see publish.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..engine.bodies import BodyStore, bodies_in, in_meeting
from ..engine.cache import RenderCache, keys_within, versions
from ..engine.checks import CheckCache
from ..engine.derived import DerivedStore, derived_in
from ..engine.executor import RenderPool, default_jobs, render_all
from ..engine.sitewide import (
    SiteInputs,
    SiteTasks,
    meeting_projection,
    private_pack_file,
    site_outputs,
)
from ..engine.state import BuildState, cache_folder, sources
from ..engine.tasks import PagesRecord, PageTasks, Plan, load_bundles, plan_meetings, save_bundles
from ..errors import BuildError, Report
from ..load import Project
from ..members import build_register
from ..opendata import meeting_json
from ..publish import Published, link_previous, load_published, output_lock, publish
from ..records import CommitteeRecords
from ..render.pdf import MeetingPacks, render_packs
from ..render.templates import make_environment
from ..reporter import Reporter
from ..resolve import ResolvedMeeting
from ..search import BUNDLES, Bundle, index_bundles
from ..site import Output, render_meeting_site
from .check import Checked, checked_project


@dataclass
class BuildResult:
    report: Report
    meetings: int
    files: int
    out: Path
    rendered: int = 0
    """Meetings whose packs were rendered by this build."""
    reused: int = 0
    """Meetings whose packs were taken from the cache, their inputs unchanged."""
    pages: int = 0
    """PDF pages laid out by this build (none for meetings taken from the cache)."""
    unchanged: bool = False
    """Nothing had changed since the last build: the output folder was left as it was (engine/state.py)."""
    site_tasks: int = 0
    """Committee and site-wide tasks (engine/sitewide.py): one per committee, home, wards, feeds, ..."""
    site_tasks_reused: int = 0
    """Site tasks whose inputs were unchanged: their files were linked from the previous output."""
    pending: list[str] = field(default_factory=list)
    """A pages-first build: the meetings (url paths) whose pages are new but whose packs are still the
    previous ones, to be rendered by the next, whole build."""


class AccessibilityCounts:
    """What the accessibility statement reports, counted from the pages and PDFs this build made.

    Counted as each meeting's files are written, so that no page has to be kept for it.
    """

    def __init__(self) -> None:
        self.counts = dict.fromkeys(("html_documents", "images", "images_with_alt", "tables",
                                     "tables_with_headers", "tagged_pdfs", "pdf_appendices"), 0)

    def page(self, output: Output) -> None:
        if not (output.path.startswith("site/") and output.path.endswith(".html") and output.data is not None):
            return
        page = output.data.decode("utf-8")
        images = re.findall(r"<img\b[^>]*>", page)
        tables = re.findall(r"<table\b.*?</table>", page, flags=re.DOTALL)
        self.counts["html_documents"] += "data-pagefind-body" in page and '<article class="document' in page
        self.counts["images"] += len(images)
        self.counts["images_with_alt"] += sum(bool(re.search(r'\balt="[^"]+"', i)) for i in images)
        self.counts["tables"] += len(tables)
        self.counts["tables_with_headers"] += sum("<th" in t for t in tables)

    def meeting(self, meeting: ResolvedMeeting, packs: MeetingPacks) -> None:
        """The meeting's PDFs (counted with its pages, so that the record of its pages carries them)."""
        self.counts["tagged_pdfs"] += len(packs.public) + len(packs.item_pdfs) + len(packs.document_pdfs)
        self.counts["pdf_appendices"] += sum(1 for i in meeting.items for d in i.public_documents if d.kind == "pdf")


def build_project(source: Path, out: Path, progress: Reporter | Callable[[str], None] = lambda _: None,
                  jobs: int | None = None, wait: bool = True,
                  notice: Callable[[str], None] | None = None, *, cache: Path | None = None,
                  clean: bool = False, pages_first: bool = False) -> BuildResult:
    """Build the site and packs of the content in `source` into `out`, replacing it whole.

    Raises ContentError (with every problem) before writing anything if the content has errors.
    One build at a time per output folder: another one waits for it (`notice` says so), or
    with `wait=False` raises BuildError.  Meetings whose render inputs are unchanged are taken
    from the cache (`cache`, default `.<out>.cache` beside the output); `clean=True` renders
    everything again (and refreshes the cache).

    `pages_first=True` (pack serve) makes a quick, incomplete build: a meeting whose packs must be
    rendered again gets its new web pages now, with the page ranges and PDFs of its previous render
    (`BuildResult.pending` names them), so that an edit shows at once; a normal build must follow.
    Such a build records no state, so the next build never takes it for up to date.
    """
    reporter = progress if isinstance(progress, Reporter) else Reporter(progress)
    if source.absolute().resolve().is_relative_to(out.absolute().resolve()):
        # each build replaces the output folder whole: it would take the content with it
        raise BuildError(f"the output folder {out} holds the content folder {source}; "
                         "build into another folder, e.g. --out build")
    folder = cache_folder(out, cache)
    state = BuildState(folder)
    # hashed before anything is read, so that a file changed while the build runs is seen by the next one
    digest = sources(source, out, folder, state.hashes)
    if not clean and state.last is not None and state.last.sources == digest:
        with output_lock(out, wait=wait, say=notice or reporter):
            last = state.unchanged(digest, out, load_published(folder / "published.json"))
            if last is not None:
                return BuildResult(Report(source, last.diagnostics), last.meetings, last.files, out,
                                   reused=last.meetings, unchanged=True)
    # The render workers start before the content is loaded, so that none of them holds its model.
    with RenderPool(default_jobs() if jobs is None else jobs) as pool:
        version = json.dumps(versions(), sort_keys=True)
        memo = CheckCache(folder / "checks", version, use=not clean)
        checked = checked_project(source, memo)
        for name, why in memo.rejected:
            reporter(f"check cache entry {name} not used: {why}")
        report = checked.report
        report.raise_if_errors()
        assert checked.project is not None and checked.meetings is not None and checked.records is not None
        # The lock comes after the checks: a build with errors writes nothing, not even the lock file.
        with output_lock(out, wait=wait, say=notice or reporter):
            memo.flush()
            with keys_within(source), derived_in(DerivedStore(folder / "derived", version, use=not clean)) as kept, \
                    bodies_in(BodyStore(folder / "bodies", version, use=not clean)) as bodies:
                result = _build(checked, out, reporter, pool.jobs, RenderCache(folder, use=not clean, root=source),
                                pages_first, pool)
            memo.prune()
            kept.prune(digest for digest, _ in state.hashes.seen.values())
            bodies.prune(meeting.url_path for meeting in checked.meetings)
            if not result.pending:
                state.save(digest, report.diagnostics, result.meetings, result.files, out)
            else:
                state.forget()  # the output is not a whole build of these sources
            return result


def _packs(project: Project, meetings: list[ResolvedMeeting], plan: Plan, jobs: int, progress: Reporter,
           cache: RenderCache, counts: dict[str, int], pool: RenderPool | None = None) -> Iterator[MeetingPacks]:
    """Every meeting's packs, in meeting order: from the cache where its render inputs are unchanged, else rendered.

    One meeting's packs at a time are handed on (the cache is read as they are
    needed; rendered ones come back from the workers in order), so that the
    build never holds the PDFs of the whole archive.  A meeting whose pages are
    reused gets its packs without their bytes (`Plan.reuse`).  `counts` gets
    "rendered" and "reused".
    """
    keys = plan.pack_keys
    todo = [i for i, (meeting, key) in enumerate(zip(meetings, keys, strict=True))
            if i not in plan.reuse and i not in plan.stale and not cache.has(meeting, key)]
    for url, why in cache.rejected:
        progress(f"cache entry of {url} not used: {why}")
    counts["rendered"], counts["reused"] = len(todo), len(meetings) - len(todo)
    progress.phase("packs", len(meetings), reused=counts["reused"])
    fresh = render_all(project.root, [meetings[i] for i in todo], jobs, progress, pool)
    wanted = set(todo)
    try:
        for i, (meeting, key) in enumerate(zip(meetings, keys, strict=True)):
            if i in plan.reuse:
                packs = plan.reuse[i][1]
            elif i in plan.stale:
                packs = plan.stale[i]
            elif i in wanted:
                packs = next(fresh)
                cache.put(meeting, key, packs)
            else:
                stored = cache.get(meeting, key)
                if stored is None:  # damaged past its head, or gone since the look: render it here
                    for name, why in cache.rejected[-1:]:
                        progress(f"cache entry of {name} not used: {why}")
                    stored = render_packs(make_environment(project.root), meeting)
                    cache.put(meeting, key, stored)
                    wanted.add(i)
                    counts["rendered"], counts["reused"] = counts["rendered"] + 1, counts["reused"] - 1
                packs = stored
            progress.step("packs", meeting.url_path, reused=i not in wanted,
                          pages=0 if i not in wanted else packs.pages_laid_out)
            yield packs
    finally:
        fresh.close()  # stops the render workers if the build stops early
    if not plan.stale:
        cache.prune()


def _build(checked: Checked, out: Path, progress: Reporter, jobs: int | None, cache: RenderCache,
           pages_first: bool = False, pool: RenderPool | None = None) -> BuildResult:
    project, report, meetings, records = checked.project, checked.report, checked.meetings, checked.records
    assert project is not None and meetings is not None and records is not None
    jobs = default_jobs() if jobs is None else jobs
    counts: dict[str, int] = {}
    index = cache.folder / "published.json"
    tasks = PageTasks.open(cache.folder, cache.use)
    previous = load_published(index) if cache.use else {}
    plan = plan_meetings(project, meetings, records, cache, tasks, previous, out, pages_first)
    all_packs = _packs(project, meetings, plan, jobs, progress, cache, counts, pool)
    indexed: dict[str, int] = {}
    site_tasks = SiteTasks.open(cache.folder, cache.use)
    outputs = _outputs(project, meetings, records, all_packs, plan, tasks, progress, previous, indexed,
                       site_tasks, out, counts)
    searched = cache.folder / "search.json"
    last = load_bundles(searched) if cache.use else {}
    made: dict[str, Bundle] = {}

    def search_index(stage: Path, published: Published) -> dict[str, str]:
        """One search bundle per committee with papers, made again only when its pages changed (search.py)."""
        committees = sorted(slug for slug, count in indexed.items() if count)
        progress.phase("search index", len(committees))
        pages: dict[str, list[tuple[str, str]]] = {slug: [] for slug in committees}
        for path, (digest, _, _) in published.items():
            parts = path.split("/", 2)
            if len(parts) == 3 and parts[0] == "site" and parts[1] in pages and path.endswith(".html"):
                pages[parts[1]].append((path, digest))

        def link(path: str, digest: str) -> bool:
            return link_previous(previous, out, stage, path, digest)

        if plan.stale:  # a pages-first build (pack serve): the last bundles, linked; the whole build after it makes new ones
            made.update({slug: b for slug, b in last.items() if slug in pages and all(link(p, d) for p, d in b.files)})
        made.update(index_bundles(stage, {slug: listed for slug, listed in pages.items() if slug not in made}, last, link,
                                  jobs))
        for slug in committees:
            progress.step("search index", slug, reused=last.get(slug) is made.get(slug))
        return {path: digest for bundle in made.values() for path, digest in bundle.files}

    files = publish(outputs, out, finish=search_index, index=index, link=cache.use,
                    keep={path for bundle in last.values() for path, _ in bundle.files})
    save_bundles(searched, made)
    tasks.save()
    site_tasks.save()
    return BuildResult(report, len(meetings), files, out, counts["rendered"], counts["reused"], progress.pages,
                       site_tasks=counts["site_tasks"], site_tasks_reused=counts["site_tasks_reused"],
                       pending=[meetings[i].url_path for i in sorted(plan.stale)])


def _with_digest(output: Output) -> Output:
    data = output.source.read_bytes() if output.source is not None else output.data or b""
    return Output(output.path, data, None, hashlib.sha256(data).hexdigest())


def _previous_pdf(output: Output, previous: Published) -> Output:
    """A PDF of a pages-first build: the previous build's file at the same path, linked by its hash."""
    return Output(output.path, digest=previous[output.path][0])


def _meeting_outputs(env: jinja2.Environment, meeting: ResolvedMeeting, packs: MeetingPacks,
                     records: CommitteeRecords, key: str) -> tuple[list[Output], PagesRecord]:
    """The files of one meeting's pages task (its pages, meeting.json, its PDFs), and the record of them."""
    outputs: list[Output] = []
    if packs.members is not None:
        # Exempt papers go only into build/private/, never under site/ (Schedule 12A).
        outputs.append(Output(private_pack_file(meeting), packs.members.pdf))
    with in_meeting(meeting.url_path):
        outputs += [Output("site/" + o.path, o.data, o.source)
                    for o in [*render_meeting_site(env, meeting, packs, records), meeting_json(meeting, packs)]]
    outputs = [_with_digest(o) for o in outputs]
    counts = AccessibilityCounts()
    for output in outputs:
        counts.page(output)
    counts.meeting(meeting, packs)
    html = [o.path.removeprefix("site/") for o in outputs if o.path.startswith("site/") and o.path.endswith(".html")]
    return outputs, PagesRecord(key, [(o.path, o.digest or "") for o in outputs], counts.counts, html,
                                meeting_projection(meeting, packs))


def _outputs(project: Project, meetings: list[ResolvedMeeting], records: dict[str, CommitteeRecords],
             all_packs: Iterator[MeetingPacks], plan: Plan, tasks: PageTasks, progress: Reporter,
             previous: Published, indexed: dict[str, int], site_tasks: SiteTasks, out: Path,
             counts: dict[str, int]) -> Iterator[Output]:
    """Every file of the build, handed to publish as it is made (the site's pages of a meeting, then its PDFs;
    then the committee and site-wide pages).

    A meeting's PDFs are let go once written: what later pages need of them
    (sizes, page counts, ranges) is its projection (engine/sitewide.py), a
    small record kept with the record of its pages; the packs are not kept.
    A meeting whose pages task is unchanged (`Plan.reuse`) is not rendered:
    its files are linked from the previous build by their recorded hashes, and
    its projection comes from the record.  So are the committee and site-wide
    tasks whose keys are unchanged (`site_outputs`).  `counts` gets
    "site_tasks" and "site_tasks_reused".
    """
    env = make_environment(project.root)
    projections: dict[str, dict[str, Any]] = {}
    accessibility = AccessibilityCounts()
    pages: list[str] = []
    for i, (meeting, packs) in enumerate(zip(meetings, all_packs, strict=True)):
        if not projections:  # after the first packs, so that the phases are shown in the order they start
            progress.phase("pages", len(meetings))
        if i in plan.reuse:
            record = plan.reuse[i][0]
            yield from (Output(path, digest=digest) for path, digest in record.files)
        elif i in plan.stale:  # new pages, the previous PDFs (linked unread), no record: a whole build follows
            files, record = _meeting_outputs(env, meeting, packs, records[meeting.committee.slug], "")
            yield from (_previous_pdf(o, previous) if not o.data and o.path.endswith(".pdf") else o for o in files
                        if o.data or o.path in previous)
        else:
            files, record = _meeting_outputs(env, meeting, packs, records[meeting.committee.slug],
                                             plan.page_keys[i])
            yield from files
        if i not in plan.stale:
            tasks.done(meeting, record)
        for name, value in record.counts.items():
            accessibility.counts[name] += value
        # the committees with pages to search: each gets a search bundle (search.py)
        indexed[meeting.committee.slug] = indexed.get(meeting.committee.slug, 0) + record.counts["html_documents"]
        pages.extend(record.html)
        packs.release()
        projections[meeting.url_path] = record.site
        progress.step("pages", meeting.url_path, reused=i in plan.reuse)
    if build_register(project.committees).people:  # the councillor pages (site/councillors/) are searched too
        indexed["councillors"] = 1
    bundles = [f"{BUNDLES}/{slug}/" for slug, count in sorted(indexed.items()) if count]
    given = SiteInputs(env, project, meetings, records, projections, dict(accessibility.counts), bundles, pages)
    yield from site_outputs(given, site_tasks, previous, out, progress, counts)
