"""Add an item to the end of Part A of a meeting.yaml: its text in, the same text with the item out.

The officer's meeting.yaml is edited as text, not loaded and dumped again, so
that its comments, quoting, order and blank lines stay exactly as they were.
PyYAML's node marks say where Part A's last item ends; the new item goes on
the lines after it, indented like the items before it.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .files import ScaffoldError


def _value(mapping: Node, key: str) -> tuple[ScalarNode, Node] | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _end(node: Node) -> tuple[int, int]:
    """Where the last character of a node's text is: (line, column) just after it, 0-based.

    A block mapping's or sequence's own end mark lies on the next token, past
    any comments after it, so the ends of the scalars inside are used instead.
    """
    if isinstance(node, ScalarNode):
        return node.end_mark.line, node.end_mark.column
    children: list[Node] = []
    if isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    if node.flow_style or not children:
        return node.end_mark.line, node.end_mark.column
    return max(_end(child) for child in children)


def _indented(lines: list[str], indent: int) -> str:
    return "".join(" " * indent + line + "\n" for line in lines)


def add_agenda_item(text: str, item: list[str], where: str = "meeting.yaml") -> str:
    """`text` with `item` (YAML lines starting '- ', unindented) added as the last item of agenda.part_a."""
    if "\r\n" in text:  # a file saved on Windows keeps its line endings
        return _add(text.replace("\r\n", "\n"), item, where).replace("\n", "\r\n")
    return _add(text, item, where)


def _add(text: str, item: list[str], where: str) -> str:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ScaffoldError(f"{where} cannot be read as YAML ({str(exc).splitlines()[0]}); run pack check") from None
    agenda = _value(root, "agenda") if root is not None else None
    if agenda is None or not isinstance(agenda[1], MappingNode) or agenda[1].flow_style or not agenda[1].value:
        raise ScaffoldError(f"{where}: 'agenda' is missing or not written as 'field: value' lines; "
                            "add the item by hand")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    part_a = _value(agenda[1], "part_a")
    if part_a is None:  # a meeting with Part B only: Part A goes first, as meetingpack numbers it
        first_key = agenda[1].value[0][0]
        at, indent = first_key.start_mark.line, first_key.start_mark.column
        lines.insert(at, " " * indent + "part_a:\n" + _indented(item, indent + 2))
        return "".join(lines)
    key, items = part_a
    if isinstance(items, ScalarNode) and items.value in ("", "~", "null"):  # 'part_a:' with nothing after it
        line = key.start_mark.line
        before = lines[line][: items.start_mark.column] if items.value else lines[line].rstrip("\r\n")
        lines[line] = before.rstrip() + "\n" + _indented(item, key.start_mark.column + 2)
        return "".join(lines)
    if not isinstance(items, SequenceNode):
        raise ScaffoldError(f"{where}: agenda.part_a is not a list; run pack check")
    if items.flow_style:
        if items.value:
            raise ScaffoldError(f"{where}: agenda.part_a is written as [...] on one line; "
                                "add the item by hand")
        start, end = items.start_mark.index, items.end_mark.index  # 'part_a: []'
        return text[:start].rstrip(" ") + "\n" + _indented(item, key.start_mark.column + 2) + \
            text[end:].lstrip(" ").removeprefix("\n")
    dash = items.start_mark.column
    line, column = _end(items.value[-1])
    at = line if column == 0 else line + 1
    lines.insert(at, _indented(item, dash))
    return "".join(lines)
