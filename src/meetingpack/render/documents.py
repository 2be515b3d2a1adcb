"""One paper to an HTML fragment: the same markup in the PDF pack and on the website.

`render_document` renders a document's Markdown body and wraps it in the
template for its kind (`documents/report.html`, `documents/minutes.html`...),
which adds what comes from the front matter: a report's metadata table and
sign-off, the attendance of minutes, a letter's addresses.  The caller says
how ids are prefixed and where images are found, because the pack puts every
document in one file and the website gives each its own page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .. import model
from ..exempt import exempt_notice
from ..load import DocumentSource
from ..members import printed_names
from ..resolve import Document, ResolvedMeeting, year_label
from .markdown import Heading, Image, LinkTarget, Options, Rendered, Resolution, render_markdown
from .templates import render_template

TEMPLATE_ANCHORS = frozenset({"title", "present", "also-in-attendance", "apologies", "background-papers",
                              "contact-officer", "workplan", "other-work", "ideas",
                              "exempt-appendices"})
"""Anchors the built-in document templates add (besides the Markdown's own headings), for link checks."""


@dataclass
class RenderedDocument:
    html: Markup
    headings: list[Heading]
    images: list[Image]
    blocks: list[str]
    """Ids of the body's blocks in order (without the prefix): where pack pages can begin."""
    resolutions: list[Resolution]
    """For minutes: every resolution, part by part."""


def render_document(env: jinja2.Environment, meeting: ResolvedMeeting, doc: Document, *, id_prefix: str,
                    image_src: Callable[[str], str], link: Callable[[str], LinkTarget] = LinkTarget,
                    page_markers: dict[str, int] | None = None, heading_level: int = 1,
                    in_pack: bool = False, topic_links: dict | None = None, link_root: str = "",
                    markdown: Callable[[str, Options], Rendered] = render_markdown) -> RenderedDocument:
    """The document's full HTML (header, body, sign-off) as an escaped-safe fragment.

    `link` decides where each link goes (cross references differ in the pack and on the website);
    `page_markers` places "Page N" markers in the website's view of a document (block id -> page);
    `in_pack` says the document is printed in a pack (minutes there are always the draft for approval);
    `topic_links` links a work plan's topics to the agenda items that carry them (site-relative paths,
    prefixed with `link_root`); `markdown` renders the body (the website's pages task keeps its bodies:
    engine/bodies.py).
    """
    source = doc.source
    if not isinstance(source, DocumentSource):
        raise TypeError("existing PDF appendices have no HTML body")
    meta = source.meta
    rendered = markdown(source.body, Options(
        id_prefix=id_prefix,
        number_paragraphs=isinstance(meta, model.ReportMeta),
        minute_start=doc.minute_start if isinstance(meta, model.MinutesMeta) else None,
        exempt_marks=isinstance(meta, model.DecisionsMeta),
        exempt_minutes=doc.full_text,
        line_offset=source.body_line,
        image_src=image_src,
        link=link,
        block_ids=True,
        page_markers=page_markers or {},
    ))
    workplan = meeting.committee.workplan_for(year_label(meeting.meeting.date)) \
        if isinstance(meta, model.AppendixMeta) and meta.source == "workplan" else None
    # a public report lists its item's exempt appendices by label and notice (they are printed elsewhere)
    found = meeting.document_at(source.path) if isinstance(meta, model.ReportMeta) and not doc.exempt else None
    exempt_appendices = found[0].exempt_appendices if found is not None else []
    names = printed_names(meta, meeting.committee, meeting.site) if isinstance(meta, model.MinutesMeta) else {}
    html = render_template(
        env, f"documents/{meta.kind}.html",
        doc=doc, meta=meta, body=Markup(rendered.html), meeting=meeting, committee=meeting.committee.committee,
        workplan=workplan, id_prefix=id_prefix, h=heading_level, in_pack=in_pack,
        topic_links=topic_links or {}, link_root=link_root, names=names,
        exempt_appendices=exempt_appendices, exempt_notice=exempt_notice,
    )
    return RenderedDocument(Markup(html), rendered.headings, rendered.images, rendered.blocks, rendered.resolutions)
