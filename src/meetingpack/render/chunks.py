"""Every core on one big meeting: the runs of a meeting laid out in chunks of whole items, in parallel.

Takes a meeting's runs (render/pdf.py) whose items' papers are rendered to HTML, when one of them
is big enough to be split (`plan`), and lays every run out as chunks of one queue: the agenda
run's chunks, the supplements and the exempt run are laid out at the same time.  Gives each run
its first page, its pages (`PageFacts`), where each is copied from (`Run.placed`: the piece
written by a chunk's worker, and the page in it), its anchors and blank pages.

Why it is the same pack.  Each item starts on a right-hand page, so a chunk of whole items lays out
on its own exactly as inside the whole run (docs/notes/parallel-layout.md, facts 1 and 2), with
three exceptions, each dealt with here:

1. The page numbers.  Chunks are laid out without the "Page N" footer (`NO_FOOTER`); once its
   true first page is known, each chunk's worker lays out its numbers as a document of empty pages
   in the sizes of its pages (templates/pdf/numbers.html), and draws each of them on the matching
   page as a form XObject inside `/Artifact <</Type /Pagination /Subtype /Footer>> BDC ... EMC`.
   That document's blank pages (before an item that starts on a right-hand page, and at the
   chunk's end, so that what follows starts on one) are the chunk's blank pages.
2. The banner: only the run's first item carries it (`pack_start`).
3. References that print a page number (`a.xref`: CSS `target-counter`; `a.xref-earlier`: a page
   of an earlier run).  A chunk laid out alone prints nothing for a target outside it, and prints
   numbers from the page it was told it starts on.  Each chunk's worker keeps its layout and
   reports each item's pages and what its references printed; the parent works out the true
   pages, and each item that printed something else is laid out again alone, in its chunk's
   worker, from its true first page with every number written in (`xref-known`; fact 5: the same
   layout), until nothing changes.  Only then does each worker write its chunk, once, as one
   piece (fonts subset once per chunk): an item is never written twice.  An item whose page count
   changes moves the items after it: they keep their layout (it does not depend on the page it
   starts on) unless their own references now print a wrong number.  A chunk of a later run whose
   papers print pages is laid out once the runs before it have been, told its true pages.

The parent lays out and writes the front sheets (render/pdf.py) while the workers write.  Chunks are a property of the content (`plan`: by an estimate of each item's
pages), never of the machine: with one core, or inside a build whose other cores are busy, the
same steps run one after the other in this process, and the bytes are the same.  Each chunk's
worker is forked with everything in memory, dies with the build (processes.py), and sends back
only bytes and plain data.  Each step's orders go out together, up to twice `workers` at once: the
cores share them out, so a step ends when its work divided over the cores is done, not when the
last of a queue of uneven jobs is (three chunks on two cores).
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import pickle
import re
import signal
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

import pikepdf
from markupsafe import Markup
from pikepdf import Name

from ..errors import BuildError
from ..processes import die_with_parent
from .assemble import PageFacts, finished_pdf, piece_of

if TYPE_CHECKING:
    from weasyprint.document import Document as LaidOut

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

_XREF = re.compile(r'(<a href="#([^"]+)"[^>]*?) class="(xref|xref-earlier)"')
"""A reference that prints its target's page (render/pdf.py's `_Linker`), as render/markdown.py writes it:
`xref` (CSS `target-counter`, same run) or `xref-earlier` (a page of an earlier run, numbered later)."""
LATER_NOTE = "in the supplementary information"
"""What a reference to a paper of a later run, or to an earlier page not found, prints instead of a page."""

OVERLAP: list[float] = []
"""For the benchmark: the CPU seconds this process spent while the chunks were being written (front sheets)."""
STATS: list[list[tuple[str, float]]] = []
"""For the benchmark: each step of the chunks' work, with each chunk's key and step ('agenda-1 lay_out',
'agenda-1 again', 'agenda-1 write') and the CPU seconds it took where it ran."""


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


# ------------------------------------------------------------------ numbers written into the HTML


def with_numbers(doc: PackDocument, known: dict[str, int]) -> PackDocument:
    """`doc` whose references to the anchors in `known` print those pages (`xref-known`).

    A reference to an earlier run not in `known` prints the note of a later one, as it always did
    when its target was not found; a same-run reference not in `known` keeps its `target-counter`.
    """
    def number(match: re.Match[str]) -> str:
        page = known.get(match.group(2))
        if page is not None:
            return f'{match.group(1)} class="xref-known" data-page="{page}"'
        if match.group(3) == "xref-earlier":
            return f'{match.group(1)} class="xref-later" data-note="{LATER_NOTE}"'
        return match.group(0)
    if "xref" not in doc.html:
        return doc
    html = _XREF.sub(number, doc.html)
    # the template prints a paper's HTML as it is when it is Markup (render_document's), so keep it Markup
    return replace(doc, html=Markup(html) if isinstance(doc.html, Markup) else html)


# ------------------------------------------------------------------ a chunk's layout (in a worker, or here)


@dataclass
class Setting:
    """What every chunk of a meeting needs; set before the workers are forked, so that nothing big is pickled."""

    renderer: _Renderer
    context: dict[str, object]
    """The pack template's context (the banner is each run's: `Chunk.banner`)."""
    finisher: Callable[[list[tuple[int, PackDocument, int]]], Callable[[pikepdf.Pdf], None]]
    """render/pdf.py's `_finisher`: appendix pages drawn in, page furniture marked."""
    template: object = None
    """A laid-out blank page whose metadata the pieces take (as the front sheets' piece does)."""


