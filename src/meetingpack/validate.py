"""Validate: the loaded project in, diagnostics out, for what no single file can show.

`load.py` has already checked each file against the content model.  This
stage checks how the files fit together: agenda items that name standard
items the committee lacks, exempt business in the wrong part, images without
alternative text or files, existing PDFs that cannot be merged, a work plan
appendix without a work plan, and the sections a cover report should have.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import model
from .errors import Report
from .exempt import ExemptPapers, exempt_papers, listing_date
from .load import CommitteeSource, DocumentSource, MeetingSource, Project, inside
from .members import check_ids
from .paths import resolved
from .pdfinfo import PdfProblem, pdf_page_sizes
from .render.documents import TEMPLATE_ANCHORS
from .render.markdown import Rendered
from .resolve import APPENDIX_KINDS, local_target
from .sanitise import check_published

EXPECTED_REPORT_SECTIONS = ("executive summary", "recommendations")
BLOCK_ID = re.compile(r"^(b|para-)\d+$")
"""Anchors of paragraphs, list items and rows (not worth suggesting in a message)."""


def _check_public_listing(project: Project, exempt: ExemptPapers, meeting: MeetingSource, item: model.AgendaItem,
                          ref: model.DocumentRef, path: Path, at: tuple[int, int], report: Report) -> None:
    """A paper listed in Part A must not be exempt anywhere, unless it declares that it was released
    or it is an exempt appendix (withheld from the public, listed by its label and notice only)."""
    place = exempt.place(path)
    if place is None:
        return
    doc = project.documents.get(path)
    if _exempt_appendix_paragraph(ref, doc) is not None:
        return
    released = ref.released if not isinstance(ref, str) else getattr(getattr(doc, "meta", None), "released", None)
    published = listing_date(meeting, item)
    if not exempt.withheld(path, released, published):
        return
    name = ref if isinstance(ref, str) else ref.pdf
    shown = report.relative(place.path)
    if released is not None:
        report.error(meeting.yaml_path, *at,
                     f"'{name}' is exempt ({place.where}, {shown}:{place.line}) and is released only "
                     f"from {released.on}, after this agenda publishes it ({published})",
                     "list it at a meeting whose papers are published on or after the release date", code="exempt-released-later")
        return
    report.error(meeting.yaml_path, *at,
                 f"'{name}' is exempt: {place.where} ({shown}:{place.line}), so it cannot be "
                 "published here", "list it only under Part B; if the exempt information has lawfully become "
                 "public, declare it on the paper: 'released: {on: YYYY-MM-DD, by: the decision that released "
                 "it}' (see docs/authoring.md)", code="exempt-published")


def _exempt_appendix_paragraph(ref: model.DocumentRef, doc: DocumentSource | None) -> int | None:
    """The paragraph of Schedule 12A an appendix gives to be an exempt appendix, on its listing or itself."""
    if not isinstance(ref, str):
        return ref.exempt_paragraph
    if doc is None or doc.meta.kind not in APPENDIX_KINDS:
        return None
    return getattr(doc.meta, "exempt_paragraph", None)


def _check_exempt_appendix(meeting: MeetingSource, part: str, ref: model.DocumentRef, doc: DocumentSource | None,
                           at: tuple[int, int], report: Report) -> None:
    """An exempt appendix belongs to a public item, and is named in public by its label."""
    paragraph = _exempt_appendix_paragraph(ref, doc)
    if paragraph is None:
        return
    if isinstance(ref, str):
        assert doc is not None
        where, (line, col), label = doc.path, doc.positions.find(("exempt_paragraph",)), getattr(doc.meta, "label", None)
    else:
        where, (line, col), label = meeting.yaml_path, at, ref.label
    if part == "part_b":
        report.warning(where, line, col, f"exempt_paragraph {paragraph} on an appendix of a Part B item says "
                       "nothing more: every paper of a Part B item is exempt already",
                       "remove exempt_paragraph from the appendix; it is for exempt appendices of public (Part A) "
                       "items", code="exempt-appendix-redundant")
    elif label is None:
        report.warning(where, line, col, "an exempt appendix without a 'label' is listed in public only as "
                       "'Exempt appendix'", "give it the label the report refers to it by, e.g. 'label: Appendix 2': "
                       "the label is published, the title is not", code="exempt-appendix-no-label")


def _check_own_papers(exempt: ExemptPapers, meeting: MeetingSource, report: Report) -> None:
    """Minutes or decisions listed under Part B anywhere are exempt: say that they are not published."""
    for own in (meeting.minutes, meeting.decisions):
        if own is not None and (place := exempt.place(own)) is not None:
            report.warning(own, 1, 1, f"{own.name} is exempt ({place.where}), so it is not published on the "
                           "website", "exempt minutes go only into the members' pack of the meeting that lists "
                           "them under Part B", code="exempt-own-minutes")


def _check_agenda(project: Project, committee: CommitteeSource, meeting: MeetingSource, report: Report,
                  exempt: ExemptPapers) -> None:
    keys = {s.key for s in committee.committee.standard_items}
    agenda = meeting.meeting.agenda
    seen: dict[Path, str] = {}
    for part in ("part_a", "part_b"):
        for i, item in enumerate(getattr(agenda, part)):
            loc = ("agenda", part, i)
            if item.standard is not None and item.standard not in keys:
                line, col = meeting.positions.find(loc + ("standard",))
                known = ", ".join(sorted(keys)) or "none are defined"
                report.error(meeting.yaml_path, line, col, f"unknown standard item '{item.standard}'",
                             f"committee.yaml defines: {known}", code="standard-item-unknown")
            if part == "part_b" and item.exempt_paragraph is None:
                line, col = meeting.positions.find(loc)
                report.error(meeting.yaml_path, line, col,
                             "Part B item has no 'exempt_paragraph'",
                             "give the paragraph (1-7) of Part 1 of Schedule 12A to the Local Government "
                             "Act 1972 that justifies excluding the public", code="part-b-no-paragraph")
            if part == "part_a" and item.exempt_paragraph is not None:
                line, col = meeting.positions.find(loc + ("exempt_paragraph",))
                report.error(meeting.yaml_path, line, col,
                             "a Part A (public) item cannot be exempt",
                             "move the item to part_b, or remove 'exempt_paragraph'", code="part-a-exempt")
            if item.published_on is not None:
                line, col = meeting.positions.find(loc + ("published_on",))
                if item.published_on < meeting.meeting.issued_on:
                    report.error(meeting.yaml_path, line, col,
                                 f"published_on {item.published_on} is before the agenda was issued "
                                 f"({meeting.meeting.issued_on})",
                                 "papers published with the agenda need no published_on; remove it", code="published-before-issue")
                elif item.published_on > meeting.meeting.date:
                    report.error(meeting.yaml_path, line, col,
                                 f"published_on {item.published_on} is after the meeting ({meeting.meeting.date})",
                                 "papers must be published before or on the day of the meeting", code="published-after-meeting")
            if item.webcast_at is not None and meeting.meeting.webcast is None:
                line, col = meeting.positions.find(loc + ("webcast_at",))
                report.error(meeting.yaml_path, line, col, "webcast_at is given but the meeting has no webcast",
                             "add 'webcast: https://...' (the recording's address) to the meeting", code="webcast-missing")
            for j, ref in enumerate(item.documents):
                name = ref if isinstance(ref, str) else ref.pdf
                line, col = meeting.positions.find(loc + ("documents", j))
                path = resolved(meeting.path / name)
                if path in seen:
                    report.error(meeting.yaml_path, line, col,
                                 f"'{name}' is already listed under {seen[path]}", "list each paper once", code="paper-listed-twice")
                    continue
                seen[path] = f"item {i + 1} of {part}"
                if part == "part_a":
                    _check_public_listing(project, exempt, meeting, item, ref, path, (line, col), report)
                if not isinstance(ref, str) and ref.exempt_paragraph is not None:
                    at = meeting.positions.find(loc + ("documents", j, "exempt_paragraph"))
                    _check_exempt_appendix(meeting, part, ref, None, at, report)
                if not isinstance(ref, str):
                    if path.is_file() and inside(project.root, path) and path.suffix.lower() == ".pdf":
                        try:
                            pdf_page_sizes(path)
                        except PdfProblem as exc:
                            report.error(meeting.yaml_path, line, col, f"'{name}': {exc}", code="pdf-invalid")
                        else:  # what publishing removes (scripts, actions, attachments): said where it is listed
                            check_published(report, meeting.yaml_path, line, col, name, path)
                    continue
                doc = project.documents.get(path)
                if doc is None:
                    continue
                _check_exempt_appendix(meeting, part, ref, doc, (line, col), report)
                doc_paragraph = doc.meta.exempt_paragraph if isinstance(doc.meta, model.ReportMeta) else None
                if part == "part_b" and doc_paragraph and item.exempt_paragraph and doc_paragraph != item.exempt_paragraph:
                    report.error(meeting.yaml_path, line, col,
                                 f"'{name}' cites paragraph {doc_paragraph} of Schedule 12A but the agenda item "
                                 f"cites paragraph {item.exempt_paragraph}", "make the two paragraphs agree", code="exempt-paragraph-mismatch")
                if isinstance(doc.meta, model.ReportMeta) and doc.meta.date != meeting.meeting.date:
                    dline, dcol = doc.positions.find(("date",))
                    report.warning(doc.path, dline, dcol,
                                   f"report date {doc.meta.date} differs from the meeting date "
                                   f"{meeting.meeting.date}", code="report-date")
                if isinstance(doc.meta, model.AppendixMeta) and doc.meta.source == "workplan" \
                        and not (committee.path / "workplan.yaml").is_file():
                    sline, scol = doc.positions.find(("source",))
                    report.error(doc.path, sline, scol, "this appendix shows the work plan, but the committee "
                                 "has no workplan.yaml", f"create {committee.path.name}/workplan.yaml", code="workplan-missing")


@dataclass
class _Paper:
    """A paper as listed in one meeting's agenda: what a cross reference may point to."""

    exempt: bool
    anchors: set[str] | None
    """Heading and paragraph anchors of a Markdown paper; None for an existing PDF."""


