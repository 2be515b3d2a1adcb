"""The HTML bodies of a meeting's papers, kept between runs of the meeting's pages task.

A meeting's pages task runs again whenever anything its pages show changes:
its papers, but also a site template, site.yaml or the committee's records.
After a change to a template every page of the archive is rendered again, and
turning each paper's Markdown into HTML (render/markdown.py) was 40 % of such
a build, though no paper changed.  So the pages task keeps what it rendered.

`render_markdown(text, options)` is a pure function of the text, the plain
fields of its Options and what its callables (`link`, `image_src`) answered.
An entry is keyed by a hash of the tool's version, the text and every plain
field (all of them, found by `dataclasses.fields`, so a field added later is
in the key), and holds the Rendered result and every call made to a callable
with its answer, in order.  An entry is used only if, asked again now, each
callable gives the same answer to each recorded call: then a new render would
take the same path and make the same bytes (this is how Lektor records a
build's dependencies while it runs).  A link to a paper that became exempt or
was renamed answers differently, so the paper is rendered again.

Each meeting's entries are one file, `<cache>/bodies/<hash of its address>.json`,
read when its pages task starts and written again (whole, to a temporary name
moved into place) when it used or made other entries than it read: exactly the
entries of its last run, so the store does not grow.  The file is JSON (no
pickle: a planted file cannot run code) with the tool's version and a SHA-256
of its entries: a truncated, corrupt, edited or foreign file is not used, and
is replaced.  Files of meetings no longer in the content are removed by
`prune`.  Only the pages task uses the store (`in_meeting`); the packs, in the
render workers, always render.  `pack build --clean` reads none.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..render.markdown import Options, Rendered, render_markdown
from .checks import decode_analysis, encode_analysis
from .state import Stale, keep_file, seal, unseal, using

FORMAT = 1


def _plain(value: Any) -> Any:
    """An answer of a callable as JSON (a LinkTarget as its fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _fields(options: Options) -> tuple[dict[str, Any], dict[str, Callable[..., Any]]]:
    """The plain fields of `options` (for the key) and its callables (recorded), by name."""
    plain: dict[str, Any] = {}
    calls: dict[str, Callable[..., Any]] = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if callable(value):
            calls[f.name] = value
        else:
            plain[f.name] = _plain(value)
    return plain, calls


@dataclass
class _Meeting:
    file: Path
    read: dict[str, Any]
    used: dict[str, Any] = field(default_factory=dict)


@dataclass
class BodyStore:
    """The folder of kept bodies (`<cache>/bodies`), for the tool's `version` (engine/cache.py `versions`, as
    JSON); `use=False` reads none but keeps what it renders."""

    folder: Path
    version: str
    use: bool = True
    hits: int = 0
    misses: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def _file(self, url_path: str) -> Path:
        return self.folder / f"{hashlib.sha256(url_path.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.json"

    def _read(self, file: Path) -> dict[str, Any]:
        if not self.use:
            return {}
        try:
            entries = unseal(file.read_bytes(), self._version)
            if not isinstance(entries, dict):
                raise TypeError("entries are not a mapping")
            return entries
        except (FileNotFoundError, Stale):
            return {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            self.rejected.append((file.name, str(exc) or type(exc).__name__))
            return {}

    def _write(self, meeting: _Meeting) -> None:
        keep_file(meeting.file, seal(meeting.used, self._version))

    @property
    def _version(self) -> str:
        return f"bodies {FORMAT}: {self.version}"

    def markdown(self, meeting: _Meeting, text: str, options: Options) -> Rendered:
        plain, callables = _fields(options)
        digest = hashlib.sha256(json.dumps([self.version, plain], sort_keys=True).encode("utf-8"))
        digest.update(b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        entry = meeting.used.get(key) or meeting.read.get(key)
        if entry is not None:
            try:
                if all(_plain(callables[name](argument)) == answer for name, argument, answer in entry["calls"]):
                    rendered = decode_analysis(entry["rendered"])
                    rendered.html = str(entry["html"])
                    meeting.used[key] = entry
                    self.hits += 1
                    return rendered
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                self.rejected.append((key, f"malformed entry: {exc}"))
        self.misses += 1
        calls: list[list[Any]] = []

        def recorded(name: str, real: Callable[[Any], Any]) -> Callable[[Any], Any]:
            def call(argument: Any) -> Any:
                answer = real(argument)
                calls.append([name, argument, _plain(answer)])
                return answer
            return call

        rendered = render_markdown(text, dataclasses.replace(
            options, **{name: recorded(name, real) for name, real in callables.items()}))
        meeting.used[key] = {"calls": calls, "html": rendered.html, "rendered": encode_analysis(rendered)}
        return rendered

    def prune(self, url_paths: Iterable[str]) -> None:
        """Remove the files of meetings not in `url_paths` (every meeting of the content), and temporaries."""
        keep = {self._file(url).name for url in url_paths}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name not in keep:
                (self.folder / name).unlink(missing_ok=True)


_STORE: contextvars.ContextVar[BodyStore | None] = contextvars.ContextVar("bodies", default=None)
_MEETING: contextvars.ContextVar[_Meeting | None] = contextvars.ContextVar("bodies_meeting", default=None)


def bodies_in(store: BodyStore) -> AbstractContextManager[BodyStore]:
    """Inside the block, the pages tasks keep their papers' bodies in `store`."""
    return using(_STORE, store)


@contextmanager
def in_meeting(url_path: str) -> Iterator[None]:
    """Inside the block, `markdown` renders the bodies of this meeting's pages task (kept if the build has
    a store: `bodies_in`).  Its file is written again after the block if it used other entries than it read."""
    store = _STORE.get()
    if store is None:
        yield
        return
    file = store._file(url_path)
    meeting = _Meeting(file, store._read(file))
    with using(_MEETING, meeting):
        yield
    if meeting.used.keys() != meeting.read.keys() or any(meeting.used[k] is not meeting.read[k] for k in meeting.used):
        store._write(meeting)


def markdown(text: str, options: Options) -> Rendered:
    """`render_markdown(text, options)`, kept with the meeting's pages task when there is one (`in_meeting`)."""
    store, meeting = _STORE.get(), _MEETING.get()
    if store is None or meeting is None:
        return render_markdown(text, options)
    return store.markdown(meeting, text, options)
