"""Make PDFs from written pieces by page copies: laid-out pages in, finished PDF bytes out.

A *piece* is a list of laid-out WeasyPrint pages written once as one tagged PDF (PDF/UA-1, as
WeasyPrint writes it) and finished once: the caller draws in appendix pages and marks page
furniture, then `write_piece` gives every page resources of its own (WeasyPrint shares one
resource dictionary between all the pages of a file, so a copied page would otherwise carry
every font, image and form of the piece), compresses what the finishing left uncompressed and
removes anything active from what WeasyPrint wrote (a targeted sanitise: appendix pages went
through the full one before they were drawn in).

`assemble` then makes one PDF from any selection of pages of one or more pieces, with pikepdf
page copies, and gives it what WeasyPrint would have given those pages written alone:

- a structure tree with the elements of its pages only, under one /Document, with /Pg,
  /StructParents, /StructParent and the /ParentTree numbered for this file (RoleMap carried);
- named destinations for the anchors on its pages (the first of a name wins, as in WeasyPrint)
  and its internal links; a link whose anchor is not in this file is removed, its structure
  element kept without the annotation (what WeasyPrint writes for a link it drops);
- the outline of its pages, made by WeasyPrint's own bookmark tree of those pages;
- page labels, the title (document information and XMP dc:title), /Lang, /MarkInfo,
  /ViewerPreferences and the PDF/UA identification in XMP.

How the structure tree is copied: an element's /P leads up to the root of the piece's tree, so
`copy_foreign` of an element as WeasyPrint wrote it brings in the whole tree of the piece (4,099
objects for one element of the example's consolidated pack); qpdf copies no page object reached
that way (a /Pg of a page not copied before becomes null), but every element, Alt text and
annotation of the piece would be written.  So each piece's tree is cut once into one tree per
page (`_index`: the element that starts a page's tree loses its /P), and a PDF copies the trees
of its pages with `copy_foreign` after copying the pages themselves: pikepdf uses one copier per
source and target Pdf, so /Pg and the /OBJR's annotations map to the copies already made, and a
font shared by several pages is copied once per PDF.  Streams are copied as they are: each is
compressed once, when its piece is made.

Everything is named and ordered by page and by position in the file, never by object identity
or set order, and files are saved with a deterministic /ID: the same pieces give the same bytes.
"""

from __future__ import annotations

import copy
import io
import multiprocessing
import os
import pickle
import signal
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from weasyprint.document import Document as LaidOut

from ..processes import die_with_parent
from ..sanitise import sanitise_written_pdf
from .tagging import is_struct_element, struct_kids

SCALE = 0.75
"""PDF points per CSS pixel: WeasyPrint's scale at zoom 1."""
_XMP_HEADER = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
_XMP_FOOTER = b'</x:xmpmeta>\n<?xpacket end="r"?>'
ObjGen = tuple[int, int]


@dataclass(eq=False)
class Piece:
    """Pages written once: the open PDF and, for each of its pages, what assembling needs."""

    key: str
    """A name for the piece ('public', 'members'): it prefixes table-header ids when pieces are mixed."""
    pdf: pikepdf.Pdf
    pages: list
    """For each page written, in order: the laid-out WeasyPrint page or its `PageFacts` (what assembling reads)."""
    tops: list[list[Dictionary]] = field(default_factory=list)
    """For each page: the structure elements that start it (kids of /Document, in order), without /P."""
    page_of: dict[ObjGen, int] = field(default_factory=dict)
    """The page of each structure element below the tops."""
    nums: list[list[Dictionary | None]] = field(default_factory=list)
    """For each page: its /ParentTree array (the element of each MCID, or None)."""
    owners: dict[ObjGen, Dictionary] = field(default_factory=dict)
    """The structure element that holds each annotation (by an /OBJR kid)."""
    named: list[list[Dictionary]] = field(default_factory=list)
    """For each page: its elements with a table-header /ID or /Headers attribute."""
    index: dict[ObjGen, int] = field(default_factory=dict)
    """The index of each page, by its object."""
    dests: list[list[tuple[str, float, float]]] = field(default_factory=list)
    """For each page: its anchors and where they are, in PDF points."""

    def close(self) -> None:
        self.pdf.close()


