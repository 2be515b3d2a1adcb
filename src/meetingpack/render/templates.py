"""The Jinja environment shared by the website and the PDF pack.

Templates are looked up first in the content folder's own `templates/` (so a
council can override any of them) and then in the built-in `templates/`.
Autoescaping is on and undefined names are errors, so that bad data is never
quietly rendered as nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..errors import BuildError
from ..resolve import clock, long_date
from .markdown import render_inline

_PACKAGE = Path(__file__).resolve().parent.parent


def builtin_templates() -> Path:
    """The built-in templates: inside the installed package, or at the top of a source checkout."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise BuildError("the built-in templates are missing; reinstall meetingpack")


def _markdown_inline(text: str | None) -> Markup:
    return Markup(render_inline(text or ""))


def _filesize(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _duration(seconds: int) -> str:
    """865 -> '14 min 25 s', 8475 -> '2 h 21 min 15 s': an offset into a recording, in words a reader says."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes or hours else []
    return " ".join(parts + [f"{secs} s"])


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, refusing a template that resolves (after links) outside the folders searched."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise BuildError(f"template '{template}' is a link to a file outside the templates folder ({real})")
        return source, filename, uptodate


def _bytecode_cache(folder: Path, options: dict[str, object]) -> jinja2.BytecodeCache:
    """Jinja's file cache of compiled templates in a subfolder of `folder` named by the options that shape
    the compiled code (Jinja's own key is the template's name and file, its check the hash of its source,
    and its header Jinja's and Python's versions)."""
    shape = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = folder / f"jinja-{shape}"
    path.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(path))


def make_environment(content_root: Path, bytecode: Path | None = None) -> jinja2.Environment:
    """A Jinja environment searching the content's templates, then the built-in ones.

    With `bytecode` (a folder of the build cache), compiled templates are kept there and a template
    is compiled again only when its source changed: compiling every template cost each build about
    0.3 s.  Whoever can write that folder can run code in the build, as with any cache of compiled
    code: keep it where the output is (the build cache is), never in a shared place.
    """
    search = [content_root / "templates", builtin_templates()]
    options: dict[str, Any] = {"autoescape": True, "undefined": jinja2.StrictUndefined, "trim_blocks": True,
                               "lstrip_blocks": True, "keep_trailing_newline": True}
    filters = {"long_date": long_date, "clock": clock, "inline": _markdown_inline, "filesize": _filesize,
               "duration": _duration}
    env = jinja2.Environment(
        loader=_ConfinedLoader([str(p) for p in search if p.is_dir()]),
        bytecode_cache=None if bytecode is None else _bytecode_cache(bytecode, {**options, "filters": sorted(filters)}),
        **options,
    )
    env.filters.update(filters)
    env.globals["search_path"] = [str(p) for p in search]
    return env


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a template by name; a missing template is a BuildError listing the folders searched."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template '{exc.name}' not found; searched: {', '.join(env.globals['search_path'])}") from None
    except jinja2.UndefinedError as exc:
        raise BuildError(f"template '{name}': {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"{exc.filename or name}:{exc.lineno}: template syntax error: {exc.message}") from None
