"""Whether anything changed since the last build: the content folder in, the last build's record or None out.

A build's output is a pure function of its *sources*: the files of the content
folder, the built-in templates and fonts, and the tool itself (its code and the
versions of the libraries that render).  After a build has published, it
records a digest of every one of those files, the diagnostics `pack check`
gave, and the output folder as published.  The next build first hashes the
sources again; if none changed and the output folder is still exactly what
that build published (no file added, removed or touched since), there is
nothing to do: the build prints the same diagnostics and stops, in a fraction
of a second even for an archive of a thousand meetings.  Anything else, even
one changed byte, goes through the whole build (whose tasks then reuse what
they can from the render cache, cache.py).

Files are compared by content (SHA-256), as Bazel does, not by modification
time as make does: a git checkout touches every file's time without changing
it.  To keep that cheap, a file's hash is taken from the last record when its
size, modification time, inode and change time are all the same, as git's index
does; a file changed in the same instant as the record was written ("racily
clean" in git's words) is hashed again.

The record is a JSON file in the build cache (`state.json`), written after the
output is in place; a missing, damaged or foreign record means a full build.
What the output folder held as published is not kept here but in publish.py's
one record of every published file (`published.json`: hash, size and time of
each, the search index's files included), which is also what the next build
links unchanged files from.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..errors import Diagnostic
from ..publish import Published

FORMAT = 3
"""Version of the record's layout; a record of another format is ignored."""
RACY_NS = 2_000_000_000
"""A file modified this close to (or after) the time its hash was recorded is hashed again."""
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("meetingpack", "weasyprint", "pikepdf", "pydyf", "font-source-sans-pro", "markdown-it-py",
              "mdit-py-plugins", "jinja2", "pydantic", "pyyaml", "nh3", "pagefind", "pagefind-bin")

Stat = tuple[int, int, int, int]
"""(size, modification time ns, inode, change time ns) of a file."""


def _stat_key(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass
class Hashes:
    """File hashes known from the last record, reused when a file's stat is unchanged."""

    known: dict[str, tuple[str, Stat]] = field(default_factory=dict)
    recorded_at: int = 0
    """When the known hashes were taken (ns since the epoch)."""
    seen: dict[str, tuple[str, Stat]] = field(default_factory=dict)
    """Every file hashed (or reused) by this build, for the next record."""
    started: int = field(default_factory=time.time_ns)
    """When this build began hashing: what the next build compares modification times with."""

    def of(self, key: str, path: Path) -> str:
        st = os.stat(path)
        now = _stat_key(st)
        old = self.known.get(key)
        if old is not None and tuple(old[1]) == now and st.st_mtime_ns < self.recorded_at - RACY_NS:
            digest = old[0]
        else:
            digest = file_sha256(path)
        self.seen[key] = (digest, now)
        return digest


NOT_SOURCES = (".git", ".preview")
"""Folders that are never sources: git's own, and pack serve's preview (its output and cache)."""


def _walk(folder: Path, skip: set[Path]) -> list[Path]:
    """Every file under `folder` in a stable order, without following links to folders, without `skip`
    and without the folders of NOT_SOURCES."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if d not in NOT_SOURCES and here / d not in skip)
        found.extend(here / f for f in sorted(files) if here / f not in skip)
    return found


def tool_files() -> list[tuple[str, Path]]:
    """The tool's own files (its code and built-in templates and fonts), by a stable name."""
    import font_source_sans_pro

    from ..render.templates import builtin_templates  # found the way the renderers find them

    folders = [("code", _PACKAGE), ("templates", builtin_templates()),
               ("fonts", Path(font_source_sans_pro.font_directory))]
    out = []
    for name, folder in folders:
        for path in _walk(folder, set()):
            if "__pycache__" not in path.parts:
                out.append((f"{name}/{path.relative_to(folder)}", path))
    return out


def libraries() -> dict[str, str]:
    found = {}
    for package in _LIBRARIES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return found


def sources(source: Path, out: Path, cache: Path, hashes: Hashes) -> str:
    """The digest of everything a build of `source` into `out` is made from.

    The output and cache folders (and their lock and staging folders beside them) are left out
    when they lie inside the content folder, as is `.git`.
    """
    source, out, cache = source.absolute(), out.absolute(), cache.absolute()
    skip = {out, cache}
    skip |= {out.parent / name for name in os.listdir(out.parent) if name.startswith(f".{out.name}.")} \
        if out.parent.is_dir() else set()
    digest = hashlib.sha256()
    digest.update(json.dumps({"format": FORMAT, "source": str(source), "out": str(out),
                              "libraries": libraries()}, sort_keys=True).encode())
    for path in _walk(source, skip):
        key = "content/" + str(path.relative_to(source))
        if path.is_symlink():
            digest.update(f"{key}\0link\0{os.readlink(path)}\0".encode())
            if not path.is_file():
                continue
        elif not path.is_file():  # a socket or fifo: not content
            continue
        digest.update(f"{key}\0{hashes.of(key, path)}\0".encode())
    for key, path in tool_files():
        digest.update(f"{key}\0{hashes.of(key, path)}\0".encode())
    return digest.hexdigest()


@dataclass
class LastBuild:
    """What the last successful build into an output folder was made from, and what it said."""

    sources: str
    diagnostics: list[Diagnostic]
    meetings: int
    files: int


def output_files(out: Path) -> dict[str, tuple[int, int]]:
    """The regular files of an output folder with their size and modification time (links and other kinds
    are given (-1, -1), which no published file has)."""
    found: dict[str, tuple[int, int]] = {}
    for top, dirs, files in os.walk(out):
        dirs.sort()
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            path = os.path.join(top, name)
            st = os.lstat(path)
            key = os.path.relpath(path, out)
            found[key] = (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else (-1, -1)
    return found


def as_published(out: Path, published: Published) -> bool:
    """Whether the output folder holds exactly the files of publish.py's record, none touched since."""
    return output_files(out) == {path: (size, mtime) for path, (_, size, mtime) in published.items()}


class BuildState:
    """The record of the last build in the cache folder (`state.json`)."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "state.json"
        self.hashes = Hashes()
        self.last: LastBuild | None = None
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return
            self.hashes = Hashes({k: (str(v[0]), tuple(v[1])) for k, v in data["hashes"].items()},
                                 int(data["recorded_at"]))  # type: ignore[misc]
            self.last = LastBuild(str(data["sources"]), [Diagnostic(**d) for d in data["diagnostics"]],
                                  int(data["meetings"]), int(data["files"]))
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            self.hashes, self.last = Hashes(), None

    def unchanged(self, digest: str, out: Path, published: Published) -> LastBuild | None:
        """The last build, if it was made from these sources and `out` still holds exactly what it
        published (`published`: publish.py's record of it)."""
        last = self.last
        if last is None or last.sources != digest or not out.is_dir() or not published:
            return None
        return last if as_published(out, published) else None

    def save(self, digest: str, diagnostics: list[Diagnostic], meetings: int, files: int, out: Path) -> None:
        """Record a build that has just been published into `out`."""
        data = {"format": FORMAT, "sources": digest, "recorded_at": self.hashes.started,
                "hashes": {k: [v[0], list(v[1])] for k, v in sorted(self.hashes.seen.items())},
                "diagnostics": [{"path": d.path, "line": d.line, "column": d.column, "severity": d.severity,
                                 "message": d.message, "hint": d.hint, "code": d.code, "file": d.file}
                                for d in diagnostics],
                "meetings": meetings, "files": files}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.file)

    def forget(self) -> None:
        """Remove the record (before a build changes the output folder, so that a failed one is not skipped)."""
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass
