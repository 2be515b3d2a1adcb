"""Tagging fixes for the pack PDF: page furniture as artifacts, merged appendix pages as figures.

WeasyPrint 70 writes a tagged PDF (`pdf_variant="pdf/ua-1"`), but two things in the pack fail a
PDF/UA check, and both are mended here with pikepdf after WeasyPrint has written the file:

1. Page furniture.  The text of the page-margin boxes ("Page 7", the "Agenda Item 6." stamp, the
   "Public Document Pack" banner, the "This page is intentionally left blank" notice) is written
   like body text: each text run is a `/Span <</MCID n>> BDC ... EMC` sequence in the page's content
   stream, owned by a `/Span` structure element under a `/NonStruct` whose `/P` is the `/Document`
   element but which the `/Document` never lists among its kids (WeasyPrint issue #1836).  The
   `/ParentTree` still maps those MCIDs to the orphaned spans, so the content is tagged but
   unreachable, which a checker reports.  `mark_page_furniture` finds the furniture by where it is
   drawn (in the top or bottom band of the page), turns each such sequence into
   `/Artifact <</Type /Pagination /Subtype /Header>> BDC ... EMC` (or `/Footer`), and removes the
   MCID from the structure tree and the `/ParentTree`.  Other MCIDs keep their numbers, so an
   entry in the middle of a page's `/ParentTree` array may become null.  Position decides rather
   than the orphaned elements, so that the rule still holds if WeasyPrint starts attaching them;
   on WeasyPrint 70's output the two agree (every orphaned span is in a band, no body text is).

2. Merged appendix pages.  An existing PDF appendix is drawn underneath a reserved, otherwise empty
   page.  Drawn plainly it is untagged content; `add_underlay_figure` draws it as a `/Figure`
   marked-content sequence with a new `/Figure` structure element carrying the alternative text.

Both functions keep the output reproducible: they work through pages, MCIDs and structure kids in
their order in the file and never iterate over sets or rely on object identity for naming.

Reading order of a figure: the `/Figure` element goes right after the last structure element, in
document order, that lies on the figure's page or an earlier one (by its `/Pg`), lifted to the
level of the grouping elements (`/Document`, `/Part`, `/Art`, `/Sect`) so that it never lands inside
a paragraph, heading, list or table.  For a pack's reserved page that element is the zero-height
placeholder `/Div` WeasyPrint tags on that page, so the figure becomes a sibling after it inside
the appendix's own `/Art`.  The search walks the tree backwards and skips any element whose `/Pg`
is a later page without looking inside it: that relies on an element's kids not starting on an
earlier page than the element itself, which holds for WeasyPrint (each element is repeated per
page, #2902) and keeps the cost small for a long pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_GROUPING = frozenset({"/Document", "/Part", "/Art", "/Sect"})
"""Structure types a figure may sit in directly: the containers of whole documents and sections."""
_UNPLACEABLE = frozenset({"sh"})
"""Painting operators whose extent is not worth working out: a sequence using them is never furniture."""


# -- small geometry --------------------------------------------------------------------------------


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n in the PDF's row-vector convention (apply m first, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2,
            c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _matrix(operands: Iterable[object]) -> Matrix:
    values = tuple(float(v) for v in operands)  # type: ignore[arg-type]
    if len(values) != 6:
        return _IDENTITY
    return values  # type: ignore[return-value]


def _corners(m: Matrix, llx: float, lly: float, urx: float, ury: float) -> list[Point]:
    return [_apply(m, llx, lly), _apply(m, urx, lly), _apply(m, llx, ury), _apply(m, urx, ury)]


# -- reading content streams -----------------------------------------------------------------------


@dataclass(eq=False)
class _Sequence:
    """One marked-content sequence that carries an MCID, and where what it draws lies on the page."""

    index: int
    """Position of its BDC operator in the page's list of instructions."""
    mcid: int
    outer: _Sequence | None
    """The MCID-carrying sequence this one is nested in, if any."""
    points: list[Point] = field(default_factory=list)
    placeable: bool = True


