"""Benchmark: the 1,000-meeting archive, one round of what fits in an hour (issue 11, item 8).

`bench/archive_build.py --big` runs every measure at 1,000 meetings (two clean builds, a template change,
MkDocs, three rounds): many hours on two cores.  This script runs the measures whose targets are stated at
1,000 meetings, once each, side by side with the same measures at 10 meetings in the same run:

1. a clean build at `-j 2` (wall, CPU, peak memory of the build and its workers);
2. on its output, a build with no change (target: under 3 s);
3. a one-word change in one paper (target: under 2 s plus that meeting's render);

and prints the ratios: peak memory at 1,000 against 10 (target: within 15 %), CPU per meeting.  One round is
not enough for a verdict ("met only if met in every round"): it reports what was reached.

    nice -n 10 .venv/bin/python bench/archive_big.py --code HEAD --json-out big.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import archive_build as bench
from archive import DEFAULT_SEED, write_archive


def measure(size: int, work: Path, seed: int) -> tuple[list[bench.Build], int]:
    """The three builds of an archive of `size` meetings, and how many meetings it has."""
    committees, per = bench.layout(size)
    content = work / f"s{size}" / "content"
    write_archive(content, committees, per, seed)
    out = work / f"s{size}" / "build" / "build"
    out.parent.mkdir(parents=True)
    print(f"\n== {committees * per} meetings ({committees} x {per})", flush=True)
    builds = []
    for kind in ("clean-j2", "no-change", "one-word"):
        if kind == "one-word":
            bench.change_one_word(content)
        b = bench.run_build(content, out, 2, size, 1, kind, work / f"s{size}" / f"{kind}.log")
        print(f"  {kind:<9}: {b.wall_s:8.1f} s wall, {b.cpu_s:8.1f} s CPU, {b.max_rss_mib:7.0f} MiB peak, "
              f"exit {b.exit_code}: {b.summary}", flush=True)
        builds.append(b)
    return builds, committees * per


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10, 1000], metavar=("SMALL", "BIG"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--code", metavar="REV", help="measure src/ and templates/ of this commit (e.g. HEAD)")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    info = bench.machine()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="archive-big-") as work:
        if args.code:
            bench.CODE = bench.snapshot(args.code, Path(work))
            info["code"] = f"{args.code} (snapshot)"
        print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
        print(f"start: {bench.load()}", flush=True)
        results = {size: measure(size, Path(work), args.seed) for size in args.sizes}
    small, big = args.sizes
    (s_builds, s_meetings), (b_builds, b_meetings) = results[small], results[big]
    s, b = ({x.kind: x for x in s_builds}, {x.kind: x for x in b_builds})
    per_meeting = b["clean-j2"].wall_s / b_meetings  # the changed meeting's render, as the clean build's mean
    lines = [
        "",
        (f"clean -j 2 CPU s per meeting: {s['clean-j2'].cpu_s / s_meetings:.2f} at {small}, "
        f"{b['clean-j2'].cpu_s / b_meetings:.2f} at {big}"),
        (f"no-change rebuild at {big}: {b['no-change'].wall_s:.2f} s wall (target under 3 s: "
        f"{'reached' if b['no-change'].wall_s < 3 else 'not reached'} in this round)"),
        (f"one-word change at {big}: {b['one-word'].wall_s:.2f} s wall; beyond one meeting's mean clean wall "
        f"({per_meeting:.2f} s): {b['one-word'].wall_s - per_meeting:.2f} s (target under 2 s: "
        f"{'reached' if b['one-word'].wall_s - per_meeting < 2 else 'not reached'} in this round)"),
        (f"peak memory {big} / {small} (clean -j 2, largest process): "
        f"{b['clean-j2'].max_rss_mib / s['clean-j2'].max_rss_mib:.2f} "
        f"({b['clean-j2'].max_rss_mib:.0f} / {s['clean-j2'].max_rss_mib:.0f} MiB; target 1.15)"),
        f"end: {bench.load()}; {time.time() - started:.0f} s in all",
    ]
    print("\n".join(lines))
    if args.json_out:
        args.json_out.write_text(json.dumps({"machine": info, "builds": [asdict(x) for x in s_builds + b_builds]},
                                            indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
