"""The pages of the public website: resolved meetings and their packs in, files out.

Addresses are stable and readable: `/<committee>/`, `/<committee>/<date>/`,
`/<committee>/<date>/item-6/` and `/<committee>/<date>/item-6/<document>/`; a
revised paper keeps each earlier version at `.../<document>/version-1/` (an
existing PDF's beside it, `<document>-version-1.pdf`) and what each revision
changed at `.../<document>/changes-1/` (render/diff.py).
Every link is relative, so the site works from any base path.  Exempt (Part
B) items get a page with their agenda entry and exemption notice only: none
of their documents, titles of documents, file names or images is written.
An exempt appendix of a public item is listed by its label and notice only.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .engine.bodies import markdown as kept_markdown
from .engine.derived import derived
from .errors import BuildError
from .exempt import exempt_notice
from .load import CommitteeSource, DocumentSource, Project
from .members import STATUS_WORDS, Person, Register, build_register, councillor_path
from .records import CommitteeRecords
from .render.appendix_text import pdf_text
from .render.diff import diff_html
from .render.documents import render_document
from .render.markdown import LinkTarget
from .render.pdf import MeetingPacks, PackFile, PageRange
from .render.templates import render_template
from .resolve import Document, Item, ResolvedMeeting, Revision, is_past, local_target, year_label
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
class VersionLink:
    """An earlier version of a revised public paper, and what changed, by paths from the paper's own page
    (`earlier`, `changes`) and from the meeting's folder (`earlier_in_meeting`, `changes_in_meeting`)."""

    revision: Revision
    earlier: str
    changes: str | None
    """The page showing what the revision changed; None for an existing PDF (its text is not compared)."""
    earlier_in_meeting: str
    changes_in_meeting: str | None


def version_links(item: Item, doc: Document) -> tuple[VersionLink, ...]:
    """Where a paper's earlier versions and their changes are published: nothing for an exempt paper, nor
    for an earlier version that is exempt itself (and then nothing of the versions before it either)."""
    if item.exempt or doc.exempt:
        return ()
    out: list[VersionLink] = []
    for revision in doc.revisions:
        if revision.earlier.exempt:
            out = []  # what changed since an exempt version would show its words
            continue
        if doc.kind == "pdf":
            name = f"{revision.earlier.slug}.pdf"
            out.append(VersionLink(revision, name, None, f"{item.slug}/{name}", None))
            continue
        earlier, changes = f"version-{revision.number}/index.html", f"changes-{revision.number}/index.html"
        folder = f"{item.slug}/{doc.slug}"
        out.append(VersionLink(revision, earlier, changes, f"{folder}/{earlier}", f"{folder}/{changes}"))
    return tuple(out)


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
    revisions: tuple[VersionLink, ...] = ()
    """Its earlier versions, if it was revised after publication."""
    text: str | None = None
    """For an existing PDF: its text as a web page (`pdf_text_page`), by meeting-relative path."""


def papers(meeting: ResolvedMeeting, item: Item, packs: MeetingPacks) -> list[Paper]:
    """The public papers of an item, with their files (paths relative to the meeting's folder)."""
    out = []
    for doc in item.public_documents:
        doc_id = f"{item.slug}-{doc.slug}"
        pdf_path = f"{item.slug}/{doc.slug}.pdf"
        if doc.kind == "pdf":
            size, count = len(published_bytes(doc.source.path)), len(doc.pdf_pages)
            out.append(Paper(doc, None, pdf_path, size, count, packs.documents.get(doc_id),
                             version_links(item, doc),
                             text=pdf_text_path(meeting, item, doc).removeprefix(meeting.url_path + "/")))
            continue
        cut = packs.document_pdfs.get(doc_id)
        out.append(Paper(doc, f"{item.slug}/{doc.slug}/index.html", pdf_path, cut.size if cut else 0,
                         cut.total_pages if cut else 0, packs.documents.get(doc_id), version_links(item, doc)))
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
                               topic_links=topic_links or {}, link_root=_root(path), markdown=kept_markdown)
    cut = packs.document_pdfs.get(doc_id)
    title, body = split_title(rendered.html)
    out.append(_page(env, path, "site/document.html", site=meeting.site, meeting=meeting, doc=doc, item=item,
                     title=title, body=body, headings=[h for h in rendered.headings if h.level == 2],
                     pages=packs.documents.get(doc_id), pdf=cut, pdf_name=f"../{doc.slug}.pdf",
                     versions=version_links(item, doc) if item is not None else (), version=None))
    folder = posixpath.dirname(path)
    for image in sorted({img.src for img in rendered.images}):
        out.append(Output(f"{folder}/{image}", published_bytes((doc.source.path.parent / image).resolve())))
    return out