@dataclass
class Chunk:
    """Consecutive items of one run, laid out together and written as one piece."""

    key: str
    """'agenda-1', 'agenda-2', 'supplement-1-1', 'exempt-1'..."""
    run: int
    """Index of its run in the meeting's runs."""
    entries: list[PackEntry]
    told: int
    """The first page it is told on its first layout: the estimate's (only the numbers printed depend on it)."""
    pack_start: bool
    """Whether it opens its run (the banner on its first page)."""
    banner: str
    xrefs: list[list[str]]
    """For each entry: the anchors its references print the page of."""


@dataclass
class ItemFacts:
    """An item as laid out: its own pages (without the blank page after it) and what its references printed."""

    pages: list[PageFacts]
    printed: dict[str, int | None]
    """For each anchor it refers to: the page it printed (None: no number)."""


@dataclass
class Written:
    """A chunk written: the finished piece's bytes, its pages' facts, and the files its layout read (for the cache)."""

    pdf: bytes
    pages: list[PageFacts]
    """Every page of the piece: the items' and the blank pages before an item and at the end."""
    inputs: dict[str, str]


BLANK = PageFacts(0.0, 0.0, {}, [], [], True)
"""Where a blank page of a chunk will be, until its worker has written it."""


def _where(items: list[list[Any]]) -> list[tuple[int, int] | None]:
    """Each page of a chunk: (item, its page), or None for a blank page (before an item, and at the end).

    The chunk starts on a right-hand page, each item on the next right-hand page, and it ends on a
    left-hand one, so that what follows (the next chunk, or the next run) starts on a right-hand page.
    """
    where: list[tuple[int, int] | None] = []
    for k, pages in enumerate(items):
        where += [None] * (len(where) % 2)
        where += [(k, j) for j in range(len(pages))]
    return where + [None] * (len(where) % 2)


