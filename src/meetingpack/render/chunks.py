"""Every core on one big meeting: a run of numbered pages laid out in chunks of whole items, in parallel.

Takes a run of render/pdf.py whose items' papers are rendered to HTML, and lays it out in chunks;
gives the run its pages (`PageFacts`), where each is copied from (`Run.placed`: a piece written by a
chunk's worker, or None for a blank page written with the front sheets), its anchors and blank pages.

Why it is the same pack.  Each item starts on a right-hand page, so a chunk of whole items lays out
on its own exactly as inside the whole run (docs/notes/parallel-layout.md, facts 1 and 2), with
three exceptions, each dealt with here:

1. The page numbers.  Chunks are laid out without the "Page N" footer (`NO_FOOTER`); the run's
   numbers are laid out once, in the parent, as a document of empty pages in the sizes of the run's
   pages (templates/pdf/numbers.html), and each of its pages is drawn on the matching page as a form
   XObject inside `/Artifact <</Type /Pagination /Subtype /Footer>> BDC ... EMC`.  Its blank pages
   (before an item that starts on a right-hand page) are the run's blank pages.
2. The banner: only the run's first item carries it (`pack_start`).
3. References that print a page number (`a.xref`: CSS `target-counter`).  A chunk laid out alone
   prints nothing for a target outside it, and prints numbers from the page it was told it starts
   on.  So after the chunks are laid out, the parent works out the true pages, and every item whose
   references printed something else is laid out again alone, from its true first page, with each
   reference given its number (`xref-known`; fact 5: the same layout), until nothing changes.  An
   item whose page count changes moves the items after it: they keep their layout (it does not
   depend on the page it starts on) unless their own references now print a wrong number.

Chunks are a property of the content (`plan`: by an estimate of each item's pages), never of the
machine: with one core, or inside a build whose other cores are busy, the same jobs run one after
the other in this process, and the bytes are the same.  Workers are forked with everything in
memory, die with the build (processes.py), and send back only bytes and plain data.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import re
import signal
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pikepdf
from markupsafe import Markup
from pikepdf import Name

from ..errors import BuildError
from ..processes import die_with_parent
from .assemble import PageFacts, finished_pdf, piece_of

if TYPE_CHECKING:
    from .pdf import PackDocument, PackEntry, Run, _Renderer

SPLIT_ABOVE = 40
"""A run estimated at this many pages or fewer is laid out whole, as it always was."""
PAGES_PER_CHUNK = 70
"""About this many pages per chunk: n = round(estimate / PAGES_PER_CHUNK), at least 1, at most MOST_CHUNKS."""
MOST_CHUNKS = 4
"""Each chunk embeds its own font subsets (fact 6: four chunks cost about 2 CPU-s and 5% more bytes)."""
CHARS_PER_PAGE = 3500
"""Characters of a paper's pack HTML per laid-out page, about: 2,600 in the example's reports (prose),
4,400 in the benchmark's (long tables); only the split points depend on it."""
SETTLE_ROUNDS = 6
"""Rounds of laying out items again with their references' numbers before giving up (one is usual)."""
NO_FOOTER = "@page { @bottom-center { content: none } }"
"""Chunks are laid out without "Page N": the numbers document draws it (fact 1: the body is unchanged)."""

_XREF = re.compile(r'<a href="#([^"]+)" class="xref"')
"""A reference that prints its target's page through `target-counter`, as render/markdown.py writes it."""

STATS: list[list[tuple[str, float]]] = []
"""For the benchmark: each batch of jobs run, with each job's key and its CPU seconds where it ran."""


# ------------------------------------------------------------------ the plan


def _estimate(entry: PackEntry) -> float:
    return sum(len(doc.html) / CHARS_PER_PAGE + doc.pdf_pages for doc in entry.documents)