def split_title(html: str) -> tuple[Markup, Markup]:
    """A rendered paper as its header (which holds its h1) and the rest, so that the page can put the
    contents list and notices after the h1: the title comes first in reading order and on screen."""
    end = html.find("</header>")
    if end < 0:
        return Markup(""), Markup(html)
    end += len("</header>")
    return Markup(html[:end]), Markup(html[end:])


def _version_html(env: jinja2.Environment, meeting: ResolvedMeeting, doc: Document, path: str) -> str:
    """A version of a paper rendered for the website (without page markers: its pages are not the pack's)."""
    return render_document(env, meeting, doc, id_prefix="", image_src=lambda src: quote(src),
                           link=_site_links(meeting, doc, path), link_root=_root(path), markdown=kept_markdown).html


def _revision_pages(env: jinja2.Environment, meeting: ResolvedMeeting, item: Item, doc: Document) -> list[Output]:
    """The earlier versions of a revised public paper (each version's page, or its PDF) and, for a Markdown
    paper, a page per revision showing what it changed.  Exempt papers' versions are never published."""
    out: list[Output] = []
    links = version_links(item, doc)
    if not links:
        return out
    if doc.kind == "pdf":
        for link in links:
            out.append(Output(f"{meeting.url_path}/{link.earlier_in_meeting}",
                              published_bytes(link.revision.earlier.source.path)))
        return out
    current = document_path(meeting, item, doc)
    versions = [r.earlier for r in doc.revisions] + [doc]
    texts = [_version_html(env, meeting, v, current) for v in versions]
    for link in links:
        revision = link.revision
        page = f"{meeting.url_path}/{link.earlier_in_meeting}"
        rendered = render_document(env, meeting, revision.earlier, id_prefix="", image_src=lambda src: quote(src),
                                   link=_site_links(meeting, revision.earlier, page), link_root=_root(page), markdown=kept_markdown)
        title, body = split_title(rendered.html)
        out.append(_page(env, page, "site/document.html", site=meeting.site, meeting=meeting, doc=doc, item=item,
                         title=title, body=body, headings=[h for h in rendered.headings if h.level == 2],
                         pages=None, pdf=None, pdf_name="", versions=(), version=link))
        for image in sorted({img.src for img in rendered.images}):
            out.append(Output(f"{posixpath.dirname(page)}/{image}",
                              published_bytes((revision.earlier.source.path.parent / image).resolve())))
        after = doc.revisions[revision.number].earlier_on if revision.number < len(doc.revisions) else revision.on
        out.append(_page(env, f"{meeting.url_path}/{link.changes_in_meeting}", "site/changes.html",
                         site=meeting.site, meeting=meeting, doc=doc, item=item, revision=revision,
                         newer_on=after, is_latest=revision.number == len(doc.revisions),
                         diff=diff_html(texts[revision.number - 1], texts[revision.number])))
    return out


