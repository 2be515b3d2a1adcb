"""Where a one-word change's build spends its time, phase by phase (issue 11: what is left beyond the render).

Changes one word of one report of an already built archive (`archive_build.change_one_word`), then runs
`build_project(..., jobs=1)` in this process with each phase of commands/build.py timed (wall seconds;
generators timed over every step they yield).  Phases nest: `publish` includes the phases that run while
outputs are streamed into it (render, meeting pages, site tasks, search).  Not a verdict: a breakdown, to say
which part of a build grows with the archive.

    .venv/bin/python bench/archive.py /tmp/a100 --committees 5 --meetings 20
    .venv/bin/pack build /tmp/a100 --out /tmp/a100-build
    .venv/bin/python bench/one_word_phases.py /tmp/a100 /tmp/a100-build
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive_build import change_one_word

from meetingpack.commands import build

SPENT: dict[str, float] = {}


def _timed(owner: Any, name: str, label: str) -> None:
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            SPENT[label] = SPENT.get(label, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)


def _timed_steps(owner: Any, name: str, label: str) -> None:
    real: Callable[..., Iterator[Any]] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        steps = real(*args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                step = next(steps)
            except StopIteration:
                return
            finally:
                SPENT[label] = SPENT.get(label, 0.0) + time.perf_counter() - start
            yield step

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    _timed(build, "sources", "hash the sources (state)")
    _timed(build, "checked_project", "check (warm check cache)")
    _timed(build, "load_published", "read the previous build's record")
    _timed(build, "plan_meetings", "render and page keys of every meeting")
    _timed_steps(build, "render_all", "render the changed meeting")
    _timed(build, "_meeting_outputs", "the changed meeting's pages")
    _timed_steps(build, "site_outputs", "site tasks (keys, remade pages)")
    _timed(build, "index_bundles", "search bundles")
    _timed(build.PageTasks, "save", "save pages.json")
    _timed(build.SiteTasks, "save", "save site.json")
    _timed(build, "publish", "publish (includes the phases streamed into it)")
    paper = change_one_word(args.content)
    start = time.perf_counter()
    result = build.build_project(args.content, args.out, jobs=1)
    wall = time.perf_counter() - start
    print(f"changed {paper.relative_to(args.content)}: {wall:.2f} s wall, "
          f"{result.rendered} rendered, {result.reused} reused, "
          f"{result.site_tasks - result.site_tasks_reused} of {result.site_tasks} site tasks made")
    for label, seconds in SPENT.items():
        print(f"  {label:<50} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