def _mcid_of(operands: list[object], properties: object) -> int | None:
    """The MCID of a BDC's property list, given inline or by name from the page's /Properties."""
    if len(operands) != 2:
        return None
    props = operands[1]
    if isinstance(props, Name) and isinstance(properties, Dictionary):
        props = properties.get(props)
    if isinstance(props, Dictionary):
        mcid = props.get("/MCID")
        if isinstance(mcid, int):
            return int(mcid)
    return None


def _xobject_corners(resources: object, name: object, ctm: Matrix) -> list[Point] | None:
    """Where a `Do` draws: a form's /BBox through its /Matrix, an image's unit square; None if unknown."""
    if not isinstance(resources, Dictionary) or not isinstance(name, Name):
        return None
    xobjects = resources.get("/XObject")
    xobject = xobjects.get(name) if isinstance(xobjects, Dictionary) else None
    if not isinstance(xobject, pikepdf.Stream):
        return None
    subtype = xobject.get("/Subtype")
    if subtype == Name.Image:
        return _corners(ctm, 0.0, 0.0, 1.0, 1.0)
    if subtype == Name.Form and isinstance(xobject.get("/BBox"), Array) and len(xobject.BBox) == 4:
        form_matrix = _matrix(xobject.Matrix) if isinstance(xobject.get("/Matrix"), Array) else _IDENTITY
        llx, lly, urx, ury = (float(v) for v in xobject.BBox)
        return _corners(_mul(form_matrix, ctm), llx, lly, urx, ury)
    return None


def _scan(instructions: list, resources: object, *, catch_all: bool = False) -> tuple[list[_Sequence], _Sequence]:
    """Follow a content stream far enough to know where each MCID-carrying sequence draws.

    Tracks the graphics state stack (q, Q, cm) and the text matrices (BT, Tm, Td, TD, T*, TL, Ts)
    and records, for every open MCID sequence, the start point of each text-showing operator, the
    points of path construction, and the corners of images and forms.  Points are in the page's
    default user space.  With `catch_all`, everything drawn is also recorded in the returned
    outer sequence (used to find the bounding box of a figure's drawing).
    """
    properties = resources.get("/Properties") if isinstance(resources, Dictionary) else None
    outer = _Sequence(-1, -1, None)
    sequences: list[_Sequence] = []
    marked: list[_Sequence | None] = []  # one entry per open BMC/BDC
    recording: list[_Sequence] = [outer] if catch_all else []
    ctm = _IDENTITY
    saved: list[Matrix] = []
    tm = tlm = _IDENTITY
    leading = rise = 0.0

    def record(points: list[Point] | None) -> None:
        for seq in recording:
            if points is None:
                seq.placeable = False
            else:
                seq.points.extend(points)

    for index, instruction in enumerate(instructions):
        op = str(instruction.operator)
        operands = instruction.operands
        if op == "q":
            saved.append(ctm)
        elif op == "Q":
            if saved:
                ctm = saved.pop()
        elif op == "cm":
            ctm = _mul(_matrix(operands), ctm)
        elif op == "BT":
            tm = tlm = _IDENTITY
        elif op == "Tm":
            tm = tlm = _matrix(operands)
        elif op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                leading = -ty
            tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
        elif op == "TL":
            leading = float(operands[0])
        elif op == "Ts":
            rise = float(operands[0])
        elif op == "T*" or op == "'" or op == '"':
            tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            if op != "T*" and recording:
                record([_apply(_mul(tm, ctm), 0.0, rise)])
        elif op == "BDC" or op == "BMC":
            mcid = _mcid_of(operands, properties) if op == "BDC" else None
            if mcid is None:
                marked.append(None)
            else:
                enclosing = next((s for s in reversed(marked) if s is not None), None)
                seq = _Sequence(index, mcid, enclosing)
                sequences.append(seq)
                marked.append(seq)
                recording.append(seq)
        elif op == "EMC":
            if marked:
                closed = marked.pop()
                if closed is not None:
                    recording.remove(closed)
        elif not recording:
            continue
        elif op == "Tj" or op == "TJ":
            record([_apply(_mul(tm, ctm), 0.0, rise)])
        elif op in ("m", "l") and len(operands) == 2:
            record([_apply(ctm, float(operands[0]), float(operands[1]))])
        elif op in ("c", "v", "y"):
            values = [float(v) for v in operands]
            record([_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)])
        elif op == "re" and len(operands) == 4:
            x, y, w, h = (float(v) for v in operands)
            record(_corners(ctm, x, y, x + w, y + h))
        elif op == "Do":
            record(_xobject_corners(resources, operands[0] if operands else None, ctm))
        elif op == "INLINE IMAGE":
            record(_corners(ctm, 0.0, 0.0, 1.0, 1.0))
        elif op in _UNPLACEABLE:
            record(None)
    return sequences, outer