def _words_of(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def item_minutes(meeting: ResolvedMeeting) -> dict[int, tuple[int, str]]:
    """The minute item recording each agenda item, where the meeting's minutes have one by the same title:
    item number -> (minute number, address of the minute from the meeting's folder)."""
    if meeting.minutes is None or not isinstance(meeting.minutes.source, DocumentSource):
        return {}
    start = meeting.minutes.minute_start or 1
    minutes = [(number + start - 1, _words_of(title)) for number, title in meeting.minutes.source.analysis.minutes]
    found: dict[int, tuple[int, str]] = {}
    for item in meeting.items:
        words = _words_of(item.title)
        for number, title in minutes:
            if words and (title == words or title.startswith(words) or words.startswith(title)):
                found[item.number] = (number, f"{meeting.minutes.slug}/index.html#minute-{number}")
                break
    return found


def linked_items(meeting: ResolvedMeeting) -> set[int]:
    """The items with a page of their own (`Item.has_page`), linked from the meeting's page; the others are
    told in full there (title, note, minute, webcast time), at `#item-N`."""
    return {item.number for item in meeting.items if item.has_page}


def pdf_text_path(meeting: ResolvedMeeting, item: Item, doc: Document) -> str:
    """Where the text of an existing PDF is published as a web page: beside the PDF, named like it."""
    return f"{meeting.url_path}/{item.slug}/{doc.slug}/index.html"


def _converted(path: Path) -> tuple[tuple[str, ...], ...]:
    """The paragraphs of each page of the PDF at `path`, kept in the build cache (engine/derived.py): a change
    to a site template renders every page again, but need not read every appendix again."""
    return derived("pdf-text", path, lambda: pdf_text(path), lambda pages: [list(p) for p in pages],
                   lambda v: tuple(tuple(str(paragraph) for paragraph in page) for page in v))


def pdf_text_page(env: jinja2.Environment, meeting: ResolvedMeeting, item: Item, doc: Document,
                  packs: MeetingPacks) -> Output:
    """The web page of a public existing PDF: its text, converted from the PDF and marked as such.

    Only ever called for a public paper (`item.public_documents`): an exempt PDF's text is never read here.
    """
    path = pdf_text_path(meeting, item, doc)
    pages = packs.documents.get(f"{item.slug}-{doc.slug}")
    return _page(env, path, "site/document.html", site=meeting.site, meeting=meeting, doc=doc, item=item,
                 title=Markup("<h1>{}</h1>").format(doc.heading), versions=(), version=None,
                 body="", headings=[], pages=pages, pdf=None, pdf_name=f"../{doc.slug}.pdf",
                 converted=_converted(doc.source.path), pdf_size=len(published_bytes(doc.source.path)))


def render_meeting_site(env: jinja2.Environment, meeting: ResolvedMeeting, packs: MeetingPacks,
                        records: CommitteeRecords) -> list[Output]:
    """The pages of one meeting: the meeting, each item, each public document, and the public PDFs."""
    base = meeting.url_path
    listed = {item.number: papers(meeting, item, packs) for item in meeting.items}
    minutes_of = item_minutes(meeting)
    linked = linked_items(meeting)
    out = [Output(pdf_file(meeting, pack), pack.pdf) for pack in packs.public]
    for item in meeting.items:
        folder = f"{base}/{item.slug}"
        item_pdf = packs.item_pdfs.get(item.number)
        if item_pdf is not None:
            out.append(Output(pdf_file(meeting, item_pdf), item_pdf.pdf))
        for doc in item.public_documents:
            if doc.kind == "pdf":
                out.append(Output(document_path(meeting, item, doc), published_bytes(doc.source.path)))
                out.append(pdf_text_page(env, meeting, item, doc, packs))
            elif f"{item.slug}-{doc.slug}" in packs.document_pdfs:
                out.append(Output(f"{folder}/{doc.slug}.pdf", packs.document_pdfs[f"{item.slug}-{doc.slug}"].pdf))
            out.extend(_document_pages(env, meeting, item, doc, packs, records.topic_links))
            out.extend(_revision_pages(env, meeting, item, doc))
        if item.number not in linked:  # a page saying only "there are no papers" helps nobody
            continue
        out.append(_page(env, f"{folder}/index.html", "site/item.html", site=meeting.site, meeting=meeting,
                         item=item, papers=listed[item.number], answers=records.answered_by(meeting, item),
                         pages=packs.items.get(item.number), item_pdf=item_pdf,
                         item_pdf_name=posixpath.basename(pdf_file(meeting, item_pdf)) if item_pdf else None,
                         notice=exempt_notice(item.exempt_paragraph) if item.exempt else None,
                         exempt_notice=exempt_notice, minute=minutes_of.get(item.number)))
    for own in (meeting.minutes, meeting.decisions):
        if own is not None:
            out.extend(_document_pages(env, meeting, None, own, packs))
    downloads = [(pack, posixpath.basename(pdf_file(meeting, pack))) for pack in packs.public]
    from .opendata import meeting_json_ld  # not at the top: opendata imports this module
    out.append(_page(env, f"{base}/index.html", "site/meeting.html", site=meeting.site, meeting=meeting,
                     packs=packs, downloads=downloads, exempt_notice=exempt_notice, json_ld=meeting_json_ld(meeting),
                     papers=listed, linked=linked, minutes_of=minutes_of,
                     decisions=records.of_meeting(meeting), meetings=records.meetings,
                     members=records.meeting_members(meeting), substitutes=records.meeting_substitutes(meeting),
                     status_words=STATUS_WORDS))
    return out


PaperFacts = dict[str, list[int | None]]
"""What the listing pages need of a meeting's packs, by paper ('item-6-report'): [size of its PDF,
pages of its PDF, first and last page in the pack (None if not in it)].  Public papers only."""


def paper_facts(meeting: ResolvedMeeting, packs: MeetingPacks) -> PaperFacts:
    """The facts of each public paper of a meeting (`papers`), compact and JSON-able, for the site-wide pages."""
    facts: PaperFacts = {}
    for item in meeting.items:
        for paper in papers(meeting, item, packs):
            pages = paper.pages
            facts[f"{item.slug}-{paper.doc.slug}"] = [paper.pdf_size, paper.pdf_pages,
                                                      pages.first if pages else None, pages.last if pages else None]
    return facts


def listed_papers(meeting: ResolvedMeeting, item: Item, facts: PaperFacts) -> list[Paper]:
    """The public papers of an item as `papers` gives them, made from the meeting's `paper_facts`."""
    out = []
    for doc in item.public_documents:
        size, count, first, last = facts.get(f"{item.slug}-{doc.slug}", [0, 0, None, None])
        pages = PageRange(first, last) if first is not None and last is not None else None
        pdf = f"{item.slug}/{doc.slug}.pdf"
        if doc.kind == "pdf":
            out.append(Paper(doc, None, pdf, size or 0, count or 0, pages, version_links(item, doc),
                             text=pdf_text_path(meeting, item, doc).removeprefix(meeting.url_path + "/")))
        else:
            out.append(Paper(doc, f"{item.slug}/{doc.slug}/index.html", pdf, size or 0, count or 0, pages,
                             version_links(item, doc)))
    return out


@dataclass(frozen=True)
class Published:
    """A public paper and when it was published, for "recently published" lists and ward pages."""

    date: dt.date
    meeting: ResolvedMeeting
    item: Item
    paper: Paper


def published_papers(rendered: Iterable[tuple[ResolvedMeeting, MeetingPacks | PaperFacts]]) -> list[Published]:
    """Every public paper, newest first (then by meeting and agenda order); each meeting with its packs or
    its `paper_facts`."""
    found: list[Published] = []
    for meeting, packs in rendered:
        for item in meeting.items:
            date = item.published_on or meeting.meeting.issued_on
            listed = listed_papers(meeting, item, packs) if isinstance(packs, dict) else papers(meeting, item, packs)
            found.extend(Published(date, meeting, item, paper) for paper in listed)
    return sorted(found, key=lambda p: (-p.date.toordinal(), p.meeting.url_path, p.item.number))


def ward_slug(ward: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ward.lower()).strip("-")


def render_site_pages(env: jinja2.Environment, project: Project,
                      rendered: list[tuple[ResolvedMeeting, MeetingPacks | PaperFacts]],
                      records: dict[str, CommitteeRecords], checks: dict[str, int],
                      search_bundles: list[str] | None = None) -> list[Output]:
    """The pages that list meetings and papers: home, committees, wards, search and the accessibility statement.

    `search_bundles`: the folders of the search index, one per committee with papers (search.py), that the
    search page merges; by default one index at `pagefind/`.  The build makes the same pages as separate
    tasks (engine/sitewide.py), each with the function below that makes its part.
    """
    out = []
    meetings = [m for m, _ in rendered]
    published = published_papers(rendered)
    register = council_register(project, records)
    for committee in project.committees:
        out.extend(committee_pages(env, project, committee, meetings, records, register))
    out.append(home_page(env, project, meetings, published))
    out.extend(ward_pages(env, project, published))
    out.extend(render_councillor_pages(env, project, records, register))
    out.append(search_page(env, project))
    out.append(accessibility_page(env, project, checks))
    out.append(site_css(env, project))
    out.append(search_script(env, search_bundles))
    return out


def committee_pages(env: jinja2.Environment, project: Project, committee: CommitteeSource,
                    meetings: list[ResolvedMeeting], records: dict[str, CommitteeRecords],
                    register: Register) -> list[Output]:
    """A committee's listing page, decisions register and declarations of interest."""
    site = project.site
    mine = [m for m in meetings if m.committee.slug == committee.slug]
    years: dict[str, list[ResolvedMeeting]] = {}
    for m in sorted(mine, key=lambda m: m.meeting.date, reverse=True):
        years.setdefault(year_label(m.meeting.date), []).append(m)
    mine_records = records.get(committee.slug) or CommitteeRecords([], [])
    return [
        _page(env, f"{committee.slug}/decisions/index.html", "site/decisions.html", site=site,
              source=committee, committee=committee.committee, records=mine_records),
        _page(env, f"{committee.slug}/declarations/index.html", "site/declarations.html", site=site,
              source=committee, committee=committee.committee, records=mine_records),
        _page(env, f"{committee.slug}/index.html", "site/committee.html", site=site,
              source=committee, committee=committee.committee, years=years, records=mine_records,
              topic_links=mine_records.topic_links,
              upcoming=sorted((m for m in mine if not is_past(m, meetings)), key=lambda m: m.meeting.date),
              is_past=is_past, meetings=meetings, member_ids=register.link_ids(committee))]


def upcoming_meetings(meetings: list[ResolvedMeeting]) -> list[ResolvedMeeting]:
    """The meetings not yet past (`is_past`), soonest first: the home page lists them."""
    return sorted((m for m in meetings if not is_past(m, meetings)), key=lambda m: (m.meeting.date, m.url_path))


def home_page(env: jinja2.Environment, project: Project, meetings: list[ResolvedMeeting],
              published: list[Published]) -> Output:
    """The home page: the committees, the upcoming meetings and the ten papers published last."""
    return _page(env, "index.html", "site/index.html", site=project.site, committees=project.committees,
                 upcoming=upcoming_meetings(meetings), recent=published[:10], meetings=meetings)


def ward_names(project: Project, published: list[Published]) -> list[str]:
    """The wards with a page: those site.yaml lists, else every ward a public paper names."""
    return project.site.wards or sorted({w for p in published for w in p.item.wards if w.lower() != "all"})


def ward_pages(env: jinja2.Environment, project: Project, published: list[Published]) -> list[Output]:
    """A page per ward with the papers naming it (and those naming 'All'), and the index of wards."""
    wards = ward_names(project, published)
    everywhere = everywhere_papers(published)
    return [*(ward_page(env, project, ward, published, everywhere) for ward in wards),
            wards_index(env, project, wards, published)]


def everywhere_papers(published: list[Published]) -> list[Published]:
    """The papers naming 'All' wards: every ward's page lists them."""
    return [p for p in published if any(w.lower() == "all" for w in p.item.wards)]


def ward_page(env: jinja2.Environment, project: Project, ward: str, published: list[Published],
              everywhere: list[Published]) -> Output:
    """One ward's page: the papers naming it, and those naming every ward."""
    mine = [p for p in published if ward in p.item.wards]
    return _page(env, f"wards/{ward_slug(ward)}/index.html", "site/ward.html", site=project.site, ward=ward,
                 papers=mine, everywhere=everywhere)


def wards_index(env: jinja2.Environment, project: Project, wards: list[str], published: list[Published]) -> Output:
    """The index of wards, with how many papers name each.  Always made: every page's menu links to it
    (whether any paper names a ward is not a page's own input)."""
    return _page(env, "wards/index.html", "site/wards.html", site=project.site,
                 wards=[(w, ward_slug(w), sum(w in p.item.wards for p in published)) for w in wards])


def search_page(env: jinja2.Environment, project: Project) -> Output:
    """The search page (the script it runs is `search_script`)."""
    return _page(env, "search/index.html", "site/search.html", site=project.site)


def search_script(env: jinja2.Environment, search_bundles: list[str] | None) -> Output:
    """assets/search.js, merging the search bundles (search.py); by default one index at `pagefind/`."""
    return Output("assets/search.js", render_template(
        env, "site/search.js", bundles=search_bundles if search_bundles is not None else ["pagefind/"]).encode("utf-8"))


def accessibility_page(env: jinja2.Environment, project: Project, checks: dict[str, int]) -> Output:
    """The accessibility statement, with the counts of the checks made on the meetings' pages and PDFs."""
    return _page(env, "accessibility/index.html", "site/accessibility.html", site=project.site, checks=checks)


def site_css(env: jinja2.Environment, project: Project) -> Output:
    """assets/site.css, in the council's colours."""
    css = render_template(env, "site/site.css", colours=project.site.colours)
    return Output("assets/site.css", css.encode("utf-8"))


# ------------------------------------------------------------- councillors


def council_register(project: Project, records: dict[str, CommitteeRecords]) -> Register:
    """Every member of every committee, by identity: the one the records were made with (it knows the
    substitutes of the minutes too), or, with no meetings, one from the memberships alone."""
    found = next((r.register for r in records.values() if r.register is not None), None)
    return found if found is not None else build_register(project.committees)


@dataclass
class Service:
    """A member's record on one committee, for their page."""

    committee: object
    """The committee's source (load.CommitteeSource)."""
    roles: list[str]
    meetings: list[tuple[ResolvedMeeting, str]]
    """Newest first: (meeting, what the member did: 'Present', 'Apologies', ... or 'Substitute for ...')."""


def _services(person: Person, project: Project, records: dict[str, CommitteeRecords]) -> list[Service]:
    """A member's roles and attendance on each committee, in the order of the committees."""
    site = project.site
    found: dict[str, Service] = {}
    for seat in person.seats:
        found.setdefault(seat.committee.slug, Service(seat.committee, [], [])).roles.append(seat.role)
    for committee in project.committees:
        for attendance in sorted((records[committee.slug].attended if committee.slug in records else []),
                                 key=lambda a: a.meeting.meeting.date, reverse=True):
            status = attendance.status.get(person.id)
            if status is not None:
                found[committee.slug].meetings.append((attendance.meeting, STATUS_WORDS[status]))
            for sub, replaced in attendance.substitutes:
                if sub.person is person:
                    service = found.setdefault(committee.slug, Service(committee, [], []))
                    if "Substitute" not in service.roles:
                        service.roles.append("Substitute")
                    whom = replaced.person.title(site) if replaced.person is not None else replaced.written
                    service.meetings.append((attendance.meeting, f"Attended as substitute for {whom}"))
    order = [c.slug for c in project.committees]
    return sorted(found.values(), key=lambda s: order.index(s.committee.slug))  # type: ignore[attr-defined]


def _declared(person: Person, records: dict[str, CommitteeRecords]) -> list[tuple[ResolvedMeeting, Item | None, object]]:
    """Interests the member declared at meetings, newest first: (meeting, agenda item, model.Declaration)."""
    out = []
    for committee in records.values():
        for attendance in committee.attended:
            for named, declaration in attendance.declarations:
                if named.person is person:
                    meeting = attendance.meeting
                    item = next((i for i in meeting.items if i.number == declaration.item), None)
                    out.append((meeting, item, declaration))
    return sorted(out, key=lambda d: (-d[0].meeting.date.toordinal(), d[0].url_path))


def render_councillor_pages(env: jinja2.Environment, project: Project, records: dict[str, CommitteeRecords],
                            register: Register) -> list[Output]:
    """A page per member of any committee (and per substitute), and the index of them, A to Z by last name.

    Made from the memberships and the front matter of published minutes only:
    exempt minutes are never read here (resolve.py leaves them out).
    """
    people = sorted(register.people.values(), key=lambda p: p.sort_key)
    out = []
    listed = []
    for person in people:
        services = _services(person, project, records)
        listed.append((person, services))
        out.append(_page(env, councillor_path(person.id), "site/councillor.html", site=project.site,
                         person=person, title=person.title(project.site), services=services,
                         declared=_declared(person, records)))
    out.append(_page(env, "councillors/index.html", "site/councillors.html", site=project.site, people=listed))
    return out
