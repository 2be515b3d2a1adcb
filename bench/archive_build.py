#!/usr/bin/env python
"""Benchmark: whole `pack build` runs of a synthetic archive (bench/archive.py) at 10 and 100 meetings.

Run it from the top of the project (as `make bench-archive` does), at low priority on a shared machine:

    nice -n 10 .venv/bin/python bench/archive_build.py                    # 10 and 100 meetings, 3 rounds
    nice -n 10 .venv/bin/python bench/archive_build.py --sizes 10 30 --rounds 2 --json-out archive.json
    nice -n 10 .venv/bin/python bench/archive_build.py --big               # adds 1,000 meetings (hours)

For each size S the archive is generated once (ceil(S/20) committees of S/committees meetings each), then
every round works on a fresh copy of it:

1. two clean builds, `-j 1` and `-j 2`, each into a new, empty parent folder (so there is no cache to
   reuse, whether or not `pack build` has one); the order alternates between rounds (j1 j2, j2 j1, ...);
2. on the output of the `-j 2` build, at `-j 2`: a build with no change (it should stop at once: its
   summary line, "nothing changed since the last build", is reported with its wall time); a build after
   one word of one report is changed; a build after a copy of the built-in `templates/site/base.html` with
   a comment added is put in CONTENT/templates/site/ (every HTML page rendered again, every pack reused);
3. `mkdocs build` of the same Markdown (the HTML anchor, bench/mkdocs_anchor.py), just before the
   template-change build in odd rounds and just after it in even ones.  MkDocs 1.6.1 is installed from the
   package registry into WORK/mkdocs-venv once per run; if that fails the anchor is reported as not
   measured (`--no-mkdocs` skips it).  Its project is every *.md of the archive, copied as it is, with the
   default theme, directory URLs and the built-in search plugin.

Each build is its own `pack build` subprocess, reaped with `os.wait4`, whose rusage gives the child's CPU
(user + system, the render workers included, since `pack` reaps them) and its peak resident set
(`ru_maxrss`: the largest of the `pack` process and each of its reaped workers, not their sum).  The CPU
is cross-checked against the delta of `getrusage(RUSAGE_CHILDREN)`.  PDF pages (counted with pikepdf in
every PDF the build wrote, `private/` included) and HTML pages are counted after the first clean build of
each size and divided by each clean build's wall time; the HTML files of each template-change build and of
each MkDocs build are counted after it and divided by its own wall time.

Without a build cache a rebuild is simply a clean build; with one (`.<out>.cache` beside the output
folder, `--clean` to ignore it) the rebuild rows show what the cache saves.  The script works with both.

Prints, per size, each measurement's median and spread (min-max) over the rounds and the ratios side by side
(rebuild/clean, -j 2/-j 1, HTML pages per second over MkDocs's, memory of the largest size against the
smallest), the per-round no-change and MkDocs lines, then verdict lines for the targets of issue 11 that whole
builds can show.  A verdict says "met" only when the target is met in every round; a
ratio beyond its physical floor (a -j 2 speed-up above 2.0) is reported as a measurement error.  Exits 0
whatever the figures: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import mkdocs_anchor
from archive import DEFAULT_SEED, write_archive

ROOT = HERE.parent
MEETINGS_PER_COMMITTEE = 20
TEMPLATE = "site/base.html"
NO_CHANGE_LIMIT_S = 3.0
ONE_WORD_EXTRA_S = 2.0
SPEEDUP_TARGET = 1.7
MEMORY_FLAT = 1.15
MKDOCS_TARGET = 3.0
NOTHING_CHANGED = "nothing changed since the last build"


@dataclass
class Build:
    """One measured `pack build`."""

    size: int
    round: int
    kind: str  # clean-j1, clean-j2, no-change, one-word, template; mkdocs for `mkdocs build`
    jobs: int
    wall_s: float
    cpu_s: float
    cpu_children_delta_s: float
    max_rss_mib: float
    exit_code: int
    summary: str
    html_pages: int = 0
    """HTML files in the output after this build; counted for the template-change build and MkDocs only."""


def layout(size: int) -> tuple[int, int]:
    """Committees and meetings per committee for `size` meetings in all."""
    committees = max(1, math.ceil(size / MEETINGS_PER_COMMITTEE))
    return committees, max(1, size // committees)


CODE: Path | None = None
"""A snapshot of the source (`--code REV`): src/ and templates/ of that commit; None for the working tree."""


def pack_command() -> list[str]:
    script = Path(sys.executable).parent / "pack"
    if CODE is None and script.exists():
        return [str(script)]
    return [sys.executable, "-m", "meetingpack.cli"]


def pack_env() -> dict[str, str]:
    env = dict(os.environ)
    if CODE is not None:
        # PYTHONPATH comes before the editable install's path, so the snapshot's package is the one imported.
        env["PYTHONPATH"] = str(CODE / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def snapshot(rev: str, work: Path) -> Path:
    """src/ and templates/ of commit `rev`, so that edits made meanwhile in the working tree do not leak in."""
    target = work / "code"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src", "templates"], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    probe = subprocess.run([sys.executable, "-c", "import meetingpack; print(meetingpack.__file__)"],
                           env={**os.environ, "PYTHONPATH": str(target / "src")}, capture_output=True, text=True,
                           check=True).stdout.strip()
    if not probe.startswith(str(target)):
        raise SystemExit(f"archive_build.py: the snapshot is not the package imported ({probe})")
    return target


def run_build(content: Path, out: Path, jobs: int, size: int, rnd: int, kind: str, log: Path) -> Build:
    """Run one `pack build` as its own child and measure it (wall, CPU and peak RSS from os.wait4)."""
    command = pack_command() + ["build", str(content), "--out", str(out), "-j", str(jobs), "-q"]
    return run_child(command, pack_env(), size, rnd, kind, jobs, log, "pack build")


def run_child(command: list[str], env: dict[str, str], size: int, rnd: int, kind: str, jobs: int, log: Path,
              summary_prefix: str) -> Build:
    """Run `command` as its own child, output to `log`, and measure it; its summary is the last line with
    `summary_prefix` (else its last line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    summary = next((line for line in reversed(text) if summary_prefix in line), text[-1] if text else "")
    if child.returncode != 0:
        print(f"  ! {kind} exited {child.returncode}:", *text[-15:], sep="\n    ", file=sys.stderr)
    delta = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Build(size, rnd, kind, jobs, wall, usage.ru_utime + usage.ru_stime, delta,
                 usage.ru_maxrss / 1024, child.returncode, summary)


def count_pages(build: Path) -> tuple[int, int, int]:
    """PDF files and their pages, and HTML pages, written under `build`."""
    import pikepdf

    pdfs = pages = 0
    for path in sorted(build.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            pages += len(pdf.pages)
        pdfs += 1
    return pdfs, pages, sum(1 for _ in build.rglob("*.html"))


def change_one_word(content: Path) -> Path:
    """Change the first word of the executive summary of one report in the middle of the archive."""
    reports = sorted(content.glob("*/*/report-topic-2.md"))
    paper = reports[len(reports) // 2]
    lines = paper.read_text(encoding="utf-8").split("\n")
    at = lines.index("## Executive summary") + 2
    first, rest = lines[at].split(" ", 1)
    lines[at] = ("Amended" if first != "Amended" else "Revised") + " " + rest
    paper.write_text("\n".join(lines), encoding="utf-8")
    return paper


def change_template(content: Path) -> Path:
    """Copy the built-in site/base.html into the content's templates, with a comment added."""
    target = content / "templates" / TEMPLATE
    target.parent.mkdir(parents=True, exist_ok=True)
    text = ((CODE or ROOT) / "templates" / TEMPLATE).read_text(encoding="utf-8")
    target.write_text(text.rstrip("\n") + "\n<!-- bench: a changed template -->\n", encoding="utf-8")
    return target


def measure_size(size: int, rounds: int, work: Path, seed: int,
                 mkdocs: Path | None = None) -> tuple[list[Build], dict[str, int]]:
    """Every round's builds of an archive of `size` meetings; with `mkdocs` (its script), MkDocs's build of
    the archive's Markdown too, next to the template-change build (before it in odd rounds, after in even)."""
    committees, per = layout(size)
    pristine = work / f"s{size}" / "content"
    files = write_archive(pristine, committees, per, seed)
    counts: dict[str, int] = {"meetings": committees * per, "committees": committees, "files": files}
    project = work / f"s{size}" / "mkdocs"
    if mkdocs is not None:
        counts["markdown_papers"] = mkdocs_anchor.make_project(pristine, project)
    print(f"\n== {committees * per} meetings ({committees} x {per}), {files} files", flush=True)
    builds: list[Build] = []
    for rnd in range(1, rounds + 1):
        folder = work / f"s{size}" / f"r{rnd}"
        content = folder / "content"
        shutil.copytree(pristine, content)
        order = (1, 2) if rnd % 2 else (2, 1)
        for jobs in order:
            out = folder / f"clean-j{jobs}" / "build"
            out.parent.mkdir(parents=True)
            b = run_build(content, out, jobs, size, rnd, f"clean-j{jobs}", folder / f"clean-j{jobs}.log")
            builds.append(b)
            _print(b)
            if jobs == 1 and "pdf_pages" not in counts:
                counts["pdfs"], counts["pdf_pages"], counts["html_pages"] = count_pages(out)
                caches = [p.name for p in out.parent.iterdir() if p.name not in ("build", ".build.lock")]
                counts["cache_beside_output"] = int(bool(caches))
        out = folder / "clean-j2" / "build"
        steps: list[str] = ["no-change", "one-word", "template"]
        if mkdocs is not None:
            steps.insert(2 if rnd % 2 else 3, "mkdocs")
        for kind in steps:
            if kind == "mkdocs":
                assert mkdocs is not None
                site = folder / "mkdocs-site"
                b = run_child(mkdocs_anchor.build_command(mkdocs, project, site), dict(os.environ), size, rnd,
                              "mkdocs", 1, folder / "mkdocs.log", "Documentation built")
                b.html_pages = mkdocs_anchor.count_pages(site)
            else:
                if kind == "one-word":
                    change_one_word(content)
                elif kind == "template":
                    change_template(content)
                b = run_build(content, out, 2, size, rnd, kind, folder / f"{kind}.log")
                if kind == "template":
                    b.html_pages = sum(1 for _ in out.rglob("*.html"))
            builds.append(b)
            _print(b)
        shutil.rmtree(folder)  # keep the disk use of a 1,000-meeting run to one round
    return builds, counts


def _print(b: Build) -> None:
    pages = f", {b.html_pages} HTML pages" if b.html_pages else ""
    print(f"  round {b.round} {b.kind:<9} -j {b.jobs}: {b.wall_s:7.1f} s wall, {b.cpu_s:7.1f} s CPU, "
          f"{b.max_rss_mib:6.0f} MiB{pages}  | {b.summary}", flush=True)


# ------------------------------------------------------------------------------------------- report

def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "-"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def by(builds: list[Build], size: int, kind: str) -> dict[int, Build]:
    return {b.round: b for b in builds if b.size == size and b.kind == kind}


def ratios(builds: list[Build], size: int, num: str, den: str, attr: str = "wall_s") -> list[float]:
    a, b = by(builds, size, num), by(builds, size, den)
    return [getattr(a[r], attr) / getattr(b[r], attr) for r in sorted(a) if r in b and getattr(b[r], attr) > 0]


def html_rates(builds: list[Build], size: int, kind: str, counts: dict[int, dict[str, int]],
               attr: str = "wall_s") -> dict[int, float]:
    """HTML pages per second of wall time (or of CPU, attr="cpu_s"), per round: the pages this build wrote
    (counted for the template change and MkDocs), else those of the size's first clean build."""
    return {r: (b.html_pages or counts[size]["html_pages"]) / getattr(b, attr)
            for r, b in by(builds, size, kind).items() if getattr(b, attr) > 0}


def mkdocs_ratios(builds: list[Build], size: int, kind: str, counts: dict[int, dict[str, int]],
                  attr: str = "wall_s") -> dict[int, float]:
    """Per round, meetingpack's HTML pages per second in the `kind` build over MkDocs's in the same round."""
    ours, theirs = html_rates(builds, size, kind, counts, attr), html_rates(builds, size, "mkdocs", counts, attr)
    return {r: ours[r] / theirs[r] for r in sorted(ours) if r in theirs and theirs[r] > 0}


def stopped_at_once(builds: list[Build], size: int) -> list[bool]:
    """Per round, whether the no-change build said it had nothing to do (so its wall is the cost of finding
    that out, not of a build)."""
    return [NOTHING_CHANGED in b.summary for _, b in sorted(by(builds, size, "no-change").items())]


COMPARISON = ("meetingpack's wall includes starting Python, checking the content, the records, the search index "
              "and publishing (packs, and the HTML of each unchanged paper's Markdown, reused from the cache); MkDocs's includes starting Python, reading the "
              "front matter, making its navigation and its search index; each counts the HTML files it wrote "
              "(meetingpack: meeting, paper, listing and site pages; MkDocs: one page per Markdown paper and "
              "404.html)")


def report(builds: list[Build], counts: dict[int, dict[str, int]], mkdocs_note: str = "") -> list[str]:
    sizes = sorted(counts)
    lines = ["", "Per size: median (min-max) over rounds", ""]
    head = "| measurement | " + " | ".join(f"{counts[s]['meetings']} meetings" for s in sizes) + " |"
    lines += [head, "|---" * (len(sizes) + 1) + "|"]

    def row(label: str, values: dict[int, str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values.get(s, "-") for s in sizes) + " |")

    for kind in ("clean-j1", "clean-j2", "no-change", "one-word", "template"):
        row(f"{kind} wall s", {s: spread([b.wall_s for b in by(builds, s, kind).values()]) for s in sizes})
        row(f"{kind} CPU s", {s: spread([b.cpu_s for b in by(builds, s, kind).values()]) for s in sizes})
    for kind in ("clean-j1", "clean-j2"):
        row(f"{kind} peak RSS MiB", {s: spread([b.max_rss_mib for b in by(builds, s, kind).values()], "{:.0f}")
                                     for s in sizes})
    row("no-change builds that stopped at once", {
        s: f"{sum(stopped_at_once(builds, s))} of {len(stopped_at_once(builds, s))} rounds" for s in sizes})
    row("CPU s per meeting (clean -j 1)",
        {s: spread([b.cpu_s / counts[s]["meetings"] for b in by(builds, s, "clean-j1").values()]) for s in sizes})
    row("PDF files / pages written", {s: f"{counts[s]['pdfs']} / {counts[s]['pdf_pages']}" for s in sizes})
    row("HTML pages written", {s: str(counts[s]["html_pages"]) for s in sizes})
    for kind in ("clean-j1", "clean-j2"):
        row(f"PDF pages/s ({kind}, wall)", {s: spread([counts[s]["pdf_pages"] / b.wall_s
                                                        for b in by(builds, s, kind).values()], "{:.1f}") for s in sizes})
        row(f"HTML pages/s ({kind}, wall)", {s: spread([counts[s]["html_pages"] / b.wall_s
                                                         for b in by(builds, s, kind).values()], "{:.1f}") for s in sizes})
    row("HTML pages written (template change)",
        {s: "/".join(str(b.html_pages) for _, b in sorted(by(builds, s, "template").items())) for s in sizes})
    row("HTML pages/s (template change, wall)",
        {s: spread(list(html_rates(builds, s, "template", counts).values()), "{:.1f}") for s in sizes})
    if any(b.kind == "mkdocs" for b in builds):
        row("MkDocs: Markdown papers", {s: str(counts[s].get("markdown_papers", "-")) for s in sizes})
        row("MkDocs: HTML pages written",
            {s: "/".join(str(b.html_pages) for _, b in sorted(by(builds, s, "mkdocs").items())) for s in sizes})
        row("MkDocs wall s", {s: spread([b.wall_s for b in by(builds, s, "mkdocs").values()]) for s in sizes})
        row("MkDocs CPU s", {s: spread([b.cpu_s for b in by(builds, s, "mkdocs").values()]) for s in sizes})
        row("MkDocs peak RSS MiB",
            {s: spread([b.max_rss_mib for b in by(builds, s, "mkdocs").values()], "{:.0f}") for s in sizes})
        row("MkDocs HTML pages/s (wall)",
            {s: spread(list(html_rates(builds, s, "mkdocs", counts).values()), "{:.1f}") for s in sizes})
    lines += ["", "Ratios side by side: median (min-max) over rounds", ""]
    lines += [head.replace("measurement", "ratio"), "|---" * (len(sizes) + 1) + "|"]
    row("no-change rebuild / clean -j 2 (wall)", {s: spread(ratios(builds, s, "no-change", "clean-j2")) for s in sizes})
    row("one-word rebuild / clean -j 2 (wall)", {s: spread(ratios(builds, s, "one-word", "clean-j2")) for s in sizes})
    row("template rebuild / clean -j 2 (wall)", {s: spread(ratios(builds, s, "template", "clean-j2")) for s in sizes})
    row("-j 2 / -j 1 (wall)", {s: spread(ratios(builds, s, "clean-j2", "clean-j1")) for s in sizes})
    row("-j 2 / -j 1 (CPU)", {s: spread(ratios(builds, s, "clean-j2", "clean-j1", "cpu_s")) for s in sizes})
    row("speed-up -j 1 / -j 2 (wall)", {s: spread(ratios(builds, s, "clean-j1", "clean-j2")) for s in sizes})
    for kind in ("template", "clean-j1", "clean-j2"):
        row(f"HTML pages/s, {kind} / MkDocs",
            {s: spread(list(mkdocs_ratios(builds, s, kind, counts).values())) for s in sizes})
    # CPU time is less disturbed than wall time by others' work on a shared machine: for context only
    row("HTML pages per CPU s, template / MkDocs",
        {s: spread(list(mkdocs_ratios(builds, s, "template", counts, "cpu_s").values())) for s in sizes})
    if len(sizes) > 1:
        small = sizes[0]
        for kind in ("clean-j1", "clean-j2"):
            lines.append(f"| peak RSS against {counts[small]['meetings']} meetings ({kind}) | "
                         + " | ".join(spread(_memory_ratios(builds, small, s, kind)) for s in sizes) + " |")
    lines += ["", "Per round:"]
    for s in sizes:
        for r, b in sorted(by(builds, s, "no-change").items()):
            lines.append(f"- {counts[s]['meetings']} meetings, round {r}, no-change: {b.wall_s:.2f} s | {b.summary}")
        each = {kind: mkdocs_ratios(builds, s, kind, counts) for kind in ("template", "clean-j1", "clean-j2")}
        for r in sorted(by(builds, s, "mkdocs")):
            shown = ", ".join(f"{kind} {each[kind][r]:.2f}" for kind in each if r in each[kind])
            lines.append(f"- {counts[s]['meetings']} meetings, round {r}, HTML pages/s over MkDocs's: {shown}")
    if any(b.kind == "mkdocs" for b in builds):
        lines += ["", "What the MkDocs comparison includes: " + COMPARISON]
    return lines + [""] + verdicts(builds, counts, mkdocs_note)


def _memory_ratios(builds: list[Build], small: int, big: int, kind: str) -> list[float]:
    a, b = by(builds, big, kind), by(builds, small, kind)
    return [a[r].max_rss_mib / b[r].max_rss_mib for r in sorted(a) if r in b]


def verdict(label: str, values: list[float], ok, floor=None) -> str:
    """'met' only if every round meets the target; a value past the physical floor is a measurement error."""
    if not values:
        return f"{label}: not measured"
    shown = ", ".join(f"{v:.2f}" for v in values)
    if floor is not None and any(floor(v) for v in values):
        return f"{label}: MEASUREMENT ERROR (a value beyond the physical floor: {shown})"
    met = sum(1 for v in values if ok(v))
    word = "met" if met == len(values) else ("not met" if met == 0 else f"not met (met in {met} of {len(values)} rounds)")
    return f"{label}: {word} [{shown}]"


def verdicts(builds: list[Build], counts: dict[int, dict[str, int]], mkdocs_note: str = "") -> list[str]:
    out = ["Verdicts (issue 11 targets that whole builds show; 'met' only when met in every round)", ""]
    failed = [b for b in builds if b.exit_code != 0]
    if failed:
        out.append(f"- {len(failed)} build(s) failed: their figures are not comparable")
    for s in sorted(counts):
        n = counts[s]["meetings"]
        at_once = stopped_at_once(builds, s)
        how = (f"; stopped at once ('{NOTHING_CHANGED}') in {sum(at_once)} of {len(at_once)} rounds"
               if at_once else "")
        out.append("- " + verdict(f"{n} meetings: no-change rebuild under {NO_CHANGE_LIMIT_S:.0f} s (target is for "
                                  "1,000 meetings)", [b.wall_s for b in by(builds, s, "no-change").values()],
                                  lambda v: v < NO_CHANGE_LIMIT_S, lambda v: v <= 0) + how)
        clean = by(builds, s, "clean-j1")
        one = by(builds, s, "one-word")
        # The changed meeting's own render is estimated as the mean clean -j 1 wall time per meeting.
        excess = [one[r].wall_s - clean[r].wall_s / n for r in sorted(one) if r in clean]
        out.append("- " + verdict(f"{n} meetings: one-word change under {ONE_WORD_EXTRA_S:.0f} s plus that "
                                  "meeting's render (s beyond the mean render of one meeting)",
                                  excess, lambda v: v < ONE_WORD_EXTRA_S))
        out.append("- " + verdict(f"{n} meetings: 2 workers at least {SPEEDUP_TARGET} x one (speed-up, wall)",
                                  ratios(builds, s, "clean-j1", "clean-j2"), lambda v: v >= SPEEDUP_TARGET,
                                  lambda v: v > 2.0))
        label = (f"{n} meetings: HTML at least {MKDOCS_TARGET:.0f} x MkDocs's pages per second on the same "
                 "Markdown (template-change build: every page rendered, packs and paper bodies reused)")
        if mkdocs_note and not by(builds, s, "mkdocs"):
            out.append(f"- {label}: not measured ({mkdocs_note})")
        else:
            out.append("- " + verdict(label, list(mkdocs_ratios(builds, s, "template", counts).values()),
                                      lambda v: v >= MKDOCS_TARGET, lambda v: v <= 0))
    sizes = sorted(counts)
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        for kind in ("clean-j1", "clean-j2"):
            out.append("- " + verdict(f"peak memory flat, {counts[big]['meetings']} against "
                                      f"{counts[small]['meetings']} meetings, within 15 % ({kind})",
                                      _memory_ratios(builds, small, big, kind), lambda v: v <= MEMORY_FLAT))
    return out


def machine() -> dict[str, object]:
    info: dict[str, object] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                               "platform": platform.platform()}
    try:
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["memory_gib"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    for name in ("weasyprint", "pikepdf", "pydyf"):
        try:
            info[name] = __import__(name).__version__
        except (ImportError, AttributeError):
            info[name] = None
    git = ["git", "-C", str(ROOT)]
    try:
        info["commit"] = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                        check=False).stdout.strip()
        info["src_changes_uncommitted"] = bool(subprocess.run(
            git + ["status", "--porcelain", "--", "src", "templates"], capture_output=True, text=True,
            check=False).stdout.strip())
    except OSError:
        pass
    return info


def load() -> str:
    parts = [f"load average {os.getloadavg()[0]:.2f}"]
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0].split()
        parts.append("CPU pressure " + next(p for p in some if p.startswith("avg10=")))
    except (OSError, IndexError, StopIteration):
        pass
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100], help="meetings in all (default 10 100)")
    parser.add_argument("--big", action="store_true", help="add 1,000 meetings (takes hours)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per size (default 3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--json-out", type=Path, help="write every measurement as JSON here")
    parser.add_argument("--no-mkdocs", action="store_true", help="do not install and time MkDocs (the HTML anchor)")
    parser.add_argument("--code", metavar="REV", help="measure src/ and templates/ of this commit (e.g. HEAD) "
                        "instead of the working tree, which others may be editing during the run")
    args = parser.parse_args(argv)
    global CODE
    sizes = sorted(set(args.sizes + ([1000] if args.big else [])))
    info = machine()
    started = time.time()
    builds: list[Build] = []
    counts: dict[int, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="archive-bench-", dir=args.work) as work:
        if args.code:
            CODE = snapshot(args.code, Path(work))
            info["code"] = f"{args.code} (snapshot)"
        else:
            info["code"] = "working tree"
        mkdocs: Path | None = None
        if args.no_mkdocs:
            mkdocs_note = "--no-mkdocs"
        else:
            mkdocs, mkdocs_note = mkdocs_anchor.install(Path(work))
            info["mkdocs"] = mkdocs_note if mkdocs is not None else None
            if mkdocs is None:
                print(f"archive_build.py: MkDocs could not be installed, so the HTML anchor is not measured: "
                      f"{mkdocs_note}", file=sys.stderr)
                mkdocs_note = f"MkDocs could not be installed: {mkdocs_note}"
        print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
        print(f"pack: {' '.join(pack_command())}; start: {load()}", flush=True)
        for size in sizes:
            done, counts[size] = measure_size(size, args.rounds, Path(work), args.seed, mkdocs)
            builds += done
    lines = report(builds, counts, mkdocs_note if mkdocs is None else "")
    lines.append("")
    lines.append(f"end: {load()}; {time.time() - started:.0f} s in all")
    print("\n".join(lines))
    if args.json_out:
        args.json_out.write_text(json.dumps({"machine": info, "counts": counts,
                                             "builds": [asdict(b) for b in builds]}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
