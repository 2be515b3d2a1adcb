"""The pages of the public website: resolved meetings and their packs in, files out.

Addresses are stable and readable: `/<committee>/`, `/<committee>/<date>/`,
`/<committee>/<date>/item-6/` and `/<committee>/<date>/item-6/<document>/`.
Every link is relative, so the site works from any base path.  Exempt (Part
B) items get a page with their agenda entry and exemption notice only: none
of their documents, titles of documents, file names or images is written.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2

from .errors import BuildError
from .exempt import exempt_notice
from .load import Project
from .records import CommitteeRecords
from .render.documents import render_document
from .render.markdown import LinkTarget
from .render.pdf import MeetingPacks, PackFile, PageRange
from .render.templates import render_template
from .resolve import Document, Item, ResolvedMeeting, is_past, local_target, year_label
from .sanitise import Unpublishable, published


@dataclass(frozen=True)
class Output:
    """One file of the build, by its path relative to the output folder."""

    path: str
    data: bytes | None = None
    source: Path | None = None
    """A file to copy, instead of data."""
    digest: str | None = None
    """SHA-256 of the file's bytes, when known.  With neither `data` nor `source`: the very file the
    previous build published at `path` with these bytes, to be linked (tasks.py)."""


def pdf_file(meeting: ResolvedMeeting, pack: PackFile) -> str:
    """Path of one of a meeting's public PDFs inside the site."""
    return pdf_path(meeting, pack.key)


def pdf_path(meeting: ResolvedMeeting, key: str) -> str:
    """Path of a meeting's PDF by its key: 'agenda', 'supplement-1', 'consolidated' or 'item-6'."""
    stem = f"{meeting.committee.slug}-{meeting.source.slug}"
    if key == "agenda":
        return f"{meeting.url_path}/{stem}-pack.pdf"
    if key.startswith("item-"):
        return f"{meeting.url_path}/{key}/{stem}-{key}.pdf"
    return f"{meeting.url_path}/{stem}-{key}.pdf"


def published_bytes(path: Path) -> bytes:
    """A content file (image, PDF appendix) as the site publishes it: SVG and PDF sanitised (sanitise.py)."""
    try:
        return published(path).data
    except Unpublishable as exc:  # `pack check` refuses these first: seen here only if the file changed since
        raise BuildError(f"{path}: {exc}") from None


def _root(path: str) -> str:
    return "../" * path.count("/")


def _page(env: jinja2.Environment, path: str, template: str, **context: object) -> Output:
    html = render_template(env, template, root=_root(path), **context)
    return Output(path, html.encode("utf-8"))


def document_path(meeting: ResolvedMeeting, item: Item | None, doc: Document) -> str:
    """Where a document is published: its HTML page, or the file itself for an existing PDF."""
    folder = f"{meeting.url_path}/{item.slug}" if item is not None else meeting.url_path
    return f"{folder}/{doc.slug}.pdf" if doc.kind == "pdf" else f"{folder}/{doc.slug}/index.html"


@dataclass(frozen=True)
class Paper:
    """A public paper as the website lists it: its HTML view (if any) and its PDF, by meeting-relative paths."""

    doc: Document
    html: str | None
    pdf: str
    pdf_size: int
    pdf_pages: int
    pages: PageRange | None
    """Where it is in the pack."""


def papers(meeting: ResolvedMeeting, item: Item, packs: MeetingPacks) -> list[Paper]:
    """The public papers of an item, with their files (paths relative to the meeting's folder)."""
    out = []
    for doc in item.public_documents:
        doc_id = f"{item.slug}-{doc.slug}"
        pdf_path = f"{item.slug}/{doc.slug}.pdf"
        if doc.kind == "pdf":
            size, count = len(published_bytes(doc.source.path)), len(doc.pdf_pages)
            out.append(Paper(doc, None, pdf_path, size, count, packs.documents.get(doc_id)))
            continue
        cut = packs.document_pdfs.get(doc_id)
        out.append(Paper(doc, f"{item.slug}/{doc.slug}/index.html", pdf_path, cut.size if cut else 0,
                         cut.total_pages if cut else 0, packs.documents.get(doc_id)))
    return out


