"""Output paths: resolved meetings in, every path the website will have (and who made it) out.

`pack build` refuses two outputs on one path only once everything is
rendered; this module works the paths out from the resolved meetings alone, so
that `pack check` finds the clash first and says which file or folder to
rename: a paper named like its item's PDF, a committee folder named like one
of the site's own pages (`wards`, `search`...).  It follows the addresses
that site.py and opendata.py give (document_path, pdf_path).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Report
from .resolve import ResolvedMeeting
from .site import document_path, pdf_path, pdf_text_path

SITE_NAMES = ("index.html", "wards", "councillors", "search", "accessibility", "assets", "pagefind", "calendar.ics",
              "papers.atom", "sitemap.xml")
"""Top-level names the website uses for itself; a committee folder may not take one."""
COMMITTEE_NAMES = ("index.html", "decisions", "declarations", "calendar.ics", "decisions.json")


@dataclass(frozen=True)
class Owner:
    """What an output is, and where in the content it comes from (for the message)."""

    what: str
    path: str
    line: int = 0
    column: int = 0


def _meeting_outputs(meeting: ResolvedMeeting) -> list[tuple[str, Owner]]:
    base = meeting.url_path
    yaml = str(meeting.source.yaml_path)
    out = [(f"{base}/index.html", Owner("the meeting's page", yaml)),
           (f"{base}/meeting.json", Owner("the meeting's open data", yaml)),
           (pdf_path(meeting, "agenda"), Owner("the agenda pack", yaml))]
    groups = {item.published_on for item in meeting.items if item.supplementary and not item.exempt}
    for n in range(1, len(groups) + 1):
        out.append((pdf_path(meeting, f"supplement-{n}"), Owner(f"supplementary pack {n}", yaml)))
    if groups:
        out.append((pdf_path(meeting, "consolidated"), Owner("the consolidated pack", yaml)))
    for item in meeting.items:
        line, col = meeting.source.positions.find(("agenda", *item.source)) if item.source else (0, 0)
        out.append((f"{base}/{item.slug}/index.html", Owner(f"the page of item {item.number}", yaml, line, col)))
        if item.public_documents:
            out.append((pdf_path(meeting, item.slug), Owner(f"the PDF of item {item.number}", yaml, line, col)))
        for doc in item.public_documents:
            name = doc.source.path.name
            page = document_path(meeting, item, doc)
            out.append((page, Owner(f"'{name}'", yaml, line, col)))
            if doc.kind != "pdf":
                out.append((page.removesuffix("/index.html") + ".pdf", Owner(f"the PDF of '{name}'", yaml, line, col)))
            else:
                out.append((pdf_text_path(meeting, item, doc), Owner(f"the text of '{name}'", yaml, line, col)))
    for own in (meeting.minutes, meeting.decisions):
        if own is not None:
            out.append((document_path(meeting, None, own), Owner(f"'{own.source.path.name}'", str(own.source.path))))
    return out


def check_outputs(meetings: list[ResolvedMeeting], report: Report) -> None:
    """Report every output path that two things would be written to, before anything is rendered."""
    seen: dict[str, Owner] = {}
    committees = {m.committee.slug: m.committee for m in meetings}

    def claim(path: str, owner: Owner) -> None:
        first = seen.setdefault(path, owner)
        if first is not owner:
            report.error(owner.path, owner.line, owner.column,
                         f"{owner.what} would be published at {path}, where {first.what} is published",
                         "rename the file or folder so that the two addresses differ", code="output-clash")

    for slug, committee in committees.items():
        if slug in SITE_NAMES:
            report.error(committee.path, 0, 0, f"the committee folder '{slug}' has the name of one of the "
                         f"website's own pages ({slug}/)", "rename the folder, e.g. to the committee's name", code="committee-folder-reserved")
        for name in COMMITTEE_NAMES:
            claim(f"{slug}/{name}", Owner(f"the committee page {name}", str(committee.path / "committee.yaml")))
    for meeting in meetings:
        for path, owner in _meeting_outputs(meeting):
            claim(path, owner)
