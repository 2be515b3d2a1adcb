"""`pack serve` without a browser: the injected script, what pages are told, the watcher's batches, the
server's answers, a preview build with an error and its fix, and Ctrl-C during a build.

The same behaviour seen by a page in Chromium is in tests/browser/test_serve.py.
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser.serve_support import Serve, minimal_copy, wait_until
from watchdog.events import (
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from meetingpack.commands.serve import Preview, changed_pages, serve_project
from meetingpack.serve.live import HISTORY, Live
from meetingpack.serve.server import PreviewServer, ServeError, inject
from meetingpack.serve.watcher import Changes, _Handler

# ---- the injected script ------------------------------------------------------------------------


def test_the_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><pre>&lt;/body&gt; </body></pre></BODY >\n</html>\n"
    served = inject(page, 7, "abc")
    tag = b'<script src="/__pack/live.js" data-generation="7" data-token="abc"></script>'
    assert served == b"<html><body><pre>&lt;/body&gt; </body></pre>" + tag + b"</BODY >\n</html>\n"
    assert inject(b"<p>no body end", 1, "t").endswith(b"<p>no body end" + tag.replace(b"7", b"1")
                                                           .replace(b"abc", b"t"))


# ---- what the pages are told ----------------------------------------------------------------------


def test_changed_pages_are_the_served_files_whose_bytes_differ() -> None:
    before = {"site/a/index.html": ("1", 10, 0), "site/b.pdf": ("2", 10, 0), "site/gone.html": ("3", 1, 0),
              "private/x/members-pack.pdf": ("4", 1, 0), "manifest.json": ("5", 1, 0)}
    after = {"site/a/index.html": ("1", 10, 99), "site/b.pdf": ("2b", 11, 0), "site/new/index.html": ("6", 1, 0),
             "private/x/members-pack.pdf": ("4b", 1, 0), "manifest.json": ("5b", 1, 0)}
    # the same bytes at another time are no change; the members' pack and the manifest are not served
    assert changed_pages(before, after) == {"/b.pdf", "/gone.html", "/new/index.html"}


def test_a_page_is_told_every_change_since_it_was_served() -> None:
    live = Live()
    live.rebuilding()
    live.built({"/a/index.html"})
    live.rebuilding()
    live.built(set())  # nothing changed: no new generation
    live.rebuilding()
    live.built({"/b/index.html", "/assets/site.css"})
    assert live.generation == 2 and live.builds == 3
    assert live.changed_since(0, live.token) == ["/a/index.html", "/assets/site.css", "/b/index.html"]
    assert live.changed_since(1, live.token) == ["/assets/site.css", "/b/index.html"]
    assert live.changed_since(2, live.token) == []
    # served by an earlier run of the server, or too long ago: reload
    assert live.changed_since(2, "another run") is None
    for _ in range(HISTORY + 1):
        live.built({"/c.html"})
    assert live.changed_since(0, live.token) is None
    assert live.changed_since(live.generation - 1, live.token) == ["/c.html"]


# ---- the watcher ----------------------------------------------------------------------------------


def test_a_burst_of_changes_is_one_batch_and_a_change_during_a_build_one_more() -> None:
    changes = Changes(quiet=0.05)
    changes.add("/c/a.md")
    changes.add("/c/a.md")
    changes.add("/c/b.md")
    assert changes.wait() == {"/c/a.md", "/c/b.md"}
    assert not changes.pending
    # the build of that batch runs; meanwhile two more saves come: one more batch, then none
    changes.add("/c/a.md")
    changes.add("/c/c.md")
    assert changes.pending
    assert changes.wait() == {"/c/a.md", "/c/c.md"}
    assert not changes.pending


def test_only_changes_the_build_reads_count(tmp_path: Path) -> None:
    root, out = tmp_path / "content", tmp_path / "content" / "build"
    changes = Changes()
    handler = _Handler([root], [out, tmp_path / "content" / ".build.cache"], changes, inotify=True)
    paper = str(root / "panel" / "2026-01-12" / "report.md")
    for event in (FileOpenedEvent(paper), FileClosedNoWriteEvent(paper),  # the build reading it
                  FileModifiedEvent(paper),  # inotify: the "closed" after the write is enough
                  FileCreatedEvent(str(out / "site" / "index.html")),  # what the build writes
                  FileCreatedEvent(str(root / ".git" / "index")),
                  FileCreatedEvent(str(root / "panel" / ".report.md.swp")),
                  FileCreatedEvent(str(root / "panel" / "report.md~")),
                  FileCreatedEvent(str(tmp_path / "elsewhere.md"))):
        handler.on_any_event(event)
    assert not changes.pending
    handler.on_any_event(FileClosedEvent(paper))
    # an editor's save: a scratch file renamed over the paper
    handler.on_any_event(FileMovedEvent(str(root / "panel" / "report.md.tmp"), str(root / "panel" / "new.md")))
    assert changes.wait() == {paper, str(root / "panel" / "new.md")}
    # without inotify a plain "modified" is all there is
    polled = _Handler([root], [out], changes, inotify=False)
    polled.on_any_event(FileModifiedEvent(paper))
    assert changes.wait() == {paper}


# ---- the server -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built: Any) -> Iterator[tuple[PreviewServer, Live]]:
    """The bundled example's site served by the preview server (in this process)."""
    live = Live()
    live.rebuilding()
    live.built(set())
    server = PreviewServer(built.site, 0, live)
    server.start()
    yield server, live
    server.stop()