class _Layout:
    """One chunk's items as laid out: first together, some of them again alone, then written as one piece."""

    def __init__(self, setting: Setting, chunk: Chunk) -> None:
        self.setting = setting
        self.chunk = chunk
        self.pages: list[list[Any]] = []
        """For each entry: its own laid-out pages, from the chunk's layout or its own."""

    def _render(self, entries: list[PackEntry], first_page: int, pack_start: bool) -> LaidOut:
        return self.setting.renderer.render("pdf/pack.html", first_page=first_page, extra_css=NO_FOOTER,
                                            entries=entries, pack_start=pack_start,
                                            **{**self.setting.context, "banner": self.chunk.banner})

    def lay_out(self, told: tuple[int, dict[str, int]]) -> list[ItemFacts]:
        """Lay the chunk out from the page it is told, with the pages of earlier runs' anchors it knows; each item's facts."""
        chunk = self.chunk
        start, known = told
        entries = [replace(e, documents=[with_numbers(d, known) for d in e.documents]) for e in chunk.entries] \
            if known else chunk.entries
        pages = list(self._render(entries, start, chunk.pack_start).pages)
        first_of: dict[str, int] = {}
        for i, page in enumerate(pages):
            for anchor in page.anchors:
                first_of.setdefault(anchor, i)
        starts = [first_of[e.anchor] for e in chunk.entries] + [len(pages)]
        self.pages, out = [], []
        for k in range(len(chunk.entries)):
            a, b = starts[k], starts[k + 1]
            if b - a > 1 and b < len(pages) and pages[b - 1]._page_box.page_type.blank:
                b -= 1  # the blank page before the next item: the run's are the numbers document's
            self.pages.append(pages[a:b])
            # target-counter: the page in this layout, from the page it was told; nothing outside it
            printed = {t: known[t] if t in known else start + first_of[t] if t in first_of else None
                       for t in chunk.xrefs[k]}
            out.append(ItemFacts([PageFacts.of(page) for page in pages[a:b]], printed))
        return out

    def again(self, orders: dict[int, tuple[int, dict[str, int]]]) -> dict[int, ItemFacts]:
        """Lay items out again alone: {entry index: (its first page, the page of each anchor it refers to)}."""
        out = {}
        for k, (first_page, known) in orders.items():
            entry = self.chunk.entries[k]
            entry = replace(entry, documents=[with_numbers(d, known) for d in entry.documents])
            pages = list(self._render([entry], first_page, self.chunk.pack_start and k == 0).pages)
            self.pages[k] = pages
            out[k] = ItemFacts([PageFacts.of(page) for page in pages], {t: known.get(t) for t in self.chunk.xrefs[k]})
        return out

    def write(self, start: int) -> Written:
        """Write the chunk, from its true first page `start`, as one finished piece with its page numbers.

        Its numbers are laid out here as a document of empty pages in the sizes of its pages
        (templates/pdf/numbers.html): each is drawn on its page, and its blank pages (before an item
        that starts on a right-hand page, and at the end) are the chunk's blank pages.
        """
        where = _where(self.pages)
        items = [self.pages[w[0]][w[1]] for w in where if w is not None]
        spec: list[tuple[bool, str]] = []
        for w, page in zip((w for w in where if w is not None), items, strict=True):
            facts = PageFacts.of(page)
            # the numbers page takes the named page whose margin boxes print "Page N": a landscape page of an
            # existing PDF has its furniture in a band at the foot (pack.css @page appendix-landscape)
            spec.append((w[1] == 0, facts.name if facts.name in ("landscape", "appendix-landscape")
                         else "landscape" if facts.width > facts.height else ""))
        trailing = where[-1] is None  # a right-hand page after it makes WeasyPrint write the blank page before
        numbers = self.setting.renderer.render("pdf/numbers.html", first_page=start, pages=spec + [(True, "")] * trailing,
                                               **self.setting.context)
        laid = list(numbers.pages)[:len(where)]
        if len(numbers.pages) != len(where) + trailing:
            raise BuildError(f"{self.setting.renderer.meeting.url_path}: the page numbers of {self.chunk.key} laid "
                             f"out {len(numbers.pages) - trailing} pages for {len(where)}")
        content = iter(items)
        pages = [laid[j] if w is None else next(content) for j, w in enumerate(where)]
        first_of: dict[str, int] = {}
        for i, page in enumerate(pages):
            for anchor in page.anchors:
                first_of.setdefault(anchor, i)
        underlays = [(first_of[doc.id] + k, doc, k) for entry in self.chunk.entries for doc in entry.documents
                     for k in range(doc.pdf_pages)]
        elsewhere = [target for page in pages for kind, target, *_ in page.links
                     if kind == "internal" and target not in first_of]
        pdf = finished_pdf(self.setting.template, pages, finish=self.setting.finisher(underlays),
                           linked_elsewhere=elsewhere)
        drawn = pikepdf.open(io.BytesIO(numbers.copy([laid[j] for j, w in enumerate(where) if w is not None]
                                                     ).write_pdf()))
        try:
            for k, index in enumerate(j for j, w in enumerate(where) if w is not None):
                _draw_number(pdf, index, drawn, k)
        finally:
            drawn.close()
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
        pdf.close()
        self.pages = []
        return Written(buffer.getvalue(), [PageFacts.of(page) for page in pages],
                       dict(self.setting.renderer.fetcher.read))