@dataclass(frozen=True)
class PageFacts:
    """What assembling reads of a laid-out page, as plain data: a page written in another process.

    A WeasyPrint page holds its whole box tree and cannot be pickled; a piece written by a layout
    worker (render/chunks.py) comes back as its bytes and one of these per page.  `assemble` and
    WeasyPrint's `make_bookmark_tree` read only these fields.
    """

    width: float
    """In CSS pixels, as WeasyPrint's `Page.width`."""
    height: float
    anchors: dict[str, tuple[float, float, float, float]]
    """Each anchor (element id) on the page, as WeasyPrint's `Page.anchors`."""
    bookmarks: list[tuple[int, str, tuple[float, float], str]]
    """(level, label, (x, y), state), as WeasyPrint's `Page.bookmarks`."""
    links: list[tuple[str, str]]
    """(type, target) of each link on the page: 'internal' and an anchor name, or 'external' and a URL."""
    blank: bool
    """Whether WeasyPrint made it as a blank page (the one before a right-hand start)."""
    name: str = ""
    """The named page (@page NAME) it was laid out on, e.g. 'appendix-landscape'; '' for the default page."""

    @classmethod
    def of(cls, page: object) -> PageFacts:
        """The facts of a laid-out WeasyPrint page."""
        return cls(float(page.width), float(page.height),  # type: ignore[attr-defined]
                   {name: tuple(float(v) for v in point)  # type: ignore[misc]
                    for name, point in page.anchors.items()},  # type: ignore[attr-defined]
                   [(int(level), str(label), (float(x), float(y)), str(state))
                    for level, label, (x, y), state in page.bookmarks],  # type: ignore[attr-defined]
                   [(str(kind), str(target)) for kind, target, *_ in page.links],  # type: ignore[attr-defined]
                   bool(page._page_box.page_type.blank),  # type: ignore[attr-defined]
                   str(page._page_box.page_type.name or ""))  # type: ignore[attr-defined]


# ------------------------------------------------------------------ writing a piece


def write_piece(key: str, template: LaidOut, pages: list, *, finish: Callable[[pikepdf.Pdf], None],
                linked_elsewhere: Iterable[str] = ()) -> Piece:
    """Write `pages` once with WeasyPrint (PDF/UA-1), let `finish` mend the PDF, and prepare it for copies.

    `linked_elsewhere` names anchors on pages of other pieces that these pages may link to: the
    links are kept (WeasyPrint drops a link to an anchor it does not see) and `assemble` keeps
    them only in a PDF that holds the anchor's page.
    """
    return piece_of(key, finished_pdf(template, pages, finish=finish, linked_elsewhere=linked_elsewhere),
                    list(pages))


def piece_of(key: str, pdf: pikepdf.Pdf, pages: list) -> Piece:
    """A finished PDF (`finished_pdf`) prepared for page copies: `pages` are its pages' laid-out pages or facts."""
    piece = Piece(key, pdf, pages)
    _index(piece)
    return piece


def finished_pdf(template: LaidOut, pages: list, *, finish: Callable[[pikepdf.Pdf], None],
                 linked_elsewhere: Iterable[str] = ()) -> pikepdf.Pdf:
    """`write_piece` before the index: the pages written, mended, given resources of their own, compressed, sanitised."""
    written = list(pages)
    if written:
        own = {anchor for page in written for anchor in page.anchors}
        borrowed = [a for a in dict.fromkeys(linked_elsewhere) if a not in own]
        if borrowed:  # a copy of the page: the laid-out page is shared with other pieces
            first = copy.copy(written[0])
            first.anchors = {**first.anchors, **{a: (0, 0, 0, 0) for a in borrowed}}
            written[0] = first
    raw = template.copy(written).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    pdf = pikepdf.open(io.BytesIO(raw))
    finish(pdf)
    pdf.remove_unreferenced_resources()  # each page gets resources of its own, with what it uses
    _compress(pdf)
    sanitise_written_pdf(pdf)
    return pdf


