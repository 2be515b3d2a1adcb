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
import functools
import hashlib
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import model
from .engine.checks import (
    CheckCache,
    decode_analysis,
    decode_limits,
    decode_yaml,
    encode_analysis,
    encode_limits,
    encode_yaml,
)
from .errors import Report
from .paths import forget_folders, resolved
from .render.markdown import Options, Rendered, markdown_limits, render_markdown
from .yamlpos import Loc, Positions, YamlError, control_character, parse_yaml

MAX_FILE_BYTES = 1 << 20
"""The most a YAML file or a paper may be: 1 MB (a long council report is a few hundred KB)."""
MEETING_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([a-z0-9]+))?$")
M = TypeVar("M", bound=BaseModel)


class _Body:
    """`DocumentSource.body`: the text, held as given until `DocumentSource.compact`, then compressed and
    given back whole on each use (a paper's text is read by its render and its page, once each)."""

    def __get__(self, obj: DocumentSource | None, owner: type | None = None) -> str:
        if obj is None:
            raise AttributeError("body")  # a field without a default (dataclasses asks)
        text = obj.__dict__.get("_body")
        if text is None:
            return zlib.decompress(obj.__dict__["_packed"]).decode("utf-8", "surrogatepass")
        return text

    def __set__(self, obj: DocumentSource, value: str) -> None:
        obj.__dict__.pop("_packed", None)
        obj.__dict__.pop("_digest", None)
        obj.__dict__["_body"] = value


@dataclass
class DocumentSource:
    """A Markdown document: its front matter as a record and its body text."""

    path: Path
    meta: model.ReportMeta | model.AppendixMeta | model.MinutesMeta | model.LetterMeta | model.PlainMeta
    body: str = _Body()  # type: ignore[assignment]  # a descriptor without a default: see _Body
    body_line: int
    """Line of the file on which the body starts, less one (add to markdown-it's 0-based map)."""
    positions: Positions

    def compact(self) -> None:
        """Hold the body compressed from now on (once checked: an archive's papers are most of its model)."""
        text = self.__dict__.pop("_body", None)
        if text is not None:
            data = text.encode("utf-8", "surrogatepass")
            self.__dict__["_digest"] = hashlib.sha256(data).hexdigest()
            self.__dict__["_packed"] = zlib.compress(data, 1)

    def body_digest(self) -> str:
        """The SHA-256 of the body (what a render key holds of it)."""
        digest = self.__dict__.get("_digest")
        if digest is None:
            digest = self.__dict__["_digest"] = hashlib.sha256(self.body.encode("utf-8", "surrogatepass")).hexdigest()
        return digest

    @functools.cached_property
    def analysis(self) -> Rendered:
        """What the body holds (headings, links, images, block ids, minute items, resolutions, exempt marks),
        found by rendering it once per build as the pack and the site do, and shared by the checks
        (validate.py), the minute numbering (resolve.py) and the records (records.py).  Minutes are
        numbered from 1 here: `renumbered` gives them their real numbers.  Its HTML is not kept."""
        minutes = isinstance(self.meta, model.MinutesMeta)
        rendered = render_markdown(self.body, Options(
            line_offset=self.body_line, minute_start=1 if minutes else None,
            number_paragraphs=isinstance(self.meta, model.ReportMeta),
            exempt_marks=isinstance(self.meta, model.DecisionsMeta), block_ids=True))
        rendered.html = ""
        return rendered


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
    decisions: Path | None = None
    """The meeting's decisions (`decisions.md`), published before the minutes."""

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
    """The current work plan (workplan.yaml)."""
    workplan_positions: Positions | None = None
    earlier_workplans: list[tuple[Path, model.WorkPlan, Positions]] = field(default_factory=list)
    """Work plans of earlier municipal years kept beside it (workplan-2025-26.yaml, as `pack new year` keeps
    them), so that a past meeting's pack still shows the plan of its own year."""
    recommendations: list[model.Recommendation] = field(default_factory=list)
    recommendations_positions: Positions | None = None
    meetings: list[MeetingSource] = field(default_factory=list)

    def workplan_for(self, municipal_year: str) -> model.WorkPlan | None:
        """The work plan of a municipal year ('2025/26'): the one whose year it is, else the current one."""
        for _, plan, _ in self.earlier_workplans:
            if plan.municipal_year == municipal_year:
                return plan
        return self.workplan


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
        if path + (part,) in positions.values or index == len(loc) - 1 and part in _FIELD_NAMES:
            path = path + (part,)
    return path


