"""(e) Every internal link and anchor of the site resolves; every page is reachable.

These checks read the built files with html.parser and need no browser, so they run everywhere.
The site must work from any base path, so every internal reference must be relative: a URL
starting with "/" is an error, as is any resource (stylesheet, script, image) fetched from
another host.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# (tag, attribute) pairs whose value is a URL; a[href] may leave the site, the rest may not.
URL_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("form", "action"),
    ("use", "href"),
    ("image", "href"),
}
SRCSET = {("img", "srcset"), ("source", "srcset")}
NAVIGATION = {("a", "href"), ("area", "href"), ("form", "action")}
LEAVING_SCHEMES = {"http", "https", "mailto", "tel"}
FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary", "iframe"}
NOT_PAGES = {"404.html"}  # pages that need no link to them


@dataclass
class Ref:
    line: int
    tag: str
    attr: str
    value: str


@dataclass
class Page:
    ids: list[str] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    lang: str | None = None
    h1: int = 0
    mains: list[str | None] = field(default_factory=list)  # the id of each main landmark
    first_focusable: tuple[str, dict[str, str | None], int] | None = None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        line = self.getpos()[0]
        page = self.page
        if a.get("id"):
            page.ids.append(a["id"])  # type: ignore[arg-type]
        if tag == "a" and a.get("name"):
            page.ids.append(a["name"])  # type: ignore[arg-type]
        if tag == "html":
            page.lang = a.get("lang")
        if tag == "h1":
            page.h1 += 1
        if tag == "main" or a.get("role") == "main":
            page.mains.append(a.get("id"))
        if page.first_focusable is None and self._focusable(tag, a):
            page.first_focusable = (tag, a, line)
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in URL_ATTRIBUTES or (name == "xlink:href" and tag in {"use", "image"}):
                page.refs.append(Ref(line, tag, name, value))
            elif (tag, name) in SRCSET:
                for candidate in value.split(","):
                    url = candidate.strip().split()[0] if candidate.strip() else ""
                    page.refs.append(Ref(line, tag, name, url))

    handle_startendtag = handle_starttag

    @staticmethod
    def _focusable(tag: str, a: dict[str, str | None]) -> bool:
        """In the Tab order (tabindex="-1" takes an element out of it)."""
        if "disabled" in a:
            return False
        tabindex = a.get("tabindex")
        if tabindex is not None and tabindex.strip().lstrip("-").isdigit():
            return int(tabindex) >= 0
        if tag == "a":
            return a.get("href") is not None
        if tag == "input":
            return a.get("type") != "hidden"
        return tag in FOCUSABLE


def parse(path: Path) -> Page:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


@pytest.fixture(scope="module")
def pages(site: Path, html_pages: list[str]) -> dict[str, Page]:
    return {relative: parse(site / relative) for relative in html_pages}


def resolve(site: Path, page: str, url: str) -> tuple[str | None, str, str | None]:
    """(site-relative target file or None, fragment, problem or None) of a relative URL."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    fragment = unquote(parts.fragment)
    if not path:
        return page, fragment, None
    if path.startswith("/"):
        return None, fragment, "is root-relative, so it breaks when the site is under a base path"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target == ".." or target.startswith("../"):
        return None, fragment, "points outside the site folder"
    if target == ".":
        target = ""
    candidate = site / target
    if candidate.is_dir():
        target = posixpath.join(target, "index.html") if target else "index.html"
        candidate = site / target
    if not candidate.is_file():
        return None, fragment, f"resolves to {target}, which is not in the site"
    return target, fragment, None


