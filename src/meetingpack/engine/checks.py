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

The entries of one top folder of the content (a committee's folder, with its
meetings and papers; site.yaml is the content folder's own) are kept together
in one store file, read whole the first time one of them is wanted: a build of
an archive reads a few files, not one per YAML file and paper.  New entries are
kept in memory until `flush`, which a build calls once the content has no
errors and it holds the output lock: a build with errors writes nothing.
`flush` writes again only the stores whose entries changed (a text changed,
came or went), each with exactly the entries this build used, to a temporary
name moved into place.  A store starts with a magic line and a SHA-256 of the
rest, so a truncated, corrupt or foreign store is detected, ignored and
replaced; then one line per entry, its key and its JSON (no pickle: a file
planted in the cache cannot run code).  YAML positions are stored as text
within the entry and made into tables only when a diagnostic needs them
(`StoredPositions`).  The cache is safe to delete; `pack build --clean` reads
none (and stores fresh ones).  Stores no build used are removed by `prune`
after a build that published.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..render.markdown import Heading, Image, Link, Rendered, Resolution
from ..yamlpos import Positions
from .state import keep_file

MAGIC = b"meetingpack-checks 2\n"
"""First line of every store: which program and format wrote it."""

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


class StoredPositions(Positions):
    """Positions as the check cache stored them: their JSON text, made into tables when first looked at.

    Most positions are never looked at (they place diagnostics, and a sound
    file has none), and the text is a fraction of the tables' memory: an
    archive's check holds every YAML file's positions until the build ends.
    """

    def __init__(self, text: str) -> None:  # the tables come on first use: no super().__init__
        self.text = text

    def __getattr__(self, name: str) -> Any:
        text = self.__dict__.get("text")
        if name not in ("line_offset", "keys", "values") or text is None:
            raise AttributeError(name)
        tables = _unpositions(json.loads(text))
        self.line_offset, self.keys, self.values = tables.line_offset, tables.keys, tables.values
        return getattr(self, name)

    def compact(self) -> None:
        """Let go of the tables (made again from the text if looked at again): once the content is checked."""
        for name in ("line_offset", "keys", "values"):
            self.__dict__.pop(name, None)


def encode_yaml(result: tuple[Any, Positions]) -> Any:
    # the positions as a string inside the entry: read back as one string, made into tables only if used
    return [_encode(result[0]), json.dumps(_positions(result[1]), separators=(",", ":"))]


def decode_yaml(v: Any) -> tuple[Any, Positions]:
    if not isinstance(v[1], str):
        raise TypeError("positions are not stored as text")
    return _decode(v[0]), StoredPositions(v[1])


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
    """Stored results of checking texts, in `folder` (the build cache's `checks/`), one store per top folder.

    `use=False` (pack build --clean) reads no entry but stores what it works out.
    `version` is the tool's version (its code and libraries): entries of another version are not found.
    `content(root)` says which content folder is checked, so that each file's entries go to its top
    folder's store (without it, or for a path elsewhere, they go to the content folder's own store).
    """

    def __init__(self, folder: Path, version: str, use: bool = True) -> None:
        self.folder = folder
        self.version = version
        self.use = use
        self.used: set[str] = set()
        """Names of the stores this build read or wrote (kept by `prune`)."""
        self.hits = 0
        self.misses = 0
        self.rejected: list[tuple[str, str]] = []
        """(store or entry, why) of what was found but not used because it was bad."""
        self.pending: dict[str, bytes] = {}
        """Entries worked out by this build (key: JSON), to be written by `flush`."""
        self._prefixes: tuple[str, ...] = ()
        self._stored: dict[str, dict[str, bytes]] = {}
        """Each store read, by group: its entries' JSON by key."""
        self._now: dict[str, dict[str, bytes]] = {}
        """Each store's entries as this build used or made them, by group."""
        self._dirty: set[str] = set()
        """Groups with an entry worked out by this build: their stores are written again."""

    def content(self, root: Path) -> None:
        """Group the entries by the top folders of the content folder `root` (as given and resolved)."""
        self._prefixes = tuple(dict.fromkeys(str(base) + os.sep for base in (root, root.absolute(), root.resolve())
                                             if str(base) != "."))

    def group(self, path: Path | None) -> str:
        """The store a file's entries go to: its top folder under the content folder ("" for the folder's own)."""
        name = str(path) if path is not None else ""
        for prefix in self._prefixes:
            if name.startswith(prefix):
                top, sep, _ = name[len(prefix):].partition(os.sep)
                return top if sep else ""
        return ""

    def key(self, kind: str, text: str, *args: object) -> str:
        description = json.dumps([kind, self.version, [repr(a) for a in args]]).encode("utf-8")
        digest = hashlib.sha256(description)
        digest.update(b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, group: str) -> Path:
        return self.folder / f"{hashlib.sha256(group.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.checks"

    def _load(self, group: str) -> dict[str, bytes]:
        """A store's entries, read once per build (none when not using the cache, or it is missing or bad)."""
        if group in self._stored:
            return self._stored[group]
        path = self._path(group)
        self.used.add(path.name)
        self._now[group] = {}
        self._stored[group] = entries = {}
        if not self.use:
            return entries
        try:
            data = path.read_bytes()
        except OSError:
            return entries
        try:
            if not data.startswith(MAGIC):
                raise BadEntry("not a meetingpack check store")
            checksum, _, body = data[len(MAGIC):].partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
                raise BadEntry("checksum does not match (truncated or corrupt)")
            for line in body.splitlines():
                key, space, value = line.partition(b" ")
                if not space or len(key) != 64:
                    raise BadEntry("malformed store")
                entries[key.decode("ascii")] = value
        except (BadEntry, UnicodeDecodeError) as exc:
            entries.clear()
            self.rejected.append((path.name, str(exc) if isinstance(exc, BadEntry) else "malformed store"))
        return entries

    def flush(self) -> None:
        """Write the stores whose entries changed since they were read (each whole or not at all), then let
        go of what was read: the entries are not needed again by this build."""
        for group, now in self._now.items():
            if group in self._dirty or now.keys() != self._stored[group].keys():
                body = b"".join(key.encode("ascii") + b" " + value + b"\n" for key, value in sorted(now.items()))
                keep_file(self._path(group), MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        self.pending.clear()
        self._now.clear()
        self._stored.clear()
        self._dirty.clear()

    def memo(self, kind: str, text: str, args: tuple[object, ...], compute: Callable[[], T],
             encode: Callable[[T], Any], decode: Callable[[Any], T], path: Path | None = None) -> T:
        """`compute()`'s result for this text and arguments: stored, or worked out now and stored.

        `path` is the file the text is from: its entries are kept in its top folder's store.
        """
        key = self.key(kind, text, *args)
        group = self.group(path)
        stored = self._load(group)
        now = self._now[group]
        raw = stored.get(key)
        if raw is not None:
            try:
                value = decode(json.loads(raw))
                self.hits += 1
                now[key] = raw
                return value
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                self.rejected.append((key, "malformed value"))
        self.misses += 1
        value = compute()
        try:
            raw = json.dumps(encode(value), ensure_ascii=True, separators=(",", ":")).encode("ascii")
        except Unstorable:
            return value
        now[key] = self.pending[key] = raw
        self._dirty.add(group)
        return value

    def prune(self) -> None:
        """Remove the stores this build did not use (folders gone), stray temporaries and entries of the
        earlier format (a folder per key prefix)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name not in self.used:
                path.unlink(missing_ok=True)
