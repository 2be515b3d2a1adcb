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


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        found.append(node)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
            walk(kid)

    kids = pdf.Root.StructTreeRoot.K
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        walk(kid)
    return found
