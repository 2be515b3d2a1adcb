"""The watcher: folders to watch in, batches of changed paths out, one batch per burst of saves.

Editors write a file several times when saving it (a temporary file renamed
into place, a backup, a swap file), so a change is not acted on at once: the
build waits until no change has come for `quiet` seconds (MkDocs waits a
quarter of a second too), then takes every change seen so far as one batch.
A change that comes while a build runs is kept for the next batch, so a save
during a build causes exactly one more build.

Only events that change what a build reads count: files created, deleted,
moved, or closed after writing.  On Linux (inotify) a plain "modified" event
is left out, as MkDocs does: editors' swap files are written and never closed,
and the "closed" event that follows every real save is enough.  Files opened
or closed without writing are left out too: the build itself reads every
content file, and those reads must not start another build.  Paths under the
output folder, the build cache and hidden folders are left out.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

QUIET = 0.25
"""Seconds without a change after which a burst of saves is taken as over."""
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
_SCRATCH_NAMES = {"4913", ".DS_Store"}  # 4913: the file vim writes to test that a folder is writable


class Changes:
    """Changed paths collected from the watcher's thread, handed out in debounced batches."""

    def __init__(self, quiet: float = QUIET) -> None:
        self.quiet = quiet
        self._cond = threading.Condition()
        self._paths: set[str] = set()
        self._last = 0.0

    def add(self, path: str) -> None:
        with self._cond:
            self._paths.add(path)
            self._last = time.monotonic()
            self._cond.notify_all()

    @property
    def pending(self) -> bool:
        with self._cond:
            return bool(self._paths)

    def wait(self) -> set[str]:
        """Block until there are changes and none has come for `quiet` seconds; return them all.

        Waits in short steps, so that a signal (Ctrl-C) is handled at once.
        """
        with self._cond:
            while not self._paths:
                self._cond.wait(0.5)
            while (left := self._last + self.quiet - time.monotonic()) > 0:
                self._cond.wait(left)
            paths, self._paths = self._paths, set()
            return paths


def _scratch(name: str) -> bool:
    return name in _SCRATCH_NAMES or name.endswith(_SCRATCH_SUFFIXES) or name.startswith(".#")


class _Handler(FileSystemEventHandler):
    def __init__(self, roots: list[Path], ignore: list[Path], changes: Changes, inotify: bool) -> None:
        self.roots = roots
        self.ignore = ignore
        self.changes = changes
        self.inotify = inotify

    def counts(self, path: str) -> bool:
        """Whether a change at `path` can change what the build reads."""
        p = Path(os.path.abspath(path))
        if any(p == i or p.is_relative_to(i) for i in self.ignore) or _scratch(p.name):
            return False
        root = next((r for r in self.roots if p.is_relative_to(r)), None)
        # hidden folders (.git, the preview folder, editors' folders) are not read by the build
        return root is not None and not any(part.startswith(".") for part in p.relative_to(root).parts)

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind == EVENT_TYPE_MODIFIED and (event.is_directory or self.inotify):
            return  # see the module docstring; a folder's own "modified" follows its entries' events
        if kind not in (EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED, EVENT_TYPE_MODIFIED,
                        EVENT_TYPE_CLOSED):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if path and self.counts(path):
                self.changes.add(path)


class Watcher:
    """Watch `folders` (recursively) in a background thread, adding what counts to `changes`.

    The system's own notifications are used (inotify, FSEvents, ...); where
    they cannot be had (too many folders watched already, say), the folders
    are polled instead, as Lektor does.
    """

    def __init__(self, folders: Iterable[Path], ignore: Iterable[Path], changes: Changes) -> None:
        self.folders = sorted({Path(os.path.abspath(f)) for f in folders if f.is_dir()})
        self.ignore = [Path(os.path.abspath(i)) for i in ignore]
        self.changes = changes
        self.observer: BaseObserver | None = None
        self.polling = False

    def start(self) -> None:
        try:
            self.observer = self._start(Observer)
        except OSError:
            self.observer, self.polling = self._start(PollingObserver), True

    def _start(self, kind: Callable[[], BaseObserver]) -> BaseObserver:
        observer = kind()
        handler = _Handler(self.folders, self.ignore, self.changes, type(observer).__name__ == "InotifyObserver")
        for folder in self.folders:
            observer.schedule(handler, str(folder), recursive=True)
        observer.daemon = True
        observer.start()
        return observer

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
            self.observer = None