def _site_links(meeting: ResolvedMeeting, doc: Document, page: str) -> Callable[[str], LinkTarget]:
    """Links between the papers of a meeting, as relative links between their pages.

    A link to an exempt paper keeps its words but loses the link, so that
    nothing about the paper (not even its file name) is published.
    """
    def link(href: str) -> LinkTarget:
        local = local_target(href, doc.source.path)
        if local is None:
            return LinkTarget(href)
        path, fragment = local
        if path == doc.source.path:
            return LinkTarget(f"#{fragment}" if fragment else "#")
        found = meeting.document_at(path)
        if found is None or found[0].exempt or found[1].exempt:
            return LinkTarget(None)
        target = document_path(meeting, *found)
        relative = posixpath.relpath(target, posixpath.dirname(page))
        return LinkTarget(relative + (f"#{fragment}" if fragment and found[1].kind != "pdf" else ""))
    return link


def _document_pages(env: jinja2.Environment, meeting: ResolvedMeeting, item: Item | None, doc: Document,
                    packs: MeetingPacks, topic_links: dict[tuple[dt.date, str], str] | None = None) -> list[Output]:
    """The web page of one paper, and its images."""
    out: list[Output] = []
    if doc.kind == "pdf":
        return out
    path = document_path(meeting, item, doc)
    doc_id = f"{item.slug}-{doc.slug}" if item is not None else ""
    rendered = render_document(env, meeting, doc, id_prefix="", image_src=lambda src: quote(src),
                               link=_site_links(meeting, doc, path), page_markers=packs.page_markers.get(doc_id, {}),
                               topic_links=topic_links or {}, link_root=_root(path))
    cut = packs.document_pdfs.get(doc_id)
    out.append(_page(env, path, "site/document.html", site=meeting.site, meeting=meeting, doc=doc, item=item,
                     body=rendered.html, headings=[h for h in rendered.headings if h.level == 2],
                     pages=packs.documents.get(doc_id), pdf=cut, pdf_name=f"../{doc.slug}.pdf"))
    folder = posixpath.dirname(path)
    for image in sorted({img.src for img in rendered.images}):
        out.append(Output(f"{folder}/{image}", published_bytes((doc.source.path.parent / image).resolve())))
    return out


def render_meeting_site(env: jinja2.Environment, meeting: ResolvedMeeting, packs: MeetingPacks,
                        records: CommitteeRecords) -> list[Output]:
    """The pages of one meeting: the meeting, each item, each public document, and the public PDFs."""
    base = meeting.url_path
    listed = {item.number: papers(meeting, item, packs) for item in meeting.items}
    out = [Output(pdf_file(meeting, pack), pack.pdf) for pack in packs.public]
    for item in meeting.items:
        folder = f"{base}/{item.slug}"
        item_pdf = packs.item_pdfs.get(item.number)
        if item_pdf is not None:
            out.append(Output(pdf_file(meeting, item_pdf), item_pdf.pdf))
        for doc in item.public_documents:
            if doc.kind == "pdf":
                out.append(Output(document_path(meeting, item, doc), published_bytes(doc.source.path)))
            elif f"{item.slug}-{doc.slug}" in packs.document_pdfs:
                out.append(Output(f"{folder}/{doc.slug}.pdf", packs.document_pdfs[f"{item.slug}-{doc.slug}"].pdf))
            out.extend(_document_pages(env, meeting, item, doc, packs, records.topic_links))
        out.append(_page(env, f"{folder}/index.html", "site/item.html", site=meeting.site, meeting=meeting,
                         item=item, papers=listed[item.number], answers=records.answered_by(meeting, item),
                         pages=packs.items.get(item.number), item_pdf=item_pdf,
                         item_pdf_name=posixpath.basename(pdf_file(meeting, item_pdf)) if item_pdf else None,
                         notice=exempt_notice(item.exempt_paragraph) if item.exempt else None))
    for own in (meeting.minutes, meeting.decisions):
        if own is not None:
            out.extend(_document_pages(env, meeting, None, own, packs))
    downloads = [(pack, posixpath.basename(pdf_file(meeting, pack))) for pack in packs.public]
    from .opendata import meeting_json_ld  # not at the top: opendata imports this module
    out.append(_page(env, f"{base}/index.html", "site/meeting.html", site=meeting.site, meeting=meeting,
                     packs=packs, downloads=downloads, exempt_notice=exempt_notice, json_ld=meeting_json_ld(meeting),
                     papers=listed,
                     decisions=records.of_meeting(meeting), meetings=records.meetings))
    return out


