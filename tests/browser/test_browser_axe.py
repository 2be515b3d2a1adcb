"""(a) axe-core on every page of the site, and reflow at 320 CSS px (WCAG 1.4.10).

axe runs with the WCAG 2.0/2.1/2.2 A and AA rules and axe's best-practice rules (landmarks,
one h1, heading order, unique landmark names...), which GOV.UK-style public sites are expected
to meet. A failure lists every violation, grouped by rule, with the pages and elements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .browser_support import AXE_TAGS, axe_version, format_axe_report, horizontal_overflow, run_axe

NARROW = 320

# Representative pages for axe at 320 px: home, committee (wide work plan table), meeting,
# item, and the longest reports (tables, a chart, numbered paragraphs). Reflow itself is
# checked on every page.
NARROW_PAGES = [
    "index.html",
    "children-young-people/index.html",
    "children-young-people/2026-03-02/index.html",
    "children-young-people/2026-03-02/item-6/index.html",
    "children-young-people/2026-03-02/item-6/report-exploitation-update/index.html",
    "children-young-people/2026-03-02/item-6/appendix-exploitation-action-plan/index.html",
    "children-young-people/2026-03-02/item-7/report-fostering/index.html",
    "children-young-people/2025-12-09/minutes/index.html",
]



def _ready(relative: str) -> str:
    """When a page counts as loaded: the search page also fetches its index (a script import) after load,
    which the next navigation would abort."""
    return "networkidle" if relative.startswith("search/") else "load"


def _axe_each(page: Any, server: Any, pages: list[str], axe_js: str,
              width: int | None = None) -> tuple[dict[str, list[dict[str, Any]]], str]:
    """Run axe on each page in turn: the violations by page, and the axe-core version."""
    found: dict[str, list[dict[str, Any]]] = {}
    version = "?"
    for relative in pages:
        response = page.goto(server.url(relative), wait_until=_ready(relative))
        assert response is not None and response.status == 200, f"{relative}: not served"
        if width is not None:
            assert page.evaluate("() => window.innerWidth") == width
        violations = run_axe(page, axe_js)
        version = axe_version(page)
        if violations:
            found[relative] = violations
    return found, version


def test_axe_every_page(open_context: Any, server: Any, html_pages: list[str], axe_js: str) -> None:
    context, guard = open_context()
    context.add_init_script(script=axe_js)  # faster than injecting it into each page
    page = context.new_page()
    found, version = _axe_each(page, server, html_pages, axe_js)
    if found:
        pytest.fail(
            f"axe-core {version} ({', '.join(AXE_TAGS)}) found violations on "
            f"{len(found)} of {len(html_pages)} pages:\n" + format_axe_report(found),
            pytrace=False,
        )
    guard.assert_clean("while loading every page of the site")


def test_no_horizontal_scrolling_at_320px(
    open_context: Any, server: Any, html_pages: list[str]
) -> None:
    """WCAG 1.4.10 Reflow: every page fits 320 CSS px (wide tables may scroll inside a box)."""
    context, guard = open_context(viewport={"width": NARROW, "height": 640})
    page = context.new_page()
    problems = []
    for relative in html_pages:
        response = page.goto(server.url(relative), wait_until=_ready(relative))
        assert response is not None and response.status == 200, f"{relative}: not served"
        scroll_width, culprits = horizontal_overflow(page, NARROW)
        if scroll_width > NARROW:
            problems.append(
                f"{relative}: the page is {scroll_width} px wide at a {NARROW} px viewport. "
                "Outermost elements that stick out (not inside a scrolling container):\n"
                + "\n".join(f"    - {c}" for c in culprits)
            )
    if problems:
        pytest.fail(
            f"horizontal scrolling at {NARROW} CSS px on {len(problems)} page(s):\n"
            + "\n".join(problems),
            pytrace=False,
        )
    guard.assert_clean(f"while loading every page at {NARROW} px")


def test_axe_at_320px(open_context: Any, server: Any, site: Path, axe_js: str) -> None:
    """axe on representative pages laid out at 320 CSS px (scrolling regions, target sizes...)."""
    missing = [relative for relative in NARROW_PAGES if not (site / relative).is_file()]
    assert not missing, f"representative pages not in the build: {missing}"
    context, guard = open_context(viewport={"width": NARROW, "height": 640})
    context.add_init_script(script=axe_js)
    page = context.new_page()
    found, version = _axe_each(page, server, NARROW_PAGES, axe_js, width=NARROW)
    if found:
        pytest.fail(
            f"axe-core {version} at {NARROW} CSS px found violations on {len(found)} of "
            f"{len(NARROW_PAGES)} representative pages:\n" + format_axe_report(found),
            pytrace=False,
        )
    guard.assert_clean(f"while loading representative pages at {NARROW} px")
