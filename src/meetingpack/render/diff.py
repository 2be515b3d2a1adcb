"""What changed between two versions of a paper: their rendered HTML in, a readable diff as HTML out.

The versions are compared as the public reads them, not as Markdown: the
text of each block (heading, paragraph, list item, table row, caption), in
order, so that a corrected figure in a table shows as that row changed, with
the old and new words side by side.  Blocks are matched with difflib; a block
that changed is compared word by word.  Removed words are `<del>` and added
words `<ins>` (struck through and underlined, not only coloured), each with a
text label for screen readers; every changed block says in words whether it
was changed, added or removed.  Long stretches that did not change are
summarised in one line.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup

BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "dt", "dd", "blockquote",
                    "figcaption", "div", "section", "header", "footer", "table", "ul", "ol", "thead", "tbody"})
SKIPPED = frozenset({"para-number", "visually-hidden", "page-marker"})
"""Classes whose text is not compared: paragraph numbers shift when a paragraph is added, and says nothing."""
CONTEXT = 1
"""Unchanged blocks shown before and after each change."""
WORD = re.compile(r"\s+|\d+(?:[.,]\d+)*|\w+|[^\w\s]")
"""Words, figures (12.5, 1,200) and single marks: a corrected figure shows as the old and the new figure."""


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


class _Blocks(HTMLParser):
    """The text of each block of an HTML fragment, in document order; table cells kept apart by ' | '."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._heading = False
        self._skip: list[str] = []
        self._stack: list[bool] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        if text:
            self.blocks.append(Block(self._heading, text))
        self._text = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        skipped = bool(classes & SKIPPED)
        if tag not in ("br", "img", "hr", "input", "meta", "link"):
            self._stack.append(skipped)
        if skipped:
            self._skip.append(tag)
        if tag in BLOCKS:
            self._flush()
            self._heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6", "caption")
        elif tag in ("td", "th") and "".join(self._text).strip():
            self._text.append(" | ")
        elif tag == "br":
            self._text.append(" ")
        elif tag == "img":
            self._text.append(f" [image: {dict(attrs).get('alt') or ''}] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "input", "meta", "link"):
            return
        if self._stack and self._stack.pop():
            self._skip.pop()
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def text_blocks(fragment: str) -> list[Block]:
    """The text of each heading, paragraph, list item, table row and caption of an HTML fragment."""
    parser = _Blocks()
    parser.feed(fragment)
    parser.close()
    return parser.blocks


@dataclass(frozen=True)
class Diff:
    html: Markup
    changed: int
    added: int
    removed: int

    @property
    def summary(self) -> str:
        """'2 parts changed, 1 added' in words, or 'No change to the text'."""
        said = [f"{n} part{'s' if n != 1 else ''} {word}"
                for n, word in ((self.changed, "changed"), (self.added, "added"), (self.removed, "removed")) if n]
        return ", ".join(said) if said else "No change to the text"


_REMOVED = '<del><span class="visually-hidden">[removed: </span>{}<span class="visually-hidden">]</span></del>'
_ADDED = '<ins><span class="visually-hidden">[added: </span>{}<span class="visually-hidden">]</span></ins>'


def _words(old: str, new: str) -> str:
    a, b = WORD.findall(old), WORD.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(_REMOVED.format(html.escape("".join(a[i1:i2]))))
        if j2 > j1:
            out.append(_ADDED.format(html.escape("".join(b[j1:j2]))))
    return "".join(out)


def _block(label: str, kind: str, content: str, heading: bool) -> str:
    tag = "p" if not heading else 'p class="diff-heading"'
    return (f'<div class="diff-block diff-{kind}"><p class="diff-label">{label}</p>'
            f'<{tag}>{content}</p></div>')


def diff_html(old_fragment: str, new_fragment: str) -> Diff:
    """The changes from one version's HTML to the next's, as HTML to put on a page."""
    old, new = text_blocks(old_fragment), text_blocks(new_fragment)
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    out: list[str] = []
    changed = added = removed = 0
    codes = matcher.get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        if op == "equal":
            run = new[j1:j2]
            before = run[:CONTEXT] if n else []
            after = run[-CONTEXT:] if n < len(codes) - 1 else []
            if len(run) <= 2 * CONTEXT and n and n < len(codes) - 1:
                before, after = run, []
            hidden = len(run) - len(before) - len(after)
            out.extend(_block("Unchanged", "same", html.escape(b.text), b.heading) for b in before)
            if hidden > 0:
                out.append(f'<p class="diff-skip">{hidden} unchanged part{"s" if hidden != 1 else ""} '
                           "not shown</p>")
            out.extend(_block("Unchanged", "same", html.escape(b.text), b.heading) for b in after)
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            changed += 1
            out.append(_block("Changed", "changed", _words(old[i1 + k].text, new[j1 + k].text), new[j1 + k].heading))
        for b in old[i1 + pairs:i2]:
            removed += 1
            out.append(_block("Removed", "removed", _REMOVED.format(html.escape(b.text)), b.heading))
        for b in new[j1 + pairs:j2]:
            added += 1
            out.append(_block("Added", "added", _ADDED.format(html.escape(b.text)), b.heading))
    return Diff(Markup("\n".join(out)), changed, added, removed)
