"""Sanitise what is published as it came: SVG images and existing PDF appendices.

Nothing published may run in a reader's browser or PDF viewer, or make it
fetch anything (issue 10, class 4).

- An SVG is parsed with defusedxml (no entity declarations, so no "billion
  laughs") and written back keeping only an allowlist of SVG elements and
  attributes: no script, event handlers, foreignObject, animation, or
  reference to anything but an element of the same file (`#id`) or an
  embedded raster image (`data:image/png;base64,...`).
- A PDF keeps its pages; JavaScript, every action but an internal go-to and
  an http(s)/mailto link, open and page actions (OpenAction, AA), embedded
  files and attachments, and XFA forms are removed.  It is saved with a
  deterministic id so that builds stay byte for byte reproducible.

Both report, in words, what they removed, so that `pack check` can warn.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

import defusedxml
import defusedxml.ElementTree
import pikepdf
import tinycss2

from .errors import Report

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Sanitised:
    """The bytes to publish, and what was taken out of the original (empty: nothing was)."""

    data: bytes
    removed: tuple[str, ...]


class Unpublishable(Exception):
    """A file that cannot be published as it is, in words a content author can act on."""


class SvgProblem(Unpublishable):
    """An SVG that cannot be published: not well-formed, not SVG, or using XML entities."""


# ------------------------------------------------------------------ SVG

_FILTERS = {"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
            "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
            "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
            "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
            "feTurbulence"}
ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "view", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "a", "image", "marker", "pattern", "clipPath", "mask", "linearGradient", "radialGradient", "stop",
} | _FILTERS)
"""SVG elements that draw, group or describe; everything else is dropped with its content."""

ATTRIBUTES = frozenset(["id", "class", "style", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "systemLanguage", "width", "height", "viewBox", "preserveAspectRatio", "version", "baseProfile", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength", "transform", "transform-origin", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side", "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift", "font", "font-family", "font-size", "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight", "letter-spacing", "word-spacing", "writing-mode", "direction", "unicode-bidi", "text-decoration", "text-rendering", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "opacity", "color", "display", "visibility", "overflow", "clip", "clip-path", "clip-rule", "mask", "filter", "marker-start", "marker-mid", "marker-end", "marker", "stop-color", "stop-opacity", "flood-color", "flood-opacity", "lighting-color", "color-interpolation", "color-interpolation-filters", "color-rendering", "shape-rendering", "image-rendering", "vector-effect", "paint-order", "mix-blend-mode", "isolation", "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits", "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient", "clipPathUnits", "maskUnits", "maskContentUnits", "filterUnits", "primitiveUnits", "in", "in2", "result", "mode", "type", "values", "tableValues", "slope", "intercept", "amplitude", "exponent", "operator", "k1", "k2", "k3", "k4", "order", "kernelMatrix", "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "kernelUnitLength", "surfaceScale", "diffuseConstant", "specularConstant", "specularExponent", "scale", "xChannelSelector", "yChannelSelector", "stdDeviation", "radius", "baseFrequency", "numOctaves", "seed", "stitchTiles", "azimuth", "elevation", "z", "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "href"])
"""Attributes kept (without a namespace, or `xlink:href`, `xml:space`, `xml:lang`); `href` only as below."""

_REFERRING = {"use", "a", "textPath", "linearGradient", "radialGradient", "pattern", "filter", "feImage", "image"}
"""Elements whose href may point at an element of the same file."""
_RASTER = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
"""An embedded raster image: the only href an <image> may have (it carries its own bytes)."""
_QUIET = {"metadata"}
"""Dropped without a word: editors' bookkeeping (Inkscape, Illustrator), never drawn."""
_ACTIVE = {"script": "a <script> element", "foreignObject": "a <foreignObject> element (HTML inside the image)",
           "iframe": "an <iframe> element", "handler": "a <handler> element", "listener": "a <listener> element"}
_ANIMATION = {"animate", "animateMotion", "animateTransform", "animateColor", "set", "mpath", "discard"}


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 80 else value[:77] + "..."


