"""The build cache: a meeting's render inputs in, its stored packs out (or None, and it is rendered).

Rendering a meeting's packs is by far the dearest task of a build (seconds per
meeting), and a pure function of what it reads.  Each rendered meeting is
stored under `.<out>.cache/` beside the output folder with:

- its **key**: a hash of everything the render is given: the resolved meeting
  (its agenda, every listed paper's front matter and text, the previous
  minutes carried forward, minute numbers, the committee and site records it
  prints), the bytes of its existing PDF appendices, every template of the
  pack (`pdf/`, `documents/`, the content's overrides first), and the versions
  of meetingpack, WeasyPrint, pikepdf and the fonts;
- the **files the render read** while laying out (images, stylesheets, fonts:
  recorded by the URL fetcher, as Lektor records dependencies), each with its
  hash, checked again before the entry is used.

An entry is one file, written to a temporary name and moved into place, so
that a killed build leaves each entry whole or absent.  It starts with a magic
line and a SHA-256 of the rest: a truncated, corrupt or foreign entry is
detected and the meeting rendered again, never served.  Entries are JSON and
raw PDF bytes (no pickle: a file planted in the cache cannot run code).  The
cache is never published, is safe to delete, and `pack build --clean` ignores
it.  It lives under the output folder's lock (publish.py).
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, cast

import jinja2
from pydantic import BaseModel

from ..load import CommitteeSource, DocumentSource
from ..render.pdf import MeetingPacks, PackFile, PageRange
from ..resolve import ResolvedMeeting
from ..yamlpos import Positions
from .state import file_sha256, libraries, tool_files, using

MAGIC = b"meetingpack-cache 1\n"
"""First line of every entry: which program and format wrote it."""

_SKIPPED = (Positions,)
"""Parts of a resolved meeting that say where values were written, not what they are: not inputs."""


_CONTENT: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("content", default=())
"""The content folder being built, as given, absolute and resolved, each ending in a separator."""


def _prefixes(root: Path) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(base) + os.sep for base in (root, root.absolute(), root.resolve())
                               if str(base) != "."))


@contextmanager
def keys_within(root: Path) -> Iterator[None]:
    """Inside the block, keys name the files of the content folder `root` by their place in it.

    So that a content folder moved or copied elsewhere (a council's checkout in another place, the
    cache carried with it) keeps every key, and so every render: what a meeting's render makes does
    not depend on where its folder is (tests/test_cache.py builds a moved copy against a clean build).
    Files outside the content folder (fonts, the built-in templates) keep their full names.
    """
    with using(_CONTENT, _prefixes(root)):
        yield


def place(path: Path | str) -> str:
    """A file's name in a key: its path inside the content folder being built (see `keys_within`), else
    its full path.  Full paths start with a separator, so the two kinds never meet."""
    name = str(path)
    for prefix in _CONTENT.get():
        if name.startswith(prefix):
            return Path(name[len(prefix):]).as_posix()
    return name


@functools.cache
def versions() -> dict[str, str]:
    """The versions of the libraries that render, and a hash of meetingpack's own code (a changed line
    without a new version number, as in a developer's checkout, must not reuse old renders)."""
    code = hashlib.sha256()
    for name, path in tool_files():
        if name.startswith("code/"):
            code.update(f"{name}\0{file_digest(path)}\0".encode())
    return {**libraries(), "code": code.hexdigest()}