@dataclass(frozen=True)
class Published:
    """A public paper and when it was published, for "recently published" lists and ward pages."""

    date: dt.date
    meeting: ResolvedMeeting
    item: Item
    paper: Paper


def published_papers(rendered: list[tuple[ResolvedMeeting, MeetingPacks]]) -> list[Published]:
    """Every public paper, newest first (then by meeting and agenda order)."""
    found = []
    for meeting, packs in rendered:
        for item in meeting.items:
            date = item.published_on or meeting.meeting.issued_on
            found.extend(Published(date, meeting, item, paper) for paper in papers(meeting, item, packs))
    return sorted(found, key=lambda p: (-p.date.toordinal(), p.meeting.url_path, p.item.number))


def ward_slug(ward: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ward.lower()).strip("-")


def render_site_pages(env: jinja2.Environment, project: Project, rendered: list[tuple[ResolvedMeeting, MeetingPacks]],
                      records: dict[str, CommitteeRecords], checks: dict[str, int],
                      search_bundles: list[str] | None = None) -> list[Output]:
    """The pages that list meetings and papers: home, committees, wards, search and the accessibility statement.

    `search_bundles`: the folders of the search index, one per committee with papers (search.py), that the
    search page merges; by default one index at `pagefind/`.
    """
    out = []
    meetings = [m for m, _ in rendered]
    site = project.site
    published = published_papers(rendered)
    for committee in project.committees:
        mine = [m for m in meetings if m.committee.slug == committee.slug]
        years: dict[str, list[ResolvedMeeting]] = {}
        for m in sorted(mine, key=lambda m: m.meeting.date, reverse=True):
            years.setdefault(year_label(m.meeting.date), []).append(m)
        mine_records = records.get(committee.slug) or CommitteeRecords([], [])
        out.append(_page(env, f"{committee.slug}/decisions/index.html", "site/decisions.html", site=site,
                         source=committee, committee=committee.committee, records=mine_records))
        out.append(_page(env, f"{committee.slug}/declarations/index.html", "site/declarations.html", site=site,
                         source=committee, committee=committee.committee, records=mine_records))
        out.append(_page(env, f"{committee.slug}/index.html", "site/committee.html", site=site,
                         source=committee, committee=committee.committee, years=years, records=mine_records,
                         topic_links=mine_records.topic_links,
                         upcoming=sorted((m for m in mine if not is_past(m, meetings)), key=lambda m: m.meeting.date),
                         is_past=is_past, meetings=meetings))
    upcoming = sorted((m for m in meetings if not is_past(m, meetings)), key=lambda m: (m.meeting.date, m.url_path))
    out.append(_page(env, "index.html", "site/index.html", site=site, committees=project.committees,
                     upcoming=upcoming, recent=published[:10], meetings=meetings))
    wards = site.wards or sorted({w for p in published for w in p.item.wards if w.lower() != "all"})
    everywhere = [p for p in published if any(w.lower() == "all" for w in p.item.wards)]
    for ward in wards:
        mine = [p for p in published if ward in p.item.wards]
        out.append(_page(env, f"wards/{ward_slug(ward)}/index.html", "site/ward.html", site=site, ward=ward,
                         papers=mine, everywhere=everywhere))
    if wards:
        out.append(_page(env, "wards/index.html", "site/wards.html", site=site,
                         wards=[(w, ward_slug(w), sum(w in p.item.wards for p in published)) for w in wards]))
    out.append(_page(env, "search/index.html", "site/search.html", site=site))
    out.append(_page(env, "accessibility/index.html", "site/accessibility.html", site=site, checks=checks))
    css = render_template(env, "site/site.css", colours=project.site.colours)
    out.append(Output("assets/site.css", css.encode("utf-8")))
    out.append(Output("assets/search.js", render_template(
        env, "site/search.js", bundles=search_bundles if search_bundles is not None else ["pagefind/"]).encode("utf-8")))
    return out