def _url_of(token: object, strings: bool = False) -> str | None:
    """The address a CSS token names: url(x), url("x"), src("x"); with `strings`, a string too (after @import)."""
    kind = getattr(token, "type", "")
    if kind == "url" or (strings and kind == "string"):
        return token.value  # type: ignore[attr-defined]
    if kind == "function" and token.lower_name in ("url", "src"):  # type: ignore[attr-defined]
        return next((t.value for t in token.arguments if t.type == "string"), "")  # type: ignore[attr-defined]
    return None


class _SvgCleaner:
    """One SVG's clean copy, and a note of each kind of thing removed (in order, once each)."""

    def __init__(self) -> None:
        self.removed: dict[str, None] = {}
        self.uses_xlink = False

    def note(self, what: str) -> None:
        self.removed.setdefault(what, None)

    # -- CSS (style attributes and <style> elements)

    def _urls_ok(self, tokens: list) -> bool:
        """False when a value refers to anything but `#id` (noting what it referred to)."""
        ok = True
        for token in tokens:
            url = _url_of(token)
            if token.type == "function" and url is None and not self._urls_ok(token.arguments) or token.type in ("() block", "[] block", "{} block") and not self._urls_ok(token.content):
                ok = False
            if url is not None and not url.startswith("#"):
                self.note(f"a reference to '{_short(url)}'")
                ok = False
        return ok

    def _declarations(self, nodes: list) -> list:
        kept = []
        for node in nodes:
            if node.type != "declaration":
                continue
            if node.lower_name in ("behavior", "-moz-binding"):
                self.note(f"the style property '{node.name}'")
            elif self._urls_ok(node.value):
                kept.append(node)
        return kept

    def style_attribute(self, text: str) -> str:
        nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
        return "; ".join(d.serialize().strip() for d in self._declarations(nodes))

    def _rules(self, nodes: list) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                body = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
                kept = "; ".join(d.serialize().strip() for d in self._declarations(body))
                out.append(f"{tinycss2.serialize(node.prelude).strip()} {{ {kept} }}")
            elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content is not None:
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                out.append(f"@media {tinycss2.serialize(node.prelude).strip()} {{ {' '.join(self._rules(inner))} }}")
            elif node.type == "at-rule":
                target = next((_url_of(t, True) for t in node.prelude if _url_of(t, True) is not None), None)
                self.note(f"a reference to '{_short(target)}'" if target is not None
                          else f"the style rule @{node.at_keyword}")
        return out

    def style_element(self, text: str) -> str:
        return "\n".join(self._rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)))

    # -- elements and attributes

    def _href(self, tag: str, value: str) -> bool:
        value = value.strip()
        if tag in _REFERRING and value.startswith("#") and tag != "image":
            return True
        if tag in ("image", "feImage") and _RASTER.match(value):
            return True
        if tag == "a":
            self.note(f"a link to '{_short(value)}'")
        else:
            self.note(f"a reference to '{_short(value)}'")
        return False

    def _attributes(self, tag: str, source: ET.Element) -> dict[str, str] | None:
        """The attributes to keep, by their written names; None when the element must go (an image with no picture)."""
        kept: dict[str, str] = {}
        for name, value in source.attrib.items():
            namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
            if namespace == "" and local.lower().startswith("on"):
                self.note(f"event handler attributes ({local})")
                continue
            if namespace == XML and local in ("space", "lang"):
                kept[f"xml:{local}"] = value
                continue
            if not (namespace == "" and local in ATTRIBUTES) and not (namespace == XLINK and local == "href"):
                continue  # editors' attributes (inkscape:, sodipodi:, data-name): not drawn
            if local == "href":
                if not self._href(tag, value):
                    if tag == "image":
                        return None
                    continue
                if namespace == XLINK:
                    self.uses_xlink = True
                kept["xlink:href" if namespace == XLINK else "href"] = value
            elif local == "style":
                style = self.style_attribute(value)
                if style:
                    kept["style"] = style
            elif ("(" in value or "\\" in value) and not self._urls_ok(tinycss2.parse_component_value_list(value)):
                continue  # presentation attributes are CSS: url() may be written with escapes
            else:
                kept[local] = value
        if tag == "image" and not any(k.endswith("href") for k in kept):
            return None
        return kept

    def element(self, source: ET.Element) -> ET.Element | None:
        namespace, _, tag = source.tag[1:].partition("}") if source.tag.startswith("{") else ("", "", source.tag)
        if namespace != SVG or tag in _QUIET:
            return None
        if tag not in ELEMENTS:
            if tag in _ACTIVE:
                self.note(_ACTIVE[tag])
            elif tag in _ANIMATION:
                self.note("animation (<set>, <animate>)")
            else:
                self.note(f"a <{tag}> element")
            return None
        attributes = self._attributes(tag, source)
        if attributes is None:
            return None
        out = ET.Element(tag, attributes)
        if tag == "style":
            out.text = self.style_element("".join(source.itertext()))
            return out
        out.text = source.text
        for child in source:
            clean = self.element(child)
            if clean is not None:
                out.append(clean)
            # text after a child belongs to the parent: keep it even when the child goes
            tail = child.tail
            if tail:
                if len(out):
                    out[-1].tail = (out[-1].tail or "") + tail
                else:
                    out.text = (out.text or "") + tail
        return out