def _worker_started(parent: int) -> None:
    """As engine/executor.py's render workers: die with the build, and leave stopping to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)


def _serve(conn: Connection, setting: Setting, chunk: Chunk, parent: int) -> None:
    """A chunk's worker: run each order (a `_Layout` method and its argument) and send back what it gives."""
    _worker_started(parent)
    layout = _Layout(setting, chunk)
    try:
        while (order := conn.recv()) is not None:
            method, argument = order
            start = time.process_time()
            try:
                value = getattr(layout, method)(argument)
            except BaseException as exc:  # noqa: BLE001 - sent to the build, which raises it
                try:
                    pickle.loads(pickle.dumps(exc))
                except Exception:  # noqa: BLE001 - an exception that does not cross processes: its words do
                    exc = BuildError(str(exc))
                conn.send(("error", exc, 0.0))
                break
            conn.send(("ok", value, time.process_time() - start))
    except (EOFError, OSError):  # the build went away
        pass
    finally:
        os._exit(0)


class _Workers:
    """Each chunk's `_Layout`: in a forked process of its own (up to twice `workers` working at once), or here."""

    def __init__(self, setting: Setting, chunks: list[Chunk], workers: int) -> None:
        self.setting = setting
        self.chunks = chunks
        self.workers = workers
        self.forked = workers > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods()
        self.here: dict[int, _Layout] = {}
        self.conns: dict[int, Connection] = {}
        self.processes: list[multiprocessing.process.BaseProcess] = []
        self.pending: list[tuple[int, str, object]] = []
        self.sent: dict[Connection, int] = {}
        self.limit = 1
        self.methods: dict[int, str] = {}
        self.cpu: dict[int, float] = {}
        self.results: dict[int, Any] = {}

    def start(self, orders: dict[int, tuple[str, object]]) -> None:
        """Order each chunk in `orders` to run a `_Layout` method with an argument; `finish` gives the results."""
        self.methods = {i: method for i, (method, _) in orders.items()}
        self.pending = [(i, method, argument) for i, (method, argument) in orders.items()]
        self.limit = 2 * self.workers
        self.cpu, self.results = {}, {}
        if self.forked:
            self._send()

    def run(self, orders: dict[int, tuple[str, object]]) -> dict[int, Any]:
        self.start(orders)
        return self.finish()

    def finish(self) -> dict[int, Any]:
        """The results of the orders started, by chunk."""
        if not self.forked:
            for i, method, argument in self.pending:
                begun = time.process_time()
                layout = self.here.setdefault(i, _Layout(self.setting, self.chunks[i]))
                self.results[i] = getattr(layout, method)(argument)
                self.cpu[i] = time.process_time() - begun
            self.pending = []
        while self.sent:
            for conn in wait(list(self.sent)):
                i = self.sent.pop(conn)  # type: ignore[call-overload]
                try:
                    status, value, cpu = conn.recv()  # type: ignore[union-attr]
                except (EOFError, OSError):
                    raise BuildError(f"{self.setting.renderer.meeting.url_path}: the worker laying out "
                                     f"{self.chunks[i].key} stopped") from None
                if status == "error":
                    raise value
                self.results[i], self.cpu[i] = value, cpu
            self._send()
        STATS.append([(f"{self.chunks[i].key} {self.methods[i]}", self.cpu[i]) for i in sorted(self.cpu)])
        return self.results

    def _send(self) -> None:
        while self.pending and len(self.sent) < self.limit:
            i, method, argument = self.pending.pop(0)
            if i not in self.conns:
                context = multiprocessing.get_context("fork")
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, self.setting, self.chunks[i], os.getpid()),
                                          daemon=True)
                process.start()
                theirs.close()
                self.conns[i] = ours
                self.processes.append(process)
            self.conns[i].send((method, argument))
            self.sent[self.conns[i]] = i

    def close(self) -> None:
        """Stop the workers: they have written their chunks, or the build stops."""
        for conn in self.conns.values():
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        for process in self.processes:
            process.join(timeout=5 if not self.sent else 0)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        self.conns, self.processes, self.sent, self.here = {}, [], {}, {}


