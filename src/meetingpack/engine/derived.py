"""What is derived from one content file's bytes alone, kept in the build cache between builds.

Today one kind: the text of an existing PDF appendix (render/appendix_text.py), which the website
publishes as a page of its own.  pypdf reads it in about 10 ms a page, so a change to a site template,
which renders every page of the archive again, read every appendix again: a tenth of such a build.

An entry is `<cache>/derived/<kind>-<SHA-256 of the file's bytes>.json`: JSON (no pickle: a file
planted in the cache cannot run code) holding the tool's version (its code and libraries, as for
the renders), the value, and a SHA-256 of the value.  An entry of another version, or whose value
does not match its checksum (truncated, corrupt, edited), or that is not JSON, is worked out again
and replaced: never used.  The store is only used inside `derived_in` (the build sets it around
its work; the render workers, forked before it, work the text out themselves), and a store that
cannot be written costs time, never a build.  `prune` removes the entries of files no longer in the
content; the folder is safe to delete, and `pack build --clean` reads none.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .state import Stale, file_sha256, keep_file, seal, unseal, using

T = TypeVar("T")


@dataclass
class DerivedStore:
    """The folder of derived values (`<cache>/derived`), for the tool's `version` (engine/cache.py `versions`,
    as JSON); `use=False` reads none but stores what is worked out."""

    folder: Path
    version: str
    use: bool = True
    hits: int = 0
    misses: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """(entry, why) of entries found but not used."""

    def value(self, kind: str, path: Path, compute: Callable[[], T], encode: Callable[[T], Any],
              decode: Callable[[Any], T]) -> T:
        """`compute()`, a pure function of the bytes of the file at `path`: stored, or worked out now and stored."""
        try:
            digest = file_sha256(path)
        except OSError:
            return compute()
        entry = self.folder / f"{kind}-{digest}.json"
        if self.use:
            try:
                result = decode(unseal(entry.read_bytes(), self.version))
                self.hits += 1
                return result
            except (FileNotFoundError, Stale):
                pass
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                self.rejected.append((entry.name, str(exc) or type(exc).__name__))
        self.misses += 1
        result = compute()
        keep_file(entry, seal(encode(result), self.version))
        return result

    def prune(self, digests: Iterable[str]) -> None:
        """Remove the entries of files whose bytes (`digests`: SHA-256 of every content file) are gone."""
        keep = set(digests)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            digest = name.rpartition("-")[2].removesuffix(".json")
            if name.startswith(".tmp-") or digest not in keep:
                (self.folder / name).unlink(missing_ok=True)


_STORE: contextvars.ContextVar[DerivedStore | None] = contextvars.ContextVar("derived", default=None)


def derived_in(store: DerivedStore) -> AbstractContextManager[DerivedStore]:
    """Inside the block, `derived` keeps its values in `store`."""
    return using(_STORE, store)


def derived(kind: str, path: Path, compute: Callable[[], T], encode: Callable[[T], Any] = lambda v: v,
            decode: Callable[[Any], T] = lambda v: v) -> T:
    """`compute()`, a pure function of the bytes of the file at `path`, from the store of the build
    (`derived_in`) when it has it; worked out now (and stored there) when not."""
    store = _STORE.get()
    return compute() if store is None else store.value(kind, path, compute, encode, decode)