def plan(entries: list[PackEntry]) -> list[list[PackEntry]]:
    """The run's items in chunks of consecutive items, balanced by their estimated pages (one chunk: not split)."""
    sizes = [_estimate(e) for e in entries]
    total = sum(sizes)
    n = min(MOST_CHUNKS, max(1, round(total / PAGES_PER_CHUNK)), len(entries))
    if total <= SPLIT_ABOVE or n < 2:
        return [entries]
    prefix = list(itertools.accumulate(sizes, initial=0.0))
    cuts = [0]
    for j in range(1, n):  # each cut where the pages before it come nearest to j/n of the run
        share = total * j / n
        cuts.append(min(range(cuts[-1] + 1, len(entries) - (n - j) + 1), key=lambda k: abs(prefix[k] - share)))
    cuts.append(len(entries))
    return [entries[a:b] for a, b in itertools.pairwise(cuts) if b > a]


# ------------------------------------------------------------------ the jobs (in a worker or here)


@dataclass
class Setting:
    """What every job of a meeting needs; set before the workers are forked, so that nothing big is pickled."""

    renderer: _Renderer
    context: dict[str, object]
    """The pack template's context, with the run's banner."""
    finisher: Callable[[list[tuple[int, PackDocument, int]]], Callable[[pikepdf.Pdf], None]]
    """render/pdf.py's `_finisher`: appendix pages drawn in, page furniture marked."""
    template: object = None
    """A laid-out blank page whose metadata the pieces take (as the front sheets' piece does)."""


@dataclass
class Job:
    """Lay out some consecutive items of a run and write them as one piece."""

    key: str
    entries: list[PackEntry]
    first_page: int
    pack_start: bool
    known: dict[str, int] | None = None
    """The page of every anchor of the run: each reference prints it (`xref-known`); None: `target-counter`."""


@dataclass
class Laid:
    """A job's piece, as plain data: the finished PDF's bytes and its pages' facts."""

    key: str
    pdf: bytes
    pages: list[PageFacts]
    cpu: float
    """CPU seconds the job took where it ran (for the benchmark)."""
    inputs: dict[str, str] = field(default_factory=dict)
    """The files the layout read, with their SHA-256 (the renderer's fetcher's record, for the build cache)."""


def _with_numbers(doc: PackDocument, known: dict[str, int]) -> PackDocument:
    def number(match: re.Match[str]) -> str:
        page = known.get(match.group(1))
        if page is None:  # no such anchor in the run: it prints no number, as target-counter does
            return match.group(0)
        return f'<a href="#{match.group(1)}" class="xref-known" data-page="{page}"'
    html = _XREF.sub(number, doc.html)
    # the template prints a paper's HTML as it is when it is Markup (render_document's), so keep it Markup
    return replace(doc, html=Markup(html) if isinstance(doc.html, Markup) else html)


def _run(setting: Setting, job: Job) -> Laid:
    start = time.process_time()
    entries = job.entries
    if job.known is not None:
        known = job.known
        entries = [replace(e, documents=[_with_numbers(d, known) for d in e.documents]) for e in entries]
    laid_out = setting.renderer.render("pdf/pack.html", first_page=job.first_page, extra_css=NO_FOOTER,
                                       entries=entries, pack_start=job.pack_start, **setting.context)
    pages = list(laid_out.pages)
    facts = [PageFacts.of(page) for page in pages]
    first_of: dict[str, int] = {}
    for i, page in enumerate(facts):
        for anchor in page.anchors:
            first_of.setdefault(anchor, i)
    underlays = [(first_of[doc.id] + k, doc, k) for entry in job.entries for doc in entry.documents
                 for k in range(doc.pdf_pages)]
    own = set(first_of)
    elsewhere = [target for page in facts for kind, target in page.links if kind == "internal" and target not in own]
    pdf = finished_pdf(setting.template, pages, finish=setting.finisher(underlays), linked_elsewhere=elsewhere)
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    pdf.close()
    return Laid(job.key, buffer.getvalue(), facts, time.process_time() - start, dict(setting.renderer.fetcher.read))


_WORK: tuple[Setting, list[Job]] | None = None
"""What the workers run: set before they are forked."""


def _work(index: int) -> Laid:
    assert _WORK is not None
    setting, jobs = _WORK
    return _run(setting, jobs[index])


