"""Diagnostics and the one exception family of meetingpack.

Every problem found in a user's content becomes a `Diagnostic` that points at a
file, a line and a column.  Stages collect diagnostics in a `Report` and carry
on, so that a user sees every problem at once; the CLI prints them all and
exits 1.  Exceptions are for stopping: `ContentError` carries the collected
diagnostics out of a stage; a traceback is always a bug in meetingpack.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in the content, printed as `path:line:col: severity: message`."""

    path: str
    """File the problem is in, relative to the content folder where possible."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    severity: Severity
    message: str
    """What is wrong, in the officer's words: the field, the value, what is expected."""
    hint: str = ""
    """What to do about it, when that is not obvious from the message."""
    code: str = field(default="", compare=False)
    """The kind of problem, stable from one version to the next ('link-broken'): for tools and for
    looking it up in docs/diagnostics.md."""
    file: str = field(default="", compare=False, repr=False)
    """The file's absolute path (not resolved through links), from which the CLI prints it relative to the
    folder it was run from; not compared, so tests compare diagnostics by `path`."""

    def __str__(self) -> str:
        return self.text()

    def text(self, where: str | None = None) -> str:
        """`path:line:col: severity: message` (and the hint), with `where` in place of `path` if given."""
        where = self.path if where is None else where
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Report:
    """Diagnostics collected by the stages of one run."""

    root: Path
    """Content folder; diagnostic paths are shown relative to it."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def relative(self, path: Path | str) -> str:
        """A path as diagnostics show it: relative to the content folder's parent where it can be."""
        p = Path(path)
        # the link itself, not its target, when the path is a symbolic link
        for path_form, base in ((Path(os.path.abspath(p)), Path(os.path.abspath(self.root)).parent),
                                (p.resolve(), self.root.resolve().parent)):
            if path_form.is_relative_to(base):
                return str(path_form.relative_to(base))
        return str(p)

    def error(self, path: Path | str, line: int, column: int, message: str, hint: str = "", *, code: str) -> None:
        self.diagnostics.append(Diagnostic(self.relative(path), line, column, "error", message, hint, code,
                                           os.path.abspath(path)))

    def warning(self, path: Path | str, line: int, column: int, message: str, hint: str = "", *,
                code: str) -> None:
        self.diagnostics.append(Diagnostic(self.relative(path), line, column, "warning", message, hint, code,
                                           os.path.abspath(path)))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self)


class MeetingPackError(Exception):
    """Base of every error meetingpack reports to a user without a traceback."""


class ContentError(MeetingPackError):
    """Raised by a stage (load, validate, resolve, render) when the content has errors.

    It carries the whole report, so the CLI can print every problem found.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"{len(report.errors)} error(s) in the content")


class BuildError(MeetingPackError):
    """Raised by publish and the renderers for a problem that is not in one content file:
    an output folder that cannot be written, a missing template, a PDF engine failure."""
