"""The public document pack: one resolved meeting in, PDF bytes and its page index out.

The pack is laid out in two WeasyPrint documents, then joined:

1. the numbered part (`pdf/pack.html`): every item's papers, each item on a
   right-hand page, blank pages marked "This page is intentionally left
   blank", existing PDF appendices reserved as empty pages;
2. the agenda front sheet (`pdf/frontsheet.html`), rendered after the
   numbered part because it prints the page range of each item, taken from
   where each item really fell; it is padded to an even number of pages so
   that Page 1 is a right-hand page.

The joined PDF is then finished with pikepdf: each existing PDF appendix
page is drawn under its reserved page (keeping the pack's page number and
stamps on top), and page labels are set so that a reader's "go to page 27"
lands on printed page 27.  Rendering is a pure function of the meeting: the
same sources give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import font_source_sans_pro
import jinja2
import pikepdf
from weasyprint import CSS, HTML
from weasyprint.document import Document as LaidOut
from weasyprint.text.fonts import FontConfiguration

from ..errors import BuildError
from ..exempt import exempt_notice
from ..resolve import Document, Item, ResolvedMeeting, long_date
from .documents import render_document
from .templates import render_template

A4 = (595.28, 841.89)
FOOTER_BAND = 36.0
"""Points kept clear at the foot of a merged PDF page for the pack's page number."""


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
    landscape: bool = False


@dataclass
class PackEntry:
    item: Item
    documents: list[PackDocument]


@dataclass
class PageRange:
    first: int
    last: int

    def __str__(self) -> str:
        return f"(Page {self.first})" if self.first == self.last else f"(Pages {self.first} - {self.last})"


@dataclass
class Pack:
    """A rendered pack and where everything in it fell (printed page numbers)."""

    pdf: bytes
    front_pages: int
    """Unnumbered pages before Page 1 (the front sheet and its padding)."""
    numbered_pages: int
    items: dict[int, PageRange] = field(default_factory=dict)
    documents: dict[str, PageRange] = field(default_factory=dict)
    """By document id (`item-6-report-fostering`)."""
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return self.front_pages + self.numbered_pages


def _css(env: jinja2.Environment, fonts: FontConfiguration) -> CSS:
    folder = Path(font_source_sans_pro.font_directory).as_uri()
    return CSS(string=render_template(env, "pdf/pack.css", fonts=folder), font_config=fonts)


def _entries(env: jinja2.Environment, meeting: ResolvedMeeting, include_exempt: bool) -> list[PackEntry]:
    entries = []
    for item in meeting.items:
        docs: list[Document] = item.documents if include_exempt else item.public_documents
        placed = []
        for doc in docs:
            doc_id = f"{item.slug}-{doc.slug}"
            if doc.kind == "pdf":
                placed.append(PackDocument(doc_id, doc.kind, doc.title, doc.heading,
                                           pdf_pages=len(doc.pdf_pages), source=doc.source.path))
                continue
            base = doc.source.path.parent
            rendered = render_document(
                env, meeting, doc, id_prefix=f"{doc_id}-",
                image_src=lambda src, base=base: (base / src).resolve().as_uri(),
            )
            placed.append(PackDocument(doc_id, doc.kind, doc.title, doc.heading, html=rendered.html,
                                       landscape=bool(getattr(doc.source.meta, "landscape", False))))
        if placed:
            entries.append(PackEntry(item, placed))
    return entries


def _first_pages(laid_out: LaidOut) -> dict[str, int]:
    """The 1-based page on which each anchor first appears."""
    found: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages, start=1):
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


def _underlay_pdfs(pdf: pikepdf.Pdf, entries: list[PackEntry], pack: Pack, front: int) -> None:
    """Draw each existing PDF's pages under the pages reserved for them."""
    for entry in entries:
        for doc in entry.documents:
            if not doc.pdf_pages or doc.source is None:
                continue
            first = pack.documents[doc.id].first
            with pikepdf.open(doc.source) as appendix:
                for k, src_page in enumerate(appendix.pages):
                    target = pdf.pages[front + first - 1 + k]
                    form = pdf.copy_foreign(src_page.as_form_xobject())
                    name = target.add_resource(form, pikepdf.Name.XObject,
                                               name=pikepdf.Name(f"/MpAppendix{k + 1}"))
                    width, height = (float(v) for v in target.mediabox[2:4])
                    rect = pikepdf.Rectangle(0, FOOTER_BAND, width, height)
                    placement = target.calc_form_xobject_placement(form, name, rect, allow_shrink=True,
                                                                   allow_expand=True)
                    target.contents_add(b"q\n" + placement + b"\nQ\n", prepend=True)


