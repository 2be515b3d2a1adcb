"""`pack check`: load and validate the content, write nothing, report every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine.checks import CheckCache, StoredPositions
from ..errors import Report
from ..load import Project, load_project
from ..outputs import check_outputs
from ..records import CommitteeRecords, check_records, project_records
from ..resolve import ResolvedMeeting, resolve_project
from ..validate import validate_project


@dataclass
class Checked:
    """What checking found: the project (None if it could not be loaded), every problem, and, when the
    content is sound, the resolved meetings and the committees' records (so that a build does not
    work them out again)."""

    project: Project | None
    report: Report
    meetings: list[ResolvedMeeting] | None = None
    records: dict[str, CommitteeRecords] | None = None


def checked_project(source: Path, memo: CheckCache | None = None) -> Checked:
    """Load and validate; then resolve and check across meetings, if the content is otherwise sound.

    `memo` (pack build's check cache) gives what an earlier build found in each unchanged file; the
    diagnostics are the same with or without it.
    """
    report = Report(source)
    project = load_project(source, report, memo)
    checked = Checked(project, report)
    if project is not None:
        validate_project(project, report)
        if not report.errors:  # follow-ups and outputs are checked across meetings, on content otherwise sound
            checked.meetings = resolve_project(project)
            check_outputs(checked.meetings, report)
            checked.records = project_records(checked.meetings, project.committees)
            check_records(checked.records, report)
        _compact(project)
    return checked


def _compact(project: Project) -> None:
    """Once checked, hold the model in compact form: each paper's text compressed (what follows reads it
    once or twice), and no position tables (made again from their text should anything look)."""
    for document in project.documents.values():
        document.compact()
    every = [p for c in project.committees for p in (c.positions, c.workplan_positions, c.recommendations_positions,
                                                      *(m.positions for m in c.meetings),
                                                      *(p for _, _, p in c.earlier_workplans))]
    for positions in [*every, *(d.positions for d in project.documents.values())]:
        if isinstance(positions, StoredPositions):
            positions.compact()


def check_project(source: Path) -> tuple[Project | None, Report]:
    """Load and validate; the project is None when it could not be loaded at all."""
    checked = checked_project(source)
    return checked.project, checked.report
