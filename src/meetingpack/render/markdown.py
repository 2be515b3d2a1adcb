"""Markdown to HTML for council papers: one document body in, an HTML fragment out.

CommonMark with tables, strikethrough and footnotes; raw HTML is off (it is
shown as text) and markdown-it drops unsafe link targets such as
`javascript:`.  On top of that, the conventions of council reports:

- a paragraph `Table: ...` just before a table becomes its caption;
- `:red:`, `:amber:` and `:green:` become RAG status labels that carry a word
  and a symbol as well as a colour;
- ordered lists nested in lists are lettered (a) and then numbered (i);
- in cover reports, top-level paragraphs are numbered 1, 2, 3... across
  sections, as councils number report paragraphs;
- in minutes, every `##` heading is a minute item numbered from
  `minute_start`, and a list after a paragraph beginning "RESOLVED" is the
  resolution, numbered i, ii, iii.

Every id is prefixed with `id_prefix`, so that many documents can share one
HTML file (the PDF pack) without clashing ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape as html_escape
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..exempt import exempt_notice

RAG = {"red": ("Red", "\u00d7"), "amber": ("Amber", "\u25b2"), "green": ("Green", "\u2713")}
RAG_PATTERN = re.compile(r":(red|amber|green):")
EXEMPT_MARK = re.compile(r"\s*\{\s*exempt\s*(?:=\s*(\d{1,2}))?\s*\}\s*$")
"""After a minute heading: the item records exempt business, e.g. '## Sale of the old depot {exempt=3}'."""
RESOLVED = re.compile(r"^\s*(?:the\s+\w+\s+)?resolved\b", re.IGNORECASE)
UNNUMBERED_SECTIONS = {"exempt information", "background papers"}


@dataclass
class Heading:
    """A heading of a rendered document, for contents lists and the PDF outline."""

    level: int
    text: str
    id: str
    line: int


@dataclass
class Image:
    """An image a document uses, with the source line for error messages."""

    src: str
    alt: str
    line: int


@dataclass
class Link:
    href: str
    line: int


@dataclass
class LinkTarget:
    """Where a link in a document goes once rendered, chosen by the caller (see Options.link)."""

    href: str | None
    """None: show the link text without a link (e.g. a link to an exempt paper on the public website)."""
    attrs: dict[str, str] = field(default_factory=dict)
    """Extra attributes, e.g. a class that makes the PDF print the page the link lands on."""


def roman(number: int) -> str:
    """1 -> 'i', 4 -> 'iv': how the parts of a resolution are numbered."""
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


@dataclass
class Resolution:
    """One resolution of minutes: minute 37, part (ii) (or the whole resolution when it has no parts)."""

    minute: int
    part: int | None
    text: str
    """The words of the part (Markdown, one paragraph), or of the whole resolution."""
    preamble: str
    """The words before the list, e.g. 'RESOLVED that the Panel:'."""
    anchor: str
    """Its id in the minutes, without the document's prefix: 'minute-37-ii' or 'minute-37-resolved'."""
    line: int

    @property
    def reference(self) -> str:
        """'37(ii)', or '37' for a resolution without parts."""
        return f"{self.minute}({roman(self.part)})" if self.part else str(self.minute)


@dataclass
class Rendered:
    """The HTML of one document body and what was found while rendering it."""

    html: str
    headings: list[Heading] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    minutes: list[tuple[int, str]] = field(default_factory=list)
    """(number, title) of each minute item, for minutes."""
    resolutions: list[Resolution] = field(default_factory=list)
    """For minutes: every resolution, part by part."""
    paragraphs: int = 0
    """How many paragraphs were numbered, for reports."""
    blocks: list[str] = field(default_factory=list)
    """Ids (without the prefix) of the blocks a pack page can begin with, in document order."""
    exempt: list[tuple[int, int | None, int]] = field(default_factory=list)
    """Minutes and decisions: (minute number or 0, Schedule 12A paragraph as written, line) of each item
    recording exempt business."""


def renumbered(rendered: Rendered, start: int) -> Rendered:
    """What a render of minutes numbered from 1 found, with the minute items numbered from `start` instead.

    The numbers are the only thing the first minute number changes (the analysis of a document is made once,
    before the numbering across a municipal year is known: load.DocumentSource.analysis).
    """
    shift = start - 1
    if not shift:
        return rendered
    return replace(
        rendered,
        minutes=[(n + shift, title) for n, title in rendered.minutes],
        resolutions=[replace(r, minute=r.minute + shift,
                             anchor=f"minute-{r.minute + shift}-{r.anchor.split('-', 2)[2]}")
                     for r in rendered.resolutions],
        exempt=[(n + shift if n else 0, paragraph, line) for n, paragraph, line in rendered.exempt])