def _page_resources(page: pikepdf.Page) -> object:
    resources = page.obj.get("/Resources")
    if resources is None:  # inherited from the page tree
        node = page.obj.get("/Parent")
        while isinstance(node, Dictionary) and resources is None:
            resources = node.get("/Resources")
            node = node.get("/Parent")
    return resources


# -- the structure tree ----------------------------------------------------------------------------


def struct_kids(element: object) -> list:
    """The kids of a structure element (its /K as a list, whatever form it was written in)."""
    kids = element.get("/K") if isinstance(element, Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def is_struct_element(kid: object) -> bool:
    """Whether a kid is a structure element (not a marked-content or object reference)."""
    return isinstance(kid, Dictionary) and "/S" in kid and kid.get("/Type") not in (Name.MCR, Name.OBJR)


def _page_of(element: Dictionary, pages: dict[tuple[int, int], int], inherited: int | None) -> int | None:
    pg = element.get("/Pg")
    if isinstance(pg, Dictionary) and pg.is_indirect:
        return pages.get(pg.objgen, inherited)
    return inherited


def _same(a: object, b: object) -> bool:
    """Whether two handles are the same indirect object."""
    return (isinstance(a, pikepdf.Object) and isinstance(b, pikepdf.Object) and a.is_indirect
            and b.is_indirect and a.objgen == b.objgen)


def _parent_tree(pdf: pikepdf.Pdf, root: Dictionary) -> pikepdf.NumberTree:
    if "/ParentTree" not in root:
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array()))
    return pikepdf.NumberTree(root.ParentTree)


def _struct_parents(root: Dictionary, page: pikepdf.Page, tree: pikepdf.NumberTree) -> int:
    """The page's /StructParents key, given one (from /ParentTreeNextKey) if it has none."""
    key = page.obj.get("/StructParents")
    if isinstance(key, int):
        return int(key)
    next_key = root.get("/ParentTreeNextKey")
    candidates = [0, int(next_key) if isinstance(next_key, int) else 0]
    candidates += [int(k) + 1 for k in tree]  # never trust a stale /ParentTreeNextKey
    new_key = max(candidates)
    page.obj.StructParents = new_key
    root.ParentTreeNextKey = new_key + 1
    return new_key


def _last_up_to(kids: list, target: int, pages: dict[tuple[int, int], int],
                inherited: int | None) -> list[Dictionary] | None:
    """Path (from the top down) to the last element in document order on page `target` or before."""
    for kid in reversed(kids):
        if not is_struct_element(kid):
            continue
        page = _page_of(kid, pages, inherited)
        if page is not None and page > target:
            continue  # its kids are on that page or later: see the module docstring
        below = _last_up_to(struct_kids(kid), target, pages, page)
        if below is not None:
            return [kid, *below]
        if page is not None:
            return [kid]
    return None


def _insert_kid(parent: Dictionary, position: int, element: Dictionary) -> None:
    kids = struct_kids(parent)
    kids.insert(position, element)
    parent.K = Array(kids)
    element.P = parent


def _place_figure(root: Dictionary, figure: Dictionary, target: int, pages: dict[tuple[int, int], int]) -> None:
    """Put `figure` in the structure tree in reading order (the rule is in the module docstring)."""
    path = _last_up_to(struct_kids(root), target, pages, None)
    if path is None:  # nothing on this page or before: first in the top grouping element
        tops = [k for k in struct_kids(root) if is_struct_element(k)]
        container = tops[0] if len(tops) == 1 and str(tops[0].get("/S")) in _GROUPING else root
        _insert_before_later(container, figure, target, pages)
        return
    depth = 0
    while depth < len(path) and str(path[depth].get("/S")) in _GROUPING:
        depth += 1
    if depth == len(path):  # the last thing before is a container: the figure goes into it
        _insert_before_later(path[-1], figure, target, pages)
        return
    anchor = path[depth]
    parent = path[depth - 1] if depth else root
    kids = struct_kids(parent)
    position = next((i for i, kid in enumerate(kids) if _same(kid, anchor)), len(kids) - 1)
    _insert_kid(parent, position + 1, figure)


