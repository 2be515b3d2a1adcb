"""Exempt information: the seven descriptions of Part 1 of Schedule 12A to the
Local Government Act 1972, the notice printed where exempt business is withheld,
the public name of an exempt appendix of a public report, and which papers of the content are exempt (`exempt_papers`: the loaded project in,
the register of exempt papers out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .engine.state import file_sha256
from .model import AgendaItem, Release
from .paths import resolved

if TYPE_CHECKING:
    from .load import MeetingSource, Project
    from .yamlpos import Loc, Positions

SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
       "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or "
       "negotiations, in connection with any labour relations matter arising between the authority or a "
       "Minister of the Crown and employees of, or office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in "
       "legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment a notice "
       "under or by virtue of which requirements are imposed on a person; or (b) to make an order or "
       "direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the prevention, "
       "investigation or prosecution of crime.",
}


def exempt_notice(paragraph: int | None) -> str:
    """The notice shown in place of an exempt item's papers."""
    if paragraph is None:
        return "Not for publication: exempt information under Schedule 12A to the Local Government Act 1972."
    return (f"Not for publication by virtue of paragraph {paragraph} of Part 1 of Schedule 12A to the "
            f"Local Government Act 1972: {SCHEDULE_12A[paragraph]}")


def exempt_appendix_name(label: str | None) -> str:
    """How an exempt appendix of a public item is named in public: its label only, never its title.

    The title of an appendix often says what it withholds ("Valuation of 4
    Mill Lane"); the label ("Appendix 2") is what the report refers to.
    """
    return f"{label} (exempt)" if label else "Exempt appendix"


# ------------------------------------------------------------ which papers are exempt


@dataclass(frozen=True)
class ExemptPlace:
    """Where a paper was made exempt: a Part B listing, or its own front matter."""

    path: Path
    """The meeting.yaml that lists it under Part B, or the paper itself (exempt_paragraph)."""
    positions: Positions
    """The positions of that file, and where in it (`loc`): line and column are looked up only when a
    message needs them (a file's positions are made into tables on first use, engine/checks.py)."""
    loc: Loc
    where: str
    """In words, for messages: "listed under Part B item 'Sale of the old depot' of panel/2026-01-12"."""

    @property
    def line(self) -> int:
        return self.positions.find(self.loc)[0]

    @property
    def column(self) -> int:
        return self.positions.find(self.loc)[1]


@dataclass
class ExemptPapers:
    """Every paper that is exempt somewhere in the content, known by its path and by its bytes.

    Exempt is a property of the paper, not of one listing: a file listed under
    a Part B item of any meeting, or whose front matter gives an
    exempt_paragraph, is withheld wherever else it is listed, and so is a copy
    of it under another name (same bytes).  Only an explicit `released`
    declaration on the paper lets it be published, from its date on.
    """

    by_path: dict[Path, ExemptPlace] = field(default_factory=dict)
    by_digest: dict[str, ExemptPlace] = field(default_factory=dict)
    digests: dict[Path, str] = field(default_factory=dict)

    def digest(self, path: Path) -> str | None:
        if path not in self.digests:
            try:
                self.digests[path] = file_sha256(path)
            except OSError:
                return None
        return self.digests[path]

    def add(self, path: Path, place: ExemptPlace) -> None:
        self.by_path.setdefault(path, place)
        digest = self.digest(path)
        if digest is not None:
            self.by_digest.setdefault(digest, place)

    def place(self, path: Path) -> ExemptPlace | None:
        """Why the paper at `path` is exempt, or None if it is exempt nowhere."""
        found = self.by_path.get(path)
        if found is None:
            digest = self.digest(path)
            found = self.by_digest.get(digest) if digest is not None else None
        return found

    def withheld(self, path: Path, released: Release | None, published: dt.date) -> bool:
        """True if the paper may not be published in a listing published on `published`."""
        if self.place(path) is None:
            return False
        return released is None or released.on > published


def _paper_refs(meeting: MeetingSource) -> Iterator[tuple[str, int, AgendaItem, int, Path, Release | None]]:
    """(part, index, item, document index, resolved path, release on the listing) of each paper listed."""
    for part in ("part_a", "part_b"):
        for index, item in enumerate(getattr(meeting.meeting.agenda, part)):
            for k, ref in enumerate(item.documents):
                name = ref if isinstance(ref, str) else ref.pdf
                released = None if isinstance(ref, str) else ref.released
                yield part, index, item, k, resolved(meeting.path / name), released


def exempt_papers(project: Project) -> ExemptPapers:
    """Collect every paper that is listed under Part B anywhere, or says it is exempt."""
    papers = ExemptPapers()
    for committee in project.committees:
        for meeting in committee.meetings:
            for part, index, item, k, path, _ in _paper_refs(meeting):
                ref = item.documents[k]
                if not isinstance(ref, str) and ref.exempt_paragraph is not None:
                    # an exempt PDF appendix says so on its listing: the paper is exempt wherever it is listed
                    where = (f"an exempt appendix (exempt_paragraph: {ref.exempt_paragraph}) of item "
                             f"'{item.title or item.standard}' of {committee.slug}/{meeting.slug}")
                    papers.add(path, ExemptPlace(meeting.yaml_path, meeting.positions,
                                                 ("agenda", part, index, "documents", k, "exempt_paragraph"), where))
                if part != "part_b":
                    continue
                where = (f"listed under Part B item '{item.title or item.standard}' of "
                         f"{committee.slug}/{meeting.slug}")
                papers.add(path, ExemptPlace(meeting.yaml_path, meeting.positions,
                                             ("agenda", part, index, "documents", k), where))
    for path, doc in project.documents.items():
        paragraph = getattr(doc.meta, "exempt_paragraph", None)
        if paragraph:
            papers.add(path, ExemptPlace(path, doc.positions, ("exempt_paragraph",), f"marked exempt in its own front matter (exempt_paragraph: {paragraph})"))
    _earlier_versions(project, papers)
    return papers


def _earlier_versions(project: Project, papers: ExemptPapers) -> None:
    """An earlier version of an exempt paper is exempt too, wherever else it is listed: it holds the same
    information (revisions: on an agenda item; the version before a correction)."""
    for committee in project.committees:
        for meeting in committee.meetings:
            for part in ("part_a", "part_b"):
                for index, item in enumerate(getattr(meeting.meeting.agenda, part)):
                    for j, revision in enumerate(item.revisions):
                        place = papers.place(resolved(meeting.path / revision.document))
                        if place is None:
                            continue
                        papers.add(resolved(meeting.path / revision.earlier), ExemptPlace(
                            meeting.yaml_path, meeting.positions, ("agenda", part, index, "revisions", j, "earlier"),
                            f"an earlier version of '{revision.document}', which is {place.where}"))


def listing_date(meeting: MeetingSource, item: AgendaItem) -> dt.date:
    """When a listing makes its papers public: the item's own publication date, or the agenda's."""
    return item.published_on or meeting.meeting.issued_on
