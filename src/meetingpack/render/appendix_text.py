"""The text of an existing PDF appendix: a PDF file in, the paragraphs of each of its pages out.

Used twice, so that a merged PDF can be read by everyone and not only seen:

- in the pack, the text of each page of an untagged appendix becomes the
  /ActualText of the Figure that holds it (render/pdf.py `_underlay`,
  render/tagging.py), so a screen reader reads the letter, not only its
  description (a tagged appendix keeps its own tags: render/appendix_tags.py);
- on the website, the text of a public appendix is published as a web page
  of its own, marked as converted from the PDF (site.py `pdf_text_page`), and
  so it is found by the search.  Never for an exempt appendix: the site only
  ever asks for public papers.

The text is read from the appendix as the site publishes it (sanitised,
sanitise.py) with pypdf, in its layout mode, which keeps the lines of the page
and leaves an empty line where the page leaves a gap: a paragraph is a run of
lines up to a gap, a short line (a heading, a line of an address) or a list
item, its lines joined with spaces (`paragraphs_of`).  Tables become lines of
their cells; images have no text.  A page pypdf cannot read gives no text
rather than stopping the build: the PDF itself stays the paper as published.
"""

from __future__ import annotations

import io
import logging
import re
from functools import lru_cache
from pathlib import Path

from pypdf import PageObject, PdfReader

from ..sanitise import Unpublishable, published

Paragraphs = tuple[str, ...]

_SPACES = re.compile(r"\s+")
_ITEM = re.compile(r"[\u2022\u25e6\u25aa\u25a0\u25cf\u2023\u2043\u2013*-] |\(?[0-9]{1,2}[.)] |\([a-z]{1,4}\) ")
"""A line that starts a list item: a bullet or dash, '1.', '2)', '(a)', '(iv)'."""
_SHORT = 0.6
"""A line shorter than this part of the page's longest line ends its paragraph."""

# pypdf warns through logging about odd fonts and streams: an officer can do nothing about those
logging.getLogger("pypdf").setLevel(logging.ERROR)
_LOG = logging.getLogger(__name__)


def paragraphs_of(layout_text: str) -> Paragraphs:
    """The paragraphs of a page's text as pypdf's layout mode writes it.

    A paragraph ends at an empty line (a gap on the page), and also after a short line: the lines
    of a paragraph but its last fill the width, so a short line that is followed by another is a
    heading, or one line of an address or a list.  A list item (a line that starts with a bullet
    or an item number) starts a paragraph of its own.
    """
    lines = [_SPACES.sub(" ", line).strip() for line in layout_text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    found: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if current and (not line or _ITEM.match(line)):
            found.append(" ".join(current))
            current = []
        if not line:
            continue
        current.append(line)
        if len(line) < _SHORT * width and not line.endswith("-"):
            found.append(" ".join(current))
            current = []
    return tuple(found)


def _page_text(page: PageObject) -> str:
    """The page's text in layout mode; in plain mode if that fails; empty if both do."""
    for mode in ("layout", "plain"):
        try:
            return page.extract_text(extraction_mode=mode) or ""
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on odd fonts; the next mode may still read it
            _LOG.debug("pypdf could not read a page in %s mode: %s", mode, exc)
    return ""


@lru_cache(maxsize=64)
def _pages(path: Path, mtime_ns: int, size: int) -> tuple[Paragraphs, ...]:
    try:
        data = published(path).data
        reader = PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except (Unpublishable, OSError):
        return ()
    except Exception:  # noqa: BLE001 - a file pikepdf accepted but pypdf cannot parse: no text, not a failure
        return ()
    return tuple(paragraphs_of(_page_text(page)) for page in pages)


def pdf_text(path: Path) -> tuple[Paragraphs, ...]:
    """The paragraphs of each page of the existing PDF at `path` (empty for a page without text)."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return _pages(path, stat.st_mtime_ns, stat.st_size)


def page_text(path: Path, k: int) -> str:
    """The text of page `k` (from 0) of the PDF at `path`, paragraphs separated by an empty line."""
    pages = pdf_text(path)
    return "\n\n".join(pages[k]) if k < len(pages) else ""