@dataclass
class Options:
    """How to render one document."""

    id_prefix: str = ""
    number_paragraphs: bool = False
    minute_start: int | None = None
    """First minute number, for minutes; None for other documents."""
    line_offset: int = 0
    image_src: Callable[[str], str] = lambda src: src
    link: Callable[[str], LinkTarget] = LinkTarget
    block_ids: bool = False
    """Give every paragraph, list item and table row an id (b1, b2...), so pack pages can be located."""
    page_markers: dict[str, int] = field(default_factory=dict)
    """Block id -> printed pack page that begins with it: a "Page N" marker is written before the block."""
    exempt_marks: bool = False
    """Decisions: '## Heading {exempt=N}' marks a section recording exempt business, as in minutes."""
    exempt_minutes: bool = False
    """Minutes: render the text of minute items that record exempt business ({exempt=N} after the heading).
    Off by default: such an item is then its heading and the Schedule 12A notice, as the public may see it."""


MAX_LIST_DEPTH = 20
"""Lists and block quotes nested in each other: the PDF engine lays out about 50 (then RecursionError)."""
MAX_INLINE_DEPTH = 20
"""Emphasis, strike-through and links nested in each other, for the same reason."""
MAX_BLOCK_CHARS = 100_000
"""Characters in one paragraph, heading, table cell or code block (a long real paragraph is 2,000)."""
MAX_NESTING = 64
"""markdown-it's own limit for blocks, past which it silently drops the rest of the text (commonmark's 20 is
reached by lists nested 10 deep): kept above what `markdown_limits` allows, so nothing is dropped unreported."""
INLINE_NESTING = MAX_INLINE_DEPTH
"""markdown-it's limit within a paragraph (past it, markup is kept as text): the time to read '[[[[...'
grows with it."""


def _nesting(limit: int) -> Callable[[StateCore], None]:
    def rule(state: StateCore) -> None:
        state.md.options["maxNesting"] = limit
    return rule


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False,
                                   "maxNesting": MAX_NESTING})
    md.core.ruler.before("block", "block_nesting", _nesting(MAX_NESTING))
    md.core.ruler.before("inline", "inline_nesting", _nesting(INLINE_NESTING))
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    return md


_MD = _parser()


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    return re.sub(r"[\s_-]+", "-", slug) or "section"


def _inline_text(token: Token) -> str:
    return "".join(c.content for c in (token.children or []) if c.type in ("text", "code_inline"))


