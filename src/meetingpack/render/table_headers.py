"""Table header cells with a scope: a tagged PDF in, every /TH element given /Scope in place.

WeasyPrint 70 ties each data cell to its header cells (/ID on the TH, /Headers on the TD) but
writes no /Scope on a TH.  Some PDF/UA checkers accept /Headers alone and some ask for /Scope
on every header cell, so each /TH gets `/A << /O /Table /Scope /Column >>`, or `/Row` where it
heads a row.

Which it is follows WeasyPrint's own reading of the HTML (`scope="row"` makes a row header,
anything else a column header): a row header is the one that data cells of its own row list in
their /Headers, so a TH named by a /TD of the same /TR is /Row, and every other TH is /Column.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from .tagging import is_struct_element, struct_kids


def _set_scope(element: Dictionary, scope: Name) -> None:
    """Set /Scope in the element's attributes owned by /Table (added if it has none)."""
    attributes = element.get("/A")
    if isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
        attributes.Scope = scope
        return
    candidates = list(attributes) if isinstance(attributes, Array) else []
    for k, candidate in enumerate(candidates):
        if isinstance(attributes, Array) and isinstance(candidate, Dictionary) and candidate.get("/O") == Name.Table:
            candidate.Scope = scope
            attributes[k] = candidate  # a direct dictionary in an array is a copy: put it back
            return
    table = Dictionary(O=Name.Table, Scope=scope)
    element.A = table if attributes is None else Array([*candidates, table] if candidates else [attributes, table])


def _headers(cell: Dictionary) -> set[str]:
    attributes = cell.get("/A")
    found: set[str] = set()
    for candidate in list(attributes) if isinstance(attributes, Array) else [attributes]:
        if isinstance(candidate, Dictionary) and isinstance(candidate.get("/Headers"), Array):
            found.update(str(h) for h in candidate.Headers)
    return found


def _row(row: Dictionary) -> None:
    cells = [kid for kid in struct_kids(row) if is_struct_element(kid)]
    named = set().union(*(_headers(c) for c in cells if c.get("/S") == Name.TD))
    for cell in cells:
        if cell.get("/S") != Name.TH:
            continue
        heads_row = isinstance(cell.get("/ID"), pikepdf.String) and str(cell.ID) in named
        _set_scope(cell, Name.Row if heads_row else Name.Column)


def add_scope(pdf: pikepdf.Pdf) -> None:
    """Give every /TH of the structure tree a /Scope (see the module docstring)."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return
    stack = [kid for kid in reversed(struct_kids(root)) if is_struct_element(kid)]
    seen: set[tuple[int, int]] = set()
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        if element.get("/S") == Name.TR:
            _row(element)
            continue
        stack.extend(kid for kid in reversed(struct_kids(element)) if is_struct_element(kid))