# ------------------------------------------------------------------ the meeting


def banner_of(run: Run) -> str:
    """The banner on the first page of `run`."""
    return {"agenda": "Public Document Pack", "exempt": "Exempt information: not for publication"}.get(
        run.key, "Supplementary Information")


class Laying:
    """A meeting's runs laid out in chunks: started by `lay_out_meeting`, pieces made by `finish`; `close` always."""

    def __init__(self, setting: Setting, runs: list[Run], chunks: list[Chunk], workers: int,
                 fallback: dict[str, str]) -> None:
        self.setting = setting
        self.runs = runs
        self.chunks = chunks
        self.fallback = fallback
        self.workers = _Workers(setting, chunks, workers)
        self.items: list[list[ItemFacts] | None] = []
        """Each chunk's items as laid out (None: not yet)."""
        self.pieces: list = []
        self.writing = 0.0
        """This process's CPU time when the chunks were ordered to be written."""

    def _places(self) -> tuple[list[list[int]], dict[str, int]]:
        """Each item's first page (runs one after the other, each item on a right-hand page), and each anchor's page.

        A chunk not laid out yet counts its items' estimated pages.
        """
        starts: list[list[int]] = [[] for _ in self.chunks]
        pages: dict[str, int] = {}
        first = 1
        for r, run in enumerate(self.runs):
            run.start = first
            last = first - 1
            for i, chunk in enumerate(self.chunks):
                if chunk.run != r:
                    continue
                items = self.items[i]
                counts = [len(item.pages) for item in items] if items is not None else \
                    [max(1, round(_estimate(entry))) for entry in chunk.entries]
                for k, count in enumerate(counts):
                    starts[i].append(first)
                    for offset, page in enumerate(items[k].pages if items is not None else []):
                        for anchor in page.anchors:
                            pages.setdefault(anchor, first + offset)
                    last = first + count - 1
                    first += count + count % 2
            count = last - run.start + 1
            first = run.start + count + count % 2  # a run of an odd count gets a blank page
        return starts, pages

    def _number(self, target: str, pages: dict[str, int]) -> int | None:
        page = pages.get(target)
        if page is None and target in self.fallback:  # a heading of an earlier run not found: its paper's page
            page = pages.get(self.fallback[target])
        return page

    def settle(self) -> list[list[int]]:
        """Lay every chunk out, then lay out again the items that printed a wrong number, until none does.

        A chunk of a later run whose papers print page numbers is laid out once the runs before it
        have been: told its true first page and the pages its references to them print, it rarely
        needs a second layout (on two cores, the agenda's chunks fill both anyway).  Which chunks
        wait depends on the content only, so the bytes do not depend on the workers.
        """
        first_run = self.chunks[0].run
        late = {i for i, chunk in enumerate(self.chunks) if chunk.run != first_run and any(chunk.xrefs)}
        self.items = [None] * len(self.chunks)
        orders: dict[int, tuple[str, object]] = {i: ("lay_out", (chunk.told, {}))
                                                  for i, chunk in enumerate(self.chunks) if i not in late}
        for _ in range(SETTLE_ROUNDS + 1):
            for i, value in self.workers.run(orders).items():
                if orders[i][0] == "lay_out":
                    self.items[i] = value
                else:
                    for k, item in value.items():
                        self.items[i][k] = item  # type: ignore[index]
            starts, pages = self._places()
            orders = {}
            for i, items in enumerate(self.items):
                if items is None:  # the runs before it are laid out now
                    known = {t: n for ts in self.chunks[i].xrefs for t in ts
                             if t in self.fallback and (n := self._number(t, pages)) is not None}
                    orders[i] = ("lay_out", (starts[i][0], known))
                    continue
                again: dict[int, tuple[int, dict[str, int]]] = {}
                for k, item in enumerate(items):
                    numbers = {t: self._number(t, pages) for t in item.printed}
                    if any(numbers[t] != printed for t, printed in item.printed.items()):
                        again[k] = (starts[i][k], {t: n for t, n in numbers.items() if n is not None})
                if again:
                    orders[i] = ("again", again)
            if not orders:
                return starts
        raise BuildError(f"{self.setting.renderer.meeting.url_path}: the page numbers of the cross references "
                         f"did not settle after {SETTLE_ROUNDS} layouts")

    def place(self) -> None:
        """Each run's pages (a blank page's facts come with its chunk's piece), anchors and blank pages."""
        for r, run in enumerate(self.runs):
            mine = [i for i, chunk in enumerate(self.chunks) if chunk.run == r]
            if not mine:
                continue
            run.pages, run.placed, run.anchors, run.blank = [], [], {}, set()
            for i in mine:
                items = [item.pages for item in self.items[i] or []]
                for index, w in enumerate(_where(items)):
                    number = run.start + len(run.pages)
                    page = BLANK if w is None else items[w[0]][w[1]]
                    if page.blank:
                        run.blank.add(number)
                    for anchor in page.anchors:
                        run.anchors.setdefault(anchor, number)
                    run.pages.append(page)
                    run.placed.append((i, index))  # (chunk, page) until `finish` makes the pieces

    def finish(self) -> None:
        """Wait for the chunks' pieces, and make the pieces `Run.placed` points to."""
        OVERLAP.append(time.process_time() - self.writing)
        written: dict[int, Written] = self.workers.finish()
        self.workers.close()
        for i in sorted(written):  # what a worker read, the cache must know of (here, it is the same record)
            self.setting.renderer.fetcher.read.update(written[i].inputs)
        pieces = {}
        for i in sorted(written):
            pdf = pikepdf.open(io.BytesIO(written[i].pdf))
            try:
                pieces[i] = piece_of(self.chunks[i].key, pdf, written[i].pages)
            except BaseException:
                pdf.close()
                raise
            finally:
                self.pieces = list(pieces.values())
        for run in self.runs:
            if run.placed:
                run.pages = [pieces[i].pages[index] for i, index in run.placed]
                run.placed = [(pieces[i], index) for i, index in run.placed]

    def close(self) -> None:
        self.workers.close()
        for piece in self.pieces:
            piece.close()


