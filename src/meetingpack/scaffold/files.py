"""Writing scaffold files: a path and its text in, the file on disk out, never over an existing one.

Also `scalar`, which turns a piece of text into a YAML value that the
content loader reads back as the same text (quoted only when it has to be).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from ..errors import MeetingPackError
from ..yamlpos import YamlError, parse_yaml


class ScaffoldError(MeetingPackError):
    """Raised by `pack init` and `pack new` for a mistake in what was asked: a file that already exists,
    a committee or meeting that is not there, a date that is not a date. Printed in one line, exit 1."""


def shown(path: Path) -> str:
    """A path as the officer typed it or can open it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def refuse_existing(paths: list[Path]) -> None:
    """Stop before writing anything if any of `paths` exists: scaffolds never overwrite an officer's work."""
    for path in paths:
        if path.exists() or path.is_symlink():
            raise ScaffoldError(f"{shown(path)} already exists; nothing was written "
                                "(pack init and pack new never overwrite a file)")


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def write_new(path: Path, text: str) -> Path:
    """Write `text` to a new file: all of it or nothing, and never over a file that appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide the file from the web server's user
        try:
            os.link(temporary, path)  # unlike os.replace, fails if the file exists
        except FileExistsError:
            raise ScaffoldError(f"{shown(path)} already exists; it was not overwritten") from None
    finally:
        os.unlink(temporary)
    return path


def replace_text(path: Path, text: str) -> None:
    """Rewrite an existing file in one step (temporary name, then os.replace): never half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


_PLAIN = re.compile(r"^[A-Za-z0-9(][^#]*$")


def scalar(text: str) -> str:
    """`text` as a one-line YAML value: plain when the loader reads it back unchanged, else double-quoted."""
    text = " ".join(text.split())
    if _PLAIN.match(text) and ": " not in text and not text.endswith(":"):
        try:
            data, _ = parse_yaml(f"v: {text}\n")
        except YamlError:
            data = None
        if isinstance(data, dict) and data.get("v") == text:
            return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def one_line(text: str) -> str:
    """Text for a YAML comment or a one-line value: its lines and runs of spaces joined by single spaces."""
    return " ".join(text.split())


def yaml_field(key: str, text: str, indent: str = "") -> str:
    """`key: text` as YAML lines; text of several lines (an address) is kept as a `|` block."""
    if "\n" not in text.strip():
        return f"{indent}{key}: {scalar(text)}"
    lines = "".join(f"\n{indent}  {line}".rstrip() for line in text.strip().splitlines())
    return f"{indent}{key}: |-{lines}"


def slug_words(slug: str) -> str:
    """'budget-monitoring' -> 'Budget monitoring': a first title for a thing named by its slug."""
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def check_slug(slug: str, what: str) -> str:
    """A folder or file name part: lower-case letters, digits and hyphens (it becomes part of web addresses)."""
    if not SLUG.match(slug) or slug.endswith("-"):
        raise ScaffoldError(f"{what} '{slug}' is not a valid name: use lower-case letters, digits and hyphens, "
                            "e.g. 'children-young-people'")
    return slug
