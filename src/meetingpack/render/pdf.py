"""The document packs of one meeting: a resolved meeting in, PDFs and their page index out.

A meeting's papers are laid out by WeasyPrint in *runs* of numbered pages,
each rendered once:

1. the agenda run: the papers published with the agenda, from Page 1;
2. one supplementary run per later publication date, numbered on from the
   page after the previous run, so that every page number of the meeting is
   unique;
3. the exempt run (Part B, and the exempt appendices of public items as
   entries of their own), numbered on after the public runs; it only ever
   goes into the members' pack under `build/private/`.

Within a run each item starts on a right-hand (odd) page; blank pages say
"This page is intentionally left blank"; a run that ends on an odd page gets
a blank page so that the next run starts on an odd page too.  Existing PDF
appendices are reserved as empty pages and drawn in afterwards.  A big run is
laid out in chunks of whole items, on spare cores when there are some, and
reads exactly as if laid out whole (render/chunks.py).

The packs are then assembled from those same laid-out pages, each behind its
own front sheet (rendered last, because it prints the page ranges):

- the agenda pack ("Public Document Pack"): agenda front sheet + agenda run;
- each supplementary pack: its own front sheet + its run;
- the consolidated pack, when there are supplements: full front sheet + every
  public run;
- the members' pack, when there is exempt business: full front sheet with
  Part B page ranges + every run;
- one PDF per agenda item and per Markdown paper, for the website's download
  links: those pages, with the pack's printed page numbers.

Because the packs share their pages, a page number means the same page in all
of them.  Each page is painted once: the public front sheets and runs are
written by WeasyPrint as one PDF (a piece of render/assemble.py), the members'
front sheet and the exempt run as another (nothing of an exempt page reaches a
public file), and each piece is finished once with pikepdf: appendix pages
drawn in (a tagged one with its own tags, appendix_tags.py; an untagged one as a tagged
figure with its text), page furniture marked as artifacts.  Every PDF is
then made from page copies of the pieces (`assemble`), with its own structure
tree, outline, links and page labels set so that a reader's "go to page 27"
lands on printed page 27.  Rendering is a pure function of the meeting: the
same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import font_source_sans_pro
import jinja2
import pikepdf
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document as LaidOut
from weasyprint.text.fonts import FontConfiguration

from ..errors import BuildError
from ..exempt import exempt_notice
from ..resolve import Document, Item, ResolvedMeeting, local_target, long_date
from ..sanitise import sanitise_pdf_object
from . import appendix_pages, appendix_tags, appendix_text, chunks, table_headers, tagging
from .assemble import Job, Labels, Piece, assemble_all, write_piece
from .documents import render_document
from .fetch import ConfinedFetcher
from .markdown import LinkTarget
from .templates import builtin_templates, render_template

FOOTER_BAND = 36.0
"""Points kept clear at the foot of a merged PDF page for the pack's page number."""
FURNITURE_TOP = 20 * 72 / 25.4
"""The page margins (pack.css: 20 mm at the top, 22 mm at the foot) hold only page furniture."""
FURNITURE_BOTTOM = 22 * 72 / 25.4


@dataclass
class PackDocument:
    """A document as placed in the pack."""

    id: str
    kind: str
    title: str
    heading: str
    html: str = ""
    pdf_pages: int = 0
    source: Path | None = None
    description: str = ""
    landscape: bool = False
    blocks: list[str] = field(default_factory=list)
    landscape_pages: list[bool] = field(default_factory=list)
    """For an existing PDF: whether each of its pages gets a landscape pack page (appendix_pages.py)."""


@dataclass
class PackEntry:
    item: Item
    documents: list[PackDocument]
    withheld: bool = False
    """The exempt appendices of a public item, in the exempt run: the item's public papers are in a public run."""

    @property
    def anchor(self) -> str:
        """Id of the entry's section: 'item-5', or 'item-5-exempt' for a public item's exempt appendices."""
        return f"{self.item.slug}-exempt" if self.withheld else self.item.slug


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int

    def __str__(self) -> str:
        return f"(Page {self.first})" if self.first == self.last else f"(Pages {self.first} - {self.last})"

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def words(self) -> str:
        """'pages 5 to 10' or 'page 9', for running text on the website."""
        return f"page {self.first}" if self.first == self.last else f"pages {self.first} to {self.last}"


