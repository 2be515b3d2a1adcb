"""`pack serve` driven in headless Chromium: edits seen in the open page, errors over it, no needless reloads.

One server (a subprocess on a free port) serves a copy of tests/projects/minimal
with a second meeting for the whole module; each test waits for the server to be
idle before it changes the content, and puts back what it broke.  A JavaScript
variable set on an open page tells whether it was reloaded.
"""

from __future__ import annotations

import signal
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .serve_support import WAIT, Serve, minimal_copy, wait_until

MEETING = "panel/2026-01-12"
OTHER = "panel/2026-02-09"
REPORT_PAGE = f"{MEETING}/item-3/report-budget/"
OLD_TEXT = "The council expects to spend within its budget this year."
BROKEN_LINE = 4  # the venue line of meeting.yaml


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Serve, Path]]:
    """`pack serve` of the copy (content folder, server); stopped with SIGINT at the end, as Ctrl-C."""
    here = tmp_path_factory.mktemp("serve")
    content = minimal_copy(here / "content", second_meeting="2026-02-09")
    with Serve(content, here) as server:
        server.settled(1)
        yield server, content
        assert server.stop(signal.SIGINT) == 130, server.output
        assert "pack serve: stopped" in server.output
        assert not list((here / ".preview").glob(".build.staging-*")), "a staging folder was left behind"


def _open(open_context: Any, server: Serve, path: str) -> Any:
    context, _ = open_context()
    page = context.new_page()
    page.goto(server.url + path)
    wait_until("the page to show the state bar", lambda: page.locator("#pack-serve-state").count() == 1)
    page.evaluate("window.packMarker = 'still the same page'")
    return page


def _same_page(page: Any) -> bool:
    return bool(page.evaluate("window.packMarker === 'still the same page'"))


