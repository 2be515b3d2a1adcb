"""Load: the content folder in, typed records with their source positions out.

`load_project` reads `site.yaml`, every committee folder (`committee.yaml`,
`workplan.yaml`), every meeting folder (`meeting.yaml`) and every Markdown
document that an agenda names.  Each file is checked against the content
model as it is read; every problem is added to the report with its file,
line and column, and loading carries on so that all problems are shown at
once.  A file with errors is left out of the project, so later stages see
only valid records.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import model
from .errors import Report
from .yamlpos import Loc, Positions, YamlError, parse_yaml

MEETING_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([a-z0-9]+))?$")
M = TypeVar("M", bound=BaseModel)


@dataclass
class DocumentSource:
    """A Markdown document: its front matter as a record and its body text."""

    path: Path
    meta: model.ReportMeta | model.AppendixMeta | model.MinutesMeta | model.LetterMeta | model.PlainMeta
    body: str
    body_line: int
    """Line of the file on which the body starts, less one (add to markdown-it's 0-based map)."""
    positions: Positions


@dataclass
class PdfSource:
    """An existing PDF appendix named in a meeting.yaml."""

    path: Path
    ref: model.PdfAppendix


@dataclass
class MeetingSource:
    """A meeting folder: its meeting.yaml and where each value in it was."""

    slug: str
    path: Path
    meeting: model.Meeting
    positions: Positions
    minutes: Path | None = None
    """The meeting's own minutes (`minutes.md` in its folder), once written."""

    @property
    def yaml_path(self) -> Path:
        return self.path / "meeting.yaml"


@dataclass
class CommitteeSource:
    """A committee folder with its meetings in date order."""

    slug: str
    path: Path
    committee: model.Committee
    positions: Positions
    workplan: model.WorkPlan | None = None
    meetings: list[MeetingSource] = field(default_factory=list)


@dataclass
class Project:
    """Everything read from one content folder."""

    root: Path
    site: model.Site
    committees: list[CommitteeSource]
    documents: dict[Path, DocumentSource]
    """Markdown documents by resolved path; a document may serve several meetings."""


_FIELD_NAMES = sorted(
    {name for cls in vars(model).values() if isinstance(cls, type) and issubclass(cls, BaseModel)
     for name in cls.model_fields}
)


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _user_loc(loc: tuple[Any, ...], positions: Positions) -> Loc:
    """Drop the parts of a pydantic location that name union members, not fields."""
    path: Loc = ()
    for index, part in enumerate(loc):
        if path + (part,) in positions.values or index == len(loc) - 1 and isinstance(part, str):
            path = path + (part,)
    return path


def report_validation_error(exc: ValidationError, path: Path, positions: Positions, report: Report) -> None:
    """Turn pydantic's errors into diagnostics at the lines the user wrote."""
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors(include_url=False):
        loc = _user_loc(err["loc"], positions)
        kind = err["type"]
        name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
        where = _dotted(loc)
        hint = ""
        if kind == "extra_forbidden":
            message = f"unknown field '{name}'" + (f" in {_dotted(loc[:-1])}" if len(loc) > 1 else "")
            close = difflib.get_close_matches(name, _FIELD_NAMES, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "remove it, or check its spelling and indentation"
            line, col = positions.find(loc, prefer_key=True)
        elif kind == "missing":
            message = f"missing required field '{where}'"
            line, col = positions.find(loc[:-1])
            hint = "see docs/authoring.md for what this file needs"
        elif kind.startswith("date"):
            message = f"{where}: {err['input']!r} is not a valid date ({err['msg'].split(', ')[-1]})"
            hint = "write dates as YYYY-MM-DD, e.g. 2026-03-02"
            line, col = positions.find(loc)
        elif kind.startswith("time"):
            message = f"{where}: {err['input']!r} is not a valid time"
            hint = "write times as 24-hour HH:MM in quotes, e.g. \"10:00\""
            line, col = positions.find(loc)
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            message = f"{where or 'kind'}: document kind must be one of {', '.join(model.DOCUMENT_KINDS)}"
            line, col = positions.find(loc + ("kind",))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            message = f"{where}: {msg}" if where else msg
            line, col = positions.find(loc)
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        report.error(path, line, col, message, hint)


def validate_record(cls: type[M] | Any, data: Any, path: Path, positions: Positions, report: Report) -> Any:
    """Check `data` against a model (or a TypeAdapter-able type); None if it has errors."""
    try:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            return cls.model_validate(data)
        return TypeAdapter(cls).validate_python(data)
    except ValidationError as exc:
        report_validation_error(exc, path, positions, report)
        return None


def read_yaml(path: Path, report: Report, line_offset: int = 0, text: str | None = None) -> tuple[Any, Positions] | None:
    """Read a YAML file (or given text) to data and positions; None after reporting an error."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            report.error(path, 0, 0, f"the file is not UTF-8 text ({exc.reason})", "save it as UTF-8")
            return None
        except OSError as exc:
            report.error(path, 0, 0, f"cannot read the file: {exc.strerror}")
            return None
    try:
        data, positions = parse_yaml(text, line_offset)
    except YamlError as exc:
        report.error(path, exc.line, exc.column, f"YAML syntax: {exc.message}",
                     "check the indentation, and put text containing ':' or '#' in quotes")
        return None
    if not isinstance(data, dict):
        report.error(path, 1 + line_offset, 1, "expected a set of 'field: value' lines")
        return None
    return data, positions


def load_record(cls: type[M], path: Path, report: Report) -> tuple[M, Positions] | None:
    """Read and validate one YAML file against a model."""
    if not path.is_file():
        report.error(path, 0, 0, "file not found", f"create {path.name}; see docs/authoring.md")
        return None
    read = read_yaml(path, report)
    if read is None:
        return None
    data, positions = read
    record = validate_record(cls, data, path, positions, report)
    return (record, positions) if record is not None else None


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def load_document(path: Path, report: Report) -> DocumentSource | None:
    """Read a Markdown document with YAML front matter."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.error(path, 0, 0, f"the file is not UTF-8 text ({exc.reason})", "save it as UTF-8")
        return None
    except OSError as exc:
        report.error(path, 0, 0, f"cannot read the file: {exc.strerror}")
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        report.error(path, 1, 1, "the document has no front matter",
                     "start the file with a '---' line, the fields (kind, title...), and another '---' line")
        return None
    read = read_yaml(path, report, line_offset=1, text=match.group(1))
    if read is None:
        return None
    data, positions = read
    meta = validate_record(model.DocumentMeta, data, path, positions, report)
    if meta is None:
        return None
    body_line = text[: match.end()].count("\n")
    return DocumentSource(path, meta, text[match.end():], body_line, positions)


def inside(root: Path, path: Path) -> bool:
    """True when `path` (after following links) is inside the content folder `root`."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _load_meetings(source: CommitteeSource, report: Report) -> None:
    for folder in sorted(p for p in source.path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        match = MEETING_FOLDER.match(folder.name)
        if not match:
            report.error(folder, 0, 0, f"folder '{folder.name}' is not named like a meeting",
                         "name meeting folders by their date, YYYY-MM-DD (add -2 for a second meeting that day)")
            continue
        loaded = load_record(model.Meeting, folder / "meeting.yaml", report)
        if loaded is None:
            continue
        meeting, positions = loaded
        if meeting.date.isoformat() != match.group(1):
            line, col = positions.find(("date",))
            report.error(folder / "meeting.yaml", line, col,
                         f"date {meeting.date.isoformat()} does not match the folder name '{folder.name}'",
                         "rename the folder or correct the date")
            continue
        minutes = folder / "minutes.md"
        source.meetings.append(MeetingSource(folder.name, folder, meeting, positions,
                                             minutes.resolve() if minutes.is_file() else None))
    source.meetings.sort(key=lambda m: (m.meeting.date, m.meeting.start_time, m.slug))


def _document_paths(project_root: Path, meeting: MeetingSource, report: Report) -> list[Path]:
    """Markdown files named by an agenda, that exist and stay in the content folder."""
    out: list[Path] = []
    for part in ("part_a", "part_b"):
        for i, item in enumerate(getattr(meeting.meeting.agenda, part)):
            for j, ref in enumerate(item.documents):
                name = ref if isinstance(ref, str) else ref.pdf
                loc = ("agenda", part, i, "documents", j) + (() if isinstance(ref, str) else ("pdf",))
                line, col = meeting.positions.find(loc)
                target = (meeting.path / name)
                if not inside(project_root, target):
                    report.error(meeting.yaml_path, line, col, f"'{name}' is outside the content folder",
                                 "keep every document inside the content folder")
                    continue
                if not target.is_file():
                    report.error(meeting.yaml_path, line, col, f"document '{name}' not found",
                                 f"looked for {target}; check the file name and that it is in the meeting folder")
                    continue
                suffix = target.suffix.lower()
                if isinstance(ref, str) and suffix != ".md":
                    report.error(meeting.yaml_path, line, col, f"'{name}' is not a Markdown (.md) file",
                                 "list an existing PDF as {pdf: file.pdf, title: ..., description: ...}")
                elif not isinstance(ref, str) and suffix != ".pdf":
                    report.error(meeting.yaml_path, line, col, f"'{name}' is not a PDF file")
                elif isinstance(ref, str):
                    out.append(target.resolve())
    return out


def load_project(root: Path, report: Report) -> Project | None:
    """Read the whole content folder; None when site.yaml itself cannot be read.

    Problems are added to `report`; records with errors are left out.
    """
    if not root.is_dir():
        report.error(root, 0, 0, "content folder not found", "give the folder that holds site.yaml")
        return None
    site = load_record(model.Site, root / "site.yaml", report)
    committees: list[CommitteeSource] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name == "templates":
            continue
        if not (folder / "committee.yaml").is_file():
            report.warning(folder, 0, 0, "folder has no committee.yaml and is ignored")
            continue
        loaded = load_record(model.Committee, folder / "committee.yaml", report)
        if loaded is None:
            continue
        source = CommitteeSource(folder.name, folder, *loaded)
        if (folder / "workplan.yaml").is_file():
            plan = load_record(model.WorkPlan, folder / "workplan.yaml", report)
            source.workplan = plan[0] if plan else None
        _load_meetings(source, report)
        committees.append(source)
    documents: dict[Path, DocumentSource] = {}
    for committee in committees:
        for meeting in committee.meetings:
            own = [meeting.minutes] if meeting.minutes else []
            for path in own + _document_paths(root, meeting, report):
                if path not in documents:
                    doc = load_document(path, report)
                    if doc is not None:
                        documents[path] = doc
    if site is None:
        return None
    return Project(root, site[0], committees, documents)