def _captions(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if (t.type == "paragraph_open" and i + 3 < len(tokens) and tokens[i + 2].type == "paragraph_close"
                and tokens[i + 3].type == "table_open"
                and tokens[i + 1].content.startswith("Table:")):
            inline = tokens[i + 1]
            first = (inline.children or [None])[0]
            if first is not None and first.type == "text":
                first.content = first.content.removeprefix("Table:").lstrip()
            out.append(tokens[i + 3])
            out.append(Token("caption_open", "caption", 1, block=True))
            out.append(inline)
            out.append(Token("caption_close", "caption", -1, block=True))
            i += 4
            continue
        out.append(t)
        i += 1
    return out


def _rag(tokens: list[Token]) -> None:
    for t in tokens:
        if t.type != "inline" or not t.children:
            continue
        children: list[Token] = []
        for c in t.children:
            if c.type != "text" or not RAG_PATTERN.search(c.content):
                children.append(c)
                continue
            for k, part in enumerate(RAG_PATTERN.split(c.content)):
                if k % 2:
                    word, symbol = RAG[part]
                    html = Token("html_inline", "", 0)
                    html.content = (f'<span class="rag rag-{part}"><span class="rag-symbol" aria-hidden="true">'
                                    f"{symbol}</span> {word}</span>")
                    children.append(html)
                elif part:
                    text = Token("text", "", 0)
                    text.content = part
                    children.append(text)
        t.children = children


def _strip_mark(inline: Token) -> None:
    """Take the {exempt=N} mark off the end of a heading's text (it is an instruction, not words)."""
    inline.content = EXEMPT_MARK.sub("", inline.content)
    for child in reversed(inline.children or []):
        if child.type == "text":
            child.content = EXEMPT_MARK.sub("", child.content).rstrip()
            return


def _prepend_html(inline: Token, html: str) -> None:
    tok = Token("html_inline", "", 0)
    tok.content = html
    inline.children = [tok] + list(inline.children or [])


def _minute_headings(tokens: list[Token]) -> list[int]:
    """Indexes of the heading tokens that start minute items (top-level # and ##)."""
    return [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0 and t.tag in ("h1", "h2")]


def _withhold_exempt_minutes(text: str) -> str:
    """The minutes' text with the body of every exempt minute item left out (its heading stays).

    Done on the source lines, before the real parse, so that nothing of the
    withheld text (a footnote, a link definition, a resolution) can reach the
    output by another route.
    """
    if "exempt" not in text:
        return text
    tokens = _MD.parse(text, {})
    heads = _minute_headings(tokens)
    lines = text.splitlines(keepends=True)
    drop: list[tuple[int, int]] = []
    for k, i in enumerate(heads):
        if not EXEMPT_MARK.search(tokens[i + 1].content) or tokens[i].map is None:
            continue
        start = tokens[i].map[1]
        following = tokens[heads[k + 1]].map if k + 1 < len(heads) else None
        drop.append((start, following[0] if following else len(lines)))
    for start, end in reversed(drop):
        lines[start:end] = ["\n"]
    return "".join(lines)


def render_markdown(text: str, options: Options) -> Rendered:
    """Render one document body to an HTML fragment."""
    env: dict[str, object] = {"docId": options.id_prefix.rstrip("-") or None}
    if env["docId"] is None:
        del env["docId"]
    marks = options.minute_start is not None or options.exempt_marks
    if marks and not options.exempt_minutes:
        text = _withhold_exempt_minutes(text)
    tokens = _captions(_MD.parse(text, env))
    _rag(tokens)
    result = Rendered("")
    used: set[str] = set()
    list_depth = 0
    paragraph_number = 0
    minute = (options.minute_start or 1) - 1
    section = ""
    after_resolved = False
    preamble = ""
    resolution_depth: int | None = None
    """Depth of the list whose items are the parts of the current resolution."""
    part = 0
    in_head = False
    block_count = 0
    before: dict[int, str] = {}
    """Token index -> page marker to write before that token."""
    after: dict[int, str] = {}
    """Token index -> the Schedule 12A notice to write after that token (an exempt minute's heading)."""

    def block(t: Token, i: int, given: str | None = None) -> None:
        """Give a block an id (if it has none) and note it, so that a pack page can be found by it."""
        nonlocal block_count
        if not options.block_ids:
            return
        if given is None:
            block_count += 1
            given = f"b{block_count}"
            t.attrSet("id", options.id_prefix + given)
        result.blocks.append(given)
        page = options.page_markers.get(given)
        if page is None:
            return
        marker = f'<span class="page-marker" id="page-{page}">Page {page}</span>'
        inline_at = {"tr_open": i + 2, "list_item_open": i + 2}.get(t.type)
        if inline_at is not None and inline_at < len(tokens) and tokens[inline_at].type == "inline":
            _prepend_html(tokens[inline_at], marker + " ")
        else:
            before[i] = f'<p class="page-marker" id="page-{page}">Page {page}</p>\n'

    for i, t in enumerate(tokens):
        line = (t.map[0] + 1 + options.line_offset) if t.map else 0
        if t.type == "heading_open":
            inline = tokens[i + 1]
            title = _inline_text(inline)
            level = int(t.tag[1])
            if level == 1:
                t.tag = tokens[i + 2].tag = "h2"
                level = 2
            if level == 2:
                section = title.lower().strip()
            mark = EXEMPT_MARK.search(title) if marks and t.level == 0 and level <= 2 else None
            if mark is not None:
                title = title[:mark.start()]
                _strip_mark(inline)
                paragraph = int(mark.group(1)) if mark.group(1) else None
                result.exempt.append((minute + (options.minute_start is not None), paragraph, line))
                if not options.exempt_minutes:
                    notice = exempt_notice(paragraph if paragraph in range(1, 8) else None)
                    after[i + 2] = f'<p class="exempt-notice">{html_escape(notice)}</p>\n'
            if options.minute_start is not None and level == 2:
                minute += 1
                result.minutes.append((minute, title))
                slug = f"minute-{minute}"
                _prepend_html(inline, f'<span class="minute-number">{minute}.</span> ')
                t.attrSet("class", "minute-title")
            else:
                slug = base = slugify(title)
                n = 2
                while slug in used:
                    slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            t.attrSet("id", options.id_prefix + slug)
            block(t, i, slug)
            result.headings.append(Heading(level, (f"{minute}. " if t.attrGet("class") else "") + title,
                                           options.id_prefix + slug, line))
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if t.type == "ordered_list_open" and t.attrGet("start") is not None:
                # browsers number from the start attribute; WeasyPrint only from the list-item counter
                t.attrSet("style", f"counter-reset: list-item {int(str(t.attrGet('start'))) - 1}")
            if t.type == "ordered_list_open":
                if after_resolved:
                    t.attrSet("class", "resolution")
                    if options.minute_start is not None:
                        # a list typed from '3.' prints (iii) first (the start attribute): its parts count from there
                        # (bounded: roman() of a nine-digit number would be a megabyte of 'm')
                        start = min(max(int(str(t.attrGet("start") or 1)), 1), 1000)
                        resolution_depth, part = list_depth, start - 1
                elif list_depth == 2:
                    t.attrSet("class", "alpha")
                elif list_depth >= 3:
                    t.attrSet("class", "roman")
            after_resolved = False
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            if list_depth == resolution_depth:
                resolution_depth = None
            list_depth -= 1
        elif t.type == "list_item_open" and resolution_depth == list_depth:
            part += 1
            anchor = f"minute-{minute}-{roman(part)}"
            t.attrSet("id", options.id_prefix + anchor)
            block(t, i, anchor)
            inline = next(x for x in tokens[i + 1:] if x.type == "inline")
            result.resolutions.append(Resolution(minute, part, inline.content, preamble, anchor, line))
        elif t.type == "paragraph_open" and t.level == 0:
            inline = tokens[i + 1]
            after_resolved = bool(RESOLVED.match(inline.content))
            if after_resolved:
                t.attrSet("class", "resolved")
                preamble = inline.content
                followed_by_list = i + 3 < len(tokens) and tokens[i + 3].type == "ordered_list_open"
                if options.minute_start is not None and not followed_by_list:
                    anchor = f"minute-{minute}-resolved"
                    t.attrSet("id", options.id_prefix + anchor)
                    result.resolutions.append(Resolution(minute, None, inline.content, "", anchor, line))
            if options.number_paragraphs and section not in UNNUMBERED_SECTIONS:
                paragraph_number += 1
                t.attrSet("id", f"{options.id_prefix}para-{paragraph_number}")
                t.attrSet("class", "numbered")
                _prepend_html(inline, f'<span class="para-number">{paragraph_number}.</span> ')
                block(t, i, f"para-{paragraph_number}")
            else:
                given = t.attrGet("id")  # a resolution's own anchor
                block(t, i, str(given).removeprefix(options.id_prefix) if given else None)
        elif t.type == "paragraph_open" and not t.hidden and not t.attrGet("id") or t.type == "list_item_open":
            block(t, i)
        elif t.type == "table_open":
            after_resolved = False
            t.attrSet("class", "data")
        elif t.type in ("thead_open", "thead_close"):
            in_head = t.type == "thead_open"
        elif t.type == "tr_open" and not in_head:
            block(t, i)
        elif t.type == "th_open":
            t.attrSet("scope", "col")
        if t.type == "inline":
            breaks = 0  # line breaks before a child: an image on a paragraph's third line is on line + 2
            for c in t.children or []:
                if c.type in ("softbreak", "hardbreak"):
                    breaks += 1
                elif c.type == "image":
                    # markdown-it percent-encodes the address ('my chart.svg' -> 'my%20chart.svg'); the
                    # file has the name the officer typed, so work with that and let callers re-encode it
                    src = unquote(str(c.attrGet("src") or ""))
                    alt = "".join(x.content for x in (c.children or []))
                    result.images.append(Image(src, alt, line + breaks))
                    c.attrSet("src", options.image_src(src))
                elif c.type == "link_open":
                    href = str(c.attrGet("href") or "")
                    result.links.append(Link(href, line + breaks))
                    _retarget(c, t.children or [], options.link(href))
    result.paragraphs = paragraph_number
    if before or after:
        marked: list[Token] = []
        for i, t in enumerate(tokens):
            for html, place in ((before.get(i), "before"), (t, "token"), (after.get(i), "after")):
                if place == "token":
                    marked.append(t)
                elif html is not None:
                    extra = Token("html_block", "", 0, block=True)
                    extra.content = html
                    marked.append(extra)
        tokens = marked
    tokens = _scrollable_tables(tokens, options.id_prefix)
    result.html = _MD.renderer.render(tokens, _MD.options, env)
    return result


def _scrollable_tables(tokens: list[Token], id_prefix: str) -> list[Token]:
    """Wrap each table in a region that scrolls sideways on a narrow screen and can be reached by keyboard.

    The region is named by the table's caption (or "Table N"), so that a
    screen reader says what it is; on paper the wrapper changes nothing.
    """
    out: list[Token] = []
    count = 0
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            count += 1
            caption = i + 1 < len(tokens) and tokens[i + 1].type == "caption_open"
            if caption:
                tokens[i + 1].attrSet("id", f"{id_prefix}table-{count}-caption")
            name = (f'aria-labelledby="{id_prefix}table-{count}-caption"' if caption
                    else f'aria-label="Table {count}"')
            wrapper = Token("html_block", "", 0, block=True)
            wrapper.content = f'<div class="table-scroll" role="region" tabindex="0" {name}>\n'
            out.append(wrapper)
            out.append(t)
        elif t.type == "table_close":
            out.append(t)
            end = Token("html_block", "", 0, block=True)
            end.content = "</div>\n"
            out.append(end)
        else:
            out.append(t)
    return out


def _retarget(link_open: Token, siblings: list[Token], target: LinkTarget) -> None:
    """Point a link where the caller says, or turn it into plain text (its closing token too)."""
    if target.href is not None:
        link_open.attrSet("href", target.href)
        for name, value in target.attrs.items():
            link_open.attrSet(name, value)
        return
    start = next(k for k, tok in enumerate(siblings) if tok is link_open)
    close = next(k for k in range(start, len(siblings)) if siblings[k].type == "link_close")
    for tok in (siblings[start], siblings[close]):
        tok.type, tok.tag, tok.nesting, tok.content, tok.attrs = "html_inline", "", 0, "", {}


def render_inline(text: str) -> str:
    """Render a one-line Markdown snippet (a remit, a note) without a paragraph."""
    return _MD.renderInline(text)


def markdown_limits(text: str) -> list[tuple[int, str]]:
    """Where a document body passes a limit of the renderers: (0-based line, message), in text order.

    The loader refuses such a paper, so that `pack check` says what the build
    could not do in bounded time, instead of a build that never ends.  Blocks
    are checked first, without reading inside paragraphs: reading a hostile
    paragraph ('[[[[...') takes time in proportion to its length.
    """
    problems: list[tuple[int, str]] = []
    depth = 0
    paragraphs: list[tuple[int, str]] = []
    for t in _BLOCKS.parse(text, {}):
        line = t.map[0] if t.map else 0
        if t.type == "inline":
            paragraphs.append((line, t.content))
        if t.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1
            if depth == MAX_LIST_DEPTH + 1:
                problems.append((line, f"lists and block quotes are nested more than {MAX_LIST_DEPTH} levels deep"))
        elif t.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
        if t.type in ("inline", "fence", "code_block") and len(t.content) > MAX_BLOCK_CHARS:
            problems.append((line, f"this paragraph has more than {MAX_BLOCK_CHARS:,} characters"))
    if problems:
        return problems
    # Inside paragraphs: only those with enough markers to nest that deep are read (most have few),
    # so that checking a paper does not cost a second whole parse of it.
    for line, content in paragraphs:
        if inline_too_deep(content):
            problems.append((line, f"emphasis and links are nested more than {MAX_INLINE_DEPTH} levels deep"))
    return problems


_BLOCKS = _parser().disable(["inline", "replacements", "smartquotes", "text_join"])
"""The same parser without reading inside paragraphs: the blocks of a text, quickly."""


def inline_too_deep(text: str) -> bool:
    """True when a one-line Markdown text (a remit, a note, a title) nests emphasis and links past the limit.

    Such text in a YAML field is rendered on pages and front sheets; nested
    thousands deep it exhausts the PDF engine's recursion.
    """
    if text.count("*") + text.count("_") + text.count("[") + text.count("~") <= MAX_INLINE_DEPTH:
        return False  # too few markers to nest that deep: skip the parse
    return any(c.level > MAX_INLINE_DEPTH for t in _MD.parseInline(text, {}) for c in t.children or [])

