"""Helpers for tests that look inside PDFs: every stream of a PDF, decoded where it can be."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf


def decoded_streams(pdf: pikepdf.Pdf) -> Iterator[tuple[tuple[int, int], bytes]]:
    """(object id, bytes) of every stream: decoded, or raw when its filter cannot be decoded."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            try:
                content = obj.read_bytes()
            except pikepdf.PdfError:
                content = obj.read_raw_bytes()
            yield obj.objgen, content
