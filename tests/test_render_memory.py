"""A meeting's render leaves no garbage for later: a process that renders meeting after meeting (pack build -j 1,
each render worker) must not grow with every meeting.  Checked by what the collector still finds afterwards,
not by timing or measuring memory (that is the benchmark's job: bench/archive_build.py)."""

from __future__ import annotations

import gc
from pathlib import Path

from helpers_content import project

from meetingpack.commands.check import checked_project
from meetingpack.render.pdf import render_packs
from meetingpack.render.templates import make_environment


def test_render_packs_leaves_no_cyclic_garbage(tmp_path: Path) -> None:
    checked = checked_project(project(tmp_path))
    assert checked.project is not None and checked.meetings
    env = make_environment(checked.project.root)
    gc.collect()
    packs = render_packs(env, checked.meetings[0])
    assert packs.agenda.pdf.startswith(b"%PDF")
    # before the fix, tens of thousands of laid-out objects were left for a full collection to find
    assert gc.collect() < 100