def check_links(site: Path, pages: dict[str, Page]) -> list[str]:
    ids = {relative: set(p.ids) for relative, p in pages.items()}
    problems = []
    for relative, page in pages.items():
        for ref in page.refs:
            where = f'{relative}:{ref.line}: <{ref.tag} {ref.attr}="{ref.value}">'
            value = ref.value.strip()
            if not value:
                problems.append(f"{where} is empty")
                continue
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                scheme = parts.scheme or "//"
                if (ref.tag, ref.attr) in NAVIGATION and scheme in LEAVING_SCHEMES:
                    continue  # a link out of the site
                if scheme == "data" and ref.tag in {"img", "source", "link"}:
                    continue
                problems.append(
                    f"{where} fetches from outside the site ({scheme}): the site must be "
                    "self-contained (no CDN, no other host)"
                )
                continue
            target, fragment, problem = resolve(site, relative, value)
            if problem:
                problems.append(f"{where} {problem}")
                continue
            assert target is not None
            if (
                fragment
                and target.endswith(".html")
                and fragment not in ids.get(target, set())
                and fragment.lower()
                != "top"  # "#top" is the top of the page, with or without an id
            ):
                problems.append(f"{where}: no id {fragment!r} in {target}")
    return problems


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")


def check_css(site: Path) -> list[str]:
    problems = []
    for css in sorted(site.rglob("*.css")):
        relative = css.relative_to(site).as_posix()
        if relative.startswith("pagefind/"):
            continue
        text = css.read_text(encoding="utf-8")
        for match in [*CSS_URL.finditer(text), *CSS_IMPORT.finditer(text)]:
            value = match.group(2).strip()
            if value.startswith(("data:", "#")):
                continue
            line = text.count("\n", 0, match.start()) + 1
            if urlsplit(value).scheme or value.startswith("//"):
                problems.append(f"{relative}:{line}: url({value}) fetches from outside the site")
                continue
            _, _, problem = resolve(site, relative, value)
            if problem:
                problems.append(f"{relative}:{line}: url({value}) {problem}")
    return problems


def test_every_internal_link_and_anchor_resolves(site: Path, pages: dict[str, Page]) -> None:
    problems = check_links(site, pages) + check_css(site)
    if problems:
        pytest.fail(f"{len(problems)} broken reference(s):\n" + "\n".join(problems), pytrace=False)


def test_ids_are_unique_on_each_page(pages: dict[str, Page]) -> None:
    problems = [
        f"{relative}: id {id_!r} is used {count} times"
        for relative, page in pages.items()
        for id_, count in Counter(page.ids).items()
        if count > 1
    ]
    if problems:
        pytest.fail(
            "duplicate ids (fragment links to them are ambiguous):\n" + "\n".join(problems),
            pytrace=False,
        )


def test_every_page_is_reachable_from_home(site: Path, pages: dict[str, Page]) -> None:
    seen = {"index.html"}
    todo = ["index.html"]
    while todo:
        relative = todo.pop()
        for ref in pages[relative].refs:
            if (ref.tag, ref.attr) not in NAVIGATION or urlsplit(ref.value).scheme:
                continue
            target, _, problem = resolve(site, relative, ref.value.strip())
            if problem is None and target in pages and target not in seen:
                seen.add(target)
                todo.append(target)
    orphans = sorted(set(pages) - seen - NOT_PAGES)
    if orphans:
        pytest.fail(
            "pages no link leads to from the home page:\n" + "\n".join(orphans), pytrace=False
        )


def test_page_structure(pages: dict[str, Page]) -> None:
    """What the journey checks in the browser, checked statically on every page."""
    problems = []
    for relative, page in pages.items():
        if page.lang != "en-GB":
            problems.append(f'{relative}: <html lang="{page.lang}">, not "en-GB"')
        if page.h1 != 1:
            problems.append(f"{relative}: {page.h1} h1 elements, not exactly one")
        if len(page.mains) != 1:
            problems.append(f"{relative}: {len(page.mains)} main landmarks, not exactly one")
            continue
        main_id = page.mains[0]
        first = page.first_focusable
        if first is None:
            problems.append(f"{relative}: nothing focusable, so no skip link")
            continue
        tag, attrs, line = first
        if not main_id or tag != "a" or attrs.get("href") != f"#{main_id}":
            problems.append(
                f"{relative}:{line}: the first focusable element is <{tag} "
                f"{' '.join(f'{k}={v!r}' for k, v in attrs.items())}>, "
                f"not a skip link to the main landmark (#{main_id})"
            )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