def _papers(project: Project, rendered: dict[Path, Rendered],
            exempt: ExemptPapers) -> dict[Path, dict[Path, _Paper]]:
    """For each paper: the papers of the meetings it is listed in (its possible link targets)."""
    by_meeting: list[dict[Path, _Paper]] = []
    for committee in project.committees:
        for meeting in committee.meetings:
            papers: dict[Path, _Paper] = {}
            for part in ("part_a", "part_b"):
                for item in getattr(meeting.meeting.agenda, part):
                    for ref in item.documents:
                        path = resolved(meeting.path / (ref if isinstance(ref, str) else ref.pdf))
                        source = project.documents.get(path)
                        released = getattr(getattr(source, "meta", None), "released", None) \
                            if isinstance(ref, str) else ref.released
                        withheld = part == "part_b" or exempt.withheld(path, released, listing_date(meeting, item))
                        papers[path] = _Paper(withheld,
                                              None if not isinstance(ref, str) else _anchors(rendered.get(path)))
            by_meeting.append(papers)
    out: dict[Path, dict[Path, _Paper]] = {}
    for papers in by_meeting:
        for path in papers:
            out.setdefault(path, {}).update(papers)
    return out


def _anchors(rendered: Rendered | None) -> set[str]:
    """What `paper.md#...` may name: the paper's headings and blocks, and the anchors its template adds."""
    return set() if rendered is None else set(rendered.blocks) | TEMPLATE_ANCHORS