def _page_labels(pdf: pikepdf.Pdf, front: int) -> None:
    """Label the front sheet 'Agenda 1, 2...' and the rest with the printed page numbers."""
    nums = pikepdf.Array([0, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String("Agenda "))])
    nums.extend([front, pikepdf.Dictionary(S=pikepdf.Name.D)])
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)


def render_pack(env: jinja2.Environment, meeting: ResolvedMeeting, *, include_exempt: bool = False) -> Pack:
    """Render the document pack of one meeting."""
    committee = meeting.committee.committee
    context = {
        "private": include_exempt,
        "banner": "Members' Pack (includes exempt information)" if include_exempt else "Public Document Pack",
        "site": meeting.site,
        "committee": committee,
        "meeting": meeting.meeting,
        "pack_title": f"{committee.name}: agenda and papers, {long_date(meeting.meeting.date)}"
                      + (" (members' pack, not for publication)" if include_exempt else ""),
        "pack_subject": f"Public document pack for the meeting of the {committee.name} on "
                        f"{long_date(meeting.meeting.date)}",
    }
    fonts = FontConfiguration()
    css = _css(env, fonts)
    base_url = str(meeting.source.path) + "/"
    entries = _entries(env, meeting, include_exempt)
    body_pages = []
    if entries:  # a meeting without papers has a front sheet only
        try:
            body = HTML(string=render_template(env, "pdf/pack.html", entries=entries, **context),
                        base_url=base_url).render(stylesheets=[css], font_config=fonts)
        except Exception as exc:  # WeasyPrint raises many kinds; none is the user's fault in a way we can name
            raise BuildError(f"{meeting.url_path}: the PDF engine failed: {exc}") from exc
        body_pages = list(body.pages)
        anchors = _first_pages(body)
    numbered = len(body_pages)
    item_ranges = _ranges([(e.item.slug, anchors[e.item.slug]) for e in entries], numbered)
    doc_ranges: dict[str, PageRange] = {}
    for entry in entries:
        item_range = item_ranges[entry.item.slug]
        starts = [(d.id, anchors.get(d.id, item_range.first)) for d in entry.documents]
        doc_ranges.update(_ranges(starts, item_range.last))
    ranges = {e.item.number: str(item_ranges[e.item.slug]) for e in entries}

    noun = "Panel" if "panel" in committee.name.lower() else "Committee"
    parts = [
        {"heading": "A. Items where the public and press may not be excluded",
         "agenda": [i for i in meeting.items if i.part == "A"]},
        {"heading": "B. Items where the public and press are likely to be excluded",
         "agenda": [i for i in meeting.items if i.part == "B"]},
    ]
    front = HTML(string=render_template(env, "pdf/frontsheet.html", parts=parts, ranges=ranges, noun=noun,
                                        exempt_notice=exempt_notice, **context),
                 base_url=base_url).render(stylesheets=[css], font_config=fonts)
    pages = list(front.pages)
    if len(pages) % 2:
        blank = HTML(string=render_template(env, "pdf/blank.html", **context)).render(stylesheets=[css], font_config=fonts)
        pages += blank.pages
    joined = front.copy(pages + body_pages)
    raw = joined.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)

    pack = Pack(b"", len(pages), numbered,
                {e.item.number: item_ranges[e.item.slug] for e in entries}, doc_ranges,
                {d.id: d.heading for e in entries for d in e.documents})
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        _underlay_pdfs(pdf, entries, pack, pack.front_pages)
        _page_labels(pdf, pack.front_pages)
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pack.pdf = out.getvalue()
    return pack