def sanitise_svg(data: bytes) -> Sanitised:
    """A clean copy of an SVG image and what was removed; SvgProblem if it cannot be read as SVG."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                                 forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise SvgProblem("the SVG declares XML entities (<!ENTITY ...>), which are not allowed: "
                         "they can make a small file expand without limit") from None
    except defusedxml.DefusedXmlException as exc:
        raise SvgProblem(f"the SVG refers to an outside definition ({exc}), which is not allowed") from None
    except ET.ParseError as exc:
        raise SvgProblem(f"the SVG cannot be read: it is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise SvgProblem(f"the file is not an SVG image: its first element is <{root.tag.rpartition('}')[2]}>, "
                         "not <svg> in the SVG namespace")
    cleaner = _SvgCleaner()
    clean = cleaner.element(root)
    assert clean is not None  # the root is <svg>, always kept
    clean.set("xmlns", SVG)
    if cleaner.uses_xlink:
        clean.set("xmlns:xlink", XLINK)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(clean, encoding="unicode") + "\n"
    return Sanitised(text.encode("utf-8"), tuple(cleaner.removed))


# ------------------------------------------------------------------ PDF

_ACTION_TYPES = {"GoTo", "GoToR", "GoToE", "GoToDp", "Launch", "Thread", "URI", "Sound", "Movie", "Hide", "Named",
                 "SubmitForm", "ResetForm", "ImportData", "JavaScript", "SetOCGState", "Rendition", "Trans",
                 "GoTo3DView", "RichMediaExecute"}
_ACTION_WORDS = {"JavaScript": "JavaScript", "Launch": "a Launch action (starts a program or opens a file)",
                 "GoToR": "a link into another file (GoToR)", "GoToE": "a link into an embedded file (GoToE)",
                 "SubmitForm": "a form submission (SubmitForm)", "ImportData": "a form data import (ImportData)"}
_ACTIVE_ANNOTATIONS = {"FileAttachment": "file attachments", "Sound": "sound annotations",
                       "Movie": "movie annotations", "Screen": "media (Screen) annotations",
                       "RichMedia": "rich media annotations", "3D": "3D annotations"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")


def _action_problem(action: pikepdf.Dictionary) -> str | None:
    """Why an action may not stay (in words), or None for an internal go-to or an http(s)/mailto link."""
    kind = str(action.get("/S", ""))[1:]
    if kind == "GoTo":
        return None
    if kind == "URI":
        uri = action.get("/URI")
        text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else ""
        if text.strip().lower().startswith(_LINK_SCHEMES):
            return None
        return f"a link to '{_short(text)}'"
    return _ACTION_WORDS.get(kind, f"an action of type {kind}")


def _is_action(obj: object) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and isinstance(obj.get("/S"), pikepdf.Name) \
        and str(obj.get("/S"))[1:] in _ACTION_TYPES


class _PdfCleaner:
    """Walks every object reachable from the trailer once, removing what may not be published."""

    def __init__(self) -> None:
        self.removed: dict[str, None] = {}
        self.seen: set[tuple[int, int]] = set()

    def note(self, what: str) -> None:
        self.removed.setdefault(what, None)

    def catalog(self, root: pikepdf.Dictionary) -> None:
        if "/OpenAction" in root:
            del root["/OpenAction"]
            self.note("an action run when the file is opened (OpenAction)")
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key, words in (("/JavaScript", "document JavaScript"), ("/EmbeddedFiles", "embedded files")):
                if key in names:
                    del names[key]
                    self.note(words)
        form = root.get("/AcroForm")
        if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
            del form["/XFA"]
            self.note("an XFA form")
        if "/Collection" in root:
            del root["/Collection"]
            self.note("a portfolio of embedded files (Collection)")

    def walk(self, obj: object) -> None:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and obj.is_indirect:
            if obj.objgen in self.seen:
                return
            self.seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            self._dictionary(obj)
        elif isinstance(obj, pikepdf.Array):
            self._array(obj)

    def _dictionary(self, obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
        for key, words in (("/AA", "actions run on opening, closing or showing a page, or on form fields (AA)"),
                           ("/EF", "embedded files"), ("/AF", "associated (embedded) files"),
                           ("/JS", "JavaScript")):
            if key in obj:
                del obj[key]
                self.note(words)
        for key in list(obj.keys()):
            value = obj[key]
            if _is_action(value):
                problem = _action_problem(value)
                if problem is not None:
                    del obj[key]
                    self.note(problem)
                    continue
            if key == "/Annots" and isinstance(value, pikepdf.Array):
                self._annotations(value)
            if key != "/Parent":  # a page's parent is reached from the catalog anyway
                self.walk(value)

    def _array(self, array: pikepdf.Array) -> None:
        for k in reversed(range(len(array))):
            value = array[k]
            if _is_action(value) and (problem := _action_problem(value)) is not None:
                del array[k]
                self.note(problem)
        for value in array:
            self.walk(value)

    def _annotations(self, annots: pikepdf.Array) -> None:
        for k in reversed(range(len(annots))):
            annot = annots[k]
            subtype = str(annot.get("/Subtype", ""))[1:] if isinstance(annot, pikepdf.Dictionary) else ""
            if subtype in _ACTIVE_ANNOTATIONS:
                del annots[k]
                self.note(_ACTIVE_ANNOTATIONS[subtype])


def sanitise_pdf_object(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    """Remove active content from an open PDF in place; what was removed, in words."""
    cleaner = _PdfCleaner()
    cleaner.catalog(pdf.Root)
    cleaner.walk(pdf.trailer)
    return tuple(cleaner.removed)


def sanitise_written_pdf(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    """Remove active content from a PDF that WeasyPrint wrote from our own pages; what was removed.

    Only the places where such a PDF can hold anything active are looked at: the catalog
    (OpenAction, AA, document JavaScript, embedded files, AcroForm), each page's /AA, its
    annotations (active kinds, /AA, actions but internal go-tos and http(s)/mailto links) and the
    outline's actions.  Content drawn in from elsewhere (an existing PDF appendix) must have been
    through `sanitise_pdf_object` first: this does not walk form XObjects.
    """
    cleaner = _PdfCleaner()
    root = pdf.Root
    cleaner.catalog(root)
    for key, words in (("/AA", "actions run on opening, closing or showing a page, or on form fields (AA)"),
                       ("/AcroForm", "a form (AcroForm)")):
        if key in root:
            del root[key]
            cleaner.note(words)
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            cleaner.note("actions run on opening, closing or showing a page, or on form fields (AA)")
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        cleaner._annotations(annots)
        for annot in annots:
            if isinstance(annot, pikepdf.Dictionary):
                _drop_actions(cleaner, annot)
    outlines = root.get("/Outlines")
    item = outlines.get("/First") if isinstance(outlines, pikepdf.Dictionary) else None
    stack = [item] if isinstance(item, pikepdf.Dictionary) else []
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop()
        if item.objgen in seen:
            continue
        seen.add(item.objgen)
        _drop_actions(cleaner, item)
        stack += [item[k] for k in ("/Next", "/First") if isinstance(item.get(k), pikepdf.Dictionary)]
    return tuple(cleaner.removed)


def _drop_actions(cleaner: _PdfCleaner, obj: pikepdf.Dictionary) -> None:
    """Remove an annotation's or outline item's /AA and an action that may not stay (with its /Next chain)."""
    if "/AA" in obj:
        del obj["/AA"]
        cleaner.note("actions run on opening, closing or showing a page, or on form fields (AA)")
    action = obj.get("/A")
    if isinstance(action, pikepdf.Dictionary):
        problem = _action_problem(action) if _is_action(action) else None
        if problem is not None or "/Next" in action:
            del obj["/A"]
            cleaner.note(problem or "a chain of actions (Next)")


def sanitise_pdf(data: bytes) -> Sanitised:
    """A PDF with nothing that runs, launches, submits or carries files; the same bytes if it had none.

    Raises pikepdf.PdfError for a file that cannot be read (`pack check` refuses those first).
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        removed = sanitise_pdf_object(pdf)
        if not removed:
            return Sanitised(data, ())
        out = io.BytesIO()
        # only the objects still reachable are written: removed files and scripts are gone from the bytes
        pdf.save(out, deterministic_id=True)
    return Sanitised(out.getvalue(), removed)