def _insert_before_later(container: Dictionary, figure: Dictionary, target: int,
                         pages: dict[tuple[int, int], int]) -> None:
    """Insert `figure` in `container` before its first kid that starts on a later page."""
    kids = struct_kids(container)
    inherited = _page_of(container, pages, None)
    position = len(kids)
    for i, kid in enumerate(kids):
        page = _page_of(kid, pages, inherited) if is_struct_element(kid) else None
        if page is not None and page > target:
            position = i
            break
    _insert_kid(container, position, figure)


def _remove_mcid(element: Dictionary, mcid: int, page: pikepdf.Page) -> bool:
    """Drop MCID `mcid` of `page` from `element`'s kids; True if that left the element empty."""
    own_page = element.get("/Pg")
    on_page = own_page is None or _same(own_page, page.obj)
    kept = []
    for kid in struct_kids(element):
        if isinstance(kid, int) and int(kid) == mcid and on_page:
            continue
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR and kid.get("/MCID") == mcid:
            kid_page = kid.get("/Pg")
            if (kid_page is None and on_page) or (kid_page is not None and _same(kid_page, page.obj)):
                continue
        kept.append(kid)
    if len(kept) == len(struct_kids(element)):
        return False
    element.K = Array(kept)
    return not kept


def _detach(element: Dictionary) -> None:
    """Take an emptied element out of its parent, and parents that this empties in turn."""
    while True:
        parent = element.get("/P")
        if not isinstance(parent, Dictionary) or parent.get("/Type") == Name.StructTreeRoot:
            return
        kids = struct_kids(parent)
        kept = [kid for kid in kids if not _same(kid, element)]
        if len(kept) == len(kids):
            return  # never listed there (WeasyPrint's orphaned margin-box elements)
        parent.K = Array(kept)
        if kept or str(parent.get("/S")) == "/Document":
            return
        element = parent


# -- the public functions --------------------------------------------------------------------------


def add_underlay_figure(pdf: pikepdf.Pdf, page_index: int, content: bytes, alt: str, actual_text: str = "") -> None:
    """Prepend `content` (drawing operators, already balanced q/Q) to page `page_index` as a tagged Figure with `alt`.

    The drawing becomes `/Figure <</MCID n>> BDC ... EMC` at the start of the page's content, so
    that the pack's own furniture is drawn on top of it.  `n` is one more than the highest MCID
    the page uses or its /ParentTree array has room for.  A new `/Figure` structure element with
    `/Alt`, `/Pg`, `/K n` and, when the drawing places an XObject, a `/Layout` `/BBox` in page
    coordinates, is put in reading order (see the module docstring) and registered in the
    /ParentTree under the page's /StructParents (given one if the page had none).

    A PDF without a structure tree gets the drawing prepended untagged: there is nothing to tag into.
    An empty `alt` is refused, because a Figure without alternative text fails PDF/UA anyway.
    A non-empty `actual_text` (the text the drawing shows: render/appendix_text.py) becomes the
    Figure's /ActualText, so that assistive technology can read the page, not only its description.
    """
    if not alt.strip():
        raise ValueError("a merged page needs alternative text")
    page = pdf.pages[page_index]
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        page.contents_add(content, prepend=True)
        return
    tree = _parent_tree(pdf, root)
    key = _struct_parents(root, page, tree)
    # not tree.get(key): a NumberTree raises IndexError for a missing key, which get() lets through
    entries = tree[key] if key in tree else None  # noqa: SIM401
    if not isinstance(entries, Array):
        entries = Array()
        tree[key] = entries
        entries = tree[key]

    resources = _page_resources(page)
    sequences, _ = _scan(pikepdf.parse_content_stream(page), resources)
    mcid = max([len(entries)] + [seq.mcid + 1 for seq in sequences])

    figure = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Figure, Alt=pikepdf.String(alt),
                                          Pg=page.obj, K=mcid))
    if actual_text.strip():
        figure.ActualText = pikepdf.String(actual_text)
    _, drawn = _scan(pikepdf.parse_content_stream(pikepdf.Stream(pdf, content)), resources, catch_all=True)
    if drawn.points and drawn.placeable:
        xs = [x for x, _ in drawn.points]
        ys = [y for _, y in drawn.points]
        box = [round(v, 3) for v in (min(xs), min(ys), max(xs), max(ys))]
        figure.A = Dictionary(O=Name.Layout, BBox=Array(box))

    pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    _place_figure(root, figure, page_index, pages)
    while len(entries) <= mcid:
        entries.append(None)
    entries[mcid] = figure
    page.contents_add(b"/Figure <</MCID %d>> BDC\n" % mcid + content + b"\nEMC\n", prepend=True)