def _compress(pdf: pikepdf.Pdf) -> None:
    """Compress, once, the page content streams that finishing rewrote (WeasyPrint's are compressed)."""
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, Array) else [contents]:
            if isinstance(stream, pikepdf.Stream) and "/Filter" not in stream:
                stream.write(zlib.compress(stream.read_bytes()), filter=Name.FlateDecode)


def _index(piece: Piece) -> None:
    """Find, once per piece, each page's elements, MCIDs, annotation owners and anchors.

    The tree is cut into one tree per page, in the piece (which nobody else reads): each element
    that starts a page's tree loses its /P, and is taken out of its parent's kids when that parent
    is on another page.  `copy_foreign` of such a top element then copies exactly its page's
    elements: their /Pg and their /OBJR's annotations map to the copies of the page and of its
    annotations made just before, and nothing leads up to the rest of the piece's tree.
    """
    pdf = piece.pdf
    count = len(pdf.pages)
    piece.tops = [[] for _ in range(count)]
    piece.nums = [[] for _ in range(count)]
    piece.named = [[] for _ in range(count)]
    piece.dests = [[(name, x * SCALE, (page.height - y) * SCALE) for name, (x, y, _, _) in page.anchors.items()]
                   for page in piece.pages]
    index = piece.index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return

    def walk(element: Dictionary, inherited: int | None, parent_page: int | None) -> int | None:
        """Read `element` and its kids; the page it is on (None: on no page, or met before)."""
        pg = element.get("/Pg")
        page = index.get(pg.objgen, inherited) if isinstance(pg, Dictionary) and pg.is_indirect else inherited
        if page is None:  # no page of its own: the first page below it
            page = _first_page(element, index)
        if page is None or element.objgen in piece.page_of:
            return None
        piece.page_of[element.objgen] = page
        if page != parent_page:
            piece.tops[page].append(element)
            if "/P" in element:
                del element["/P"]
        if "/ID" in element or (isinstance(element.get("/A"), Dictionary) and "/Headers" in element.A):
            piece.named[page].append(element)
        kids = struct_kids(element)
        kept = []
        for kid in kids:
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                if isinstance(kid.get("/Obj"), Dictionary):
                    piece.owners[kid.Obj.objgen] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                kid_pg = kid.get("/Pg")
                if not (kid_pg is None or (isinstance(kid_pg, Dictionary) and index.get(kid_pg.objgen) == page)):
                    continue  # marked content of another page: not copied with this one
            elif is_struct_element(kid) and walk(kid, page, page) != page:
                continue  # on another page (a tree of its own there), or met before
            kept.append(kid)
        if len(kept) != len(kids):
            element.K = Array(kept)
        return page

    for top in struct_kids(root):
        if not is_struct_element(top):
            continue
        if str(top.S) == "/Document":  # WeasyPrint's single top element: made anew for each PDF
            for kid in struct_kids(top):
                if is_struct_element(kid):
                    walk(kid, None, None)
        else:
            walk(top, None, None)
    tree = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else None
    if tree is None:
        return
    for i, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        if isinstance(key, int) and int(key) in tree and isinstance(tree[int(key)], Array):
            # an MCID whose element is on no page's tree (an orphan) maps to nothing in the copies
            piece.nums[i] = [e if isinstance(e, Dictionary) and piece.page_of.get(e.objgen) == i else None
                             for e in tree[int(key)]]


def _native(value: object) -> object:
    """A value of a piece's object as Python values, to be set in another Pdf (pikepdf refuses foreign containers)."""
    if isinstance(value, Dictionary):
        return {key: _native(v) for key, v in value.items()}
    if isinstance(value, Array):
        return [_native(v) for v in value]
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        raise ValueError("a structure element's attribute is an indirect object: not made by WeasyPrint")
    return value


def _same(a: object, b: object) -> bool:
    """Whether two handles are the same indirect object."""
    return isinstance(a, pikepdf.Object) and isinstance(b, pikepdf.Object) and a.is_indirect and b.is_indirect \
        and a.objgen == b.objgen