@dataclass
class Run:
    """Numbered pages laid out together: the agenda's papers, a supplement's, or the exempt papers."""

    key: str
    """'agenda', 'supplement-1', 'supplement-2'... or 'exempt'."""
    entries: list[PackEntry]
    published_on: dt.date | None
    start: int = 1
    pages: list = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    """Printed page number on which each anchor (element id) first appears."""
    items: dict[int, PageRange] = field(default_factory=dict)
    withheld: dict[int, PageRange] = field(default_factory=dict)
    """In the exempt run: the pages of each public item's exempt appendices, by item number."""
    documents: dict[str, PageRange] = field(default_factory=dict)
    blank: set[int] = field(default_factory=set)
    """Printed numbers of its blank pages (before an item that starts on a right-hand page, and the padding)."""
    placed: list[tuple[Piece, int] | None] = field(default_factory=list)
    """A run laid out in chunks (render/chunks.py): for each page, the chunk piece and page that hold it (the
    chunk's index and page until its piece is made); empty for a run laid out in one piece."""
    sources: list[tuple[Piece, int]] = field(default_factory=list)
    """For each page, once every piece is written: the piece and page it is copied from."""

    @property
    def end(self) -> int:
        return self.start + len(self.pages) - 1

    @property
    def range(self) -> PageRange | None:
        return PageRange(self.start, self.end) if self.pages else None


@dataclass
class PackFile:
    """One PDF produced for a meeting, and which printed pages and items it holds."""

    key: str
    """'agenda', 'supplement-1'..., 'consolidated', 'members', or 'item-6' for an item's papers."""
    title: str
    pdf: bytes
    front_pages: int
    """Unnumbered pages before the first numbered page (the front sheet and its padding)."""
    pages: PageRange | None
    """The printed page numbers it holds, if any."""
    items: dict[int, PageRange]
    documents: dict[str, PageRange]
    published_on: dt.date | None = None
    size: int = -1
    """Bytes of the PDF; kept when the bytes themselves are let go after writing (`release`)."""

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.pdf)

    def release(self) -> None:
        """Let the PDF's bytes go (they are written); its size, pages and ranges stay."""
        self.pdf = b""

    @property
    def total_pages(self) -> int:
        return self.front_pages + (self.pages.count if self.pages else 0)


@dataclass
class MeetingPacks:
    """Every PDF of one meeting, and where each public item and document fell."""

    agenda: PackFile
    supplements: list[PackFile]
    consolidated: PackFile | None
    """Everything public in one file; only made when there are supplements."""
    members: PackFile | None
    """With the exempt papers: for build/private/ only, never for the website."""
    item_pdfs: dict[int, PackFile]
    """The papers of each public item, cut from the pack, by item number."""
    document_pdfs: dict[str, PackFile]
    """Each public Markdown paper on its own, cut from the pack, by document id."""
    items: dict[int, PageRange]
    """Printed pages of each public item (exempt items are absent)."""
    documents: dict[str, PageRange]
    """Printed pages of each public document, by id ('item-6-report-fostering')."""
    titles: dict[str, str]
    page_markers: dict[str, dict[str, int]]
    """For each public document: block id -> the page that begins with it (for the HTML view)."""
    inputs: dict[str, str] = field(default_factory=dict)
    """Every file the layout read (images, stylesheets, fonts) with its SHA-256: for the build cache."""
    blank_pages: list[int] = field(default_factory=list)
    """Printed numbers of the blank pages of the public runs ("This page is intentionally left blank")."""

    @property
    def pages_laid_out(self) -> int:
        """Pages of the meeting's papers (every run, exempt included): what its render laid out."""
        return (self.members or self.complete).total_pages

    def release(self) -> None:
        """Let go of every PDF's bytes once they are written, so that a build never holds a whole archive."""
        for pack in [*self.public, *([self.members] if self.members else []), *self.item_pdfs.values(),
                     *self.document_pdfs.values()]:
            pack.release()

    @property
    def public(self) -> list[PackFile]:
        """The packs for the website, in the order they were published."""
        return [self.agenda, *self.supplements, *([self.consolidated] if self.consolidated else [])]

    @property
    def complete(self) -> PackFile:
        """The pack with every public page."""
        return self.consolidated or self.agenda


# ------------------------------------------------------------------ laying out


