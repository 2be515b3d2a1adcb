"""Safe YAML with positions: text in, plain data plus a map of where each value was.

The loader is PyYAML's SafeLoader with two changes that governance officers
need: dates and times stay strings (so that the schema, not the parser, says
"2026-02-30 is not a date" with a line number, and "10:00" is never read as
600 minutes), and a key given twice is an error instead of silently replaced.
Only true/false, null, integers and decimals are recognised; 'yes' and 'no'
stay words.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[int | str, ...]


class _Loader(yaml.SafeLoader):
    line_offset = 0
    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012 (PyYAML API)


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"), list("-+0123456789."))


def _construct_mapping(loader: _Loader, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if not isinstance(key, Hashable):
            raise ConstructorError(None, None, "a field name must be a word, not a list or a mapping",
                                   key_node.start_mark)
        if key in seen:
            first = seen[key].start_mark.line + 1 + loader.line_offset
            raise ConstructorError(
                None, None, f"the field {key!r} is given twice (first on line {first})", key_node.start_mark,
            )
        seen[key] = key_node
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[arg-type]


@dataclass
class Positions:
    """Where each value of a YAML document was: 1-based (line, column) by its path."""

    line_offset: int = 0
    """Added to every line: the line of the file the YAML text starts on, less one."""
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def find(self, loc: Loc, prefer_key: bool = False) -> tuple[int, int]:
        """The position of the deepest value on `loc` that exists in the file.

        Parts of `loc` that the file lacks (a union member's name in a
        validation error, a missing field) are skipped, so the position falls
        back to the nearest enclosing value that the user wrote.
        """
        path: Loc = ()
        for part in loc:
            if path + (part,) in self.values:
                path = path + (part,)
        table = self.keys if prefer_key and path in self.keys else self.values
        line, col = table.get(path, self.values.get((), (1, 1)))
        return line + self.line_offset, col


def _walk(node: Node, path: Loc, pos: Positions) -> None:
    pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                child = path + (key_node.value,)
                pos.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                _walk(value_node, child, pos)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), pos)


class YamlError(Exception):
    """A YAML syntax error, with the 1-based line and column where it was found."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Any, Positions]:
    """Parse one YAML document safely; return its data and the positions of its values.

    Raises YamlError with the position of a syntax error or duplicate key.
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Positions(line_offset)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "the YAML could not be read"
        if problem == "found unexpected end of stream" and exc.context_mark is not None:
            mark, problem = exc.context_mark, "this quoted text is never closed"
            exc.context = None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if exc.context and "while scanning" not in exc.context and "while parsing" not in exc.context:
            problem = f"{exc.context}: {problem}"
        raise YamlError(problem, line + line_offset, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), 1 + line_offset, 1) from None
    finally:
        loader.dispose()
    positions = Positions(line_offset)
    _walk(node, (), positions)
    return data, positions