def _native_object(value: object) -> object:
    """`_native` as a pikepdf object (a dictionary or array of Python values is not one)."""
    native = _native(value)
    if isinstance(native, dict):
        return Dictionary(native)
    if isinstance(native, list):
        return Array(native)
    return native


def _first_page(element: Dictionary, index: dict[ObjGen, int]) -> int | None:
    for kid in struct_kids(element):
        if isinstance(kid, Dictionary):
            pg = kid.get("/Pg")
            if isinstance(pg, Dictionary) and pg.is_indirect and pg.objgen in index:
                return index[pg.objgen]
            if is_struct_element(kid) and (found := _first_page(kid, index)) is not None:
                return found
    return None


# ------------------------------------------------------------------ assembling a PDF


@dataclass(frozen=True)
class Labels:
    """Page labels: the front pages 'Agenda 1, 2...', then the printed page numbers."""

    front: int
    first_number: int
    front_label: str = "Agenda "


def page_labels(pdf: pikepdf.Pdf, labels: Labels) -> None:
    """Label the front sheet 'Agenda 1, 2...' and the rest with the printed page numbers."""
    nums = Array()
    if labels.front:
        nums.extend([0, Dictionary(S=Name.D, P=String(labels.front_label))])
    if len(pdf.pages) > labels.front:
        nums.extend([labels.front, Dictionary(S=Name.D, St=labels.first_number)])
    pdf.Root.PageLabels = Dictionary(Nums=nums)


