"""Helpers for the browser tests: a local web server, a network guard, axe-core, reports.

Nothing here starts a browser; tests/browser/conftest.py does, and skips (or, under CI,
fails) when it cannot.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, NoReturn, Self
from urllib.parse import unquote, urlsplit

import pytest

# --- skip, or fail under CI ---------------------------------------------------------------

# Why the browser tests did not run, for the summary at the end of the run.
not_run: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(what: str, why: str, key: str = "browser") -> NoReturn:
    """Skip the test because `why`; under CI=true fail instead: CI never skips these tests."""
    if in_ci():
        message = f"{what} could not run, a failure under CI=true: {why}"
        not_run[key] = message
        pytest.fail(message, pytrace=False)
    message = f"{what} skipped: {why}"
    not_run[key] = message
    pytest.skip(message)


# --- serving the site --------------------------------------------------------------------

EXTRA_TYPES = {
    ".wasm": "application/wasm",
    ".ics": "text/calendar",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site folder under a mount path ("/" or "/council/"); anything else is 404."""

    mount: ClassVar[str] = "/"
    requests: ClassVar[list[tuple[str, int]]]

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if url_path == self.mount.rstrip("/"):
            # "/council" -> the site root, so that SimpleHTTPRequestHandler redirects to "/council/"
            return super().translate_path("/")
        if not url_path.startswith(self.mount):
            return os.path.join(self.directory, ".not-under-the-mount-path")
        return super().translate_path("/" + path[len(self.mount) :])

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        extra = EXTRA_TYPES.get(os.path.splitext(path)[1].lower())
        return extra or super().guess_type(path)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        try:
            self.requests.append((self.path, int(code)))
        except (TypeError, ValueError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output quiet


class SiteServer:
    """build/site served on 127.0.0.1 (a free port), under a mount path, in a background thread."""

    def __init__(self, site: Path, mount: str = "/") -> None:
        if not mount.startswith("/") or not mount.endswith("/"):
            raise ValueError(f"mount path must start and end with '/': {mount!r}")
        self.site = site
        self.mount = mount
        self.requests: list[tuple[str, int]] = []
        handler = type("Handler", (_SiteHandler,), {"mount": mount, "requests": self.requests})
        self._httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
        )
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"site-server{mount}", daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def root(self) -> str:
        """The URL of the site's root folder, ending in '/'."""
        return self.origin + self.mount

    def url(self, relative: str = "") -> str:
        """The URL of a file of the site, by its path relative to the site folder."""
        relative = relative.removeprefix("site/")
        return self.root + relative.lstrip("/")

    def relative(self, url: str) -> str | None:
        """The site-relative path of a URL of this server (query and fragment dropped), or None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(
            self.mount
        ):
            return None
        return unquote(parts.path[len(self.mount) :])


# --- watching what a browser context does ---------------------------------------------------

LOCAL_HOSTS = {"127.0.0.1"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}
# Chromium asks every origin for /favicon.ico on its own; under a base path the site cannot
# answer that request, so it is not held against the pages.
IGNORED_PATHS = {"/favicon.ico"}


@dataclass
class Guard:
    """Blocks every request that is not to 127.0.0.1 and records what went wrong in a context:
    external requests, HTTP errors, failed requests, uncaught JavaScript errors, console errors."""

    external: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        context.route("**/*", self._route)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_request_failed)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("console", self._on_console)

    @staticmethod
    def is_external(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in NETWORK_SCHEMES and parts.hostname not in LOCAL_HOSTS

    def _route(self, route: Any) -> None:
        url = route.request.url
        if self.is_external(url):
            self.external.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _on_response(self, response: Any) -> None:
        if response.status >= 400 and urlsplit(response.url).path not in IGNORED_PATHS:
            self.http_errors.append(f"HTTP {response.status} {response.url}")

    def _on_request_failed(self, request: Any) -> None:
        url = request.url
        if self.is_external(url) or urlsplit(url).scheme not in NETWORK_SCHEMES:
            return
        failure = request.failure or ""
        if (
            failure == "net::ERR_ABORTED"
            and request.is_navigation_request()
            and url.endswith(".pdf")
        ):
            return  # Chromium hands a PDF navigation over to its PDF viewer
        self.failed.append(f"{failure} {url}")

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if urlsplit(location).path in IGNORED_PATHS or self.is_external(location):
            return  # the favicon, or an external request already recorded
        self.console_errors.append(f"{message.text} ({location})")

    def problems(self) -> list[str]:
        out = [f"request to an external address (blocked): {u}" for u in self.external]
        out += self.http_errors
        out += [f"request failed: {f}" for f in self.failed]
        out += [f"uncaught JavaScript error: {e}" for e in self.page_errors]
        out += [f"console error: {e}" for e in self.console_errors]
        return out

    def assert_clean(self, what: str) -> None:
        problems = self.problems()
        if problems:
            pytest.fail(f"{what}:\n" + "\n".join(f"  - {p}" for p in problems), pytrace=False)


# --- axe-core ------------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def axe_source() -> str:
    """axe.min.js as the axe-playwright-python package ships it (no CDN, no download)."""
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Any, source: str) -> list[dict[str, Any]]:
    """Inject axe-core into the page (once per document) and return its violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def axe_version(page: Any) -> str:
    return page.evaluate("() => window.axe ? window.axe.version : 'not loaded'")


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_axe_report(found: dict[str, list[dict[str, Any]]], nodes_per_page: int = 4) -> str:
    """Violations of many pages, grouped by rule, then page: what to fix, and where."""
    by_rule: dict[str, dict[str, Any]] = {}
    pages_of: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for page, violations in found.items():
        for v in violations:
            by_rule.setdefault(v["id"], v)
            pages_of[v["id"]][page] = v["nodes"]
    lines = []
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    for rule_id in sorted(by_rule, key=lambda r: (order.get(by_rule[r].get("impact") or "", 9), r)):
        v = by_rule[rule_id]
        pages = pages_of[rule_id]
        total = sum(len(n) for n in pages.values())
        lines.append(
            f"[{rule_id}] impact={v.get('impact')} - {v['help']} "
            f"({total} element(s) on {len(pages)} page(s); tags: {', '.join(v.get('tags', []))})"
        )
        lines.append(f"    {v.get('helpUrl', '')}")
        for page, nodes in sorted(pages.items()):
            lines.append(f"  {page}")
            for node in nodes[:nodes_per_page]:
                target = " ".join(
                    t if isinstance(t, str) else " >>> ".join(t) for t in node.get("target", [])
                )
                lines.append(f"    - target: {target}")
                lines.append(f"      html:   {_clip(node.get('html', ''))}")
                summary = node.get("failureSummary") or ""
                if summary:
                    lines.append(f"      why:    {_clip(summary, 300)}")
            if len(nodes) > nodes_per_page:
                lines.append(f"    ... and {len(nodes) - nodes_per_page} more element(s)")
    return "\n".join(lines)


