"""A tagged appendix page's own tags in the pack: a source page in, its content and structure grafted onto a pack page.

When an existing PDF is tagged, a screen reader should meet its headings, paragraphs, lists and
tables, not one figure.  `graft` draws the source page's content into the reserved pack page
(inline, not as a form XObject: marked content inside a form belongs to the form's own
/StructParents key, which the copies made by render/assemble.py do not carry) and copies the
structure elements that own the page's marked content, with their ancestors, into the pack's
structure tree:

- every resource name the content uses (fonts, images and forms, graphics states, colour spaces,
  patterns, shadings, marked-content properties) is renamed so that it cannot clash with the
  pack page's own; every MCID is moved past the pack page's own;
- the elements are copied per page (an element that runs over two source pages is copied for
  each, as WeasyPrint does for its own), with /Pg the pack page, under one /Div that stands
  where the figure of an untagged page goes (tagging.py, reading order);
- types are mapped through the source's /RoleMap to standard ones (anything else becomes /Span
  or /Div); a /Link loses its annotation (the appendix's links are not copied), so it becomes
  /Span; a /Figure without /Alt gets the page's description; table header ids are prefixed.

A page that cannot be grafted safely (marked content in forms, inline images, unbalanced marked content or graphics state, no structure for the page) returns False
and is drawn as a figure with its text (render/pdf.py `_underlay`).
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from . import tagging

_STANDARD = frozenset((
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
    "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby",
    "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form"))
_DEVICE = frozenset({"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern"})
_KEPT = ("/Alt", "/ActualText", "/E", "/Lang", "/T")


class _NotGraftable(Exception):
    """The page uses something `graft` does not carry over: it is drawn as a figure instead."""


def _resources(page: pikepdf.Page) -> Dictionary:
    resources = tagging._page_resources(page)
    return resources if isinstance(resources, Dictionary) else Dictionary()


def _standard(kind: str, role_map: object) -> str:
    seen = 0
    while kind.lstrip("/") not in _STANDARD and isinstance(role_map, Dictionary) and kind in role_map and seen < 8:
        kind, seen = str(role_map[kind]), seen + 1
    return kind


def _direct(value: object) -> object:
    """An attribute value as direct Python objects, or None when it holds an indirect object."""
    if isinstance(value, Dictionary):
        out = {}
        for key, item in value.items():
            copied = _direct(item)
            if copied is None:
                return None
            out[key] = copied
        return Dictionary(out)
    if isinstance(value, Array):
        items = [_direct(v) for v in value]
        return None if any(v is None for v in items) else Array(items)
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return None
    return value


class _Graft:
    def __init__(self, pdf: pikepdf.Pdf, index: int, source: pikepdf.Pdf, k: int, prefix: str, alt: str) -> None:
        self.pdf, self.index, self.source, self.k, self.prefix, self.alt = pdf, index, source, k, prefix, alt
        self.page = source.pages[k]
        self.target = pdf.pages[index]
        self.names: dict[tuple[str, str], Name] = {}
        self.mcids: dict[int, int] = {}
        self.owners: dict[int, Dictionary] = {}  # new MCID -> new element
        self.instructions: list[pikepdf.ContentStreamInstruction] = []
        self.marked_at: dict[int, list[int]] = {}  # new MCID -> where its BDC operators are in `instructions`

    # -- content

    def _name(self, category: str, name: object) -> Name:
        key = (category, str(name))
        if key not in self.names:
            resources = _resources(self.page)
            found = resources.get(category)
            if not isinstance(found, Dictionary) or str(name) not in found:
                raise _NotGraftable(f"resource {name} missing")
            obj = found[str(name)]
            if category == "/XObject" and isinstance(obj, pikepdf.Stream) and "/StructParents" in obj:
                raise _NotGraftable("marked content in a form")
            new = Name(f"/{self.prefix}{category[1:3]}{len(self.names) + 1}")
            if not (isinstance(obj, pikepdf.Object) and obj.is_indirect):
                obj = self.source.make_indirect(obj)  # copy_foreign copies indirect objects only
            self.target.add_resource(self.pdf.copy_foreign(obj), Name(category), name=new)
            self.names[key] = new
        return self.names[key]

    def content(self, base: int) -> None:
        """Read the page's content into `instructions`, resources renamed and MCIDs moved to `base` on."""
        instructions = pikepdf.parse_content_stream(self.page)
        out: list[pikepdf.ContentStreamInstruction] = []
        depth = marked = 0
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                raise _NotGraftable("inline image")  # its colour space may name a resource: not worth the risk
            op = str(instruction.operator)
            operands = list(instruction.operands)
            if op == "q":
                depth += 1
            elif op == "Q":
                depth -= 1
                if depth < 0:
                    raise _NotGraftable("unbalanced q/Q")
            elif op in ("BDC", "BMC"):
                marked += 1
            elif op == "EMC":
                marked -= 1
                if marked < 0:
                    raise _NotGraftable("unbalanced marked content")
            if op == "Tf" and operands:
                operands[0] = self._name("/Font", operands[0])
            elif op == "Do" and operands:
                operands[0] = self._name("/XObject", operands[0])
            elif op == "gs" and operands:
                operands[0] = self._name("/ExtGState", operands[0])
            elif op in ("cs", "CS") and operands and str(operands[0]) not in _DEVICE:
                operands[0] = self._name("/ColorSpace", operands[0])
            elif op in ("scn", "SCN") and operands and isinstance(operands[-1], Name):
                operands[-1] = self._name("/Pattern", operands[-1])
            elif op == "sh" and operands:
                operands[0] = self._name("/Shading", operands[0])
            elif op in ("BDC", "DP") and len(operands) == 2:
                props: object = operands[1]
                if isinstance(props, Name):
                    found = _resources(self.page).get("/Properties")
                    props = found.get(str(props)) if isinstance(found, Dictionary) else None
                    if not isinstance(props, Dictionary):
                        raise _NotGraftable("marked-content properties missing")
                if isinstance(props, Dictionary) and isinstance(props.get("/MCID"), int):
                    old = int(props.MCID)
                    new = self.mcids.setdefault(old, base + len(self.mcids))
                    copied = _direct(props)
                    if not isinstance(copied, Dictionary):
                        raise _NotGraftable("marked-content properties hold objects")
                    copied.MCID = new
                    self.marked_at.setdefault(new, []).append(len(out))
                    operands[1] = copied
                elif isinstance(operands[1], Name):
                    operands[1] = self._name("/Properties", operands[1])
            out.append(pikepdf.ContentStreamInstruction(operands, instruction.operator))
        if marked:
            raise _NotGraftable("unbalanced marked content")
        self.instructions = out

    def drawing(self) -> bytes:
        """The content, with marked content that no copied element owns made an artifact.

        The source's own content may carry MCIDs of elements its tree does not reach (WeasyPrint's page
        margin boxes, #1836): kept as marked content, they would be content of no element in the pack.
        """
        out = list(self.instructions)
        for mcid, places in self.marked_at.items():
            if mcid not in self.owners:
                for at in places:
                    out[at] = pikepdf.ContentStreamInstruction([Name.Artifact], pikepdf.Operator("BMC"))
        return pikepdf.unparse_content_stream(out)

    # -- structure

    def _on_page(self, element: Dictionary, inherited: bool) -> bool:
        pg = element.get("/Pg")
        if isinstance(pg, Dictionary):
            return pg.is_indirect and pg.objgen == self.page.obj.objgen
        return inherited

    def structure(self, role_map: object) -> list[Dictionary]:
        root = self.source.Root.StructTreeRoot
        tree = pikepdf.NumberTree(root.ParentTree)
        key = self.page.obj.get("/StructParents")
        entries = tree[int(key)] if isinstance(key, int) and int(key) in tree else None
        if not isinstance(entries, Array):
            raise _NotGraftable("no structure for the page")
        wanted: set[tuple[int, int]] = set()
        for old in self.mcids:
            owner = entries[old] if old < len(entries) else None
            while isinstance(owner, Dictionary) and owner.is_indirect and owner.get("/Type") != Name.StructTreeRoot:
                if owner.objgen in wanted:
                    break
                wanted.add(owner.objgen)
                owner = owner.get("/P")
        tops: list[Dictionary] = []
        for kid in tagging.struct_kids(root):
            tops += self._copy(kid, wanted, role_map, False)
        return tops

    def _copy(self, element: object, wanted: set[tuple[int, int]], role_map: object,
              inherited: bool) -> list[Dictionary]:
        if not (isinstance(element, Dictionary) and tagging.is_struct_element(element) and element.is_indirect
                and element.objgen in wanted):
            return []
        on_page = self._on_page(element, inherited)
        kind = _standard(str(element.S), role_map)
        kids: list[object] = []
        elements: list[Dictionary] = []
        new = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, Pg=self.target.obj))
        has_link = False
        for kid in tagging.struct_kids(element):
            if isinstance(kid, int):
                if on_page and int(kid) in self.mcids:
                    kids.append(self.mcids[int(kid)])
                    self.owners[self.mcids[int(kid)]] = new
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                pg = kid.get("/Pg")
                here = (isinstance(pg, Dictionary) and pg.objgen == self.page.obj.objgen) or (pg is None and on_page)
                if here and "/Stm" not in kid and isinstance(kid.get("/MCID"), int) and int(kid.MCID) in self.mcids:
                    kids.append(self.mcids[int(kid.MCID)])
                    self.owners[self.mcids[int(kid.MCID)]] = new
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                has_link = True
            else:
                for child in self._copy(kid, wanted, role_map, on_page):
                    child.P = new
                    kids.append(child)
                    elements.append(child)
        if kind == "/Document":  # the source's top element: its kids stand for it
            for child in elements:
                del child["/P"]
            return [k for k in kids if isinstance(k, Dictionary)]
        if kind.lstrip("/") not in _STANDARD or (kind == "/Link" and has_link):
            kind = "/Div" if elements else "/Span"
        new.S = Name(kind)
        for key in _KEPT:
            if isinstance(element.get(key), String):
                new[key] = String(str(element[key]))
        attributes = _direct(element.get("/A")) if "/A" in element else None
        if isinstance(attributes, Dictionary | Array):
            for candidate in attributes if isinstance(attributes, Array) else [attributes]:
                if isinstance(candidate, Dictionary) and isinstance(candidate.get("/Headers"), Array):
                    candidate.Headers = Array([String(self.prefix + str(h)) for h in candidate.Headers])
            new.A = attributes
        if isinstance(element.get("/ID"), String):
            new.ID = String(self.prefix + str(element.ID))
        if kind == "/Figure" and "/Alt" not in new and "/ActualText" not in new:
            new.Alt = String(self.alt)
        new.K = Array(kids)
        return [new]


