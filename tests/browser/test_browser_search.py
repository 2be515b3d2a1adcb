"""(c) Search: the Pagefind index under build/site/pagefind/, used from search/index.html.

Until the build writes a Pagefind index these tests are skipped with that reason (and fail
under CI=true, like a missing browser). The search runs in the browser with the site at the
server's root and under a base path, and the expected document must come back as a result
whose link works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .browser_support import unavailable

SEARCH_PAGE = "search/index.html"
QUERY = "Eastwood Youth Centre"
EXPECTED = "children-young-people/2026-03-02/item-11/report-eastwood-youth-centre/index.html"
EXPECTED_TITLE = "Future of Eastwood Youth Centre"


@pytest.fixture(scope="module")
def search_built(site: Path) -> None:
    if not (site / "pagefind").is_dir():
        unavailable(
            "search tests",
            "the build wrote no Pagefind index (build/site/pagefind/ is missing): "
            "search is not built yet",
            key="search",
        )
    assert (site / SEARCH_PAGE).is_file(), f"there is a Pagefind index but no {SEARCH_PAGE}"


def _page_of(url: str, server: Any) -> str | None:
    """The site page a result URL leads to ('.../' and '.../index.html' alike)."""
    relative = server.relative(url)
    if relative is None:
        return None
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return relative


@pytest.mark.parametrize("mount", ["root", "base"])
def test_search_finds_the_document(
    search_built: None, open_context: Any, servers: dict[str, Any], mount: str
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    server = servers[mount]
    context, guard = open_context()
    page = context.new_page()
    response = page.goto(server.url(SEARCH_PAGE))
    assert response is not None and response.status == 200

    box = page.get_by_role("searchbox").or_(page.get_by_role("textbox")).first
    box.wait_for(state="visible")
    box.fill(QUERY)

    # Wait until a result links to the expected document (Pagefind loads its index lazily).
    results = page.get_by_role("main").get_by_role("link")
    try:
        page.wait_for_function(
            "expected => [...document.querySelectorAll('main a[href]')]"
            ".some(a => a.href.includes(expected))",
            arg=EXPECTED.removesuffix("index.html"),
            timeout=10_000,
        )
    except PlaywrightTimeoutError:  # report what came back instead of a bare timeout
        hrefs = results.evaluate_all("els => els.map(el => el.href)")
        pytest.fail(
            f"searching for {QUERY!r} ({mount}) did not return {EXPECTED}; result links: {hrefs}"
            f"; problems: {guard.problems()}"
        )
    hrefs = results.evaluate_all("els => els.map(el => el.href)")
    hits = [h for h in hrefs if _page_of(h, server) == EXPECTED]
    assert hits, (
        f"a result mentions {EXPECTED} but no result link leads to it on this server "
        f"(links must work under a base path): {hrefs}"
    )

    # Follow the result: the document opens.
    index = next(i for i, h in enumerate(hrefs) if _page_of(h, server) == EXPECTED)
    with page.expect_response(
        lambda r: _page_of(r.url, server) == EXPECTED and r.request.is_navigation_request()
    ) as navigation:
        results.nth(index).click()
    page.wait_for_load_state("load")
    response = navigation.value
    assert response is not None and response.status == 200, f"{hits[0]}: not served"
    assert _page_of(page.url, server) == EXPECTED
    assert EXPECTED_TITLE in page.locator("h1").inner_text()
    guard.assert_clean(f"searching ({mount})")