class _Renderer:
    """WeasyPrint with the pack's stylesheet and fonts, loaded once per meeting."""

    def __init__(self, env: jinja2.Environment, meeting: ResolvedMeeting) -> None:
        self.env = env
        self.meeting = meeting
        self.fonts = FontConfiguration()
        # the @counter-style rules of pack.css ((a), (i) list numbers) reach the layout only through an object
        # shared by the stylesheet and the render: without it WeasyPrint numbers every list 1., 2.
        self.counter_style = CounterStyle()
        fonts = Path(font_source_sans_pro.font_directory)
        # WeasyPrint loads only files of the content folder, the built-in templates and the fonts: no network
        self.fetcher = ConfinedFetcher([meeting.committee.path.parent, builtin_templates(), fonts])
        self.css = CSS(string=render_template(env, "pdf/pack.css", fonts=fonts.as_uri()), font_config=self.fonts,
                       url_fetcher=self.fetcher, counter_style=self.counter_style)
        self.base_url = str(meeting.source.path) + "/"

    def render(self, template: str, *, first_page: int | None = None, extra_css: str = "",
               **context: object) -> LaidOut:
        sheets = [self.css]
        if first_page is not None:
            sheets.append(CSS(string=f"@page :first {{ counter-reset: page {first_page} }}",
                              font_config=self.fonts, url_fetcher=self.fetcher))
        if extra_css:
            sheets.append(CSS(string=extra_css, font_config=self.fonts, url_fetcher=self.fetcher))
        try:
            html = render_template(self.env, template, **context)
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=sheets, font_config=self.fonts, counter_style=self.counter_style)
        except jinja2.TemplateError:
            raise
        except Exception as exc:  # WeasyPrint raises many kinds; none is the user's fault in a way we can name
            raise BuildError(f"{self.meeting.url_path}: the PDF engine failed: {exc}") from exc


def _runs(meeting: ResolvedMeeting) -> list[Run]:
    """The meeting's items grouped into runs, in print order (entries filled in later)."""
    agenda = Run("agenda", [], meeting.meeting.issued_on)
    supplements: dict[dt.date | None, Run] = {}
    exempt = Run("exempt", [], meeting.meeting.issued_on)
    for item in meeting.items:
        if item.withheld_documents:  # a public item's exempt appendices: members' pack only, after the public pages
            exempt.entries.append(PackEntry(item, [], withheld=True))
        if item.exempt:
            exempt.entries.append(PackEntry(item, []))
        elif item.supplementary:
            supplements.setdefault(item.published_on, Run("", [], item.published_on)).entries.append(
                PackEntry(item, []))
        else:
            agenda.entries.append(PackEntry(item, []))
    later = [supplements[k] for k in sorted(supplements, key=lambda d: (d is not None, d or dt.date.min))]
    for n, run in enumerate(later, start=1):
        run.key = f"supplement-{n}"
    return [agenda, *later, exempt]


def _first_pages(laid_out: LaidOut, start: int) -> dict[str, int]:
    """The printed page on which each anchor first appears."""
    found: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages, start=start):
        for anchor in page.anchors:
            found.setdefault(anchor, number)
    return found


def _ranges(starts: list[tuple[str, int]], last_page: int) -> dict[str, PageRange]:
    """Contiguous ranges: each runs to the page before the next one starts."""
    out = {}
    for k, (key, first) in enumerate(starts):
        end = starts[k + 1][1] - 1 if k + 1 < len(starts) else last_page
        out[key] = PageRange(first, max(first, end))
    return out


class _Linker:
    """Cross references: a link to another paper of the meeting, or a heading in one.

    In the PDF the link prints the page it lands on ("see Appendix 2, page
    27"): through CSS `target-counter` when the target is in the same run,
    as a known number when it is in an earlier run, and as "(in the
    supplementary information)" when it comes in a later one.  A link from a
    public paper to an exempt one keeps its words but loses the link.

    Every run's papers are rendered before any run is laid out (a big meeting lays its runs out
    together, render/chunks.py), so a link to an earlier run is written `class="xref-earlier"`
    and given its number just before its run is laid out (`with_numbers`).
    """

    def __init__(self, meeting: ResolvedMeeting, runs: list[Run]) -> None:
        self.meeting = meeting
        self.run_of: dict[int, Run] = {e.item.number: run for run in runs for e in run.entries if not e.withheld}
        self.exempt_run = runs[-1]
        """Where a public item's exempt appendices are printed."""
        self.order = {id(run): k for k, run in enumerate(runs)}
        self.xrefs: dict[str, list[str]] = {}
        """The anchors each entry's papers refer to, printing the page, by the entry's anchor (render/chunks.py)."""
        self.fallback: dict[str, str] = {}
        """For a link to an earlier run: the paper's own anchor, printed when the heading's is not found."""

    def for_document(self, doc: Document, item: Item, run: Run):
        def link(href: str) -> LinkTarget:
            local = local_target(href, doc.source.path)
            if local is None:
                return LinkTarget(href)
            found = self.meeting.document_at(local[0])
            if found is None:
                return LinkTarget(None)
            target_item, target_doc = found
            if (target_item.exempt or target_doc.exempt) and not (item.exempt or doc.exempt):
                return LinkTarget(None)
            anchor = f"{target_item.slug}-{target_doc.slug}" + (f"-{local[1]}" if local[1] else "")
            target_run = self.exempt_run if target_doc.exempt and not target_item.exempt \
                else self.run_of.get(target_item.number)
            # the entry's anchor names it: an item with withheld appendices has an entry in the exempt run too
            key = f"{item.slug}-exempt" if run is self.exempt_run and not item.exempt else item.slug
            if target_run is run:
                self.xrefs.setdefault(key, []).append(anchor)
                return LinkTarget("#" + anchor, {"class": "xref"})
            if target_run is not None and self.order[id(target_run)] < self.order[id(run)]:
                self.xrefs.setdefault(key, []).append(anchor)
                self.fallback[anchor] = f"{target_item.slug}-{target_doc.slug}"
                return LinkTarget("#" + anchor, {"class": "xref-earlier"})
            return LinkTarget("#" + anchor, {"class": "xref-later", "data-note": chunks.LATER_NOTE})
        return link


