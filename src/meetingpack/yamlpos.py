"""Safe YAML with positions: text in, plain data plus a map of where each value was.

The loader is PyYAML's SafeLoader with the changes that governance officers
need: dates and times stay strings (so that the schema, not the parser, says
"2026-02-30 is not a date" with a line number, and "10:00" is never read as
600 minutes), and a key given twice is an error instead of silently replaced.
Only true/false, null, integers and decimals are recognised; 'yes' and 'no'
stay words; tags other than the plain ones (`!!str`, `!!int`...) are refused.

Hostile text ends in a located `YamlError`, in bounded time and memory: control
characters, more than MAX_ALIASES alias uses, an alias inside its own anchor,
more than MAX_VALUES values or MAX_DEPTH levels once aliases are expanded (the
"billion laughs" is a few lines that expand to 9**10 values), a scalar longer
than MAX_SCALAR_CHARS and a number of more than MAX_NUMBER_DIGITS digits.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.error import Mark
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[int | str, ...]

MAX_DEPTH = 50
"""Levels of nesting (the file itself is level 1), counted through aliases; content needs about 6."""
MAX_VALUES = 100_000
"""Values (keys, scalars, lists, mappings) in one file once its aliases are expanded."""
MAX_ALIASES = 1000
"""Uses of aliases (`*name`) in one file."""
MAX_SCALAR_CHARS = 100_000
"""Characters in one value, the same as in one paragraph of a paper."""
MAX_NUMBER_DIGITS = 30
"""Characters in a number; a longer run of digits is a reference and belongs in quotes."""

NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What YAML does not allow in a file (PyYAML refuses it with an unlocated ReaderError)."""
_CONTROL_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
                  0x1B: "escape", 0x7F: "delete"}


def control_character(text: str) -> tuple[int, int, str] | None:
    """The 1-based line and column of the first character YAML (and print) cannot hold, and its name."""
    found = NOT_PRINTABLE.search(text)
    if found is None:
        return None
    pos, code = found.start(), ord(found.group())
    name = f"U+{code:04X}" + (f" {_CONTROL_NAMES[code]}" if code in _CONTROL_NAMES else "")
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos), name


