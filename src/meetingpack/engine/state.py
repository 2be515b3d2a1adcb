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

import contextvars
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BuildError, Diagnostic
from ..publish import Published, beside, load_published, output_lock

T = TypeVar("T")

FORMAT = 3
"""Version of the record's layout; a record of another format is ignored."""
RACY_NS = 2_000_000_000
"""A file modified this close to (or after) the time its hash was recorded is hashed again."""
_PACKAGE = Path(__file__).resolve().parent.parent
"""The meetingpack package: all of its code is a source (engine/ alone was, since state.py moved there)."""
_LIBRARIES = ("meetingpack", "weasyprint", "pikepdf", "pydyf", "font-source-sans-pro", "markdown-it-py",
              "mdit-py-plugins", "jinja2", "pydantic", "pyyaml", "nh3", "pagefind", "pagefind-bin")

Stat = tuple[int, int, int, int]
"""(size, modification time ns, inode, change time ns) of a file."""


def _stat_key(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@contextmanager
def using(var: contextvars.ContextVar[T], value: T) -> Iterator[T]:
    """Inside the block, the context variable `var` is `value` (what the engine's stores are set by)."""
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True).encode("ascii")


class Stale(Exception):
    """A sealed cache file of another version of the tool: not wrong, only not this build's."""


def seal(value: Any, version: str) -> bytes:
    """`value` (JSON) as a cache file: with the tool's `version` and a SHA-256 of the value (`unseal`)."""
    return _json({"version": version, "sum": hashlib.sha256(_json(value)).hexdigest(), "value": value})


def unseal(data: bytes, version: str) -> Any:
    """The value of a file `seal` wrote.  Raises Stale for another version, ValueError (or TypeError,
    KeyError) for a file that is not one or whose value does not match its checksum (truncated, corrupt,
    edited): never a wrong value."""
    sealed = json.loads(data)
    if sealed.get("version") != version:
        raise Stale(sealed.get("version"))
    if hashlib.sha256(_json(sealed["value"])).hexdigest() != sealed.get("sum"):
        raise ValueError("checksum does not match (truncated or corrupt)")
    return sealed["value"]


def keep_file(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a temporary name moved into place).  A cache that cannot be
    written costs time next build, never a failed build: an OSError is let go."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def file_sha256(path: str | Path) -> str:
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

    def of(self, key: str, path: str | Path) -> str:
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


def _entries(folder: str, skip: frozenset[str] = frozenset(), rel: str = "",
             found: list[tuple[str, os.DirEntry[str]]] | None = None) -> list[tuple[str, os.DirEntry[str]]]:
    """Every entry under `folder` that is not a folder (files, links, others) by relative path with '/', in
    a stable order (a folder's own entries by name, then its folders by name); links to folders are not
    followed; `skip` (absolute paths) and the folders of NOT_SOURCES and `__pycache__` are left out.

    One `os.scandir` per folder and no Path per file: at a thousand meetings this walk runs on every build.
    """
    found = [] if found is None else found
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    folders = []
    for entry in entries:
        if entry.path in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in NOT_SOURCES and entry.name != "__pycache__":
                folders.append(entry)
        else:
            found.append((rel + entry.name, entry))
    for entry in folders:
        _entries(entry.path, skip, f"{rel}{entry.name}/", found)
    return found


