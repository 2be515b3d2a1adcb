"""Helpers for the tests of `pack serve`: the command run as a subprocess, its output and status read back.

Used by tests/browser/test_serve.py (with Chromium) and tests/test_serve.py (without).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "projects" / "minimal"
WAIT = 30.0
"""The longest any step of a test waits for the server (a build of the minimal project takes a few seconds)."""


def minimal_copy(target: Path, second_meeting: str | None = None) -> Path:
    """A copy of tests/projects/minimal at `target`; with `second_meeting` (a date), a second meeting
    of the panel, the first one's papers under another date."""
    shutil.copytree(MINIMAL, target)
    if second_meeting is not None:
        first = target / "panel" / "2026-01-12"
        other = target / "panel" / second_meeting
        shutil.copytree(first, other)
        for file in other.iterdir():
            file.write_text(file.read_text(encoding="utf-8").replace("2026-01-12", second_meeting),
                            encoding="utf-8")
    return target


def wait_until(what: str, check: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Poll `check` until it returns something true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


class Serve:
    """`pack serve SOURCE --port 0` running in a subprocess, its stderr collected line by line."""

    def __init__(self, source: Path, cwd: Path, *extra: str) -> None:
        self.lines: list[str] = []
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "meetingpack.cli", "serve", str(source), "--port", "0", *extra],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = wait_until("the server's address", self._address)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _address(self) -> str | None:
        if self.process.poll() is not None:
            raise AssertionError("pack serve ended:\n" + self.output)
        found = next((re.search(r"http://127\.0\.0\.1:\d+/", line) for line in self.lines
                      if line.startswith("pack serve: serving")), None)
        return found.group(0) if found else None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def status(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "__pack/status", timeout=10) as response:
            return dict(json.loads(response.read()))

    def settled(self, builds: int) -> dict[str, Any]:
        """Wait until at least `builds` builds were started and the last one is over (its pages and, after
        them, its packs); its status."""
        return dict(wait_until(f"build {builds} to finish", lambda: (
            s if (s := self.status())["builds"] >= builds and s["state"] not in ("rebuilding", "packs") else None)))

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Stop it as Ctrl-C does; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            self._reader.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
