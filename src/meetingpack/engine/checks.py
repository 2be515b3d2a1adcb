"""The check cache: a text in, what loading and checking it found out (from the last build, or worked out now).

Checking the content is most of what a build with a small change does once the
render is cached (about 50 ms of CPU a meeting, docs/performance.md): reading
each YAML file with the positions of its values, the Markdown limits pass over
each paper, and each paper's one analysis parse (headings, links, block ids,
minutes, resolutions).  All three are pure functions of a file's text, so
their results are stored in the build cache under `checks/`, keyed by a hash
of the text, the arguments, and the tool's version (its code and libraries):

- `yaml`: `yamlpos.parse_yaml(text, line_offset)`, the data and its positions
  (a text with a syntax error is not stored: its error is worked out again);
- `limits`: `render.markdown.markdown_limits(body)`, where a paper passes a limit;
- `analysis`: the paper's `Rendered` analysis (load.DocumentSource.analysis).

The diagnostics are made from these results by load.py and validate.py as
before, so an unchanged file's warnings are reported on every build, word for
word.  What needs other files (links between papers, agenda checks, numbering,
records) is worked out again each build: it is cheap.

New entries are kept in memory until `flush`, which a build calls once the
content has no errors and it holds the output lock: a build with errors writes
nothing.  An entry is one file named by its key, written to a temporary name and moved
into place; it starts with a magic line and a SHA-256 of the rest, so a
truncated, corrupt or foreign entry is detected, ignored and replaced.  Entries
are JSON (no pickle: a file planted in the cache cannot run code).  The cache is
safe to delete; `pack build --clean` reads none (and stores fresh ones).  Entries
no build used are removed by `prune` after a build that published.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..render.markdown import Heading, Image, Link, Rendered, Resolution
from ..yamlpos import Positions

MAGIC = b"meetingpack-check 1\n"
"""First line of every entry: which program and format wrote it."""

T = TypeVar("T")


class Unstorable(Exception):
    """A value the entry format has no form for (a YAML set, say): worked out again each build instead."""


class BadEntry(Exception):
    """An entry that is truncated, corrupt or foreign."""


# ------------------------------------------------------------------ values


def _encode(value: Any) -> Any:
    """YAML data as JSON: every JSON object is a tag, so that a mapping, a date and a tuple come back as they were."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        return {"T": value.isoformat()}
    if isinstance(value, dt.date):
        return {"D": value.isoformat()}
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode("ascii")}
    raise Unstorable(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "m":
        return {_decode(k): _decode(v) for k, v in inner}
    if tag == "t":
        return tuple(_decode(v) for v in inner)
    if tag == "T":
        return dt.datetime.fromisoformat(inner)
    if tag == "D":
        return dt.date.fromisoformat(inner)
    if tag == "b":
        return base64.b64decode(inner)
    raise ValueError(f"unknown tag {tag!r}")


def _positions(p: Positions) -> Any:
    return [p.line_offset, [[list(k), *v] for k, v in p.keys.items()], [[list(k), *v] for k, v in p.values.items()]]


def _unpositions(v: Any) -> Positions:
    return Positions(int(v[0]), {tuple(k): (int(a), int(b)) for k, a, b in v[1]},
                     {tuple(k): (int(a), int(b)) for k, a, b in v[2]})


def encode_yaml(result: tuple[Any, Positions]) -> Any:
    return [_encode(result[0]), _positions(result[1])]


def decode_yaml(v: Any) -> tuple[Any, Positions]:
    return _decode(v[0]), _unpositions(v[1])


def encode_limits(problems: list[tuple[int, str]]) -> Any:
    return [list(p) for p in problems]


def decode_limits(v: Any) -> list[tuple[int, str]]:
    return [(int(line), str(message)) for line, message in v]


def encode_analysis(r: Rendered) -> Any:
    return {"headings": [[h.level, h.text, h.id, h.line] for h in r.headings],
            "images": [[i.src, i.alt, i.line] for i in r.images],
            "links": [[link.href, link.line] for link in r.links],
            "minutes": [list(m) for m in r.minutes],
            "resolutions": [[x.minute, x.part, x.text, x.preamble, x.anchor, x.line] for x in r.resolutions],
            "paragraphs": r.paragraphs, "blocks": r.blocks, "exempt": [list(e) for e in r.exempt]}


def decode_analysis(v: Any) -> Rendered:
    return Rendered("", [Heading(*h) for h in v["headings"]], [Image(*i) for i in v["images"]],
                    [Link(*link) for link in v["links"]], [(int(n), str(t)) for n, t in v["minutes"]],
                    [Resolution(*x) for x in v["resolutions"]], int(v["paragraphs"]),
                    [str(b) for b in v["blocks"]], [(int(a), b, int(c)) for a, b, c in v["exempt"]])


# ------------------------------------------------------------------ the cache


class CheckCache:
    """Stored results of checking texts, in `folder` (the build cache's `checks/`).

    `use=False` (pack build --clean) reads no entry but stores what it works out.
    `version` is the tool's version (its code and libraries): entries of another version are not found.
    """

    def __init__(self, folder: Path, version: str, use: bool = True) -> None:
        self.folder = folder
        self.version = version
        self.use = use
        self.used: set[str] = set()
        """Keys of the entries this build read or wrote (kept by `prune`)."""
        self.hits = 0
        self.misses = 0
        self.rejected: list[tuple[str, str]] = []
        """(entry, why) of entries found but not used because they were bad."""
        self.pending: dict[str, bytes] = {}
        """Entries worked out by this build, to be written by `flush`."""

    def key(self, kind: str, text: str, *args: object) -> str:
        description = json.dumps([kind, self.version, [repr(a) for a in args]]).encode("utf-8")
        digest = hashlib.sha256(description)
        digest.update(b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _read(self, key: str) -> Any:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            if not data.startswith(MAGIC):
                raise BadEntry("not a meetingpack check entry")
            checksum, _, body = data[len(MAGIC):].partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
                raise BadEntry("checksum does not match (truncated or corrupt)")
            entry = json.loads(body)
            if not isinstance(entry, dict) or entry.get("key") != key:
                raise BadEntry("stored under another key")
            return entry["value"]
        except (BadEntry, ValueError) as exc:
            self.rejected.append((path.name, str(exc) if isinstance(exc, BadEntry) else "malformed entry"))
            return None

    def _write(self, key: str, value: Any) -> None:
        body = json.dumps({"key": key, "value": value}, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        self.pending[key] = MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body

    def flush(self) -> None:
        """Write the entries worked out since the last flush (each whole or not at all)."""
        for key, data in self.pending.items():
            self._store(key, data)
        self.pending.clear()

    def _store(self, key: str, data: bytes) -> None:
        path = self._path(key)
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
            return  # a cache that cannot be written costs time next build, never a failed build

    def memo(self, kind: str, text: str, args: tuple[object, ...], compute: Callable[[], T],
             encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
        """`compute()`'s result for this text and arguments: stored, or worked out now and stored."""
        key = self.key(kind, text, *args)
        self.used.add(key)
        if self.use:
            stored = self._read(key)
            if stored is not None:
                try:
                    value = decode(stored)
                    self.hits += 1
                    return value
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    self.rejected.append((key, "malformed value"))
        self.misses += 1
        value = compute()
        try:
            self._write(key, encode(value))
        except Unstorable:
            pass
        return value

    def prune(self) -> None:
        """Remove the entries this build did not use (texts changed or gone) and stray temporaries."""
        if not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            for path in shard.iterdir() if shard.is_dir() else [shard]:
                if path.stem not in self.used or path.suffix != ".json":
                    path.unlink(missing_ok=True)
