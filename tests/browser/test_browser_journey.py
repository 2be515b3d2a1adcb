"""(b) The journey home -> committee -> meeting -> item -> PDF, in headless Chromium.

Links are followed by their accessible names, as a screen reader user would. Each page must
answer 200 with HTML, have lang="en-GB", exactly one h1 and one main landmark, and a skip link
as its first Tab stop that moves focus to the main content. The journey runs with the site at
the server's root and under a base path (/council/), with JavaScript on and off.
"""

from __future__ import annotations

from typing import Any

import pytest

COMMITTEE = "Children and Young People Overview and Scrutiny Panel"
MEETING = "2026-03-02"
MEETING_LINK = "Monday 2 March 2026"
ITEM = 6


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def check_html_page(page: Any, response: Any, expected_url: str) -> None:
    """A page of the journey: its response, language, h1, main landmark and skip link."""
    where = page.url
    assert response is not None, f"{expected_url}: no response"
    assert response.status == 200, f"{response.url}: HTTP {response.status}"
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("text/html"), f"{response.url}: content-type {content_type}"
    assert _without_fragment(page.url) == expected_url, f"went to {page.url}, not {expected_url}"

    assert page.locator("html").get_attribute("lang") == "en-GB", f"{where}: html lang"
    h1s = page.locator("h1")
    assert h1s.count() == 1, f"{where}: {h1s.count()} h1 elements: {h1s.all_inner_texts()}"
    mains = page.get_by_role("main")
    assert mains.count() == 1, f"{where}: {mains.count()} main landmarks"
    main_id = mains.get_attribute("id")
    assert main_id, f"{where}: the main landmark has no id for the skip link to target"

    # The first Tab stop is a visible skip link to main; Enter moves focus into main.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.count() == 1, f"{where}: Tab focused nothing"
    first = focused.evaluate(
        "el => ({tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim(),"
        " html: el.outerHTML.slice(0, 200)})"
    )
    assert first["tag"] == "A" and first["href"] == f"#{main_id}", (
        f"{where}: the first Tab stop is {first['html']}, not a skip link to #{main_id}"
    )
    assert "skip" in first["text"].lower(), f"{where}: skip link text is {first['text']!r}"
    box = focused.bounding_box()
    viewport = page.viewport_size or {"width": 1280, "height": 720}
    assert box is not None and box["width"] >= 1 and box["height"] >= 1, (
        f"{where}: the focused skip link is not visible"
    )
    assert 0 <= box["x"] < viewport["width"] and 0 <= box["y"] < viewport["height"], (
        f"{where}: the focused skip link is off screen at {box}"
    )
    page.keyboard.press("Enter")
    in_main = page.evaluate(
        "() => { const m = document.querySelector('main, [role=main]');"
        " const a = document.activeElement; return !!m && (a === m || m.contains(a)); }"
    )
    assert in_main, f"{where}: after the skip link, focus is not in main"


def follow(page: Any, name: str, expected_url: str) -> Any:
    """Click the link with this accessible name that leads to expected_url; its response."""
    links = page.get_by_role("link", name=name, exact=True)
    targets = links.evaluate_all("els => els.map(el => el.href)")
    assert targets, f"{page.url}: no link named {name!r}"
    matching = [i for i, href in enumerate(targets) if _without_fragment(href) == expected_url]
    assert matching, f"{page.url}: the links named {name!r} go to {targets}, not {expected_url}"
    with page.expect_response(
        lambda r: _without_fragment(r.url) == expected_url and r.request.is_navigation_request()
    ) as navigation:
        links.nth(matching[0]).click()
    page.wait_for_url(expected_url, wait_until="load")
    return navigation.value


def download_pdf(page: Any, context: Any, expected_url: str, on_disk: bytes) -> None:
    """Click the link in main to this PDF; check the response and the bytes served."""
    links = page.locator("main a[href]")
    targets = links.evaluate_all("els => els.map(el => el.href)")
    matching = [i for i, href in enumerate(targets) if href == expected_url]
    assert matching, f"{page.url}: no link in main to {expected_url}"
    link = links.nth(matching[0])
    assert link.inner_text().strip(), f"{page.url}: the link to {expected_url} has no text"
    with page.expect_response(lambda r: r.url == expected_url) as caught:
        link.click()
    response = caught.value
    assert response.status == 200, f"{expected_url}: HTTP {response.status}"
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/pdf"), (
        f"{expected_url}: content-type {content_type}"
    )
    # The browser's PDF viewer keeps the body to itself: fetch it again to check the bytes.
    fetched = context.request.get(expected_url)
    assert fetched.status == 200
    assert fetched.headers.get("content-type", "").startswith("application/pdf")
    body = fetched.body()
    assert body.startswith(b"%PDF-"), f"{expected_url}: not a PDF: {body[:16]!r}"
    assert body == on_disk, f"{expected_url}: the bytes served differ from the build's file"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("mount", ["root", "base"])
def test_journey_home_to_pdf(
    open_context: Any, servers: dict[str, Any], built: Any, mount: str, javascript: bool
) -> None:
    server = servers[mount]
    meeting = built.meeting(MEETING)
    item = next(i for i in meeting["items"] if i["number"] == ITEM)
    assert item["pdf"], f"item {ITEM} of {MEETING} has no PDF in the manifest"
    pack = built.pack_entry(MEETING, "agenda")["file"]

    context, guard = open_context(java_script_enabled=javascript)
    page = context.new_page()

    # Home
    response = page.goto(server.root)
    check_html_page(page, response, server.root)

    # Committee, by its name
    committee_url = server.url(f"{meeting['committee']}/index.html")
    check_html_page(page, follow(page, COMMITTEE, committee_url), committee_url)
    assert COMMITTEE in page.locator("h1").inner_text()

    # Meeting, by its date
    meeting_url = server.url(meeting["page"])
    check_html_page(page, follow(page, MEETING_LINK, meeting_url), meeting_url)
    assert MEETING_LINK in page.locator("h1").inner_text()

    # The meeting's public document pack
    download_pdf(page, context, server.url(pack), (built.out / pack).read_bytes())
    page.go_back(wait_until="load")
    assert _without_fragment(page.url) == meeting_url

    # Item 6, by its title
    item_url = server.url(item["page"])
    check_html_page(page, follow(page, item["title"], item_url), item_url)
    assert item["title"] in " ".join(page.locator("h1").inner_text().split())

    # The item's papers as a PDF
    download_pdf(page, context, server.url(item["pdf"]), (built.out / item["pdf"]).read_bytes())

    guard.assert_clean(f"during the journey ({mount}, JavaScript {'on' if javascript else 'off'})")