def _entry_documents(renderer: _Renderer, entry: PackEntry, run: Run, linker: _Linker) -> None:
    item = entry.item
    # A public item's run goes into public packs: an exempt paper never goes with it (Schedule 12A); its
    # exempt appendices are the entry of their own in the exempt run.
    docs = item.documents if item.exempt else item.withheld_documents if entry.withheld else item.public_documents
    for doc in docs:
        doc_id = f"{item.slug}-{doc.slug}"
        if doc.kind == "pdf":
            entry.documents.append(PackDocument(doc_id, doc.kind, doc.title, doc.heading,
                                                pdf_pages=len(doc.pdf_pages), source=doc.source.path,
                                                description=doc.source.ref.description,
                                                landscape_pages=appendix_pages.landscape_pages(doc.pdf_pages)))
            continue
        base = doc.source.path.parent
        rendered = render_document(
            renderer.env, renderer.meeting, doc, id_prefix=f"{doc_id}-",
            image_src=lambda src, base=base: (base / src).resolve().as_uri(),
            link=linker.for_document(doc, item, run), in_pack=True,
        )
        entry.documents.append(PackDocument(doc_id, doc.kind, doc.title, doc.heading, html=rendered.html,
                                            landscape=bool(getattr(doc.source.meta, "landscape", False)),
                                            blocks=rendered.blocks))


def _lay_out(renderer: _Renderer, run: Run, context: dict[str, object]) -> None:
    """Render one run whole from its first page number, pad it to an even count, and note where things fell."""
    if not run.entries:
        return
    body = renderer.render("pdf/pack.html", first_page=run.start, entries=run.entries,
                           **{**context, "banner": chunks.banner_of(run)})
    run.pages = list(body.pages)
    run.anchors = _first_pages(body, run.start)
    run.blank = {n for n, page in enumerate(run.pages, start=run.start) if page._page_box.page_type.blank}
    if len(run.pages) % 2:  # the next run, or the back of the sheet, starts on a right-hand page
        pad = renderer.render("pdf/blank.html", first_page=run.end + 1, numbered=True, **context)
        run.blank |= set(range(run.end + 1, run.end + 1 + len(pad.pages)))
        run.pages += pad.pages


def _note_ranges(run: Run) -> None:
    """Each item's and each paper's printed pages in `run`, from where their anchors fell."""
    if not run.entries:
        return
    item_ranges = _ranges([(e.anchor, run.anchors[e.anchor]) for e in run.entries], run.end)
    for entry in run.entries:
        item_range = item_ranges[entry.anchor]
        (run.withheld if entry.withheld else run.items)[entry.item.number] = item_range
        starts = [(d.id, run.anchors.get(d.id, item_range.first)) for d in entry.documents]
        run.documents.update(_ranges(starts, item_range.last))


def _lay_out_runs(renderer: _Renderer, runs: list[Run], context: dict[str, object], linker: _Linker,
                  workers: int) -> chunks.Laying | None:
    """Lay every run out: whole, one after the other, or, when one is big, all in chunks (render/chunks.py).

    The chunks depend on the content only, so the bytes do not depend on `workers`.  In chunks, the
    pieces are still being written on return: `Laying.finish` makes them (the front sheets are laid
    out meanwhile).
    """
    for run in runs:
        run.entries = [e for e in run.entries if e.documents]
    plans = [chunks.plan(run.entries) if run.entries else [] for run in runs]
    if any(len(planned) > 1 for planned in plans):
        laying = chunks.lay_out_meeting(chunks.Setting(renderer, context, _finisher), runs, plans, linker.xrefs,
                                        linker.fallback, workers)
        for run in runs:
            _note_ranges(run)
        return laying
    next_page = 1
    for n, run in enumerate(runs):
        run.start = next_page
        # a reference to an earlier run prints its page, now known (the paper's own when a heading is not found)
        earlier = {a: p for r in runs[:n] for a, p in r.anchors.items()}
        known = {t: earlier.get(t, earlier.get(linker.fallback[t])) for e in run.entries
                 for t in linker.xrefs.get(e.anchor, []) if t in linker.fallback}
        known = {t: p for t, p in known.items() if p is not None}
        for entry in run.entries:
            entry.documents = [chunks.with_numbers(d, known) for d in entry.documents]
        _lay_out(renderer, run, context)
        _note_ranges(run)
        next_page = run.end + 1 if run.pages else next_page
    return None


