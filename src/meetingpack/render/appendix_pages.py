"""How an existing PDF appendix's pages sit on the pack's pages: page sizes in, orientation and frame out.

A page of an existing PDF is drawn into a page of the pack reserved for it
(render/pdf.py `_underlay`).  A page wider than it is tall (an A4 landscape
peer review, an A3 landscape plan, US Letter landscape) gets a landscape A4
pack page, so that it is drawn at nearly full size and reads the right way
up on screen; every other page gets the pack's portrait A4 page, as before.
Odd sizes are scaled to fit the A4 page of their orientation.

On a landscape pack page the page furniture (the page number, the "Agenda
Item N." stamp and the pack's banner) is printed in one band at the foot of
the page, under the appendix page (templates/pdf/pack.css, `@page
appendix-landscape`): nothing of the pack is drawn over the appendix page, and
an A4 landscape page keeps 95 per cent of its size (10 pt text prints at
9.5 pt), where a band at the top as well would have cost another 5 per cent.
"""

from __future__ import annotations

import pikepdf

MM = 72 / 25.4
LANDSCAPE_FOOT = 10 * MM
"""Points kept clear at the foot of a landscape pack page for its furniture (pack.css: `margin-bottom: 10mm`)."""


def is_landscape(size: tuple[float, float]) -> bool:
    """Whether a page (width, height, as it is shown: /Rotate applied) gets a landscape pack page."""
    width, height = size
    return width > height


def landscape_pages(sizes: list[tuple[float, float]]) -> list[bool]:
    """For each page of an existing PDF, whether it gets a landscape pack page (for pack.html's placeholders)."""
    return [is_landscape(size) for size in sizes]


def frame(width: float, height: float, portrait_foot: float) -> pikepdf.Rectangle:
    """Where an appendix page is drawn on a pack page `width` x `height` points: all of it but the foot band.

    The appendix page is scaled to fit this frame, keeping its proportions, and centred in it.
    """
    foot = LANDSCAPE_FOOT if width > height else portrait_foot
    return pikepdf.Rectangle(0, foot, width, height)
