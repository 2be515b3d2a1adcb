"""Fixtures of the browser tests: the built site served on 127.0.0.1, and headless Chromium.

The browser is Debian's Chromium (/usr/bin/chromium, installed by .ci/run), driven by
Playwright for Python; Playwright never downloads a browser. Set MEETINGPACK_CHROMIUM to use
another executable.

Without a usable Chromium every test that needs the browser is skipped, with the reason in
pytest's summary. Under CI (the environment variable CI=true) the same condition is a failure:
CI must never pass because the browser tests did not run.

The static checks of the site (links and anchors, page structure) need no browser and always run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import Guard, SiteServer, axe_source, in_ci, not_run, unavailable

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "MEETINGPACK_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BASE_PATH = "/council/"
TIMEOUT_MS = 15_000


def chromium_executable() -> tuple[str | None, str]:
    """The Chromium to launch, and where it was looked for (for the skip message)."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        path = Path(override)
        found = str(path) if path.is_file() and os.access(path, os.X_OK) else None
        return found, f"{override} (from {CHROMIUM_ENV})"
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM, DEFAULT_CHROMIUM
    return shutil.which("chromium"), f"{DEFAULT_CHROMIUM} or on PATH"


@pytest.fixture(scope="session")
def site(built: Any) -> Path:
    """build/site of the bundled example (built once per run by tests/conftest.py)."""
    return built.site


@pytest.fixture(scope="session")
def html_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as site-relative POSIX paths, found by walking the folder."""
    pages = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "pagefind" not in p.relative_to(site).parts
    )
    assert "index.html" in pages, f"no index.html in {site}"
    return pages


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[SiteServer]:
    """The site served at http://127.0.0.1:<port>/."""
    with SiteServer(site, "/") as s:
        yield s


@pytest.fixture(scope="session")
def base_server(site: Path) -> Iterator[SiteServer]:
    """The site served under a base path, http://127.0.0.1:<port>/council/ (nothing outside it)."""
    with SiteServer(site, BASE_PATH) as s:
        yield s


@pytest.fixture(scope="session")
def servers(server: SiteServer, base_server: SiteServer) -> dict[str, SiteServer]:
    return {"root": server, "base": base_server}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (skipped, or failed under CI, if unavailable)."""
    executable, looked = chromium_executable()
    if executable is None:
        unavailable(
            "browser tests",
            f"Chromium not found at {looked} (install Debian's chromium package, as .ci/run does)",
        )
    # The reasons are raised outside the except blocks, so that pytest shows just the reason.
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing = str(exc)
    else:
        missing = ""
    if missing:
        unavailable(
            "browser tests",
            f"Playwright for Python is not installed ({missing}); run pip install -e '.[test]'",
        )
    playwright = sync_playwright().start()
    failure = ""
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except PlaywrightError as exc:
        failure = next((line for line in str(exc).splitlines() if line.strip()), repr(exc))
    if failure:
        playwright.stop()
        unavailable(
            "browser tests", f"Playwright could not launch Chromium at {executable}: {failure}"
        )
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core's axe.min.js from the axe-playwright-python package (a test extra)."""
    try:
        return axe_source()
    except (ImportError, FileNotFoundError) as exc:
        missing = str(exc)
    unavailable(
        "accessibility tests",
        f"axe-core is not installed ({missing}); run pip install -e '.[test]' "
        "(axe.min.js comes from the axe-playwright-python package)",
        key="axe",
    )


@pytest.fixture
def open_context(browser: Any) -> Iterator[Callable[..., tuple[Any, Guard]]]:
    """Make browser contexts that can reach only 127.0.0.1 and record every problem they meet.

    Returns (context, guard); call guard.assert_clean(...) at the end of the test. Contexts are
    closed after the test."""
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, Guard]:
        options.setdefault("locale", "en-GB")
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        guard = Guard()
        guard.attach(context)
        contexts.append(context)
        return context, guard

    yield make
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say once, at the end of the run, why the browser tests did not run."""
    if not not_run:
        return
    terminalreporter.section("browser tests", sep="-", yellow=True, bold=True)
    for message in not_run.values():
        terminalreporter.line(message, red=in_ci(), yellow=not in_ci())
