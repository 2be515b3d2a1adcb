"""`pack serve`: the content folder in; a preview built, served on 127.0.0.1 and rebuilt on every save, out.

The preview is an ordinary incremental build (commands/build.py) into its
own output folder, `.preview/build` by default, never the site's `build/`:
a build with nothing changed stops at once, and an edited meeting renders
only its own packs and pages.  The builds run in the main thread, one at a
time, so that Ctrl-C stops a build in progress the way it stops `pack build`
(its render workers killed, its staging folder removed, the last good
preview left in place); the server and the watcher run in background
threads and stop with it.

After each build the record of published files (their hashes, written by
publish.py into the build cache) is compared with the one before it: the
served paths whose bytes changed are what open pages are told (serve/live.py),
so a page reloads only when what it shows changed.  A build with errors in
the content publishes nothing; its diagnostics are printed and shown over
the open pages, which keep showing the last good build.

What this does not do yet: the edited meeting's web page is published with
its packs, once they are rendered, not before them (the build engine renders
a meeting's packs before its pages, which need their page numbers).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError, ContentError, Diagnostic
from ..publish import load_published
from ..render.templates import builtin_templates
from ..reporter import Reporter
from ..serve.live import Live, Problem
from ..serve.server import PreviewServer, ServeError
from ..serve.watcher import Changes, Watcher
from .build import build_project, cache_folder

DEFAULT_PREVIEW = Path(".preview/build")


@dataclass
class Preview:
    """One `pack serve` session: what it builds from and into, and what it tells the pages."""

    source: Path
    out: Path
    say: Callable[[str], None]
    """A line for the terminal."""
    show: Callable[[list[Diagnostic]], None]
    """Diagnostics for the terminal, printed as `pack check` prints them."""
    jobs: int | None = None
    live: Live | None = None

    def __post_init__(self) -> None:
        self.live = self.live or Live()
        self.index = cache_folder(self.out) / "published.json"  # publish.py's record of the served files

    def build(self, why: str = "") -> None:
        """Build once; tell the pages what changed, or what is wrong (the last good build stays served)."""
        live = self.live
        assert live is not None
        live.rebuilding()
        self.say(f"pack serve: build {live.builds}{f' ({why})' if why else ''}")
        started = time.monotonic()
        before = load_published(self.index)
        try:
            # the pages first (with the previous packs' page ranges and PDFs), so that an edit shows at once;
            # then, if any meeting's packs must be rendered again, the whole build
            result = build_project(self.source, self.out, progress=Reporter(lambda text: self.say(f"  {text}")),
                                   jobs=self.jobs, notice=self.say, pages_first=True)
            if result.pending:
                quick = changed_pages(before, load_published(self.index))
                live.built(quick, result.pending)
                self.say(f"pack serve: pages in {time.monotonic() - started:.1f} s; rendering the packs of "
                         + ", ".join(result.pending))
                before = load_published(self.index)
                result = build_project(self.source, self.out,
                                       progress=Reporter(lambda text: self.say(f"  {text}")),
                                       jobs=self.jobs, notice=self.say)
        except ContentError as exc:
            errors = sorted(exc.report.errors, key=lambda d: (d.path, d.line, d.column))
            self.show(sorted(exc.report.diagnostics, key=lambda d: (d.path, d.line, d.column)))
            live.failed([Problem(d.path, d.line, d.column, d.message, d.hint) for d in errors])
            self.say(f"pack serve: {len(errors)} error{'s' if len(errors) != 1 else ''} in the content; "
                     "still serving the last good build")
            return
        except BuildError as exc:  # a template or a PDF the renderer refused: not in one content file
            live.failed([Problem("", 0, 0, str(exc))])
            self.say(f"pack serve: error: {exc}; still serving the last good build")
            return
        except Exception as exc:  # noqa: BLE001 - a bug in meetingpack: say so, and keep serving what was built
            self.say("".join(traceback.format_exception(exc)).rstrip())
            live.failed([Problem("", 0, 0, f"internal error in meetingpack: {type(exc).__name__}: {exc} "
                                 "(the traceback is in the terminal; please report it)")])
            return
        self.show(sorted(result.report.warnings, key=lambda d: (d.path, d.line, d.column)))
        changed = changed_pages(before, load_published(self.index)) if not result.unchanged else set()
        live.built(changed)
        took = time.monotonic() - started
        if result.unchanged:
            self.say(f"pack serve: nothing changed ({took:.1f} s)")
        else:
            self.say(f"pack serve: built in {took:.1f} s: {result.rendered} of {result.meetings} meetings "
                     f"rendered, {len(changed)} served files changed")


def changed_pages(before: dict[str, tuple[str, int, int]], after: dict[str, tuple[str, int, int]]) -> set[str]:
    """The served paths ("/panel/2026-01-12/index.html") whose bytes differ between two publish records.

    Files added or removed count as changed.  Only the site is served: files
    outside `site/` (the members' pack, the manifest) are left out.
    """
    paths = {p for p in before.keys() | after.keys()
             if before.get(p, ("",))[0] != after.get(p, ("",))[0] and p.startswith("site/")}
    return {"/" + p.removeprefix("site/") for p in paths}


def serve_project(preview: Preview, port: int, ready: Callable[[str], None]) -> None:
    """Serve `preview` on 127.0.0.1:`port` until stopped (Ctrl-C raises Stopped, or KeyboardInterrupt).

    `ready` gets the address as soon as the server listens, before the first build.
    """
    live = preview.live
    assert live is not None
    if not preview.source.is_dir():  # nothing to watch: it would never be built
        raise ServeError(f"content folder {preview.source} not found; give the folder that holds site.yaml")
    if preview.source.resolve().is_relative_to(preview.out.resolve()):  # each build replaces the output whole
        raise ServeError(f"the output folder {preview.out} holds the content folder {preview.source}; "
                         "it would be replaced by the preview: give another --out")
    server = PreviewServer(preview.out / "site", port, live)
    changes = Changes()
    out = preview.out.absolute()
    # the content (its templates/ included) and the built-in templates; never what the build writes
    watcher = Watcher([preview.source, builtin_templates()],
                      [out, cache_folder(preview.out), out.with_name(f".{out.name}.lock")], changes)
    try:
        server.start()
        watcher.start()
        ready(server.url)
        if watcher.polling:
            preview.say("pack serve: the system's file notifications are not available; polling the folders")
        preview.build("first build")
        while True:
            paths = changes.wait()
            preview.build(_described(paths, preview.source))
    finally:
        watcher.stop()
        server.stop()


def _described(paths: set[str], source: Path) -> str:
    names = []
    for path in sorted(paths):
        try:
            names.append(str(Path(path).relative_to(source.absolute())))
        except ValueError:
            names.append(path)
    return "changed: " + ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
