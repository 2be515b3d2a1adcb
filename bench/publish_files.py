#!/usr/bin/env python
"""Benchmark: publishing alone, at the scale of a 1,000-meeting archive, without rendering anything.

    nice -n 10 .venv/bin/python bench/publish_files.py                 # 32 meetings of 1,023 files, 3 rounds
    nice -n 10 .venv/bin/python bench/publish_files.py --meetings 8 --rounds 5 --work /tmp/pub

A synthetic build of M meetings of 1,023 small files each (an index page, meeting.json and a pack in the
meeting's folder; 340 item folders of a page, a PDF and a JSON file) and 300 site-wide pages, 33,036 files
in 11,000 folders with the defaults, is published once (every file written).  Then each round publishes
the next build, in which one meeting changed: its files come as bytes (one page's bytes differ from the
last build), the other meetings' files as the last build's files by their hashes (as an unchanged pages
task hands them on, engine/tasks.py), and the site-wide pages as bytes, all the same but one.  That is what
a one-word change at 1,000 meetings asks of publish.py, without the render.

Printed per round, in seconds: the whole `publish` call, and within it removing the old tree and writing
the record of published files (`published.json`); then the check a no-change rebuild makes, that the
output folder is exactly as published (engine/state.py `as_published`).  Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from meetingpack import publish
from meetingpack.engine import state
from meetingpack.site import Output

ITEMS = 340
SITE_PAGES = 300


def _meeting_files(m: int) -> list[str]:
    base = f"site/c{m % 8}/2026-{m:04d}"
    files = [f"{base}/index.html", f"{base}/meeting.json", f"{base}/c-{m}-pack.pdf"]
    for i in range(ITEMS):
        files += [f"{base}/item-{i}/index.html", f"{base}/item-{i}/item-{i}.pdf", f"{base}/item-{i}/item.json"]
    return files


def _bytes(path: str, generation: str) -> bytes:
    return (f"<p>{path}</p>\n" * 8 + generation + "\n").encode()


def outputs(meetings: int, changed: int, generation: str, previous: publish.Published) -> Iterator[Output]:
    """One build's files: meeting `changed` (and the first site-wide page) in `generation`'s bytes."""
    for m in range(meetings):
        for n, path in enumerate(_meeting_files(m)):
            if m == changed:
                yield Output(path, _bytes(path, generation if n == 3 else "same"))
            else:
                yield Output(path, digest=previous[path][0])
    for p in range(SITE_PAGES):
        path = f"site/pages/p{p}/index.html"
        yield Output(path, _bytes(path, generation if p == 0 else "same"))


def _timed(module: Any, name: str, spent: dict[str, float]) -> Callable[[], None]:
    """Add the time spent in module.name to spent[name]; returns the undo."""
    real = getattr(module, name, None)
    if real is None:
        return lambda: None

    def call(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - began

    setattr(module, name, call)
    return lambda: setattr(module, name, real)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="publish-bench-", dir=args.work))
    out, index = work / "build", work / ".build.cache" / "published.json"
    try:
        paths = [p for m in range(args.meetings) for p in _meeting_files(m)]
        paths += [f"site/pages/p{p}/index.html" for p in range(SITE_PAGES)]
        first = [Output(p, data, None, hashlib.sha256(data).hexdigest()) for p in paths
                 for data in [_bytes(p, "same")]]
        began = time.perf_counter()
        with publish.output_lock(out):
            files = publish.publish(first, out, index=index)
        print(f"{files} files; first publish (every file written) {time.perf_counter() - began:.2f} s")
        rows = []
        for r in range(args.rounds):
            spent: dict[str, float] = {}
            undo = [_timed(publish, name, spent) for name in ("_remove", "remove_old", "_save_published")]
            previous = publish.load_published(index)
            began = time.perf_counter()
            with publish.output_lock(out):
                publish.publish(outputs(args.meetings, r % args.meetings, f"round {r}", previous), out, index=index)
            whole = time.perf_counter() - began
            for u in undo:
                u()
            began = time.perf_counter()
            intact = state.as_published(out, publish.load_published(index))
            check = time.perf_counter() - began
            removal = spent.get("_remove", 0.0) + spent.get("remove_old", 0.0)
            rows.append((whole, removal, spent.get("_save_published", 0.0), check))
            print(f"round {r + 1}: publish {whole:.2f} s (old tree removed {removal:.2f} s, "
                  f"published.json {spent.get('_save_published', 0.0):.2f} s); "
                  f"as_published {check:.2f} s ({'intact' if intact else 'NOT intact'})")
        medians = [statistics.median(col) for col in zip(*rows, strict=True)]
        print("median: publish {:.2f} s, old tree {:.2f} s, published.json {:.2f} s, as_published {:.2f} s"
              .format(*medians))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
