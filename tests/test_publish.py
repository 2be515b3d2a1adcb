"""The output folder is never lost: builds killed at any moment, stopped, or run twice at once.

Kills are SIGKILL (nothing can clean up): the output folder must then be,
file for file and byte for byte, the previous build or the new one, and what
the killed build left beside it must go with the next build.  The moments are
made two ways: deterministically, by a child process that kills itself just
before or just after each step of publish() that changes the filesystem
(renames, exchange, chmod, removal), and at times spread over the run, for
publish() of many files and for whole `pack build`s.  SIGTERM and SIGINT must
stop every render worker at once and leave the output as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers_content import MINIMAL, project, tree

PYTHON = sys.executable
MEETING = "panel/2026-01-12"

WATCHED = """def watched(module, name):
    real = getattr(module, name)
    def call(*args, **kwargs):
        step()
        result = real(*args, **kwargs)
        step()
        return result
    setattr(module, name, call)

for name in ("rename", "replace", "chmod"):
    watched(os, name)
watched(shutil, "rmtree")
"""
"""For the child scripts: call step() before and after each filesystem call publish() makes."""


CHILD = textwrap.dedent('''
    """Publish generation GEN of a synthetic site into OUT; SIGKILL itself at filesystem step KILL_AT."""
    import os, shutil, signal, sys, time
    from dataclasses import dataclass
    from pathlib import Path
    import meetingpack.publish as publish

    @dataclass
    class Output:
        path: str
        data: bytes | None = None
        source: Path | None = None
        digest: str | None = None

    out, gen, kill_at, files, mode = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    calls = 0

    def step() -> None:
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    {WATCHED}
    if mode == "fallback":  # as on a system or filesystem without an exchange of folders
        publish._exchange = lambda a, b: False
    if hasattr(publish, "_exchange"):
        watched(publish, "_exchange")
    outputs = [Output(f"site/{i % 13}/page-{i}.html", f"{gen} page {i}\\n".encode()) for i in range(files)]
    outputs.append(Output("private/members-pack.pdf", f"{gen} exempt\\n".encode()))
    outputs.append(Output("manifest.json", gen.encode()))
    print("ready", flush=True)
    started = time.monotonic()
    if hasattr(publish, "output_lock"):
        with publish.output_lock(out):
            publish.publish(outputs, out)
    else:
        publish.publish(outputs, out)
    print(calls, time.monotonic() - started, flush=True)
''').replace("{WATCHED}", WATCHED)


def _leftovers(out: Path) -> list[str]:
    """What lies beside the output folder other than itself, its lock file and its build cache."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name not in {out.name, f".{out.name}.lock", f".{out.name}.cache"})


def _child(tmp_path: Path) -> Path:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return script


def _publish(script: Path, out: Path, gen: str, kill_at: int = 0, files: int = 40,
             mode: str = "exchange") -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, str(script), str(out), gen, str(kill_at), str(files), mode],
                          capture_output=True, text=True, timeout=60, check=False)


def _generation(script: Path, tmp_path: Path, gen: str, files: int) -> dict[str, str]:
    """The tree a complete publish of generation `gen` gives."""
    ref = tmp_path / "ref" / gen
    done = _publish(script, ref, gen, files=files)
    assert done.returncode == 0, done.stderr
    return tree(ref)


def _steps(script: Path, tmp_path: Path, mode: str = "exchange") -> int:
    """How many filesystem calls (each counted before and after) a publish over an existing output makes."""
    count = tmp_path / "count" / mode / "build"
    assert _publish(script, count, "one", mode=mode).returncode == 0
    return int(_publish(script, count, "two", mode=mode).stdout.split()[1])


def test_publish_killed_before_and_after_each_step_leaves_the_previous_or_the_new_output(tmp_path: Path) -> None:
    script = _child(tmp_path)
    trees = {gen: _generation(script, tmp_path, gen, 40) for gen in ("one", "two")}
    out = tmp_path / "site" / "build"
    assert _publish(script, out, "one").returncode == 0
    steps = _steps(script, tmp_path)
    assert steps >= 4
    current, killed = "one", 0
    for kill_at in range(1, steps + 1):
        new = "two" if current == "one" else "one"
        done = _publish(script, out, new, kill_at=kill_at)
        assert done.returncode == -signal.SIGKILL, (kill_at, done.stdout, done.stderr)
        killed += 1
        found = tree(out) if out.is_dir() else {}
        assert found in (trees[current], trees[new]), f"killed at step {kill_at}: the output is neither build"
        current = new if found == trees[new] else current
    assert killed == steps
    # The next publish removes what the killed ones left, and only that.
    assert _publish(script, out, "one").returncode == 0
    assert tree(out) == trees["one"]
    assert _leftovers(out) == []