def _render(doc: DocumentSource) -> Rendered:
    """A paper's body rendered as the pack and site render it (ids included), once for every check."""
    return doc.analysis


def _meeting_unreadable(paper: Path, report: Report) -> bool:
    """Whether the meeting.yaml beside a paper could not be read (an error is reported in it)."""
    beside = os.path.abspath(paper.parent / "meeting.yaml")
    return any(d.severity == "error" and d.file == beside for d in report.diagnostics)


def _check_links(project: Project, doc: DocumentSource, rendered: Rendered,
                 papers: dict[Path, dict[Path, _Paper]], report: Report) -> None:
    """Links to other papers of the same meeting are cross references; other local links cannot work."""
    mine = papers.get(doc.path, {})
    me = mine.get(doc.path)
    if not mine and _meeting_unreadable(doc.path, report):
        return  # which papers the meeting lists is not known: its meeting.yaml has errors, reported already
    for link in rendered.links:
        local = local_target(link.href, doc.path)
        if local is None:
            continue
        path, fragment = local
        target = mine.get(path) if path != doc.path else (me or _Paper(False, _anchors(rendered)))
        if target is None:
            report.warning(doc.path, link.line, 1,
                           f"link to '{link.href}' will not work on the website or in the pack",
                           "link to a web address (https://...), or to another paper of the same meeting "
                           "(e.g. [Appendix 2](appendix-2.md)); it is shown as plain text", code="link-broken")
            continue
        if target.exempt and not (me and me.exempt):
            report.warning(doc.path, link.line, 1, f"link to '{link.href}', an exempt paper",
                           "the words are kept but the link is left out of the public pack and website, "
                           "so that nothing of the exempt paper is published", code="link-to-exempt")
        if fragment and target.anchors is not None and fragment not in target.anchors:
            headings = sorted(a for a in target.anchors if not BLOCK_ID.match(a))
            report.warning(doc.path, link.line, 1, f"link to '{link.href}': no heading '#{fragment}' in that paper",
                           "headings are linked by their words in lower case with hyphens, e.g. #background; "
                           f"this paper has: {', '.join('#' + h for h in headings[:12]) or 'no headings'}", code="link-no-heading")