def _worker_started(parent: int) -> None:
    """As engine/executor.py's render workers: die with the build, and leave stopping to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)


def run_jobs(setting: Setting, jobs: list[Job], workers: int) -> list[Laid]:
    """Every job's piece, in order: on up to `workers` forked processes, or here one after the other (same bytes)."""
    global _WORK
    if workers <= 1 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        done = [_run(setting, job) for job in jobs]
    else:
        _WORK = (setting, jobs)
        try:
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                     mp_context=multiprocessing.get_context("fork"),
                                     initializer=_worker_started, initargs=(os.getpid(),)) as pool:
                done = list(pool.map(_work, range(len(jobs))))
        finally:
            _WORK = None
    for laid in done:  # what a worker read, the cache must know of (here, it is the same record)
        setting.renderer.fetcher.read.update(laid.inputs)
    STATS.append([(laid.key, laid.cpu) for laid in done])
    return done


# ------------------------------------------------------------------ the run


@dataclass
class _Item:
    """Where an item's own pages are (without the blank page after it), and what its references printed."""

    laid: int
    """Index of the `Laid` that holds them."""
    first: int
    count: int
    anchors: dict[str, int]
    """Each anchor on its pages, at its first page (0 = the item's first page)."""
    printed: dict[str, int | None] = field(default_factory=dict)
    """For each of its references within the run: the number it printed (None: none)."""


def _items(laid: Laid, index: int, entries: list[PackEntry], first_page: int, known: dict[str, int] | None,
           xrefs: dict[int, list[str]]) -> list[_Item]:
    """The items of one job's layout: their pages, anchors and what their references printed."""
    first_of: dict[str, int] = {}
    for i, page in enumerate(laid.pages):
        for anchor in page.anchors:
            first_of.setdefault(anchor, i)
    starts = [first_of[e.anchor] for e in entries] + [len(laid.pages)]
    out = []
    for k, entry in enumerate(entries):
        a, b = starts[k], starts[k + 1]
        if b - a > 1 and b < len(laid.pages) and laid.pages[b - 1].blank:
            b -= 1  # the blank page before the next item
        anchors: dict[str, int] = {}
        for i in range(a, b):
            for anchor in laid.pages[i].anchors:
                anchors.setdefault(anchor, i - a)
        printed: dict[str, int | None] = {}
        for target in xrefs.get(entry.item.number, []):
            if known is not None:
                printed[target] = known.get(target)
            else:  # target-counter: the page in this layout, from the page it was told it starts on
                printed[target] = first_page + first_of[target] if target in first_of else None
        out.append(_Item(index, a, b - a, anchors, printed))
    return out


def _starts(items: list[_Item], first: int) -> list[int]:
    """Each item's first page: each starts on a right-hand (odd) page after the one before."""
    out = []
    for item in items:
        out.append(first)
        first += item.count + item.count % 2
    return out


