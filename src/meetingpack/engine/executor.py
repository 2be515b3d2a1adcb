"""The executor: meetings in, their packs out, rendered in worker processes (one per core), in order.

A meeting's render is a pure function of the meeting (engine/cache.py keys it
by exactly what it reads), so it may run in any process; the results come
back in meeting order, at most two per worker ahead, so that finished PDFs do
not pile up.  A build starts its workers (`RenderPool`) before it loads the
content, so that they do not carry the whole archive's model in their memory,
and hands each the meeting it is to render, pickled (`portable`: the meeting
without its committee's other meetings, which a render does not read).  The
workers die with the build (processes.py), and are killed at once when the
build stops (a failed render, Ctrl-C, SIGTERM).  A distributed executor would
take the same tasks and keys.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Self

from ..processes import die_with_parent
from ..render.pdf import MeetingPacks, render_packs
from ..render.templates import make_environment
from ..resolve import ResolvedMeeting

_WORK: tuple[Path, list[ResolvedMeeting], int] | None = None
"""What the worker processes render, and on how many cores: set before they are forked, so that nothing big is
pickled to them."""


def cores_for(index: int, count: int, jobs: int) -> int:
    """The processes meeting `index` of `count` may lay its big runs' chunks out on (render/chunks.py), of `jobs`.

    Meetings start in order, one per core.  Once the last ones have started, no meeting is left to
    take the cores that fall idle as the others finish: so the last meeting gets every core, the
    one before it one fewer, and so on (at least one).  It only changes when a big meeting's
    chunks are laid out, never its bytes.
    """
    return max(1, jobs - (count - 1 - index))


def _render_one(index: int) -> MeetingPacks:
    assert _WORK is not None
    root, meetings, jobs = _WORK
    return render_packs(make_environment(root), meetings[index], workers=cores_for(index, len(meetings), jobs))


def _render_given(root: Path, meeting: ResolvedMeeting, cores: int) -> MeetingPacks:
    """In a worker of a `RenderPool`: render the meeting it was sent, its big runs' chunks on `cores` processes."""
    return render_packs(make_environment(root), meeting, workers=cores)


def _ready() -> None:
    """Nothing: submitted once so that the workers start now (see `RenderPool`)."""


def portable(meeting: ResolvedMeeting) -> ResolvedMeeting:
    """The meeting as sent to a worker: without its committee's other meetings (a render does not read them,
    engine/cache.py leaves them out of its key), so that what is pickled is this meeting's own."""
    return dataclasses.replace(meeting, committee=dataclasses.replace(meeting.committee, meetings=[]))


class RenderPool:
    """Render workers (one per core) started now, before the build loads the content.

    A forked worker holds what its parent held when it was forked: started at
    the beginning of a build (the modules imported, no content yet), each
    stays small however large the archive, instead of inheriting the checked
    model of every meeting.  With `jobs` 1, or where processes cannot be forked,
    there is no pool (`executor` is None) and meetings are rendered in the build's
    own process.  Use it as a context manager: leaving it normally waits for the
    workers to finish; leaving it by an exception kills them at once.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                                initializer=_worker_started, initargs=(os.getpid(),))
            # With "fork" the pool starts every worker at its first task: give it one now.
            self.executor.submit(_ready)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.executor is None:
            return
        if exc is not None:
            _stop_workers(self.executor)
        self.executor.shutdown(wait=True, cancel_futures=True)


def _worker_started(parent: int) -> None:
    """In each render worker, first: die with the build, and leave stopping to it.

    The build stops its workers itself on SIGINT and SIGTERM (Ctrl-C reaches the
    whole process group: a worker that died of it first would look like a crash).
    On Linux the kernel kills a worker whose build died, even of SIGKILL.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now, instead of letting them finish the meetings they are rendering."""
    # Python 3.14 has ProcessPoolExecutor.kill_workers(); before it, the processes are only in `_processes`.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def _announce(meeting: ResolvedMeeting, progress: Callable[[str], None]) -> Callable[[Future[MeetingPacks]], None]:
    def done(future: Future[MeetingPacks]) -> None:
        if not future.cancelled() and future.exception() is None:
            progress(f"rendered {meeting.url_path}")
    return done


def render_all(root: Path, meetings: list[ResolvedMeeting], jobs: int,
                  progress: Callable[[str], None], pool: RenderPool | None = None) -> Generator[MeetingPacks, None, None]:
    """Render every meeting's packs, in separate processes when there are several meetings and cores.

    The packs come out in meeting order as they are needed; at most two per
    process are rendered ahead, so that finished PDFs do not pile up in memory.
    Each meeting's render is a pure function of its sources, so the order in
    which the processes finish changes nothing in the output.  A single
    meeting to render gets the cores for the chunks of its big runs instead
    (render/chunks.py), and the last meetings of several get the cores the
    others leave idle as they finish (`cores_for`).  If anything
    stops the build (a failed render, SIGINT, SIGTERM), the workers are killed
    at once; if the build itself is killed, they die with it (`_worker_started`).
    With a `pool` (started before the content was loaded), its workers render
    the meetings, each sent pickled; without one, workers are forked now.
    """
    global _WORK
    if pool is not None and pool.executor is not None and len(meetings) >= 2:
        yield from _render_in(pool.executor, root, meetings, pool.jobs, progress)
        return
    if jobs <= 1 or len(meetings) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        env = make_environment(root)
        for meeting in meetings:
            progress(f"rendering {meeting.url_path}")
            # one meeting on several cores: its big runs' chunks get them (render/chunks.py); same bytes
            yield render_packs(env, meeting, workers=jobs if len(meetings) == 1 else 1)
        return
    _WORK = (root, meetings, jobs)
    try:
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(meetings)), mp_context=context,
                                   initializer=_worker_started, initargs=(os.getpid(),))
        try:
            ahead = 2 * min(jobs, len(meetings))
            futures: dict[int, Future[MeetingPacks]] = {}
            for i in range(len(meetings)):
                for k in range(i, min(i + ahead, len(meetings))):
                    if k not in futures:
                        futures[k] = pool.submit(_render_one, k)
                        futures[k].add_done_callback(_announce(meetings[k], progress))
                yield futures.pop(i).result()
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        _WORK = None


def _render_in(executor: ProcessPoolExecutor, root: Path, meetings: list[ResolvedMeeting], jobs: int,
               progress: Callable[[str], None]) -> Generator[MeetingPacks, None, None]:
    """`render_all` in a pool's workers: the same order and look-ahead, each meeting sent pickled."""
    ahead = 2 * min(jobs, len(meetings))
    futures: dict[int, Future[MeetingPacks]] = {}
    try:
        for i in range(len(meetings)):
            for k in range(i, min(i + ahead, len(meetings))):
                if k not in futures:
                    futures[k] = executor.submit(_render_given, root, portable(meetings[k]),
                                                 cores_for(k, len(meetings), jobs))
                    futures[k].add_done_callback(_announce(meetings[k], progress))
            yield futures.pop(i).result()
    except BaseException:
        _stop_workers(executor)
        raise
    finally:
        for future in futures.values():
            future.cancel()


def default_jobs() -> int:
    """How many meetings to render at once: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