def _page_markers(run: Run) -> dict[str, dict[str, int]]:
    """For each document: the first block on each of its pages after the first."""
    out: dict[str, dict[str, int]] = {}
    for entry in run.entries:
        for doc in entry.documents:
            doc_range = run.documents[doc.id]
            markers: dict[str, int] = {}
            latest = doc_range.first
            for block in doc.blocks:  # in document order, so pages only go up
                page = run.anchors.get(f"{doc.id}-{block}")
                if page is not None and latest < page <= doc_range.last:
                    markers[block] = latest = page
            out[doc.id] = markers
    return out


# ------------------------------------------------------------------ front sheets and files


@dataclass
class _Part:
    heading: str
    agenda: list[Item]


def _parts(meeting: ResolvedMeeting, items: list[Item] | None = None) -> list[_Part]:
    shown = meeting.items if items is None else items
    return [
        _Part("A. Items where the public and press may not be excluded", [i for i in shown if i.part == "A"]),
        _Part("B. Items where the public and press are likely to be excluded", [i for i in shown if i.part == "B"]),
    ]


def _printed(pages: PageRange, blank: set[int]) -> PageRange:
    """A paper's pages without the blank page after it (an appendix listed on its own line of a front sheet)."""
    last = pages.last
    while last > pages.first and last in blank:
        last -= 1
    return PageRange(pages.first, last)


def _front(renderer: _Renderer, context: dict[str, object], **front: object) -> list:
    front.setdefault("exempt_pages", {})  # only the members' front sheet gives the pages of exempt appendices
    laid_out = renderer.render("pdf/frontsheet.html", exempt_notice=exempt_notice, **context, **front)
    pages = list(laid_out.pages)
    if len(pages) % 2:  # Page 1 is a right-hand page
        pages += renderer.render("pdf/blank.html", numbered=False, **context).pages
    return pages


def _underlays(runs: list[Run], offset: int) -> list[tuple[int, PackDocument, int]]:
    """Each existing PDF's pages in `runs`, whose first page is page `offset` of a piece: (page, document, k)."""
    out = []
    for run in runs:
        if run.placed:  # laid out in chunks: their pieces have their appendix pages; here only blank pages
            offset += run.placed.count(None)
            continue
        for entry in run.entries:
            for doc in entry.documents:
                first = offset + run.documents[doc.id].first - run.start
                out += [(first + k, doc, k) for k in range(doc.pdf_pages)]
        offset += len(run.pages)
    return out


def _finisher(underlays: list[tuple[int, PackDocument, int]]) -> Callable[[pikepdf.Pdf], None]:
    """What is mended once in each written piece: appendix pages drawn in, page furniture marked."""
    def finish(pdf: pikepdf.Pdf) -> None:
        # furniture first: it is found by position, and a grafted appendix page's own text may lie in the bands
        tagging.mark_page_furniture(pdf, top=FURNITURE_TOP, bottom=FURNITURE_BOTTOM)
        _underlay(pdf, underlays)
        table_headers.add_scope(pdf)
    return finish


def _underlay(pdf: pikepdf.Pdf, underlays: list[tuple[int, PackDocument, int]]) -> None:
    """Draw each existing PDF's pages under the pages reserved for them, as tagged figures."""
    opened: dict[Path, pikepdf.Pdf] = {}
    try:
        for index, doc, k in underlays:
            assert doc.source is not None
            if doc.source not in opened:
                opened[doc.source] = pikepdf.open(doc.source)
                # nothing active reaches a pack from an appendix's pages: the full sanitise, before copying
                sanitise_pdf_object(opened[doc.source])
            src_page = opened[doc.source].pages[k]
            target = pdf.pages[index]
            form = pdf.copy_foreign(src_page.as_form_xobject())
            # WeasyPrint's pages share one resource dictionary: one name per page that draws an appendix page
            name = target.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(f"/MpAppendixP{index + 1}"))
            width, height = (float(v) for v in target.mediabox[2:4])
            rect = appendix_pages.frame(width, height, FOOTER_BAND)
            placement = target.calc_form_xobject_placement(form, name, rect, allow_shrink=True, allow_expand=True)
            alt = f"{doc.heading}, page {k + 1} of {doc.pdf_pages}. {doc.description}".strip()
            if appendix_tags.graft(pdf, index, opened[doc.source], k, placement, form,
                                   f"{doc.heading}, page {k + 1} of {doc.pdf_pages}", alt):
                continue  # a tagged page, drawn with its own tags
            tagging.add_underlay_figure(pdf, index, b"q\n" + placement + b"\nQ\n", alt,
                                        actual_text=appendix_text.page_text(doc.source, k))
    finally:
        for appendix in opened.values():
            appendix.close()


