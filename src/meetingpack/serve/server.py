"""The preview server: the built site folder in, HTTP on 127.0.0.1 out, with live reload.

Files are served as they are in the site folder, which each build replaces
whole in one step (publish.py): a page is always from one complete build.
Into every HTML response (not into the built file) a script is put before
`</body>`: `/__pack/live.js`, with the generation the page was served at
(live.py).  The script listens to `/__pack/events` (server-sent events) and
reloads the page only when something it shows changed, shows the build's
state (rebuilding, ready) in a small bar, and its errors in an overlay.
`/__pack/status` gives the same as JSON, for scripts and tests.

Only 127.0.0.1 is listened on, and a request naming another host (a web page
elsewhere reaching the preview through DNS rebinding) is refused.  Folders
are not listed; a missing page is a 404 page that carries the script too,
so that it turns into the page once a build makes it.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from ..errors import MeetingPackError
from .live import Live

HOST = "127.0.0.1"
HEARTBEAT = 15.0
"""Seconds between keep-alive comments on an idle events stream (a closed tab is noticed by the next one)."""
_SCRIPT = Path(__file__).with_name("live.js")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".ics": "text/calendar",
          ".atom": "application/atom+xml", ".json": "application/json", ".svg": "image/svg+xml",
          ".pdf": "application/pdf", ".xml": "application/xml"}
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


class ServeError(MeetingPackError):
    """Raised by the preview server when it cannot start: the port is taken or cannot be used."""


def inject(page: bytes, generation: int, token: str, missing: bool = False) -> bytes:
    """`page` with the live-reload script put before its last `</body>` (at the end if it has none)."""
    tag = (f'<script src="/__pack/live.js" data-generation="{generation}" data-token="{token}"'
           f'{" data-missing" if missing else ""}></script>').encode("ascii")
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + tag + page[at:]


def missing_page(path: str, first: bool) -> bytes:
    """The 404 page: says what is missing (or that no build has finished yet)."""
    what = ("No build of the content has finished yet: it appears here when one does."
            if first else f"There is no page at {html.escape(path)} in the preview.")
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Not found - pack serve'
            f'</title></head><body><h1>Not found</h1><p>{what}</p><p><a href="/">The home page</a></p>'
            f"</body></html>").encode()


class _Handler(SimpleHTTPRequestHandler):
    live: Live
    site: Path
    port: int

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for the builds' news, not for every request

    def end_headers(self) -> None:
        # always ask again: a reloaded page must never come from the browser's cache
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return _TYPES.get(os.path.splitext(path)[1].lower()) or super().guess_type(path)

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        return host in {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def send_head(self) -> BinaryIO | BytesIO | None:  # type: ignore[override]
        if not self._host_allowed():
            self.send_error(HTTPStatus.FORBIDDEN, "pack serve answers only to 127.0.0.1 and localhost")
            return None
        url = urlsplit(self.path)
        if url.path == "/__pack/live.js":
            return self._bytes(_SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        if url.path == "/__pack/status":
            status = self.live.message(self.live.generation, self.live.token)
            return self._bytes(json.dumps(status).encode(), "application/json")
        generation = self.live.generation  # before the file is read: see live.py
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not url.path.endswith("/"):
                return super().send_head()  # redirects to the folder's address with a slash
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return self._missing(url.path)
        if not path.endswith(".html"):
            return super().send_head()
        try:
            page = Path(path).read_bytes()
        except OSError:
            return self._missing(url.path)
        return self._bytes(inject(page, generation, self.live.token), "text/html; charset=utf-8")

    def list_directory(self, path: str | os.PathLike[str]) -> BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def _bytes(self, data: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return BytesIO(data)

    def _missing(self, path: str) -> BytesIO:
        generation = self.live.generation
        page = inject(missing_page(path, not self.site.is_dir()), generation, self.live.token, missing=True)
        return self._bytes(page, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/__pack/events":
            if self._host_allowed():
                self._events()
            else:
                self.send_error(HTTPStatus.FORBIDDEN)
            return
        super().do_GET()

    def _events(self) -> None:
        """Server-sent events: the status now, and again each time it changes, until the client goes."""
        query = parse_qs(urlsplit(self.path).query)
        token = query.get("token", [""])[0]
        try:
            generation = int(query.get("since", ["0"])[0])
        except ValueError:
            generation = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = -1
        try:
            self.wfile.write(b"retry: 1000\n\n")  # after the server restarts, reconnect within a second
            while not self.live.closed:
                now = self.live.wait(seen, HEARTBEAT)
                if self.live.closed:
                    break
                if now == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = now
                    data = json.dumps(self.live.message(generation, token))
                    self.wfile.write(f"event: status\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the page was closed or reloaded
        self.close_connection = True


class PreviewServer:
    """The site folder served on 127.0.0.1:`port` (0: a free one) in background threads."""

    def __init__(self, site: Path, port: int, live: Live) -> None:
        self.live = live
        handler: Any = type("Handler", (_Handler,), {"live": live, "site": site, "port": port})
        try:
            httpd = ThreadingHTTPServer((HOST, port), partial(handler, directory=str(site)))
        except OSError as exc:
            raise ServeError(f"cannot serve on {HOST}:{port} ({exc.strerror}); "
                             "give another port with --port, or --port 0 for any free one") from None
        self.httpd = httpd
        self.httpd.daemon_threads = True  # an open events stream must not keep the process alive
        self.port = int(self.httpd.server_address[1])
        handler.port = self.port  # known only now when 0 was asked for
        self.url = f"http://{HOST}:{self.port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="pack-serve", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop answering, and end every open events stream."""
        self.live.close()
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()