def _check_document(project: Project, doc: DocumentSource, rendered: Rendered,
                    papers: dict[Path, dict[Path, _Paper]], report: Report) -> None:
    minutes = isinstance(doc.meta, model.MinutesMeta)
    for image in rendered.images:
        if not image.alt.strip():
            report.error(doc.path, image.line, 1, f"image '{image.src}' has no alternative text",
                         "describe the image between the brackets: ![what the chart shows](chart.svg)", code="image-no-alt")
        if "://" in image.src or image.src.startswith(("/", "data:")):
            report.error(doc.path, image.line, 1, f"image '{image.src}' must be a file beside the document",
                         "save the image in the meeting folder and give its file name", code="image-not-local")
            continue
        target = doc.path.parent / image.src
        if ".." in Path(image.src).parts:
            report.error(doc.path, image.line, 1, f"image '{image.src}' must be in the document's folder or a "
                         "folder inside it", "copy the image beside the document; on the website each paper's "
                         "images are published beside its page", code="image-outside-folder")
        elif not inside(project.root, target):
            report.error(doc.path, image.line, 1, f"image '{image.src}' is outside the content folder", code="image-outside-content")
        elif not target.is_file():
            report.error(doc.path, image.line, 1, f"image '{image.src}' not found",
                         "check the file name; images go in the same folder as the document", code="image-not-found")
        elif target.suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp"):
            report.error(doc.path, image.line, 1, f"image '{image.src}' is not a PNG, JPEG, GIF, WebP or SVG file", code="image-format")
        else:  # an SVG that cannot be read is an error; what sanitising removes from it, a warning
            check_published(report, doc.path, image.line, 1, image.src, target)
    for heading in rendered.headings:
        if heading.level > 4:
            report.warning(doc.path, heading.line, 1, f"heading '{heading.text}' is nested too deep",
                           "use ## for sections and ### or #### within them", code="heading-too-deep")
    _check_links(project, doc, rendered, papers, report)
    if isinstance(doc.meta, model.ReportMeta) and project.site.wards:
        known = {w.lower(): w for w in project.site.wards}
        for k, ward in enumerate(doc.meta.wards):
            if ward.lower() != "all" and ward.lower() not in known:
                line, col = doc.positions.find(("wards", k))
                close = difflib.get_close_matches(ward, project.site.wards, n=1)
                report.error(doc.path, line, col, f"unknown ward '{ward}'",
                             f"did you mean '{close[0]}'?" if close else
                             f"site.yaml lists: {', '.join(project.site.wards)}; or write 'All'", code="ward-unknown")
    if isinstance(doc.meta, model.ReportMeta):
        sections = {h.text.lower() for h in rendered.headings if h.level == 2}
        for expected in EXPECTED_REPORT_SECTIONS:
            if expected not in sections:
                report.warning(doc.path, doc.body_line + 1, 1, f"the report has no '{expected.capitalize()}' section",
                               f"add a '## {expected.capitalize()}' heading", code="report-section-missing")
    if minutes and doc.path.name != "minutes.md":
        report.warning(doc.path, 1, 1, "minutes should be saved as minutes.md in the folder of the meeting they "
                       "record", "otherwise their minute items are not numbered", code="minutes-file-name")
    for _, paragraph, line in rendered.exempt:
        if paragraph not in range(1, 8):
            report.error(doc.path, line, 1, "an item marked {exempt} must give the paragraph of Schedule 12A"
                         + (f" (1 to 7, not {paragraph})" if paragraph is not None else ""),
                         "write the paragraph (1-7) of Part 1 of Schedule 12A after the heading, e.g. "
                         "'## Sale of the old depot {exempt=3}'", code="exempt-mark-paragraph")
    if minutes and not rendered.minutes:
        report.error(doc.path, doc.body_line + 1, 1, "the minutes have no minute items",
                     "start each minute item with a '## Title' heading", code="minutes-empty")