# ------------------------------------------------------------------ files


@lru_cache(maxsize=256)
def _sanitised(path: Path, mtime_ns: int, size: int) -> Sanitised | None:
    """The file sanitised, or None when it is published as it is (then it is read again, not kept in memory)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        result = sanitise_pdf(data)
        return result if result.removed else None
    if suffix == ".svg" or (suffix != ".css" and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"):
        # markup under another name (chart.png holding SVG) is still read as SVG by WeasyPrint
        return sanitise_svg(data)
    return None


def published(path: Path) -> Sanitised:
    """A content file as it is published: SVG and PDF sanitised, anything else as it is.

    Raises Unpublishable (SvgProblem for an SVG); remembered while the file is unchanged.
    """
    try:
        stat = path.stat()
        return _sanitised(path, stat.st_mtime_ns, stat.st_size) or Sanitised(path.read_bytes(), ())
    except OSError as exc:
        raise Unpublishable(f"cannot read the file: {exc.strerror}") from None
    except pikepdf.PdfError as exc:
        raise Unpublishable(f"the PDF is damaged and cannot be read ({str(exc).splitlines()[0]})") from None


_HINTS = {
    ".pdf": "the published copy keeps every page but none of this; if it matters, ask the sender for a plain PDF",
    ".svg": "the image is published without it; export the image again as plain SVG to silence this warning",
}


def check_published(report: Report, at: Path, line: int, col: int, name: str, path: Path) -> None:
    """For `pack check`: warn, where a file is listed or shown, what publishing will remove from it.

    A file that cannot be published at all (an SVG that is not well-formed) is an error there.
    """
    try:
        removed = published(path).removed
    except Unpublishable as exc:
        report.error(at, line, col, f"'{name}': {exc}", code="file-unpublishable")
        return
    if removed:
        report.warning(at, line, col, f"'{name}' has content that is removed when it is published: "
                       f"{'; '.join(removed)}", _HINTS.get(path.suffix.lower(), _HINTS[".svg"]), code="content-removed")