def test_publish_killed_at_spread_times_leaves_the_previous_or_the_new_output(tmp_path: Path) -> None:
    script = _child(tmp_path)
    files = 300
    trees = {gen: _generation(script, tmp_path, gen, files) for gen in ("one", "two")}
    out = tmp_path / "site" / "build"
    assert _publish(script, out, "one", files=files).returncode == 0
    timing = _publish(script, out, "two", files=files)
    duration = float(timing.stdout.split()[-1])
    current, left_behind = "two", 0
    for fraction in (0.05, 0.25, 0.45, 0.6, 0.7, 0.8, 0.87, 0.93, 0.98, 1.05):
        new = "two" if current == "one" else "one"
        process = subprocess.Popen([PYTHON, str(script), str(out), new, "0", str(files), "exchange"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        time.sleep(duration * fraction)
        process.kill()
        process.communicate(timeout=30)
        found = tree(out)
        assert found in (trees[current], trees[new]), f"killed at {fraction:.0%} of a publish: neither build"
        current = new if found == trees[new] else current
        left_behind += bool(_leftovers(out))
    assert left_behind, "no kill came while the staging folder was there: the test proves nothing"
    new = "two" if current == "one" else "one"
    assert _publish(script, out, new, files=files).returncode == 0
    assert tree(out) == trees[new] and _leftovers(out) == []


def test_without_an_exchange_a_killed_publish_loses_nothing_the_next_build_cannot_put_back(tmp_path: Path) -> None:
    """The fallback of Windows and of filesystems without RENAME_EXCHANGE: two renames, and a window between."""
    from meetingpack.publish import output_lock

    script = _child(tmp_path)
    trees = {gen: _generation(script, tmp_path, gen, 40) for gen in ("one", "two")}
    out = tmp_path / "site" / "build"
    assert _publish(script, out, "one").returncode == 0
    steps = _steps(script, tmp_path, "fallback")
    window = 0
    for kill_at in range(1, steps + 1):
        done = _publish(script, out, "two", kill_at=kill_at, mode="fallback")
        assert done.returncode == -signal.SIGKILL
        lost = not out.exists()
        if lost:  # killed between the two renames: the previous build waits beside it
            window += 1
            olds = [p for p in out.parent.iterdir() if p.name.startswith(".build.old-")]
            assert [tree(p) for p in olds] == [trees["one"]]
        said: list[str] = []
        with output_lock(out, say=said.append):
            assert tree(out) == trees["one"] if lost else tree(out) in (trees["one"], trees["two"])
            if lost:
                assert said[0] == f"put back {olds[0].name} as build: a build was stopped while replacing it"
            assert _leftovers(out) == []
        shutil.rmtree(out)
        assert _publish(script, out, "one").returncode == 0
    assert window >= 1, "no kill came between the two renames"


def _build(content: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    # A session of its own, so that the test can kill whatever a killed build left running (Pagefind).
    return subprocess.Popen([PYTHON, "-m", "meetingpack.cli", "build", str(content), "--out", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    _, err = process.communicate(timeout=timeout)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return process.returncode, err


def _two_contents(tmp_path: Path) -> dict[str, Path]:
    """The minimal project, and the same with another sentence in a report: two different builds."""
    report = (MINIMAL / MEETING / "report-budget.md").read_text(encoding="utf-8")
    return {
        "one": project(tmp_path / "one"),
        "two": project(tmp_path / "two", {f"{MEETING}/report-budget.md": report + "\nThe forecast has moved.\n"}),
    }


BUILD_CHILD = textwrap.dedent('''
    """`pack build ARGS`, SIGKILLing itself at filesystem step KILL_AT of publish() once every file is written."""
    import os, shutil, signal, sys
    import meetingpack.commands.build as build
    import meetingpack.publish as publish

    kill_at, calls, publishing = int(sys.argv[1]), 0, False

    def step() -> None:
        global calls
        calls += publishing
        if publishing and calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    {WATCHED}
    if hasattr(publish, "_exchange"):
        watched(publish, "_exchange")
    real_publish = build.publish

    def counted(*args, finish=None, **kwargs):
        def finished(stage, published):
            global publishing
            written = finish(stage, published) if finish is not None else None
            publishing = True
            return written
        return real_publish(*args, finish=finished, **kwargs)

    build.publish = counted
    from meetingpack.cli import main
    sys.exit(main(sys.argv[2:]))
''').replace("{WATCHED}", WATCHED)


def _rendering(process: subprocess.Popen[str]) -> float:
    """Wait until the build says it renders its meeting (its checks are done); the time it did."""
    assert "rendering" in _wait_for(process, "rendering")
    return time.monotonic()


@dataclass
class References:
    """Two content folders, the trees of their complete builds, and how long a build runs once it renders."""

    contents: dict[str, Path]
    trees: dict[str, dict[str, str]]
    outs: dict[str, Path]
    rest: float


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> References:
    tmp_path = tmp_path_factory.mktemp("references")
    contents = _two_contents(tmp_path)
    rest = []
    for gen, content in contents.items():
        process = _build(content, tmp_path / "ref" / gen / "build")
        began = _rendering(process)
        code, err = _finish(process)
        rest.append(time.monotonic() - began)
        assert code == 0, err
    outs = {gen: tmp_path / "ref" / gen / "build" for gen in contents}
    trees = {gen: tree(out) for gen, out in outs.items()}
    assert trees["one"] != trees["two"]
    return References(contents, trees, outs, min(rest))


def test_builds_killed_at_spread_moments_leave_a_complete_output_and_the_next_build_clears_up(
        tmp_path: Path, references: References) -> None:
    contents, trees = references.contents, references.trees
    script = tmp_path / "build_child.py"
    script.write_text(BUILD_CHILD, encoding="utf-8")
    out = tmp_path / "site" / "build"
    shutil.copytree(references.outs["one"], out)
    current, left, outcomes = "one", [], []
    # At times spread over rendering and writing, then just before the swap, just after it, and at the very end.
    for moment in (0.5, "step 3", "step 4", "step 6"):
        new = "two" if current == "one" else "one"
        if isinstance(moment, float):
            process = _build(contents[new], out)
            time.sleep(max(0.0, _rendering(process) + references.rest * moment - time.monotonic()))
            process.kill()
        else:
            process = subprocess.Popen([PYTHON, str(script), moment.split()[1], "build", str(contents[new]),
                                        "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
        code, err = _finish(process)
        assert code == -signal.SIGKILL, err
        for name in left:  # what the build before left, e.g. the previous tree with the members' pack in it
            assert f"pack build: removed {name}, left by a build that was stopped" in err
        left = _leftovers(out)
        found = tree(out)
        assert found in (trees[current], trees[new]), f"build killed at {moment}: the output is neither build"
        outcomes.append((moment, "new" if found == trees[new] else "previous", _leftovers(out)))
        if moment == "step 4":  # just after the exchange: the previous tree is the cache's spare, whole
            assert tree(out.parent / ".build.cache" / "spare") == trees[current]
        current = new if found == trees[new] else current
    assert [o[1] for o in outcomes[1:]] == ["previous", "new", "new"], outcomes
    # The exchange puts the previous tree in the build cache (the spare the next build fills in place),
    # not beside the output: a kill after it leaves nothing to clear up there.
    assert outcomes[2][2] == [], outcomes
    new = "two" if current == "one" else "one"
    code, err = _finish(_build(contents[new], out))
    assert code == 0, err
    assert tree(out) == trees[new]
    assert _leftovers(out) == []
    for name in left:
        assert f"pack build: removed {name}, left by a build that was stopped" in err


def test_leftovers_of_stopped_builds_go_and_nothing_else(tmp_path: Path) -> None:
    from meetingpack.publish import output_lock

    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    for name in (".build.staging-abc123_z", ".build.old-0f1e2d3c", ".build.cache.staging-q1w2e3r4"):
        (tmp_path / name / "private").mkdir(parents=True)
        (tmp_path / name / "private" / "members-pack.pdf").write_bytes(b"%PDF exempt")
    kept = [".build.cache", ".build2.staging-abc123_z", ".build.staging-x.staging-abc", "build.staging-abc"]
    for name in kept:
        (tmp_path / name).mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / ".build.staging-link0000").symlink_to(tmp_path / "outside")
    said: list[str] = []
    with output_lock(out, say=said.append):
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "build", ".build.lock", "outside"])
    assert (out / "manifest.json").read_text() == "{}"
    assert sorted(said) == sorted(f"removed {n}, left by a build that was stopped" for n in (
        ".build.staging-abc123_z", ".build.old-0f1e2d3c", ".build.cache.staging-q1w2e3r4",
        ".build.staging-link0000"))


def _hold_lock(out: Path) -> int:
    fd = os.open(out.with_name(f".{out.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _wait_for(process: subprocess.Popen[str], text: str, timeout: float = 30) -> str:
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
    return seen


def test_concurrent_builds_of_one_output_wait_for_each_other_and_both_end_well(
        tmp_path: Path, references: References) -> None:
    contents = references.contents
    out = tmp_path / "site" / "build"
    out.parent.mkdir()
    fd = _hold_lock(out)  # as a build in progress would
    builds = [_build(contents[gen], out, "-q") for gen in ("one", "two")]
    try:
        for process in builds:
            said = _wait_for(process, "waiting for another build of")
            assert f"pack build: waiting for another build of {out} (process {os.getpid()}) to finish..." in said
        refused = subprocess.run([PYTHON, "-m", "meetingpack.cli", "build", str(contents["one"]), "--out", str(out),
                                  "--no-wait"], capture_output=True, text=True, timeout=60, check=False)
        assert refused.returncode == 1
        assert f"pack: error: another build of {out} is running (process {os.getpid()})" in refused.stderr
    finally:
        os.close(fd)
    results = [_finish(p) for p in builds]
    for code, err in results:
        assert code == 0 and "internal error" not in err, err
    assert tree(out) in (references.trees["one"], references.trees["two"])
    assert _leftovers(out) == []


def _several_meetings(tmp_path: Path) -> Path:
    """The minimal project with five more meetings of the panel, so that render workers have work for a while."""
    root = project(tmp_path)
    for month in range(2, 7):
        folder = root / "panel" / f"2026-0{month}-09"
        shutil.copytree(root / MEETING, folder)
        for file in folder.iterdir():
            text = file.read_text(encoding="utf-8").replace("2026-01-12", f"2026-0{month}-09")
            file.write_text(text.replace("issued_on: 2026-01-02", f"issued_on: 2026-0{month}-01"), encoding="utf-8")
    return root


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found | {g for c in found for g in _children(c)}


def _workers(pid: int) -> set[int]:
    """The build's render workers: its children forked from it, with its command line."""
    def cmdline(p: int) -> bytes:
        try:
            return Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            return b""
    return {c for c in _children(pid) if cmdline(c) == cmdline(pid) != b""}


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_a_stopped_build_stops_every_worker_at_once(tmp_path: Path, signum: signal.Signals) -> None:
    content = _several_meetings(tmp_path)
    out = tmp_path / "site" / "build"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text('{"previous": true}\n')
    before = tree(out)
    process = _build(content, out, "-j", "2")
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = _workers(process.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the build never started its render workers"
    time.sleep(0.2)  # rendering under way
    workers |= _children(process.pid)
    process.send_signal(signum)
    stopped = time.monotonic()
    try:
        # Workers that outlive the build hold its stderr open: that times out too.
        _, err = process.communicate(timeout=20)
        while any(_running(w) for w in workers) and time.monotonic() - stopped < 5:
            time.sleep(0.05)
        still = [w for w in workers if _running(w)]
    finally:  # leave nothing running to the rest of the test run
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    assert still == [], f"workers still running {time.monotonic() - stopped:.1f} s after {signum.name}"
    assert tree(out) == before
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        return
    assert process.returncode == 128 + signum, err
    assert err.rstrip().endswith(f"pack: stopped; {out} is unchanged")
    assert "internal error" not in err and "Traceback" not in err
    assert _leftovers(out) == []