def canonical(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A JSON-able, order-stable description of a value that changes whenever the value does.

    `memo` (by object identity, for the objects of one plan, all alive while it is used) gives the
    description of a record already described: the site and committee records, and a paper listed
    at several meetings, are described once for all of a build's keys.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if memo is not None and isinstance(value, (BaseModel, CommitteeSource, DocumentSource)):
        found = memo.get(id(value))
        if found is None:
            found = memo[id(value)] = _canonical(value, memo)
        return found
    return _canonical(value, memo)


def _canonical(value: Any, memo: dict[int, Any] | None) -> Any:
    if isinstance(value, bytes):
        return {"bytes": hashlib.sha256(value).hexdigest()}
    if isinstance(value, Path):
        return {"path": place(value)}
    if isinstance(value, (dt.date, dt.time)):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, Enum):
        return canonical(value.value, memo)
    if isinstance(value, BaseModel):
        # pydantic's own serialiser: the same fields, made JSON-able many times faster than field by field
        return {type(value).__name__: value.model_dump(mode="json", round_trip=True, warnings=False)}
    if isinstance(value, CommitteeSource):
        # the committee's records, not its other meetings: a meeting's render does not read them
        return {"committee": [value.slug, place(value.path), canonical(value.committee, memo),
                              canonical(value.workplan, memo),
                              [[place(path), canonical(plan, memo)] for path, plan, _ in value.earlier_workplans]]}
    if isinstance(value, DocumentSource):
        # the body by its hash: cheaper than writing every paper's text into the key's JSON (issue 11)
        return {"DocumentSource": {"path": place(value.path), "meta": canonical(value.meta, memo),
                                   "body": value.body_digest(),
                                   "body_line": value.body_line}}
    if isinstance(value, _SKIPPED):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {type(value).__name__: {f.name: canonical(getattr(value, f.name), memo) for f in fields(value)}}
    if isinstance(value, dict):
        return sorted(([json.dumps(canonical(k, memo), sort_keys=True), canonical(v, memo)] for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return [canonical(v, memo) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(canonical(v, memo), sort_keys=True) for v in value)
    raise TypeError(f"no canonical form for {type(value).__name__}")  # a new input type: decide what it means


def file_digest(path: Path) -> str | None:
    """The file's SHA-256, or None if it cannot be read (gone since, say)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def templates_digest(env: jinja2.Environment, parts: tuple[str, ...] = ("pdf", "documents")) -> str:
    """A hash of every template in `parts` of every folder searched, in order (by default: what a pack uses)."""
    digest = hashlib.sha256()
    for folder in cast("list[str]", env.globals["search_path"]):
        for part in parts:
            base = Path(folder) / part
            for path in sorted(base.rglob("*")) if base.is_dir() else []:
                if path.is_file():
                    digest.update(f"{path.relative_to(folder)}\0{file_digest(path)}\0".encode())
        digest.update(b"\1")
    return digest.hexdigest()


def meeting_key(meeting: ResolvedMeeting, templates: str, memo: dict[int, Any] | None = None) -> str:
    """The key of a meeting's render: a hash of everything `render_packs` is given (`memo`: see `canonical`)."""
    appendices = sorted({place(doc.source.path): file_digest(doc.source.path)
                         for item in meeting.items for doc in item.documents if doc.kind == "pdf"}.items())
    description = {"meeting": canonical(meeting, memo), "appendices": appendices, "templates": templates,
                   "versions": versions()}
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ entries


def _range(r: PageRange | None) -> list[int] | None:
    return None if r is None else [r.first, r.last]


def _unrange(v: list[int] | None) -> PageRange | None:
    return None if v is None else PageRange(v[0], v[1])


def _page_range(v: list[int]) -> PageRange:
    return PageRange(v[0], v[1])


class _Blobs:
    """The PDFs of an entry, stored once each (an item's PDF is often its only paper's PDF)."""

    def __init__(self) -> None:
        self.order: list[bytes] = []
        self.index: dict[bytes, int] = {}

    def add(self, data: bytes) -> int:
        if data not in self.index:
            self.index[data] = len(self.order)
            self.order.append(data)
        return self.index[data]


def _pack(p: PackFile, blobs: _Blobs) -> dict[str, Any]:
    return {"key": p.key, "title": p.title, "pdf": blobs.add(p.pdf), "front_pages": p.front_pages,
            "pages": _range(p.pages), "items": [[n, _range(r)] for n, r in p.items.items()],
            "documents": [[d, _range(r)] for d, r in p.documents.items()],
            "published_on": p.published_on.isoformat() if p.published_on else None}


def _unpack(v: dict[str, Any], blobs: list[bytes], sizes: list[int]) -> PackFile:
    return PackFile(v["key"], v["title"], blobs[v["pdf"]] if blobs else b"", v["front_pages"],
                    _unrange(v["pages"]), {n: _page_range(r) for n, r in v["items"]},
                    {d: _page_range(r) for d, r in v["documents"]},
                    dt.date.fromisoformat(v["published_on"]) if v["published_on"] else None, size=sizes[v["pdf"]])


def _meeting_packs(head: dict[str, Any], blobs: list[bytes]) -> MeetingPacks:
    """The packs an entry's head describes, with their PDFs' bytes (or none: `blobs` empty, sizes kept)."""
    sizes = [int(n) for n in head["blobs"]]
    return MeetingPacks(
        _unpack(head["agenda"], blobs, sizes), [_unpack(p, blobs, sizes) for p in head["supplements"]],
        _unpack(head["consolidated"], blobs, sizes) if head["consolidated"] else None,
        _unpack(head["members"], blobs, sizes) if head["members"] else None,
        {n: _unpack(p, blobs, sizes) for n, p in head["item_pdfs"]},
        {d: _unpack(p, blobs, sizes) for d, p in head["document_pdfs"]},
        {n: _page_range(r) for n, r in head["items"]}, {d: _page_range(r) for d, r in head["documents"]},
        dict(head["titles"]), {d: dict(m) for d, m in head["page_markers"]}, dict(head["inputs"]),
        [int(n) for n in head["blank_pages"]])


def encode_entry(key: str, packs: MeetingPacks) -> bytes:
    """An entry's bytes: magic line, checksum line, JSON line, then the PDFs one after another."""
    blobs = _Blobs()
    head = {
        "key": key,
        "inputs": sorted(packs.inputs.items()),
        "agenda": _pack(packs.agenda, blobs),
        "supplements": [_pack(p, blobs) for p in packs.supplements],
        "consolidated": _pack(packs.consolidated, blobs) if packs.consolidated else None,
        "members": _pack(packs.members, blobs) if packs.members else None,
        "item_pdfs": [[n, _pack(p, blobs)] for n, p in packs.item_pdfs.items()],
        "document_pdfs": [[d, _pack(p, blobs)] for d, p in packs.document_pdfs.items()],
        "items": [[n, _range(r)] for n, r in packs.items.items()],
        "documents": [[d, _range(r)] for d, r in packs.documents.items()],
        "titles": list(packs.titles.items()),
        "page_markers": [[d, list(m.items())] for d, m in packs.page_markers.items()],
        "blank_pages": packs.blank_pages,
        "blobs": [len(b) for b in blobs.order],
    }
    body = json.dumps(head, ensure_ascii=True).encode("ascii") + b"\n" + b"".join(blobs.order)
    return MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


class BadEntry(Exception):
    """A cache entry that is truncated, corrupt, foreign or of another key: render again."""


def decode_entry(data: bytes) -> tuple[str, dict[str, str], MeetingPacks]:
    """The key, recorded inputs and packs of an entry; BadEntry unless it is whole and ours."""
    if not data.startswith(MAGIC):
        raise BadEntry("not a meetingpack cache entry")
    rest = data[len(MAGIC):]
    checksum, _, body = rest.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
        raise BadEntry("checksum does not match (truncated or corrupt)")
    line, _, tail = body.partition(b"\n")
    try:
        head = json.loads(line)
        blobs, offset = [], 0
        for size in head["blobs"]:
            blobs.append(tail[offset:offset + size])
            offset += size
        if offset != len(tail):
            raise BadEntry("the stored PDFs do not add up")
        packs = _meeting_packs(head, blobs)
        return head["key"], dict(head["inputs"]), packs
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise BadEntry(f"malformed entry ({type(exc).__name__})") from None


class RenderCache:
    """Stored meeting renders in a folder beside the output; `use=False` (pack build --clean) reads none."""

    def __init__(self, folder: Path, use: bool = True, root: Path | None = None) -> None:
        self.folder = folder
        self.use = use
        self.root = root
        """The content folder: the files a render read inside it are stored by their place in it, and looked
        for in this folder (moved or copied, it is the one being built that is checked)."""
        self._prefixes = _prefixes(root) if root is not None else ()
        self.kept: set[Path] = set()
        self.rejected: list[tuple[str, str]] = []
        """(meeting, why) of entries found but not used because they were bad."""
        self.digests: dict[str, str | None] = {}
        """SHA-256 of each file an entry says its render read, worked out once per build."""

    def _path(self, meeting: ResolvedMeeting) -> Path:
        name = base64.urlsafe_b64encode(meeting.url_path.encode("utf-8")).decode("ascii").rstrip("=")
        return self.folder / "meetings" / f"{name}.entry"

    def get(self, meeting: ResolvedMeeting, key: str) -> MeetingPacks | None:
        """The stored packs of a meeting, if stored under `key` and every file it read is unchanged."""
        path = self._path(meeting)
        if not self.use or not path.is_file():
            return None
        try:
            stored_key, inputs, packs = decode_entry(path.read_bytes())
        except (OSError, BadEntry) as exc:
            self.rejected.append((meeting.url_path, str(exc)))
            return None
        if not self._current(stored_key, inputs, key):
            return None
        self.kept.add(path)
        return self._loaded(packs)

    def _current(self, stored_key: str, inputs: dict[str, str], key: str) -> bool:
        """Whether an entry stored under `stored_key`, having read `inputs`, is what `key` asks for now.

        Files are hashed once per build (the same fonts and stylesheets are read by every meeting).
        """
        if stored_key != key:
            return False
        for name, digest in inputs.items():
            if name not in self.digests:
                self.digests[name] = file_digest(self._file(name))
            if self.digests[name] != digest:
                return False
        return True

    def _file(self, name: str) -> Path:
        """Where a file a render read is now: a name stored relative (`_stored`) is inside the content folder."""
        path = Path(name)
        return path if path.is_absolute() or self.root is None else self.root / path

    def _stored(self, packs: MeetingPacks) -> MeetingPacks:
        """The packs as stored: the files their render read inside the content folder named relative to it."""
        def name(path: str) -> str:
            for prefix in self._prefixes:
                if path.startswith(prefix):
                    return Path(path[len(prefix):]).as_posix()
            return path
        return dataclasses.replace(packs, inputs={name(n): d for n, d in packs.inputs.items()})

    def _loaded(self, packs: MeetingPacks) -> MeetingPacks:
        """The packs as read back: every file their render read by its full name in this content folder."""
        return dataclasses.replace(packs, inputs={str(self._file(n)): d for n, d in packs.inputs.items()})

    def has(self, meeting: ResolvedMeeting, key: str) -> bool:
        """Whether the meeting's entry is stored under `key` with every file it read unchanged.

        Reads only the entry's head, not its PDFs: the whole entry is read and its
        checksum checked by `get`, once, when its packs are wanted (a bad entry is
        then rendered after all).
        """
        return self.head(meeting, key) is not None

    def _head(self, meeting: ResolvedMeeting) -> tuple[Path, dict[str, Any], MeetingPacks] | None:
        """An entry's path, head and packs (no PDF bytes), read from its head only; None (and the reason in
        `rejected`) when there is none or it is not ours."""
        path = self._path(meeting)
        if not self.use or not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                if handle.readline() != MAGIC:
                    raise BadEntry("not a meetingpack cache entry")
                handle.readline()  # the checksum, checked by get()
                head = json.loads(handle.readline())
            return path, head, _meeting_packs(head, [])
        except (OSError, BadEntry, ValueError, KeyError, TypeError, IndexError) as exc:
            self.rejected.append((meeting.url_path, str(exc) if isinstance(exc, BadEntry) else "malformed entry"))
            return None

    def head(self, meeting: ResolvedMeeting, key: str) -> MeetingPacks | None:
        """The stored packs without their PDFs' bytes (sizes, pages and ranges only), read from the entry's
        head, if stored under `key` with every file it read unchanged; for a meeting whose pages need
        not be made again.  The PDFs themselves are not read, nor is the entry's checksum checked."""
        found = self._head(meeting)
        if found is None:
            return None
        path, head, packs = found
        try:
            current = self._current(head["key"], dict(head["inputs"]), key)
        except (KeyError, TypeError, ValueError):
            self.rejected.append((meeting.url_path, "malformed entry"))
            return None
        if not current:
            return None
        self.kept.add(path)
        return self._loaded(packs)

    def stale(self, meeting: ResolvedMeeting) -> MeetingPacks | None:
        """The packs last stored for a meeting, whatever its key now (page ranges and sizes, no bytes):
        for a preview that publishes the meeting's pages before its packs are rendered again.  The
        entry is kept (not pruned) by this build."""
        found = self._head(meeting)
        if found is None:
            return None
        self.kept.add(found[0])
        return self._loaded(found[2])

    def put(self, meeting: ResolvedMeeting, key: str, packs: MeetingPacks) -> None:
        """Store a meeting's render (whole or not at all: a temporary file moved into place)."""
        path = self._path(meeting)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(encode_entry(key, self._stored(packs)))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.kept.add(path)

    def prune(self) -> None:
        """Remove the entries of meetings this build did not have (deleted or renamed) and stray temporaries."""
        folder = self.folder / "meetings"
        for path in folder.iterdir() if folder.is_dir() else []:
            if path not in self.kept:
                path.unlink(missing_ok=True)
