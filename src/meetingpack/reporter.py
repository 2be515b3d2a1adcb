"""Progress of a build, told to the person running it: phases and counts in, lines or bars out.

One reporter object receives everything a build has to say while it runs (as
Lektor's reporter does): the start of each phase with how much it has to do,
each step done (a meeting's packs rendered or taken from the cache, a
meeting's pages written), and notices.  `Reporter` prints plain lines, for
logs and CI; `TerminalReporter` draws a progress bar per phase with rich, for
a person at a terminal: done of total, how many were reused, and pages per
second.  The build calls the same methods on either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class Reporter:
    """Plain lines through `say`; also callable as `say` itself, for messages."""

    def __init__(self, say: Callable[[str], None] = lambda _: None) -> None:
        self.say = say
        self.started = time.monotonic()
        self.pages = 0
        """PDF pages rendered by this build (not those reused): for pages per second."""

    def __call__(self, text: str) -> None:
        self.say(text)

    def phase(self, name: str, total: int, reused: int = 0) -> None:
        """A phase begins with `total` steps, `reused` of which will come from the cache."""
        if name == "packs":
            self.say(f"rendering the packs of {total - reused} meetings"
                     + (f"; {reused} unchanged, taken from the cache" if reused else ""))

    def step(self, name: str, what: str, *, reused: bool = False, pages: int = 0) -> None:
        """One step of phase `name` is done; `pages` PDF pages were rendered for it."""
        self.pages += pages  # the plain lines about each meeting come from the renderers themselves

    def close(self) -> None:
        """The build is over (finished or stopped): put the terminal back as it was."""


class TerminalReporter(Reporter):
    """A rich progress bar per phase on a terminal; notices are printed above the bars."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        super().__init__()
        self.progress = Progress(
            TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
            console=console or Console(stderr=True), transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.reused: dict[str, int] = {}
        self.progress.start()

    def __call__(self, text: str) -> None:
        if not text.startswith(("rendering ", "rendered ")):  # the bars say that
            self.progress.console.print(text)

    def phase(self, name: str, total: int, reused: int = 0) -> None:
        self.reused[name] = 0
        self.tasks[name] = self.progress.add_task(name, total=total, detail="")

    def step(self, name: str, what: str, *, reused: bool = False, pages: int = 0) -> None:
        self.pages += pages
        self.reused[name] += reused
        elapsed = max(time.monotonic() - self.started, 1e-3)
        detail = f"{self.reused[name]} reused" if self.reused[name] else ""
        if self.pages and name == "packs":
            detail += f"{', ' if detail else ''}{self.pages / elapsed:.1f} pages/s"
        self.progress.update(self.tasks[name], advance=1, detail=detail)

    def close(self) -> None:
        self.progress.stop()
