"""The pages of the public website: resolved meetings and their packs in, files out.

Addresses are stable and readable: `/<committee>/`, `/<committee>/<date>/`,
`/<committee>/<date>/item-6/` and `/<committee>/<date>/item-6/<document>/`.
Every link is relative, so the site works from any base path.  Exempt (Part
B) items get a page with their agenda entry and exemption notice only: none
of their documents, titles of documents, file names or images is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .exempt import exempt_notice
from .load import Project
from .render.documents import render_document
from .render.pdf import Pack
from .render.templates import render_template
from .resolve import Document, ResolvedMeeting


@dataclass(frozen=True)
class Output:
    """One file of the build, by its path relative to the output folder."""

    path: str
    data: bytes | None = None
    source: Path | None = None
    """A file to copy, instead of data."""


def pack_file(meeting: ResolvedMeeting) -> str:
    """Path of a meeting's public pack inside the site."""
    return f"{meeting.url_path}/{meeting.committee.slug}-{meeting.source.slug}-pack.pdf"


def _root(path: str) -> str:
    return "../" * path.count("/")


def _page(env: jinja2.Environment, path: str, template: str, **context: object) -> Output:
    html = render_template(env, template, root=_root(path), **context)
    return Output(path, html.encode("utf-8"))


def _document_pages(env: jinja2.Environment, meeting: ResolvedMeeting, doc: Document, folder: str,
                    pack: Pack, doc_id: str) -> list[Output]:
    out: list[Output] = []
    if doc.kind == "pdf":
        return out
    rendered = render_document(env, meeting, doc, id_prefix="", image_src=lambda src: src)
    path = f"{folder}/{doc.slug}/index.html"
    out.append(_page(env, path, "site/document.html", site=meeting.site, meeting=meeting, doc=doc,
                     body=rendered.html, headings=[h for h in rendered.headings if h.level == 2],
                     pages=pack.documents.get(doc_id)))
    for image in sorted({img.src for img in rendered.images}):
        out.append(Output(f"{folder}/{doc.slug}/{image}", source=(doc.source.path.parent / image).resolve()))
    return out


def render_meeting_site(env: jinja2.Environment, meeting: ResolvedMeeting, pack: Pack) -> list[Output]:
    """The pages of one meeting: the meeting, each item, each public document, and the pack PDF."""
    base = meeting.url_path
    pdf_path = pack_file(meeting)
    out = [Output(pdf_path, pack.pdf)]
    for item in meeting.items:
        folder = f"{base}/{item.slug}"
        for doc in item.public_documents:
            if doc.kind == "pdf":
                out.append(Output(f"{folder}/{doc.slug}.pdf", source=doc.source.path))
            out.extend(_document_pages(env, meeting, doc, folder, pack, f"{item.slug}-{doc.slug}"))
        out.append(_page(env, f"{folder}/index.html", "site/item.html", site=meeting.site, meeting=meeting,
                         item=item, pages=pack.items.get(item.number),
                         notice=exempt_notice(item.exempt_paragraph) if item.exempt else None))
    if meeting.minutes is not None:
        out.extend(_document_pages(env, meeting, meeting.minutes, base, pack, ""))
    out.append(_page(env, f"{base}/index.html", "site/meeting.html", site=meeting.site, meeting=meeting,
                     pack=pack, pack_name=Path(pdf_path).name, pack_size=len(pack.pdf),
                     exempt_notice=exempt_notice))
    return out


def render_site_pages(env: jinja2.Environment, project: Project, meetings: list[ResolvedMeeting]) -> list[Output]:
    """The pages that list meetings: the home page and one page per committee, plus the stylesheet."""
    out = []
    by_committee = {c.slug: [m for m in meetings if m.committee.slug == c.slug] for c in project.committees}
    for committee in project.committees:
        out.append(_page(env, f"{committee.slug}/index.html", "site/committee.html", site=project.site,
                         source=committee, committee=committee.committee, meetings=by_committee[committee.slug]))
    out.append(_page(env, "index.html", "site/index.html", site=project.site, committees=project.committees,
                     meetings=meetings))
    css = render_template(env, "site/site.css", colours=project.site.colours)
    out.append(Output("assets/site.css", css.encode("utf-8")))
    return out