def _fixed_font_timestamps() -> None:
    """Make embedded fonts the same bytes on every machine.

    Without the HarfBuzz-subset library WeasyPrint subsets fonts with
    fontTools, which stamps each subset font with the current time (its
    'head' table), so two builds of the same sources differed.  fontTools
    takes the time from SOURCE_DATE_EPOCH when it is set (the
    reproducible-builds convention); a fixed value makes the PDFs depend on
    their sources only, with HarfBuzz or without.
    """
    os.environ["SOURCE_DATE_EPOCH"] = "0"


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while a meeting is laid out.

    WeasyPrint's layout makes millions of short-lived objects, and with the
    default thresholds the collector took a quarter of the render time
    (docs/performance.md), mostly scanning objects that live for the whole
    build.  Those are frozen out of its sight and the youngest generation is
    let grow: measured side by side on the example's 2 March meeting (all its
    PDFs), 0.90 to 0.97 times the wall time (median 0.93, three rounds), the
    same bytes, 1 to 3 MiB more memory.  The previous settings are put back
    afterwards, and the render's garbage is collected at once: left to the
    oldest generation's rare collections, a process rendering meeting after
    meeting grew by about 40 MiB per meeting (measured on the synthetic archive:
    360 MiB after six meetings, 175 MiB with this collection, which costs about
    0.23 s a meeting, most of it freeing what the render made).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        gc.collect()


def render_packs(env: jinja2.Environment, meeting: ResolvedMeeting, *, item_pdfs: bool = True,
                 workers: int = 1) -> MeetingPacks:
    """Render every pack of one meeting (see the module docstring).

    `item_pdfs=False` leaves out the per-item and per-paper PDFs (the benchmark times the pack alone).
    `workers`: the processes a big run's chunks may be laid out on (render/chunks.py); it changes
    when they are laid out, never the bytes.
    """
    with _fewer_collections():
        return _render_packs(env, meeting, item_pdfs=item_pdfs, workers=workers)


def _render_packs(env: jinja2.Environment, meeting: ResolvedMeeting, *, item_pdfs: bool,
                  workers: int = 1) -> MeetingPacks:
    _fixed_font_timestamps()
    committee = meeting.committee.committee
    date = long_date(meeting.meeting.date)
    context: dict[str, object] = {
        "site": meeting.site,
        "committee": committee,
        "meeting": meeting.meeting,
        "pack_title": f"{committee.name}: agenda and papers, {date}",
        "pack_subject": f"Document pack for the meeting of the {committee.name} on {date}",
        "noun": committee.noun,
    }
    renderer = _Renderer(env, meeting)
    runs = _runs(meeting)
    linker = _Linker(meeting, runs)
    for run in runs:
        for entry in run.entries:
            _entry_documents(renderer, entry, run, linker)
    laying = _lay_out_runs(renderer, runs, context, linker, workers)
    try:
        return _packs(meeting, renderer, context, runs, laying, item_pdfs=item_pdfs, workers=workers)
    finally:
        if laying is not None:
            laying.close()