def mark_page_furniture(pdf: pikepdf.Pdf, *, top: float, bottom: float) -> None:
    """Turn margin-band text on every page into artifacts and drop its structure elements.

    A marked-content sequence with an MCID is furniture when everything it draws lies within
    `top` points of the top edge of the page's trim box, or everything lies within `bottom` points
    of its bottom edge (a drawing that reaches from one band to the other covers the page between,
    like a merged appendix page).  What is measured: for text, the start point of each run (on its
    baseline); for paths, images and forms, their corners.  Pass the page margins (20 mm and 22 mm
    for the pack): WeasyPrint sets every body line below the top margin and above the bottom one,
    and every margin-box line inside them.  Sequences that draw nothing measurable are left alone.

    Each furniture sequence is rewritten as `/Artifact <</Type /Pagination /Subtype /Header>>`
    (`/Footer` in the bottom band), its MCID is nulled in the page's /ParentTree array (trailing
    nulls are trimmed) and removed from the element that owned it; an element left with no kids
    is taken out of its parent, and so is a parent it empties.  Other MCIDs keep their numbers.
    Only page content streams are rewritten, not marked content inside form XObjects.
    """
    root = pdf.Root.get("/StructTreeRoot")
    tree = pikepdf.NumberTree(root.ParentTree) if isinstance(root, Dictionary) and "/ParentTree" in root else None
    for page in pdf.pages:
        _, lly, _, ury = (float(v) for v in page.trimbox)
        low, high = min(lly, ury), max(lly, ury)
        instructions = pikepdf.parse_content_stream(page)
        sequences, _ = _scan(instructions, _page_resources(page))
        furniture: dict[int, str] = {}  # index of the BDC -> subtype
        dropped: list[int] = []
        for seq in sequences:
            if seq.outer is not None and seq.outer.index in furniture:
                furniture[seq.index] = furniture[seq.outer.index]
            elif seq.placeable and seq.points:
                if all(y >= high - top for _, y in seq.points):
                    furniture[seq.index] = "/Header"
                elif all(y <= low + bottom for _, y in seq.points):
                    furniture[seq.index] = "/Footer"
            if seq.index in furniture:
                dropped.append(seq.mcid)
        if not furniture:
            continue
        for index, subtype in furniture.items():
            props = Dictionary(Type=Name.Pagination, Subtype=Name(subtype))
            instructions[index] = pikepdf.ContentStreamInstruction([Name.Artifact, props], pikepdf.Operator("BDC"))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        _drop_from_tree(tree, page, dropped)


def _drop_from_tree(tree: pikepdf.NumberTree | None, page: pikepdf.Page, mcids: list[int]) -> None:
    """Forget `mcids` of `page` in the /ParentTree and in the elements that owned them."""
    key = page.obj.get("/StructParents")
    if tree is None or not isinstance(key, int) or int(key) not in tree:
        return
    entries = tree[int(key)]
    if not isinstance(entries, Array):
        return
    for mcid in mcids:
        if mcid >= len(entries):
            continue
        owner = entries[mcid]
        entries[mcid] = None
        if isinstance(owner, Dictionary) and _remove_mcid(owner, mcid, page):
            _detach(owner)
    while len(entries) and entries[len(entries) - 1] is None:
        del entries[len(entries) - 1]