class _Assembly:
    """One PDF being made from pages of pieces."""

    def __init__(self, template: LaidOut, selection: list[tuple[Piece, int]]) -> None:
        self.template = template
        self.selection = selection
        self.out = pikepdf.new()
        # a piece's table-header ids are unique within it; a second piece's get its key in front
        order = list(dict.fromkeys(piece for piece, _ in selection))
        self.prefix = {piece: "" if n == 0 else f"{piece.key}-" for n, piece in enumerate(order)}
        self.copies: dict[tuple[int, int], list[Dictionary]] = {}
        """The copied annotations of each page of each piece, in order (kept or not)."""
        self.dropped: list[tuple[Piece, ObjGen, Dictionary]] = []
        """Links left out of this PDF: their piece, the original's object, the copy."""
        self.piece_id = {piece: n for n, piece in enumerate(order)}
        self.page_objs: list[Dictionary] = []

    def build(self, title: str, labels: Labels) -> bytes:
        out = self.out
        for piece, i in self.selection:
            out.pages.append(piece.pdf.pages[i])
        # each look-up of out.pages[k] is not free, and there is one per anchor and per element
        self.page_objs = [page.obj for page in out.pages]
        dests = self._dests()
        self._links(dests)
        first = self.selection[0][0].pdf if self.selection else None
        if first is not None and isinstance(first.Root.get("/StructTreeRoot"), Dictionary):
            self._structure(first.Root.StructTreeRoot)
        if dests:
            names: list[object] = []  # a Python list: growing a pikepdf Array item by item is slow
            for name in sorted(dests):
                k, x, y = dests[name]
                names += [String(name), Array([self.page_objs[k], Name.XYZ, x, y, 0])]
            out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(names)))
        self._outline()
        page_labels(out, labels)
        self._metadata(first, title)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 min_version=first.pdf_version if first is not None else "")
        out.close()
        return buffer.getvalue()

    def _dests(self) -> dict[str, tuple[int, float, float]]:
        """Each anchor on the PDF's pages, where it first appears (WeasyPrint's rule)."""
        found: dict[str, tuple[int, float, float]] = {}
        for k, (piece, i) in enumerate(self.selection):
            for name, x, y in piece.dests[i]:
                found.setdefault(name, (k, x, y))
        return found

    def _links(self, dests: dict[str, tuple[int, float, float]]) -> None:
        """Keep the annotations of each page but links to anchors outside this PDF; note the copies."""
        for k, (piece, i) in enumerate(self.selection):
            target = self.page_objs[k]
            copied = target.get("/Annots")
            if not isinstance(copied, Array):
                continue
            source = piece.pdf.pages[i].obj.Annots
            kept = []
            self.copies[(self.piece_id[piece], i)] = list(copied)
            for original, annot in zip(source, copied, strict=True):
                dest = annot.get("/Dest") if isinstance(annot, Dictionary) else None
                if annot.get("/Subtype") == Name.Link and isinstance(dest, String) and str(dest) not in dests:
                    self.dropped.append((piece, original.objgen, annot))
                    continue
                kept.append(annot)
            if kept:
                target.Annots = Array(kept)
            else:
                del target["/Annots"]

    # -- the structure tree

    def _structure(self, source_root: Dictionary) -> None:
        out = self.out
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
        kids = []
        for piece, i in self.selection:
            for top in piece.tops[i]:
                # the page and its annotations are copied already: /Pg and /OBJR map to those copies
                new = out.copy_foreign(top)
                new.P = document
                kids.append(new)
            prefix = self.prefix[piece]
            for element in piece.named[i] if prefix else []:  # ids are unique within a piece only
                new = out.copy_foreign(element)
                if isinstance(new.get("/ID"), String):
                    new.ID = String(prefix + str(new.ID))
                attributes = new.get("/A")
                if isinstance(attributes, Dictionary) and isinstance(attributes.get("/Headers"), Array):
                    attributes.Headers = Array([String(prefix + str(h)) for h in attributes.Headers])
        document.K = Array(kids)
        root.K = Array([document])
        for piece, original, copied in self.dropped:  # a link left out: its element stays, without it
            owner = piece.owners.get(original)
            if owner is not None and piece.page_of.get(owner.objgen) is not None:
                new = out.copy_foreign(owner)
                new.K = Array([kid for kid in struct_kids(new) if not (
                    isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and _same(kid.get("/Obj"), copied))])
        nums: list[object] = []
        for k, (piece, i) in enumerate(self.selection):
            entries = [out.copy_foreign(e) if e is not None else None for e in piece.nums[i]]
            while entries and entries[-1] is None:
                entries.pop()
            self.page_objs[k].StructParents = k
            nums += [k, Array(entries)]
        key = len(self.selection)
        for page, (piece, i) in zip(self.page_objs, self.selection, strict=True):
            originals = piece.pdf.pages[i].obj.get("/Annots", Array())
            kept = {annot.objgen for annot in page.get("/Annots", Array())}
            for original, annot in zip(originals, self.copies.get((self.piece_id[piece], i), []), strict=True):
                if annot.objgen not in kept:
                    continue
                owner = piece.owners.get(original.objgen)
                if owner is None or piece.page_of.get(owner.objgen) != i:
                    if "/StructParent" in annot:
                        del annot["/StructParent"]
                    continue
                annot.StructParent = key
                nums += [key, out.copy_foreign(owner)]
                key += 1
        root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = key
        if isinstance(source_root.get("/RoleMap"), Dictionary):
            root.RoleMap = _native_object(source_root.RoleMap)
        out.Root.StructTreeRoot = root

    # -- outline and metadata

    def _outline(self) -> None:
        tree = self.template.copy([piece.pages[i] for piece, i in self.selection]).make_bookmark_tree(
            SCALE, transform_pages=True)
        if not tree:
            return
        outlines = self.out.make_indirect(Dictionary())
        items, count = self._outline_items(tree, outlines)
        outlines.Count = count
        outlines.First = items[0]
        outlines.Last = items[-1]
        self.out.Root.Outlines = outlines

    def _outline_items(self, bookmarks: list, parent: Dictionary) -> tuple[list[Dictionary], int]:
        """WeasyPrint's outline (pdf/anchors.py add_outlines) for these pages."""
        count = len(bookmarks)
        items: list[Dictionary] = []
        for label, (page, x, y), children, state in bookmarks:
            item = self.out.make_indirect(Dictionary(
                Title=String(label), Dest=Array([self.page_objs[page], Name.XYZ, x, y, 0]), Parent=parent))
            kids, kid_count = self._outline_items(children, item)
            item.Count = -kid_count if state == "closed" else kid_count
            if state != "closed":
                count += kid_count
            if kids:
                item.First = kids[0]
                item.Last = kids[-1]
            if items:
                item.Prev = items[-1]
                items[-1].Next = item
            items.append(item)
        return items, count

    def _metadata(self, first: pikepdf.Pdf | None, title: str) -> None:
        out = self.out
        if first is not None:
            for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
                if key in first.Root:
                    out.Root[key] = _native_object(first.Root[key])
            info = Dictionary({k: _native(v) for k, v in first.docinfo.items() if k != "/Title"})
        else:
            info = Dictionary()
        info.Title = String(title)
        out.docinfo = out.make_indirect(info)
        metadata = copy.copy(self.template.metadata)
        metadata.title = title
        xmp = b"\n".join((_XMP_HEADER, metadata.generate_rdf_metadata("ua", 1, None), *metadata.xmp_metadata,
                          _XMP_FOOTER))
        out.Root.Metadata = out.make_stream(zlib.compress(xmp), Type=Name.Metadata, Subtype=Name.XML,
                                            Filter=Name.FlateDecode)


