"""`pack check`: load and validate the content, write nothing, report every problem."""

from __future__ import annotations

from pathlib import Path

from ..errors import Report
from ..load import Project, load_project
from ..outputs import check_outputs
from ..records import check_records, project_records
from ..resolve import resolve_project
from ..validate import validate_project


def check_project(source: Path) -> tuple[Project | None, Report]:
    """Load and validate; the project is None when it could not be loaded at all."""
    report = Report(source)
    project = load_project(source, report)
    if project is not None:
        validate_project(project, report)
        if not report.errors:  # follow-ups and outputs are checked across meetings, on content otherwise sound
            meetings = resolve_project(project)
            check_outputs(meetings, report)
            check_records(project_records(meetings), report)
    return project, report