def _anchor_pages(items: list[_Item], starts: list[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for item, start in zip(items, starts, strict=True):
        for anchor, offset in item.anchors.items():
            found.setdefault(anchor, start + offset)
    return found


def lay_out(setting: Setting, run: Run, planned: list[list[PackEntry]], xrefs: dict[int, list[str]],
            workers: int) -> None:
    """Lay out `run` in the `planned` chunks (module docstring): its pages, where they are, anchors and blanks."""
    renderer = setting.renderer
    setting.template = renderer.render("pdf/blank.html", numbered=False, **setting.context)
    # A chunk after the first is told it starts where the estimate puts it: if that is right, its references
    # to itself print the right numbers at once (only the numbers depend on it, never the layout).
    jobs, guess = [], run.start
    for n, chunk in enumerate(planned):
        jobs.append(Job(f"{run.key}-{n + 1}", chunk, guess, n == 0))
        estimated = round(sum(_estimate(e) for e in chunk))
        guess += estimated + estimated % 2
    laid = run_jobs(setting, jobs, workers)
    items = [item for n, (job, result) in enumerate(zip(jobs, laid, strict=True))
             for item in _items(result, n, job.entries, job.first_page, None, xrefs)]
    entries = run.entries
    for _ in range(SETTLE_ROUNDS):
        starts = _starts(items, run.start)
        pages = _anchor_pages(items, starts)
        wrong = [i for i, item in enumerate(items) if any(pages.get(t) != p for t, p in item.printed.items())]
        if not wrong:
            break
        again = [Job(f"{run.key}-item-{entries[i].item.number}-{len(laid)}", [entries[i]], starts[i], i == 0, pages)
                 for i in wrong]
        for i, job, result in zip(wrong, again, run_jobs(setting, again, workers), strict=True):
            laid.append(result)
            items[i] = _items(result, len(laid) - 1, job.entries, job.first_page, pages, xrefs)[0]
    else:
        raise BuildError(f"{renderer.meeting.url_path}: the page numbers of the cross references in the "
                         f"{run.key} papers did not settle after {SETTLE_ROUNDS} layouts")
    starts = _starts(items, run.start)
    _finish(setting, run, laid, items, starts)


def _finish(setting: Setting, run: Run, laid: list[Laid], items: list[_Item], starts: list[int]) -> None:
    """The run's pages: the numbers laid out once and drawn on; blank pages from the numbers document."""
    spec: list[tuple[bool, str]] = []
    for item in items:
        for k in range(item.count):
            page = laid[item.laid].pages[item.first + k]
            # the numbers page takes the named page whose margin boxes print "Page N": a landscape page of an
            # existing PDF has its furniture in a band at the foot (pack.css @page appendix-landscape)
            spec.append((k == 0, page.name if page.name in ("landscape", "appendix-landscape")
                         else "landscape" if page.width > page.height else ""))
    numbers = setting.renderer.render("pdf/numbers.html", first_page=run.start, pages=spec, **setting.context)
    expected = starts[-1] + items[-1].count - run.start
    if len(numbers.pages) != expected:
        raise BuildError(f"{setting.renderer.meeting.url_path}: the {run.key} page numbers laid out "
                         f"{len(numbers.pages)} pages for {expected}")
    content = [page for page in numbers.pages if not page._page_box.page_type.blank]
    drawn = pikepdf.open(io.BytesIO(numbers.copy(content).write_pdf()))
    used = sorted({item.laid for item in items})
    opened = {n: pikepdf.open(io.BytesIO(laid[n].pdf)) for n in used}
    order: list[tuple[int, int] | None] = []  # each page of the run: (laid, page) or None for a blank page
    for item, start in zip(items, starts, strict=True):
        order += [None] * (start - run.start - len(order))
        order += [(item.laid, item.first + j) for j in range(item.count)]
    try:
        for k, (n, index) in enumerate(where for where in order if where is not None):
            _draw_number(opened[n], index, drawn, k)
    finally:
        drawn.close()
    pieces = {n: piece_of(laid[n].key, opened[n], laid[n].pages) for n in used}  # indexed once drawn on
    run.pages, run.placed, run.anchors, run.blank = [], [], {}, set()
    for number, where in enumerate(order, start=run.start):
        if where is None:  # the blank page before an item: the numbers document's own
            run.pages.append(numbers.pages[number - run.start])
            run.placed.append(None)
            run.blank.add(number)
            continue
        n, index = where
        facts = laid[n].pages[index]
        if facts.blank:
            run.blank.add(number)
        run.pages.append(facts)
        run.placed.append((pieces[n], index))
    for item, start in zip(items, starts, strict=True):
        for anchor, offset in item.anchors.items():
            run.anchors.setdefault(anchor, start + offset)


def _draw_number(pdf: pikepdf.Pdf, index: int, numbers: pikepdf.Pdf, k: int) -> None:
    """Draw page `k` of the numbers document on page `index` of `pdf`, as a footer artifact."""
    page = pdf.pages[index]
    form = pdf.copy_foreign(numbers.pages[k].as_form_xobject())
    name = page.add_resource(form, Name.XObject, name=Name(f"/MpPageNo{index + 1}"))
    content = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q %s Do Q EMC\n" % str(name).encode("ascii")
    page.contents_add(pdf.make_stream(zlib.compress(content), Filter=Name.FlateDecode))