def _packs(meeting: ResolvedMeeting, renderer: _Renderer, context: dict[str, object], runs: list[Run],
           laying: chunks.Laying | None, *, item_pdfs: bool, workers: int) -> MeetingPacks:
    """The front sheets laid out and written (while the chunks are), and every PDF made from the pieces."""
    agenda, *supplements, exempt = runs
    supplements = [s for s in supplements if s.pages]
    public = [agenda, *supplements]

    def ranges(of: list[Run]) -> dict[int, PageRange]:
        return {n: r for run in of for n, r in run.items.items()}

    to_follow = {e.item.number for run in supplements for e in run.entries}
    template = renderer.render("pdf/blank.html", numbered=False, **context)  # metadata (title, lang) for copies

    # Every front sheet is laid out first, because the public ones are written with the public runs
    # in one piece: each page of the meeting is painted, tagged and marked once (module docstring).
    fronts: dict[str, list] = {"agenda": _front(renderer, context, kind="agenda", parts=_parts(meeting),
                                                ranges=ranges([agenda]), to_follow=to_follow,
                                                banner="Public Document Pack")}
    labels: dict[str, str] = {}
    for n, run in enumerate(supplements, start=1):
        labels[run.key] = "Supplementary Information" + (f" {n}" if len(supplements) > 1 else "")
        fronts[run.key] = _front(renderer, context, kind="supplement",
                                 parts=_parts(meeting, [e.item for e in run.entries]), ranges=run.items,
                                 to_follow=set(), banner=labels[run.key], published_on=run.published_on)
    if supplements:  # the front sheet reads only when each supplement was published
        fronts["consolidated"] = _front(renderer, context, kind="consolidated", parts=_parts(meeting),
                                        ranges=ranges(public), to_follow=set(), banner="Public Document Pack",
                                        supplements=supplements)
    # Everything laid out lives until the end: out of the collector's sight too (a collection of the
    # middle generation during assembly scanned it for about a second; `_fewer_collections` puts it back).
    gc.freeze()
    written: list = []
    at: dict[str, int] = {}  # the first page of each front sheet ('front-agenda'...) and run in the public piece
    for key, pages in fronts.items():
        at[f"front-{key}"] = len(written)
        written += pages
    laid = [r for r in public if r.pages]
    body_start = len(written)
    for run in laid:
        at[run.key] = len(written)
        written += _own_pages(run)
    # links from these pages to pages of a chunk's piece are kept, as between the public and members' pieces
    in_chunks = {a for run in laid for page, where in zip(run.pages, run.placed) if where for a in page.anchors}
    pieces = [write_piece("public", template, written, finish=_finisher(_underlays(laid, body_start)),
                          linked_elsewhere=[link[1] for page in written for link in page.links
                                            if link[0] == "internal" and link[1] in in_chunks])]
    public_piece = pieces[0]
    members_piece = None
    try:
        if exempt.pages:
            members_front = _front(renderer, context, kind="members", parts=_parts(meeting),
                                   ranges=ranges([*public, exempt]), to_follow=set(),
                                   banner="Members' Pack (includes exempt information)", supplements=supplements,
                                   exempt_pages={d.id: _printed(exempt.documents[d.id], exempt.blank)
                                                 for e in exempt.entries if e.withheld for d in e.documents})
            # exempt pages are written apart, so that nothing of them (not even a font's glyphs) is public;
            # their links to public papers are kept for the members' pack, which holds those pages too
            public_anchors = {a for run in laid for page in run.pages for a in page.anchors}
            members_piece = write_piece(
                "members", template, members_front + _own_pages(exempt),
                finish=_finisher(_underlays([exempt], len(members_front))),
                linked_elsewhere=[link[1] for page in exempt.pages for link in page.links
                                  if link[0] == "internal" and link[1] in public_anchors])
            pieces.append(members_piece)
            at["members-body"] = len(members_front)
        if laying is not None:  # the chunks' pieces, written meanwhile (render/chunks.py closes them)
            laying.finish()
        for run in laid:
            _place(run, public_piece, at[run.key])
        if members_piece is not None:
            _place(exempt, members_piece, at["members-body"])
        return _assembled(meeting, context, template, public_piece, members_piece, fronts, at, labels,
                          agenda, supplements, exempt, item_pdfs=item_pdfs, inputs=renderer.fetcher.read,
                          workers=workers)
    finally:
        for piece in pieces:
            piece.close()


def _own_pages(run: Run) -> list:
    """The pages of `run` written with the front sheets: all of them, or a chunked run's blank pages."""
    return [page for page, where in zip(run.pages, run.placed or [None] * len(run.pages)) if where is None]


def _place(run: Run, piece: Piece, first: int) -> None:
    """Note where each page of `run` is copied from: its chunk's piece, or `piece` from page `first` on."""
    run.sources = []
    for where in run.placed or [None] * len(run.pages):
        if where is None:
            run.sources.append((piece, first))
            first += 1
        else:
            run.sources.append(where)


