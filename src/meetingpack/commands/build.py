"""`pack build`: content in, `build/` out (the website under site/, and manifest.json).

The order matters: everything is checked before anything is rendered, and
everything is rendered before anything is written, so that a build with an
error leaves the previous output untouched (see publish.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Report
from ..publish import publish
from ..render.pdf import Pack, render_pack
from ..render.templates import make_environment
from ..resolve import ResolvedMeeting, resolve_project
from ..site import Output, pack_file, render_meeting_site, render_site_pages
from .check import check_project


@dataclass
class BuildResult:
    report: Report
    meetings: int
    files: int
    out: Path


def private_pack_file(meeting: ResolvedMeeting) -> str:
    """Path of a meeting's members' pack (with exempt papers), outside the site."""
    return f"private/{meeting.url_path}/{meeting.committee.slug}-{meeting.source.slug}-members-pack.pdf"


def has_exempt_papers(meeting: ResolvedMeeting) -> bool:
    return any(d.exempt for item in meeting.items for d in item.documents)


def manifest(meetings: list[tuple[ResolvedMeeting, Pack]]) -> dict[str, object]:
    """What was built: each meeting, its pages and its pack with the pages of every item and document."""
    entries = []
    for meeting, pack in meetings:
        items = []
        for item in meeting.items:
            page_range = pack.items.get(item.number)
            items.append({
                "number": item.number, "title": item.title, "part": item.part,
                "exempt": item.exempt, "supplementary": item.supplementary,
                "first_page": page_range.first if page_range else None,
                "last_page": page_range.last if page_range else None,
                "page": f"site/{meeting.url_path}/{item.slug}/index.html",
            })
        documents = [{"id": doc_id, "title": pack.titles[doc_id], "first_page": r.first, "last_page": r.last}
                     for doc_id, r in pack.documents.items()]
        entries.append({
            "committee": meeting.committee.slug,
            "meeting": meeting.source.slug,
            "title": meeting.title,
            "date": meeting.meeting.date.isoformat(),
            "start_time": meeting.meeting.start_time.strftime("%H:%M"),
            "status": meeting.meeting.status.value,
            "outputs": {"page": f"site/{meeting.url_path}/index.html", "pack": f"site/{pack_file(meeting)}",
                        **({"members_pack": private_pack_file(meeting)} if has_exempt_papers(meeting) else {})},
            "pack": {
                "file": f"site/{pack_file(meeting)}",
                "pages": pack.total_pages,
                "front_sheet_pages": pack.front_pages,
                "numbered_pages": pack.numbered_pages,
                "items": items,
                "documents": documents,
            },
        })
    return {"generator": "meetingpack", "meetings": entries}


def build_project(source: Path, out: Path, progress: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Build the site and packs of the content in `source` into `out`, replacing it whole.

    Raises ContentError (with every problem) before writing anything if the content has errors.
    """
    project, report = check_project(source)
    report.raise_if_errors()
    assert project is not None
    meetings = resolve_project(project)
    env = make_environment(project.root)
    outputs: list[Output] = []
    rendered: list[tuple[ResolvedMeeting, Pack]] = []
    for meeting in meetings:
        progress(f"rendering {meeting.url_path}")
        pack = render_pack(env, meeting)
        rendered.append((meeting, pack))
        if has_exempt_papers(meeting):
            # Exempt papers go only into build/private/, never under site/ (Schedule 12A).
            members = render_pack(env, meeting, include_exempt=True)
            outputs.append(Output(private_pack_file(meeting), members.pdf))
        outputs.extend(Output("site/" + o.path, o.data, o.source) for o in render_meeting_site(env, meeting, pack))
    outputs.extend(Output("site/" + o.path, o.data, o.source) for o in render_site_pages(env, project, meetings))
    data = json.dumps(manifest(rendered), indent=2, ensure_ascii=False) + "\n"
    outputs.append(Output("manifest.json", data.encode("utf-8")))
    files = publish(outputs, out)
    return BuildResult(report, len(meetings), files, out)