def _check_revisions(root: Path, meeting: MeetingSource, report: Report) -> dict[Path, Path]:
    """Each revision names one of its item's papers, an earlier version of the same kind, and dates in order;
    return the earlier Markdown versions, by the paper they are versions of."""
    earlier: dict[Path, Path] = {}
    for part in ("part_a", "part_b"):
        for i, item in enumerate(getattr(meeting.meeting.agenda, part)):
            names = [ref if isinstance(ref, str) else ref.pdf for ref in item.documents]
            paths = {resolved(meeting.path / name): name for name in names}
            last: dict[Path, dt.date] = {}
            for j, revision in enumerate(item.revisions):
                loc = ("agenda", part, i, "revisions", j)
                path = resolved(meeting.path / revision.document)
                old = resolved(meeting.path / revision.earlier)
                if path not in paths:
                    line, col = meeting.positions.find(loc + ("document",))
                    report.error(meeting.yaml_path, line, col, f"revisions[{j + 1}].document: '{revision.document}' "
                                 "is not one of this item's papers",
                                 f"name the revised paper as the item's documents list it: {', '.join(names)}"
                                 if names else "list the paper under the item's 'documents' first",
                                 code="revision-unknown-document")
                    continue
                if old == path or old.suffix.lower() != path.suffix.lower():
                    line, col = meeting.positions.find(loc + ("earlier",))
                    report.error(meeting.yaml_path, line, col,
                                 f"revisions[{j + 1}].earlier: '{revision.earlier}' cannot be the earlier version "
                                 f"of '{revision.document}'" + (" (it is the same file)" if old == path else
                                                                  " (a Markdown paper and a PDF are not versions of each other)"),
                                 "keep the version that was published under another name, e.g. "
                                 "'revisions/report-2026-02-20.md', and give that name", code="revision-earlier-invalid")
                    continue
                before = last.get(path, listing_date(meeting, item) if item.published_on is None
                                  or item.published_on < revision.on else meeting.meeting.issued_on)
                if revision.on < before:
                    line, col = meeting.positions.find(loc + ("on",))
                    report.error(meeting.yaml_path, line, col,
                                 f"revisions[{j + 1}].on: {revision.on} is before the version it replaces was "
                                 f"published ({before})", "give the date the revised version was published; list "
                                 "the revisions of a paper oldest first", code="revision-date")
                last[path] = revision.on
                if old.suffix.lower() == ".md":
                    earlier[old] = path
                elif old.is_file() and inside(root, old):  # published beside the paper
                    line, col = meeting.positions.find(loc + ("earlier",))
                    try:
                        pdf_page_sizes(old)
                    except PdfProblem as exc:
                        report.error(meeting.yaml_path, line, col, f"'{revision.earlier}': {exc}", code="pdf-invalid")
                    else:
                        check_published(report, meeting.yaml_path, line, col, revision.earlier, old)
    return earlier


def _check_committee(committee: CommitteeSource, report: Report) -> None:
    check_ids(committee, report)
    seen: set[str] = set()
    for i, item in enumerate(committee.committee.standard_items):
        if item.key in seen:
            line, col = committee.positions.find(("standard_items", i, "key"))
            report.error(committee.path / "committee.yaml", line, col,
                         f"standard item key '{item.key}' is used twice", "give each standard item its own key", code="standard-item-duplicate")
        seen.add(item.key)
    plans = [(committee.path / "workplan.yaml", committee.workplan, committee.workplan_positions),
             *committee.earlier_workplans]
    for path, plan, positions in plans:
        if plan is None or positions is None:
            continue
        for i, (before, after) in enumerate(zip(plan.meetings, plan.meetings[1:]), start=1):
            if (after.date, after.time) < (before.date, before.time):
                line, col = positions.find(("meetings", i, "date"))
                report.error(path, line, col, "meetings must be listed in date order",
                             f"{after.date} comes after {before.date} in the list", code="workplan-order")
                break


def validate_project(project: Project, report: Report) -> None:
    """Add every cross-file problem of the project to the report."""
    exempt = exempt_papers(project)
    versions: dict[Path, Path] = {}
    for committee in project.committees:
        _check_committee(committee, report)
        for meeting in committee.meetings:
            _check_agenda(project, committee, meeting, report, exempt)
            _check_own_papers(exempt, meeting, report)
            versions.update(_check_revisions(project.root, meeting, report))
    rendered = {path: _render(doc) for path, doc in project.documents.items()}
    papers = _papers(project, rendered, exempt)
    for old, current in versions.items():  # an earlier version links to the papers the current one may link to
        if current in papers:
            papers.setdefault(old, papers[current])
    for path, doc in project.documents.items():
        _check_document(project, doc, rendered[path], papers, report)