def _get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{server.port}"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_pages_get_the_script_and_other_files_are_served_as_built(served: tuple[PreviewServer, Live],
                                                                   built: Any) -> None:
    server, live = served
    meeting = built.manifest["meetings"][0]["page"].removeprefix("site/").removesuffix("index.html")
    status, headers, body = _get(server, "/" + meeting)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    on_disk = (built.site / meeting / "index.html").read_bytes()
    assert body == inject(on_disk, live.generation, live.token)
    assert b"__pack" not in on_disk  # the built file itself is left alone
    assert headers["Cache-Control"] == "no-store"
    status, headers, body = _get(server, "/assets/site.css")
    assert status == 200 and body == (built.site / "assets" / "site.css").read_bytes()
    status, _, body = _get(server, "/__pack/live.js")
    assert status == 200 and b"EventSource" in body


def test_missing_pages_folders_and_other_hosts(served: tuple[PreviewServer, Live]) -> None:
    server, _ = served
    status, _, body = _get(server, "/no/such/page/")
    assert status == 404 and b"There is no page at /no/such/page/" in body and b"data-missing" in body
    status, _, body = _get(server, "/assets/")  # a folder without index.html is not listed
    assert status == 404 and b"site.css" not in body
    status, _, _ = _get(server, "/", host="attacker.example")
    assert status == 403
    status, _, _ = _get(server, "/__pack/events", host=f"attacker.example:{server.port}")
    assert status == 403
    assert _get(server, "/", host=f"localhost:{server.port}")[0] == 200


def test_the_events_stream_says_what_changed(served: tuple[PreviewServer, Live]) -> None:
    server, live = served
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", f"/__pack/events?since={live.generation}&token={live.token}")
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"

        def event() -> dict[str, Any]:
            lines = []
            while (line := response.readline().decode()) != "\n" or not lines:
                if line.startswith("data: "):
                    lines.append(line.removeprefix("data: "))
            return dict(json.loads("".join(lines)))

        first = event()
        assert first["state"] == "ready" and first["changed"] == []
        live.rebuilding()
        assert event()["state"] == "rebuilding"
        live.built({"/x/index.html"})
        after = event()
        assert after["state"] == "ready" and after["changed"] == ["/x/index.html"]
    finally:
        connection.close()


def test_a_port_in_use_is_a_plain_error(served: tuple[PreviewServer, Live], built: Any) -> None:
    server, live = served
    with pytest.raises(ServeError, match=f"cannot serve on 127.0.0.1:{server.port}.*--port 0"):
        PreviewServer(built.site, server.port, live)


# ---- builds ---------------------------------------------------------------------------------------


def test_a_content_error_is_reported_and_its_fix_reported_as_no_change(tmp_path: Path) -> None:
    content = minimal_copy(tmp_path / "content")
    said: list[str] = []
    shown: list[str] = []
    preview = Preview(content, tmp_path / ".preview" / "build", said.append,
                      lambda ds: shown.extend(str(d) for d in ds), jobs=1)
    live = preview.live
    assert live is not None
    preview.build("first build")
    assert live.state == "ready" and live.generation == 1
    assert "/panel/2026-01-12/index.html" in (live.changed_since(0, live.token) or [])
    meeting = content / "panel" / "2026-01-12" / "meeting.yaml"
    good = meeting.read_text(encoding="utf-8")
    meeting.write_text(good.replace("start_time: \"10:00\"", "start_time: \"25:99\""), encoding="utf-8")
    preview.build()
    assert live.state == "failed" and live.generation == 1
    problem = live.problems[0]
    assert (problem.file, problem.line) == ("content/panel/2026-01-12/meeting.yaml", 2), live.problems
    assert any("meeting.yaml:2:" in line for line in shown)
    assert (tmp_path / ".preview" / "build" / "site" / "panel" / "2026-01-12" / "index.html").is_file()
    meeting.write_text(good, encoding="utf-8")
    preview.build()
    # the same output as before the error: no page has anything to reload
    assert live.state == "ready" and live.problems == [] and live.generation == 1


def test_ctrl_c_during_a_build_stops_it_cleanly(tmp_path: Path) -> None:
    content = minimal_copy(tmp_path / "content")
    with Serve(content, tmp_path) as server:
        wait_until("the first build to render", lambda: any("rendering panel" in line for line in server.lines))
        assert server.stop(signal.SIGINT) == 130, server.output
    assert "pack serve: stopped" in server.output
    assert "Traceback" not in server.output
    leftovers = [p.name for p in (tmp_path / ".preview").iterdir() if ".staging-" in p.name or ".old-" in p.name]
    assert leftovers == []
    shutil.rmtree(tmp_path / ".preview")


def test_a_missing_content_folder_is_a_plain_error(tmp_path: Path) -> None:
    preview = Preview(tmp_path / "nothing", tmp_path / ".preview" / "build", print, print)
    with pytest.raises(ServeError, match="content folder .*nothing not found"):
        serve_project(preview, 0, print)


@pytest.mark.parametrize("out", [".", "content"])
def test_an_output_folder_holding_the_content_is_refused(tmp_path: Path, out: str) -> None:
    content = minimal_copy(tmp_path / "content")
    preview = Preview(content, tmp_path / out, print, print)
    with pytest.raises(ServeError, match="holds the content folder"):
        serve_project(preview, 0, print)
    assert (content / "site.yaml").is_file()