def graft(pdf: pikepdf.Pdf, index: int, source: pikepdf.Pdf, k: int, placement: bytes, form: pikepdf.Stream,
          heading: str, alt: str) -> bool:
    """Draw page `k` of the tagged `source` on page `index` of `pdf` with its own tags; False if it cannot be.

    `placement` is the `q ... cm /Name Do Q` that would place `form` (the page as a form XObject):
    its matrix, the form's /Matrix and a clip to its /BBox place the inlined content the same way.
    """
    root = pdf.Root.get("/StructTreeRoot")
    source_root = source.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or not isinstance(source_root, Dictionary) or "/ParentTree" not in source_root:
        return False
    target = pdf.pages[index]
    try:
        matrix = next((i.operands for i in pikepdf.parse_content_stream(pikepdf.Stream(pdf, placement))
                       if isinstance(i, pikepdf.ContentStreamInstruction) and str(i.operator) == "cm"), None)
        if matrix is None:
            return False
        tree = tagging._parent_tree(pdf, root)
        key = tagging._struct_parents(root, target, tree)
        entries = tree[key] if key in tree else None  # noqa: SIM401 - a NumberTree raises on get()
        if not isinstance(entries, Array):
            tree[key] = Array()
            entries = tree[key]
        sequences, _ = tagging._scan(pikepdf.parse_content_stream(target), tagging._page_resources(target))
        base = max([len(entries)] + [seq.mcid + 1 for seq in sequences])
        graft_ = _Graft(pdf, index, source, k, f"MpA{index + 1}", alt)
        graft_.content(base)
        tops = graft_.structure(source_root.get("/RoleMap"))
        body = graft_.drawing()
    except _NotGraftable:
        return False
    except Exception:  # noqa: BLE001 - anything odd in a source page: drawn as a figure, as an untagged page is
        return False
    if not tops:
        return False
    div = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, T=String(heading), Pg=target.obj,
                                       K=Array(tops)))
    for top in tops:
        top.P = div
    pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    tagging._place_figure(root, div, index, pages)
    for mcid, owner in sorted(graft_.owners.items()):
        while len(entries) <= mcid:
            entries.append(None)
        entries[mcid] = owner
    form_matrix = [float(v) for v in form.Matrix] if isinstance(form.get("/Matrix"), Array) else [1, 0, 0, 1, 0, 0]
    llx, lly, urx, ury = (float(v) for v in form.BBox)
    drawing = (b"q\n" + " ".join(f"{float(v):.5f}" for v in matrix).encode() + b" cm\n"
               + " ".join(f"{v:.5f}" for v in form_matrix).encode() + b" cm\n"
               + f"{llx:.3f} {lly:.3f} {urx - llx:.3f} {ury - lly:.3f} re W n\n".encode()
               + b"q\n" + body + b"\nQ\nQ\n")
    target.contents_add(drawing, prepend=True)
    return True