class _Limit(yaml.MarkedYAMLError):
    """A limit of this loader was passed: refused at the mark, with the message as it stands."""

    def __init__(self, problem: str, mark: Mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _Loader(yaml.SafeLoader):
    line_offset = 0
    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012 (PyYAML API)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._aliases = 0
        self._measured: dict[int, tuple[int, int]] = {}
        """id(node) -> (values, levels) of each finished node, once expanded; what an alias adds."""

    def _count(self, values: int, levels: int, mark: Mark) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise _Limit(f"the file has more than {MAX_VALUES:,} values (counting each use of an alias "
                         "as all the values it stands for)", mark)
        if self._depth + levels > MAX_DEPTH:
            raise _Limit(f"the values are nested more than {MAX_DEPTH} levels deep", mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        # Counted while composing, before anything is built: an alias is one line of
        # text that stands for a whole tree, which every later stage would walk.
        event = self.peek_event()
        if self.check_event(AliasEvent):
            node: Node = super().compose_node(parent, index)  # type: ignore[no-untyped-call]
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(f"the file uses more than {MAX_ALIASES} aliases (*name)", event.start_mark)
            if id(node) not in self._measured:
                raise _Limit(f"the alias *{event.anchor} refers to the value it is part of", event.start_mark)
            self._count(*self._measured[id(node)], event.start_mark)
            return node
        if isinstance(event, ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise _Limit(f"this value is more than {MAX_SCALAR_CHARS:,} characters long", event.start_mark)
        self._count(1, 1, event.start_mark)
        self._depth += 1
        node = super().compose_node(parent, index)  # type: ignore[no-untyped-call]
        self._depth -= 1
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        measured = [self._measured[id(child)] for child in children]
        self._measured[id(node)] = (1 + sum(v for v, _ in measured), 1 + max((d for _, d in measured), default=0))
        return node


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


INT = re.compile(r"[-+]?[0-9]+")
FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")


def _number(loader: _Loader, node: ScalarNode, pattern: re.Pattern[str], kind: str) -> str:
    text = str(loader.construct_scalar(node))  # type: ignore[no-untyped-call]
    if not pattern.fullmatch(text):
        raise ConstructorError(None, None, f"{text[:40]!r} is not {kind}", node.start_mark)
    digits = sum(c.isdigit() for c in text)
    if digits > MAX_NUMBER_DIGITS:
        raise ConstructorError(None, None, f"this number has {digits} digits; a number may have at most "
                               f"{MAX_NUMBER_DIGITS}", node.start_mark)
    return text


def _construct_int(loader: _Loader, node: ScalarNode) -> int:
    return int(_number(loader, node, INT, "a whole number written in digits"))


def _construct_float(loader: _Loader, node: ScalarNode) -> float:
    return float(_number(loader, node, FLOAT, "a decimal number written in digits"))


def _construct_bool(loader: _Loader, node: ScalarNode) -> bool:
    text = str(loader.construct_scalar(node))  # type: ignore[no-untyped-call]
    if text.lower() not in ("true", "false"):
        raise ConstructorError(None, None, f"{text[:40]!r} is not true or false", node.start_mark)
    return text.lower() == "true"


def _construct_undefined(loader: _Loader, node: Node) -> Any:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise ConstructorError(None, None, f"the tag '{tag}' is not allowed: write plain values", node.start_mark)


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"), list("-+0123456789."))
# Only the plain types: an explicit !!timestamp, !!binary, !!set, !!omap... is refused where it is written.
_Loader.yaml_constructors = {
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
    "tag:yaml.org,2002:bool": _construct_bool,
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:float": _construct_float,
    "tag:yaml.org,2002:str": yaml.SafeLoader.construct_yaml_str,
    "tag:yaml.org,2002:seq": yaml.SafeLoader.construct_yaml_seq,
    "tag:yaml.org,2002:map": _construct_mapping,
    None: _construct_undefined,
}


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

    def __init__(self, message: str, line: int, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


_PLAIN_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"mapping values are not allowed here"),
     "a ':' followed by a space starts a field, and no field can start here"),
    (re.compile(r"found character '\\t' that cannot start any token"),
     "a tab character: YAML is indented with spaces only"),
    (re.compile(r"found character '(.*)' that cannot start any token"), r"a value cannot start with '\1'"),
    (re.compile(r"found undefined alias '(.*)'"), r"*\1 refers to no anchor '&\1' above it"),
    (re.compile(r"found duplicate anchor '(.*)';.*"), r"the anchor '&\1' is given twice"),
    (re.compile(r"expected a single document in the stream.*"),
     "the file holds more than one YAML document (a '---' line); keep one"),
    (re.compile(r"found unknown escape character '(.*)'"),
     r"'\\\1' is not an escape in double-quoted text; write '\\\\' for a backslash, or use single quotes"),
    (re.compile(r"expected <block end>, but found .*|did not find expected key"),
     "this line is not indented like the lines before it"),
    (re.compile(r"could not find expected ':'"), "expected 'field: value': the ':' is missing"),
    (re.compile(r"expected ',' or '([\]}])', but got '<stream end>'"), r"a list or mapping is never closed with '\1'"),
    (re.compile(r"expected ',' or '([\]}])', but got .*"), r"expected ',' or '\1' here"),
    (re.compile(r"found unexpected end of stream"), "the file ends in the middle of a value"),
]
"""PyYAML's wording -> what an officer can act on."""


def _plain(problem: str) -> str:
    for pattern, words in _PLAIN_WORDS:
        if pattern.fullmatch(problem):
            return pattern.sub(words, problem)
    return problem.replace("<stream end>", "the end of the file")


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Any, Positions]:
    """Parse one YAML document safely; return its data and the positions of its values.

    Raises YamlError with the position of a syntax error, a duplicate key or a
    passed limit.
    """
    bad = control_character(text)
    if bad is not None:
        line, col, name = bad
        raise YamlError(f"a control character ({name}) is in the text; YAML files cannot hold one",
                        line + line_offset, col, "delete it: it often comes with text copied from another program")
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Positions(line_offset)
        data = loader.construct_document(node)
    except _Limit as exc:
        assert exc.problem_mark is not None and exc.problem is not None
        raise YamlError(exc.problem, exc.problem_mark.line + 1 + line_offset, exc.problem_mark.column + 1,
                        "see 'Limits' in docs/authoring.md") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "the YAML could not be read"
        if problem == "found unexpected end of stream" and exc.context_mark is not None:
            mark, problem = exc.context_mark, "this quoted text is never closed"
            exc.context = None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if exc.context and not exc.context.startswith(("while scanning", "while parsing", "while constructing")):
            problem = f"{exc.context}: {problem}"
        problem = _plain(problem)
        hint = ("put it in quotes if it is a reference, not a number"
                if problem.startswith("this number has") else "")
        raise YamlError(problem, line + line_offset, col, hint) from None
    except yaml.YAMLError as exc:  # a ReaderError: found before the text is read, so not expected here
        raise YamlError(f"the YAML could not be read: {exc}", 1 + line_offset, 1) from None
    finally:
        loader.dispose()
    positions = Positions(line_offset)
    _walk(node, (), positions)
    return data, positions