def _allowed(err: Any) -> list[object]:
    """The values an enum or literal field takes, from pydantic's error ("'a', 'b' or 'c'")."""
    expected = str((err.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected) or [expected]


def report_validation_error(exc: ValidationError, path: Path, positions: Positions, report: Report) -> None:
    """Turn pydantic's errors into diagnostics at the lines the user wrote."""
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors(include_url=False):
        loc = _user_loc(err["loc"], positions)
        kind = err["type"]
        name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
        where = _dotted(loc)
        hint = ""
        code = "invalid-value"
        if kind == "extra_forbidden":
            code = "unknown-field"
            message = f"unknown field '{name}'" + (f" in {_dotted(loc[:-1])}" if len(loc) > 1 else "")
            close = difflib.get_close_matches(name, _FIELD_NAMES, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "remove it, or check its spelling and indentation"
            line, col = positions.find(loc, prefer_key=True)
        elif kind == "missing":
            code = "missing-field"
            message = f"missing required field '{where}'"
            line, col = positions.find(loc[:-1])
            hint = "see docs/authoring.md for what this file needs"
        elif kind.startswith("date"):
            code = "invalid-date"
            message = f"{where}: {err['input']!r} is not a valid date ({err['msg'].split(', ')[-1]})"
            hint = "write dates as YYYY-MM-DD, e.g. 2026-03-02"
            line, col = positions.find(loc)
        elif kind.startswith("time"):
            code = "invalid-time"
            message = f"{where}: {err['input']!r} is not a valid time"
            hint = "write times as 24-hour HH:MM in quotes, e.g. \"10:00\""
            line, col = positions.find(loc)
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            code = "unknown-document-kind"
            message = f"{where or 'kind'}: document kind must be one of {', '.join(model.DOCUMENT_KINDS)}"
            line, col = positions.find(loc + ("kind",))
        elif kind in ("enum", "literal_error"):
            code = "invalid-choice"
            allowed = [str(v) for v in _allowed(err)]
            message = f"{where}: {err['input']!r} is not one of {', '.join(allowed)}"
            close = difflib.get_close_matches(str(err["input"]).lower(), allowed, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else ""
            line, col = positions.find(loc)
        else:
            msg = err["msg"].removeprefix("Value error, ")
            message = f"{where}: {msg}" if where else msg
            line, col = positions.find(loc)
            if name == "exempt_paragraph":
                hint = ("give the paragraph of Part 1 of Schedule 12A to the Local Government Act 1972 that "
                        "applies: a whole number from 1 to 7 (docs/authoring.md, section 6)")
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        report.error(path, line, col, message, hint, code=code)


@functools.cache
def _adapter(cls: Any) -> TypeAdapter[Any]:
    """One validator per type for the whole run: building one costs more than validating a paper's front matter."""
    return TypeAdapter(cls)


def validate_record(cls: type[M] | Any, data: Any, path: Path, positions: Positions, report: Report) -> Any:
    """Check `data` against a model (or a TypeAdapter-able type); None if it has errors."""
    try:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            return cls.model_validate(data)
        return _adapter(cls).validate_python(data)
    except ValidationError as exc:
        report_validation_error(exc, path, positions, report)
        return None


def read_text(path: Path, report: Report) -> str | None:
    """A content file's text; None after reporting why it cannot be used (empty, too large, not UTF-8)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more: a huge file costs no memory to refuse
    except OSError as exc:
        report.error(path, 0, 0, f"cannot read the file: {exc.strerror}", code="file-unreadable")
        return None
    if len(raw) > MAX_FILE_BYTES:
        report.error(path, raw.count(b"\n", 0, MAX_FILE_BYTES) + 1, 0,
                     "the file is larger than 1 MB, the most a content file may be (it passes 1 MB on this line)",
                     "split a long paper into a report and appendices, or attach the longest part as a PDF; "
                     "see 'Limits' in docs/authoring.md", code="file-too-large")
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte order mark from Notepad is harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
        report.error(path, raw.count(b"\n", 0, exc.start) + 1, column,
                     f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02X} is not UTF-8",
                     "save it as UTF-8 (in most editors: Save As, Encoding: UTF-8); it was probably saved "
                     "as Windows or Mac text", code="not-utf8")
        return None
    if not text.strip():
        report.error(path, 1, 0, "the file is empty",
                     "write the paper, or take it off the agenda" if path.suffix.lower() == ".md"
                     else f"see docs/authoring.md for what {path.name} holds", code="file-empty")
        return None
    return text


def read_yaml(path: Path, report: Report, line_offset: int = 0, text: str | None = None,
              memo: CheckCache | None = None) -> tuple[Any, Positions] | None:
    """Read a YAML file (or given text) to data and positions; None after reporting an error.

    With `memo` (a build's check cache), a text read by an earlier build is not parsed again.
    """
    if text is None:
        text = read_text(path, report)
        if text is None:
            return None
    try:
        if memo is not None:
            data, positions = memo.memo("yaml", text, (line_offset,), lambda: parse_yaml(text, line_offset),
                                        encode_yaml, decode_yaml, path)
        else:
            data, positions = parse_yaml(text, line_offset)
    except YamlError as exc:
        report.error(path, exc.line, exc.column, f"YAML syntax: {exc.message}",
                     exc.hint or "check the indentation, and put text containing ':' or '#' in quotes", code="yaml-invalid")
        return None
    if not isinstance(data, dict):
        report.error(path, 1 + line_offset, 1, "expected a set of 'field: value' lines", code="yaml-not-mapping")
        return None
    return data, positions


def load_record(cls: type[M], path: Path, report: Report, memo: CheckCache | None = None) -> tuple[M, Positions] | None:
    """Read and validate one YAML file against a model."""
    if not path.is_file():
        report.error(path, 0, 0, "file not found", f"create {path.name}; see docs/authoring.md", code="file-missing")
        return None
    read = read_yaml(path, report, memo=memo)
    if read is None:
        return None
    data, positions = read
    record = validate_record(cls, data, path, positions, report)
    return (record, positions) if record is not None else None


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)


def load_document(path: Path, report: Report, memo: CheckCache | None = None) -> DocumentSource | None:
    """Read a Markdown document with YAML front matter (with `memo`: its analysis too, from the check cache)."""
    text = read_text(path, report)
    if text is None:
        return None
    bad = control_character(text)
    if bad is not None:
        report.error(path, bad[0], bad[1], f"a control character ({bad[2]}) is in the text; it cannot be shown "
                     "or printed", "delete it: it often comes with text copied from another program", code="control-character")
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        report.error(path, 1, 1, "the document has no front matter",
                     "start the file with a '---' line, the fields (kind, title...), and another '---' line", code="front-matter-missing")
        return None
    read = read_yaml(path, report, line_offset=1, text=match.group(1), memo=memo)
    if read is None:
        return None
    data, positions = read
    meta = validate_record(model.DocumentMeta, data, path, positions, report)
    if meta is None:
        return None
    body_line = text[: match.end()].count("\n")
    body = text[match.end():]
    too_much = (markdown_limits(body) if memo is None
                else memo.memo("limits", body, (), lambda: markdown_limits(body), encode_limits, decode_limits, path))
    for line, message in too_much:
        report.error(path, body_line + line + 1, 0, message,
                     "the PDF pack cannot be made from it; see 'Limits' in docs/authoring.md", code="markdown-limit")
    if too_much:
        return None
    doc = DocumentSource(path, meta, body, body_line, positions)
    if memo is not None:
        # worked out here, once, rather than on first use: the check cache holds it by the body's text
        doc.analysis = memo.memo("analysis", body, (body_line, type(meta).__name__), lambda: doc.analysis,
                                 encode_analysis, decode_analysis, path)
    return doc


def inside(root: Path, path: Path) -> bool:
    """True when `path` (after following links) is inside the content folder `root`."""
    try:
        resolved(path).relative_to(resolved(root))
        return True
    except ValueError:
        return False


def _raw_document_refs(data: Any) -> list[tuple[Loc, str, bool]]:
    """(location, file name, is_pdf) of every document an agenda names, read from the raw YAML.

    Read from the raw data rather than the record, so that a missing document is
    reported even when the same meeting.yaml has other errors.
    """
    refs: list[tuple[Loc, str, bool]] = []
    agenda = data.get("agenda") if isinstance(data, dict) else None
    if not isinstance(agenda, dict):
        return refs
    for part in ("part_a", "part_b"):
        items = agenda.get(part)
        for i, item in enumerate(items if isinstance(items, list) else []):
            documents = item.get("documents") if isinstance(item, dict) else None
            for j, ref in enumerate(documents if isinstance(documents, list) else []):
                if isinstance(ref, str):
                    refs.append((("agenda", part, i, "documents", j), ref, False))
                elif isinstance(ref, dict) and isinstance(ref.get("pdf"), str):
                    refs.append((("agenda", part, i, "documents", j, "pdf"), ref["pdf"], True))
    return refs


def _check_document_refs(root: Path, folder: Path, data: Any, positions: Positions, report: Report) -> list[Path]:
    """Report documents that are missing, outside the content folder or of the wrong type;
    return the Markdown files that can be read."""
    out: list[Path] = []
    yaml_path = folder / "meeting.yaml"
    for loc, name, is_pdf in _raw_document_refs(data):
        target = folder / name
        # positions.find only for a problem: a file's positions are made into tables when first looked at
        if not inside(root, target):
            report.error(yaml_path, *positions.find(loc), f"'{name}' is outside the content folder",
                         "keep every document inside the content folder", code="document-outside-content")
        elif not target.is_file():
            report.error(yaml_path, *positions.find(loc), f"document '{name}' not found",
                         f"looked for {os.path.relpath(os.path.abspath(target), os.path.abspath(root.parent))}; "
                         "check the file name and that it is in the meeting folder", code="document-not-found")
        elif not is_pdf and target.suffix.lower() != ".md":
            report.error(yaml_path, *positions.find(loc), f"'{name}' is not a Markdown (.md) file",
                         "list an existing PDF as {pdf: file.pdf, title: ..., description: ...}", code="document-not-markdown")
        elif is_pdf and target.suffix.lower() != ".pdf":
            report.error(yaml_path, *positions.find(loc), f"'{name}' is not a PDF file", code="document-not-pdf")
        elif not is_pdf:
            out.append(resolved(target))
    return out


def _check_revision_refs(root: Path, folder: Path, data: Any, positions: Positions, report: Report) -> list[Path]:
    """Report earlier versions of revised papers that are missing or outside the content folder; return
    the Markdown ones, which are read like papers (their pages stay on the website)."""
    out: list[Path] = []
    yaml_path = folder / "meeting.yaml"
    agenda = data.get("agenda") if isinstance(data, dict) else None
    for part in ("part_a", "part_b") if isinstance(agenda, dict) else ():
        items = agenda.get(part)
        for i, item in enumerate(items if isinstance(items, list) else []):
            revisions = item.get("revisions") if isinstance(item, dict) else None
            for j, revision in enumerate(revisions if isinstance(revisions, list) else []):
                name = revision.get("earlier") if isinstance(revision, dict) else None
                if not isinstance(name, str):
                    continue  # the model reports it
                line, col = positions.find(("agenda", part, i, "revisions", j, "earlier"))
                target = folder / name
                if not inside(root, target):
                    report.error(yaml_path, line, col, f"revisions[{j + 1}].earlier: '{name}' is outside the "
                                 "content folder", "keep the earlier version inside the content folder",
                                 code="document-outside-content")
                elif not target.is_file():
                    report.error(yaml_path, line, col, f"revisions[{j + 1}].earlier: earlier version '{name}' "
                                 "not found", f"looked for {os.path.relpath(os.path.abspath(target), os.path.abspath(root.parent))}; "
                                 "keep the version that was published, under this name, so that the website "
                                 "can show it and what changed", code="revision-earlier-missing")
                elif target.suffix.lower() == ".md":
                    out.append(resolved(target))
    return out


def _load_meetings(root: Path, source: CommitteeSource, report: Report,
                   memo: CheckCache | None = None) -> dict[Path, None]:
    """Load every meeting folder of a committee; return the Markdown files their agendas name."""
    wanted: dict[Path, None] = {}
    for folder in sorted(p for p in source.path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        match = MEETING_FOLDER.match(folder.name)
        if not match:
            report.error(folder, 0, 0, f"folder '{folder.name}' is not named like a meeting",
                         "name meeting folders by their date, YYYY-MM-DD (add -2 for a second meeting that day)", code="meeting-folder-name")
            continue
        path = folder / "meeting.yaml"
        if not path.is_file():
            report.error(path, 0, 0, "file not found", "every meeting folder needs a meeting.yaml", code="file-missing")
            continue
        read = read_yaml(path, report, memo=memo)
        if read is None:
            continue
        data, positions = read
        wanted.update(dict.fromkeys(_check_document_refs(root, folder, data, positions, report)))
        wanted.update(dict.fromkeys(_check_revision_refs(root, folder, data, positions, report)))
        minutes = folder / "minutes.md"
        if minutes.is_file():
            wanted[resolved(minutes)] = None
        decisions = folder / "decisions.md"
        if decisions.is_file():
            wanted[resolved(decisions)] = None
        meeting = validate_record(model.Meeting, data, path, positions, report)
        if meeting is None:
            continue
        if meeting.date.isoformat() != match.group(1):
            line, col = positions.find(("date",))
            report.error(path, line, col,
                         f"date {meeting.date.isoformat()} does not match the folder name '{folder.name}'",
                         "rename the folder or correct the date", code="meeting-date-folder")
            continue
        source.meetings.append(MeetingSource(folder.name, folder, meeting, positions,
                                             resolved(minutes) if minutes.is_file() else None,
                                             resolved(decisions) if decisions.is_file() else None))
    source.meetings.sort(key=lambda m: (m.meeting.date, m.meeting.start_time, m.slug))
    return wanted


def links_leaving(root: Path, report: Report) -> set[Path]:
    """Every symbolic link in the content folder whose target is outside it (reported as errors).

    The build reads only files that are inside the content folder after
    following links, so that nothing from elsewhere on the machine (a home
    folder, /etc, another council's papers) can be published by a link.
    Links that stay inside the folder are fine.  Hidden folders are not read
    by the build and are not searched.
    """
    found: set[Path] = set()
    top = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if not path.is_symlink():
                continue
            target = path.resolve()
            if not target.is_relative_to(top):
                found.add(path)
                report.error(path, 0, 0, f"'{name}' is a symbolic link to a place outside the content folder "
                             f"({os.readlink(path)})", "copy the file into the content folder instead of linking "
                             "to it; the build reads nothing outside the content folder", code="link-leaves-content")
    return found


def load_project(root: Path, report: Report, memo: CheckCache | None = None) -> Project | None:
    """Read the whole content folder; None when site.yaml itself cannot be read.

    Problems are added to `report`; records with errors are left out.  Any
    file or folder that resolves outside the content folder is an error and
    is not read (see `links_leaving`).  `memo` (a build's check cache,
    engine/checks.py) gives what an earlier build found in an unchanged text.
    """
    forget_folders()  # resolved afresh by each check: links may have changed since the last
    if not root.is_dir():
        report.error(root, 0, 0, "content folder not found", "give the folder that holds site.yaml", code="content-folder-missing")
        return None
    if links_leaving(root, report) or not inside(root, root / "site.yaml"):
        return None  # nothing is read from a folder that links elsewhere
    if memo is not None:
        memo.content(root)  # each committee's entries in one store
    site = load_record(model.Site, root / "site.yaml", report, memo)
    committees: list[CommitteeSource] = []
    wanted: dict[Path, None] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name == "templates":
            continue
        if not (folder / "committee.yaml").is_file():
            report.warning(folder, 0, 0, "folder has no committee.yaml and is ignored", code="committee-yaml-missing")
            continue
        loaded = load_record(model.Committee, folder / "committee.yaml", report, memo)
        if loaded is None:
            continue
        source = CommitteeSource(folder.name, folder, *loaded)
        if (folder / "workplan.yaml").is_file():
            plan = load_record(model.WorkPlan, folder / "workplan.yaml", report, memo)
            if plan is not None:
                source.workplan, source.workplan_positions = plan
        for earlier in sorted(folder.glob("workplan-*.yaml")):
            plan = load_record(model.WorkPlan, earlier, report, memo)
            if plan is not None:
                source.earlier_workplans.append((earlier, *plan))
        if (folder / "recommendations.yaml").is_file():
            recs = load_record(model.Recommendations, folder / "recommendations.yaml", report, memo)
            if recs is not None:
                source.recommendations, source.recommendations_positions = recs[0].recommendations, recs[1]
        wanted.update(_load_meetings(root, source, report, memo))
        committees.append(source)
    documents: dict[Path, DocumentSource] = {}
    for path in wanted:
        doc = load_document(path, report, memo)
        if doc is not None:
            documents[path] = doc
    if site is None:
        return None
    return Project(root, site[0], committees, documents)