def _assembled(meeting: ResolvedMeeting, context: dict[str, object], template: LaidOut, public_piece: Piece,
               members_piece: Piece | None, fronts: dict[str, list], at: dict[str, int], labels: dict[str, str],
               agenda: Run, supplements: list[Run], exempt: Run, *, item_pdfs: bool,
               inputs: dict[str, str], workers: int = 1) -> MeetingPacks:
    """Every PDF of the meeting made from the written pieces (public, and members' when there is Part B).

    The PDFs are described first and made together at the end (`assemble_all`), on `workers` processes.
    """
    committee = meeting.committee.committee
    jobs: list[Job] = []
    made: list[tuple[PackFile, int]] = []  # each PDF and the job that makes its bytes

    def later(file: PackFile, job: int) -> PackFile:
        made.append((file, job))
        return file

    def job(selection: list[tuple[Piece, int]], title: str, labels: Labels) -> int:
        jobs.append((selection, title, labels))
        return len(jobs) - 1

    date = long_date(meeting.meeting.date)
    public = [agenda, *supplements]

    def ranges(of: list[Run]) -> dict[int, PageRange]:
        return {n: r for run in of for n, r in run.items.items()}

    def documents(of: list[Run]) -> dict[str, PageRange]:
        return {d: r for run in of for d, r in run.documents.items()}

    def span(of: list[Run]) -> PageRange | None:
        laid = [r for r in of if r.pages]
        return PageRange(laid[0].start, laid[-1].end) if laid else None

    def pages_of(piece: Piece, first: int, count: int) -> list[tuple[Piece, int]]:
        return [(piece, i) for i in range(first, first + count)]

    def runs_of(of: list[Run]) -> list[tuple[Piece, int]]:
        return [p for r in of if r.pages for p in r.sources]

    def pack(key: str, title: str, front: list[tuple[Piece, int]], body: list[tuple[Piece, int]], of: list[Run],
             published_on: dt.date | None, front_label: str = "Agenda ") -> PackFile:
        laid = [r for r in of if r.pages]
        labels = Labels(len(front), laid[0].start if laid else 1, front_label)
        return later(PackFile(key, title, b"", len(front), span(of), ranges(of), documents(of), published_on),
                     job(front + body, title, labels))

    agenda_pack = pack("agenda", str(context["pack_title"]), pages_of(public_piece, at["front-agenda"], len(fronts["agenda"])),
                       runs_of([agenda]), [agenda], meeting.meeting.issued_on)
    supplement_packs = [
        pack(run.key, f"{committee.name}: {labels[run.key].lower()}, {date}",
             pages_of(public_piece, at[f"front-{run.key}"], len(fronts[run.key])), runs_of([run]), [run], run.published_on,
             front_label="Supplement ")
        for run in supplements
    ]
    consolidated = None
    if supplements:
        consolidated = pack("consolidated", f"{committee.name}: all agenda papers, {date}",
                            pages_of(public_piece, at["front-consolidated"], len(fronts["consolidated"])), runs_of(public),
                            public, max((s.published_on for s in supplement_packs if s.published_on), default=None))
    members = None
    if members_piece is not None:
        members = pack("members", f"{committee.name}: members' pack, not for publication, {date}",
                       pages_of(members_piece, 0, at["members-body"]), runs_of(public) + exempt.sources,
                       [*public, exempt], meeting.meeting.issued_on)

    def cut(run: Run, pages: PageRange, title: str) -> int:
        selection = run.sources[pages.first - run.start:pages.last - run.start + 1]
        return job(selection, title, Labels(0, pages.first))

    items: dict[int, PackFile] = {}
    papers: dict[str, PackFile] = {}
    for run in public if item_pdfs else []:
        for entry in run.entries:
            pages = run.items[entry.item.number]
            title = f"Agenda item {entry.item.number}: {entry.item.title} ({committee.name}, {date})"
            item_job = cut(run, pages, title)
            items[entry.item.number] = later(PackFile(
                entry.item.slug, title, b"", 0, pages, {entry.item.number: pages},
                {d: r for d, r in run.documents.items() if d.startswith(entry.item.slug + "-")},
                run.published_on), item_job)
            for doc in entry.documents:
                if doc.pdf_pages:  # an existing PDF is published as it came
                    continue
                pages = run.documents[doc.id]
                title = f"{doc.heading} (agenda item {entry.item.number}, {committee.name}, {date})"
                # an item with one paper: the paper's PDF is the item's (same pages), so make it once
                paper_job = item_job if pages == run.items[entry.item.number] else cut(run, pages, title)
                papers[doc.id] = later(PackFile(doc.id, title, b"", 0, pages, {}, {doc.id: pages}, run.published_on),
                                       paper_job)

    pdfs = assemble_all(template, jobs, workers)
    for file, k in made:
        file.pdf, file.size = pdfs[k], len(pdfs[k])
    markers: dict[str, dict[str, int]] = {}
    for run in public:
        markers.update(_page_markers(run))
    return MeetingPacks(agenda_pack, supplement_packs, consolidated, members, items, papers, ranges(public),
                        documents(public), {d.id: d.heading for run in public for e in run.entries
                                            for d in e.documents}, markers, dict(sorted(inputs.items())),
                        sorted(n for run in public for n in run.blank))