def _fetch(server: Serve, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edited_paper_changes_the_open_page(serve: tuple[Serve, Path], open_context: Any) -> None:
    server, content = serve
    builds = server.settled(1)["builds"]
    page = _open(open_context, server, REPORT_PAGE)
    report = content / MEETING / "report-budget.md"
    _edit(report, OLD_TEXT, "The council now expects an overspend of 1.2 million pounds.")
    try:
        page.get_by_text("now expects an overspend of 1.2 million pounds").wait_for(timeout=WAIT * 1000)
        assert not _same_page(page), "the text changed without a reload?"
        assert page.get_by_text(OLD_TEXT).count() == 0
        assert server.settled(builds + 1)["state"] == "ready"
        wait_until("the bar to say ready", lambda: "ready" in page.locator("#pack-serve-state").inner_text())
        # the page came first, with the meeting's previous PDFs; its packs were rendered after it
        assert f"rendering the packs of {MEETING}" in server.output
    finally:
        _edit(report, "The council now expects an overspend of 1.2 million pounds.", OLD_TEXT)
        server.settled(builds + 2)


def test_an_error_is_shown_over_the_last_good_page_until_fixed(serve: tuple[Serve, Path],
                                                                open_context: Any) -> None:
    server, content = serve
    builds = server.settled(1)["builds"]
    page = _open(open_context, server, f"{MEETING}/")
    title = page.locator("h1").inner_text()
    meeting = content / MEETING / "meeting.yaml"
    good = meeting.read_text(encoding="utf-8")
    assert good.splitlines()[BROKEN_LINE - 1].startswith("venue:")
    # a second colon in an unquoted value: a YAML syntax error on that line
    _edit(meeting, "venue: Committee Room 1, Town Hall", "venue: Committee Room 1: Town Hall")
    try:
        overlay = page.locator("#pack-serve-overlay")
        overlay.wait_for(timeout=WAIT * 1000)
        shown = overlay.inner_text()
        assert f"{MEETING}/meeting.yaml:{BROKEN_LINE}:" in shown, shown
        assert "YAML syntax" in shown, shown
        assert "errors" in page.locator("#pack-serve-state").inner_text()
        # the last good build stays: the same page, still there underneath, not reloaded
        assert _same_page(page)
        assert page.locator("h1").inner_text() == title
        status = server.settled(builds + 1)
        assert status["state"] == "failed"
        assert status["problems"][0]["line"] == BROKEN_LINE
        assert f"meeting.yaml:{BROKEN_LINE}:" in server.output  # and in the terminal
    finally:
        meeting.write_text(good, encoding="utf-8")
    overlay.wait_for(state="detached", timeout=WAIT * 1000)
    assert server.settled(builds + 2)["state"] == "ready"
    # the fixed content makes the same page as before the error: nothing to reload
    assert _same_page(page)
    assert page.locator("h1").inner_text() == title


def test_two_quick_saves_cause_one_build(serve: tuple[Serve, Path]) -> None:
    server, content = serve
    builds = server.settled(1)["builds"]
    report = content / OTHER / "report-budget.md"
    original = report.read_text(encoding="utf-8")
    try:
        report.write_text(original + "\nFirst save.\n", encoding="utf-8")
        report.write_text(original + "\nSecond save.\n", encoding="utf-8")
        server.settled(builds + 1)
        time.sleep(1.0)  # well past the quiet time: a second build would have started by now
        assert server.status()["builds"] == builds + 1, server.output
        page = _fetch(server, f"{OTHER}/item-3/report-budget/")
        assert "Second save." in page and "First save." not in page
        # a save during a build causes exactly one more build
        report.write_text(original + "\nThird save.\n", encoding="utf-8")
        wait_until("a build to start", lambda: server.status()["state"] == "rebuilding")
        report.write_text(original + "\nFourth save.\n", encoding="utf-8")
        server.settled(builds + 3)
        time.sleep(1.0)
        assert server.status()["builds"] == builds + 3, server.output
        assert "Fourth save." in _fetch(server, f"{OTHER}/item-3/report-budget/")
    finally:
        report.write_text(original, encoding="utf-8")
        server.settled(server.status()["builds"] + 1)


def test_a_page_that_did_not_change_is_not_reloaded(serve: tuple[Serve, Path], open_context: Any) -> None:
    server, content = serve
    builds = server.settled(1)["builds"]
    other = _open(open_context, server, f"{OTHER}/item-3/report-budget/")
    meeting = _open(open_context, server, f"{MEETING}/")
    generation = server.status()["generation"]
    report = content / MEETING / "report-budget.md"
    _edit(report, OLD_TEXT, "The council now expects to underspend.")
    try:
        status = server.settled(builds + 1)
        # one generation for the pages (built first), one more for the packs rendered after them
        assert status["generation"] in (generation + 1, generation + 2), "the edit changed no served file?"
        # the edited report's page changed; the other meeting's paper did not, nor this meeting's page
        # (which shows the pack's size in whole kilobytes, the same after a one-line edit)
        wait_until("the bar to say ready", lambda: "ready" in other.locator("#pack-serve-state").inner_text())
        assert _same_page(other)
        assert _same_page(meeting)
        assert "now expects to underspend" in _fetch(server, REPORT_PAGE)
    finally:
        _edit(report, "The council now expects to underspend.", OLD_TEXT)
        server.settled(builds + 2)


def test_a_hidden_tab_catches_up_when_shown(serve: tuple[Serve, Path], open_context: Any) -> None:
    server, content = serve
    builds = server.settled(1)["builds"]
    page = _open(open_context, server, REPORT_PAGE)
    # what the browser does when the tab is put in the background: the page lets go of its stream
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    report = content / MEETING / "report-budget.md"
    _edit(report, OLD_TEXT, "The council now expects a small overspend.")
    try:
        server.settled(builds + 1)
        time.sleep(0.5)
        assert _same_page(page), "a hidden tab was told of the change"
        page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        page.get_by_text("now expects a small overspend").wait_for(timeout=WAIT * 1000)
        assert not _same_page(page)
    finally:
        _edit(report, "The council now expects a small overspend.", OLD_TEXT)
        server.settled(builds + 2)