def lay_out_meeting(setting: Setting, runs: list[Run], plans: list[list[list[PackEntry]]],
                    xrefs: dict[str, list[str]], fallback: dict[str, str], workers: int) -> Laying:
    """Lay out every run of the meeting in its `plans`' chunks (module docstring), and start writing them.

    `xrefs`: the anchors each entry's references print the page of, by the entry's anchor;
    `fallback`: for a reference to an earlier run, its paper's anchor.  On return each run has
    its pages, anchors and blank pages; `finish` makes the pieces its pages are copied from.
    """
    setting.template = setting.renderer.render("pdf/blank.html", numbered=False, **setting.context)
    chunks: list[Chunk] = []
    guess = 1
    for r, (run, planned) in enumerate(zip(runs, plans, strict=True)):
        for n, entries in enumerate(planned):
            chunks.append(Chunk(f"{run.key}-{n + 1}", r, entries, guess, n == 0, banner_of(run),
                                [xrefs.get(e.anchor, []) for e in entries]))
            # a chunk is told it starts where the estimate puts it: if that is right, its references to
            # itself print the right numbers at once (only the numbers depend on it, never the layout)
            estimated = round(sum(_estimate(e) for e in entries))
            guess += estimated + estimated % 2
    laying = Laying(setting, runs, chunks, workers, fallback)
    try:
        starts = laying.settle()
        laying.writing = time.process_time()
        laying.workers.start({i: ("write", starts[i][0]) for i in range(len(chunks))})
        laying.place()
    except BaseException:
        laying.close()
        raise
    return laying


def _draw_number(pdf: pikepdf.Pdf, index: int, numbers: pikepdf.Pdf, k: int) -> None:
    """Draw page `k` of the numbers document on page `index` of `pdf`, as a footer artifact."""
    page = pdf.pages[index]
    form = pdf.copy_foreign(numbers.pages[k].as_form_xobject())
    name = page.add_resource(form, Name.XObject, name=Name(f"/MpPageNo{index + 1}"))
    content = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q %s Do Q EMC\n" % str(name).encode("ascii")
    page.contents_add(pdf.make_stream(zlib.compress(content), Filter=Name.FlateDecode))