# --- reflow --------------------------------------------------------------------------------

# Elements that stick out of a `width` px viewport, outermost first, ignoring anything inside a
# container that scrolls or clips horizontally (a scrolling table is allowed by WCAG 1.4.10).
OVERFLOW_JS = """
(width) => {
  const clips = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) parts.unshift(name(e));
    return parts.slice(-4).join(' > ');
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (getComputedStyle(el).position === 'absolute' && r.right <= 0) continue;
    if ((r.right + window.scrollX > width + 0.5 || r.left + window.scrollX < -0.5) && !clips(el)) {
      wide.push(el);
    }
  }
  const outermost = wide.filter((el) => !wide.includes(el.parentElement));
  return outermost.slice(0, 10).map((el) => {
    const r = el.getBoundingClientRect();
    return `${path(el)}: left ${Math.round(r.left + window.scrollX)}px, right ${Math.round(r.right + window.scrollX)}px; ${el.outerHTML.slice(0, 160).replace(/\\s+/g, ' ')}`;
  });
}
"""


def horizontal_overflow(page: Any, width: int) -> tuple[int, list[str]]:
    """The document's scroll width, and what sticks out of a `width` px viewport."""
    scroll_width = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    culprits = page.evaluate(OVERFLOW_JS, width) if scroll_width > width else []
    return scroll_width, culprits