def assemble(template: LaidOut, selection: list[tuple[Piece, int]], title: str, labels: Labels) -> bytes:
    """One finished PDF of the given pages of pieces, in that order (see the module docstring).

    `template` is a laid-out document whose metadata (language, subject...) the PDF takes, with `title`.
    """
    return _Assembly(template, selection).build(title, labels)


Job = tuple[list[tuple[Piece, int]], str, "Labels"]
"""What `assemble` is given for one PDF: the pages, the title and the page labels."""
SHARES: list[tuple[float, list[float]]] = []
"""For the benchmark: for each `assemble_all` on several processes, this process's CPU seconds on its
share and each other process's."""


def assemble_all(template: LaidOut, jobs: list[Job], workers: int = 1) -> list[bytes]:
    """`assemble` of each job, in order: shared out over `workers` processes when there are several.

    Each PDF is a function of its pages only (nothing of one assembly is kept for the next), so
    the bytes are the same whichever process makes them.  The jobs are dealt out by their pages,
    the longest first, to the least loaded process; this one takes the first share, each other
    share is made by a process forked with the pieces open, which sends back only bytes.
    """
    if workers <= 1 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [assemble(template, *job) for job in jobs]
    shares: list[list[int]] = [[] for _ in range(min(workers, len(jobs)))]
    loads = [0] * len(shares)
    for k in sorted(range(len(jobs)), key=lambda k: -len(jobs[k][0])):
        least = loads.index(min(loads))
        shares[least].append(k)
        loads[least] += len(jobs[k][0]) + 10  # a PDF costs something beyond its pages
    context = multiprocessing.get_context("fork")
    children = []
    for share in shares[1:]:
        ours, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_assemble_share, args=(theirs, template, [jobs[k] for k in share]),
                                  daemon=True)
        process.start()
        theirs.close()
        children.append((share, ours, process))
    out: list[bytes] = [b""] * len(jobs)
    try:
        begun = time.process_time()
        for k in shares[0]:
            out[k] = assemble(template, *jobs[k])
        own, others = time.process_time() - begun, []
        for share, conn, _process in children:
            try:
                status, made, cpu = conn.recv()
            except EOFError:
                raise RuntimeError("a process assembling PDFs stopped") from None
            if status == "error":
                raise made
            others.append(cpu)
            for k, data in zip(share, made, strict=True):
                out[k] = data
        SHARES.append((own, others))
    finally:
        for _share, conn, process in children:
            conn.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
    return out


def _assemble_share(conn: object, template: LaidOut, jobs: list[Job]) -> None:
    """In a forked process: assemble `jobs` and send their bytes back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    try:
        begun = time.process_time()
        try:
            message: tuple[str, object, float] = ("ok", [assemble(template, *job) for job in jobs],
                                                  time.process_time() - begun)
        except BaseException as exc:  # noqa: BLE001 - sent to the build, which raises it
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001
                exc = RuntimeError(str(exc))
            message = ("error", exc, 0.0)
        conn.send(message)  # type: ignore[attr-defined]
    finally:
        os._exit(0)