def _builtin_templates() -> Path:
    """render/templates.py's `builtin_templates`, found the same way without importing the renderers (a
    quarter of a second, on a build with nothing to do); tests/test_publish_spare.py holds them equal."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise BuildError("the built-in templates are missing; reinstall meetingpack")


def tool_files() -> list[tuple[str, Path]]:
    """The tool's own files (its code and built-in templates and fonts), by a stable name."""
    import font_source_sans_pro

    folders = [("code", _PACKAGE), ("templates", _builtin_templates()),
               ("fonts", Path(font_source_sans_pro.font_directory))]
    return [(f"{name}/{rel}", Path(entry.path)) for name, folder in folders for rel, entry in _entries(str(folder))]


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
    when they lie inside the content folder, as is `.git`.  A link is recorded by where it points
    (and, for a link to a file, by that file's bytes); links to folders are not followed.
    """
    source, out, cache = source.absolute(), out.absolute(), cache.absolute()
    skip = {str(out), str(cache)}
    skip |= {str(out.parent / name) for name in os.listdir(out.parent) if name.startswith(f".{out.name}.")} \
        if out.parent.is_dir() else set()
    digest = hashlib.sha256()
    digest.update(json.dumps({"format": FORMAT, "source": str(source), "out": str(out),
                              "libraries": libraries()}, sort_keys=True).encode())
    for rel, entry in _entries(str(source), frozenset(skip)):
        key = "content/" + rel
        if entry.is_symlink():
            digest.update(f"{key}\0link\0{os.readlink(entry.path)}\0".encode())
            if not os.path.isfile(entry.path):
                continue
        elif not entry.is_file(follow_symlinks=False):  # a socket or fifo: not content
            continue
        digest.update(f"{key}\0{hashes.of(key, entry.path)}\0".encode())
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


def _output_stats(folder: str, rel: str = "") -> Iterator[tuple[str, tuple[int, int]]]:
    """Each entry of an output folder that is not a folder, with its size and modification time (links and
    other kinds: (-1, -1), which no published file has); one `os.scandir` and one lstat per file."""
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _output_stats(entry.path, f"{rel}{entry.name}/")
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:  # gone since the listing
            yield rel + entry.name, (-1, -1)
            continue
        yield rel + entry.name, (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else (-1, -1)


def output_files(out: Path) -> dict[str, tuple[int, int]]:
    """The regular files of an output folder with their size and modification time (links and other kinds
    are given (-1, -1), which no published file has)."""
    return dict(_output_stats(str(out)))


def as_published(out: Path, published: Published) -> bool:
    """Whether the output folder holds exactly the files of publish.py's record, none touched since.

    Stops at the first difference; an empty folder left in the output is not a difference."""
    count = 0
    for path, size_time in _output_stats(str(out)):
        known = published.get(path)
        if known is None or known[1:] != size_time:
            return False
        count += 1
    return count == len(published)


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
            handle.write(json.dumps(data))  # dumps: json.dump writes through the slower pure-Python encoder
        os.replace(tmp, self.file)

    def forget(self) -> None:
        """Remove the record (before a build changes the output folder, so that a failed one is not skipped)."""
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass


def cache_folder(out: Path, cache: Path | None = None) -> Path:
    """Where the build cache is: `cache` if given, else `.<out>.cache` beside the output folder.

    Never inside the output folder (it would be published, and replaced by each build).  Here, not in
    commands/build.py, so that `up_to_date` finds it without importing the renderers.
    """
    folder = (cache if cache is not None else beside(out, "cache")).absolute()
    if folder.resolve().is_relative_to(out.absolute().resolve()):
        raise BuildError(f"the cache folder {cache} is inside the output folder {out}; put it beside it")
    return folder


def up_to_date(source: Path, out: Path, cache: Path | None = None, wait: bool = True,
               say: Callable[[str], None] = lambda _: None) -> LastBuild | None:
    """The last build, if nothing changed since it: what `build_project` checks first, for `pack build` to
    make without importing the renderers (about a second of start-up, most of a no-change rebuild).

    None whenever a build has anything to do or say (an error in the folders given included): the caller
    then runs the whole build, which checks again.  Holds the output lock (waiting for it, or with
    `wait=False` raising BuildError) while it looks at the output folder.
    """
    try:
        if source.absolute().resolve().is_relative_to(out.absolute().resolve()):
            return None
        folder = cache_folder(out, cache)
    except (OSError, BuildError):
        return None
    state = BuildState(folder)
    if state.last is None:
        return None
    digest = sources(source, out, folder, state.hashes)
    if state.last.sources != digest:
        return None
    with output_lock(out, wait=wait, say=say):
        return state.unchanged(digest, out, load_published(folder / "published.json"))
