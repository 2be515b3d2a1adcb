"""What open pages are told: the build's state and problems, and which served paths changed.

Every successful build that changed any served file is a new *generation*;
the server puts the generation a page was served at into the page (with a
token naming this run of the server).  A page asks for what changed since
its own generation, so it is told the same thing however late it connects
or reconnects: it reloads only if its own path (or a stylesheet, script or
image it shows) is among them.  A build that failed or changed nothing is
no new generation: no page reloads.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

HISTORY = 200
"""Generations remembered; a page older than that is told to reload."""


@dataclass
class Problem:
    """One error shown in the overlay: where it is and what is wrong."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""


@dataclass
class Live:
    """Shared between the build loop (which changes it) and the server's threads (which wait on it)."""

    token: str = field(default_factory=lambda: secrets.token_hex(8))
    generation: int = 0
    state: str = "rebuilding"
    """"rebuilding", "packs" (the pages are new, the packs of `pending` meetings are being rendered),
    "ready", or "failed" (problems shown; the last good build is served)."""
    pending: list[str] = field(default_factory=list)
    """The meetings (url paths) whose PDF packs are being rendered again after their pages were published."""
    problems: list[Problem] = field(default_factory=list)
    builds: int = 0
    """Builds started, including those that found nothing changed or failed."""
    closed: bool = False
    _changed: dict[int, frozenset[str]] = field(default_factory=dict)
    _version: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def _bump(self) -> None:
        self._version += 1
        self._cond.notify_all()

    def rebuilding(self) -> None:
        with self._cond:
            self.builds += 1
            self.state = "rebuilding"
            self._bump()

    def built(self, changed: set[str], pending: list[str] | None = None) -> None:
        """A build succeeded; `changed` are the served paths ("/a/b/index.html") whose bytes it changed;
        `pending`, the meetings whose packs are still to be rendered (a pages-first build)."""
        with self._cond:
            if changed:
                self.generation += 1
                self._changed[self.generation] = frozenset(changed)
                self._changed.pop(self.generation - HISTORY, None)
            self.state, self.problems, self.pending = ("packs" if pending else "ready"), [], list(pending or [])
            self._bump()

    def failed(self, problems: list[Problem]) -> None:
        with self._cond:
            self.state, self.problems = "failed", problems
            self._bump()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._bump()

    def wait(self, seen: int, timeout: float) -> int:
        """Wait until something changes after version `seen` (or `timeout`); return the current version."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != seen or self.closed, timeout=timeout)
            return self._version

    def changed_since(self, generation: int, token: str) -> list[str] | None:
        """Every path changed after `generation` of this run; None (reload) if that cannot be told."""
        with self._cond:
            if token != self.token or generation > self.generation or generation < self.generation - HISTORY:
                return None
            paths: set[str] = set()
            for g in range(generation + 1, self.generation + 1):
                paths |= self._changed[g]
            return sorted(paths)

    def message(self, generation: int, token: str) -> dict[str, Any]:
        """What a page served at `generation` is sent: state, problems, changed paths (None: reload)."""
        with self._cond:
            return {"state": self.state, "pending": self.pending, "builds": self.builds, "generation": self.generation,
                    "problems": [vars(p) for p in self.problems],
                    "changed": self.changed_since(generation, token)}
