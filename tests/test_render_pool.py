"""Render workers that do not carry the archive (engine/executor.py `RenderPool`; issue 11, item 1).

A build starts its render workers before it loads the content, and sends each
the meeting it is to render, pickled.  These tests check the order (the
workers exist before the check starts, and hold nothing made after), and
that a meeting sent to a worker is, to its render, the same meeting: its
render key (engine/cache.py, which covers everything a render reads) is
unchanged by the trip.  That the bytes are the same is tests/test_build.py's
test_builds_are_reproducible (the `built` fixture is made with -j 2, through
a pool, and compared with a -j 1 build).
"""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest
from conftest import EXAMPLE

from meetingpack.commands import build
from meetingpack.commands.check import checked_project
from meetingpack.engine.cache import meeting_key
from meetingpack.engine.executor import RenderPool, portable

MARK = "before"


def _mark() -> str:
    return MARK


def test_the_workers_start_with_the_pool_and_hold_nothing_made_after(monkeypatch: pytest.MonkeyPatch) -> None:
    with RenderPool(2) as pool:
        assert pool.executor is not None
        monkeypatch.setattr(f"{__name__}.MARK", "after")  # made in the build's process once the pool is there
        assert {pool.executor.submit(_mark).result() for _ in range(4)} == {"before"}
    assert multiprocessing.active_children() == []


def test_one_job_has_no_pool() -> None:
    with RenderPool(1) as pool:
        assert pool.executor is None


def test_a_build_starts_its_workers_before_it_loads_the_content(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    seen: list[int] = []

    def checked(source: Path, memo: object) -> object:
        seen.append(len(multiprocessing.active_children()))
        raise KeyboardInterrupt  # stop the build here: the workers must go with it

    monkeypatch.setattr(build, "checked_project", checked)
    with pytest.raises(KeyboardInterrupt):
        build.build_project(EXAMPLE, tmp_path / "build", jobs=2)
    assert seen == [2]
    assert multiprocessing.active_children() == []


def test_a_meeting_sent_to_a_worker_is_the_same_meeting_to_its_render() -> None:
    checked = checked_project(EXAMPLE)
    assert checked.meetings
    for meeting in checked.meetings:
        sent = pickle.dumps(portable(meeting))
        received = pickle.loads(sent)
        assert meeting_key(received, "templates") == meeting_key(meeting, "templates")
        assert received.committee.meetings == []  # the committee's other meetings stay behind
        assert len(sent) < len(pickle.dumps(meeting))


def test_after_the_check_each_paper_is_held_compressed_and_gives_back_its_text() -> None:
    from meetingpack.load import FRONT_MATTER

    checked = checked_project(EXAMPLE)
    assert checked.project is not None and checked.project.documents
    for path, document in checked.project.documents.items():
        assert "_body" not in vars(document) and "_packed" in vars(document)  # the text is not held as text
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        match = FRONT_MATTER.match(text)
        assert match and document.body == text[match.end():]
        again = pickle.loads(pickle.dumps(document))
        assert again.body == document.body and again.body_digest() == document.body_digest()


def _cores_given(env: object, meeting: object, workers: int = 1) -> int:
    return workers


def test_in_a_pool_the_last_meetings_get_the_cores_the_others_leave_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """As without a pool (executor.cores_for): of three meetings on two cores, the last one's big runs may be
    laid out on both, the others on one each; the pool's workers, forked after this patch, render nothing."""
    from meetingpack.engine import executor

    checked = checked_project(EXAMPLE)
    assert checked.meetings and len(checked.meetings) >= 3
    monkeypatch.setattr(executor, "render_packs", _cores_given)
    with RenderPool(2) as pool:
        given = list(executor.render_all(EXAMPLE, checked.meetings[:3], 2, lambda _: None, pool))
    assert given == [1, 1, 2]
