"""What an existing PDF appendix is: its pages and their sizes, or why it cannot be used.

The reasons are said in an officer's words (empty, not a PDF, damaged,
encrypted, no pages), never in the PDF library's: its messages name the
file's full path and the parts of a PDF ("trailer dictionary", "xref").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pikepdf

MM = 72 / 25.4
MIN_SIDE = 25 * MM
"""Smaller than 25 mm is no page a reader can use (and a zero-sized page breaks the layout)."""
MAX_SIDE = 1189 * MM
"""A0's long side: the largest sheet a council prints; larger pages come from broken or hostile files."""


class PdfProblem(Exception):
    """An existing PDF that cannot go into a pack: empty, not a PDF, encrypted, damaged or without pages."""


DAMAGED = ("the PDF is damaged and cannot be read; open it in a PDF reader and save a new copy, "
           "or ask whoever sent it for a new copy")
ENCRYPTED = "the PDF is encrypted or password-protected; ask for an unprotected copy"


@lru_cache(maxsize=256)
def _sizes(path: Path, mtime_ns: int) -> tuple[tuple[float, float], ...]:
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise PdfProblem(ENCRYPTED)
            sizes = []
            for page in pdf.pages:
                box = page.trimbox if "/TrimBox" in page.obj else page.mediabox
                x0, y0, x1, y1 = (float(v) for v in box)
                width, height = abs(x1 - x0), abs(y1 - y0)
                if int(page.obj.get("/Rotate", 0)) % 180:
                    width, height = height, width
                if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                    raise PdfProblem(f"page {len(sizes) + 1} measures {width / MM:.0f} x {height / MM:.0f} mm; "
                                     f"pages must be between {MIN_SIDE / MM:.0f} mm and {MAX_SIDE / MM:.0f} mm "
                                     "on each side (A4 is 210 x 297 mm)")
                sizes.append((width, height))
    except pikepdf.PasswordError:
        raise PdfProblem(ENCRYPTED) from None
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        # Broken page trees and boxes surface as Python errors from pikepdf's objects, not only PdfError.
        raise PdfProblem(DAMAGED) from None
    if not sizes:
        raise PdfProblem("the PDF has no pages")
    return tuple(sizes)


def pdf_page_sizes(path: Path) -> list[tuple[float, float]]:
    """Width and height in points of each page; PdfProblem if the file cannot be used."""
    try:
        mtime = path.stat().st_mtime_ns
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise PdfProblem(f"cannot read the PDF: {exc.strerror}") from None
    if not head:
        raise PdfProblem("the file is empty (0 bytes)")
    if b"%PDF-" not in head:  # where readers look for it: in the first 1024 bytes
        raise PdfProblem("the file is not a PDF (it does not start as a PDF does); "
                         "it may be another kind of file renamed to .pdf")
    return list(_sizes(path, mtime))
