"""The Jinja environment shared by the website and the PDF pack.

Templates are looked up first in the content folder's own `templates/` (so a
council can override any of them) and then in the built-in `templates/`.
Autoescaping is on and undefined names are errors, so that bad data is never
quietly rendered as nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that can record every template a render loads (as Lektor's does).

    Inside `recording()`, each template fetched by name is noted: the one
    rendered and every one it extends, includes or imports (Jinja fetches
    those through `get_template` / `select_template` as the render runs, even
    when they are already compiled).  The site-wide tasks (engine/sitewide.py)
    key each task by the templates it read this way, so that a changed or
    overridden template renders again exactly the pages that used it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recorders: list[set[str]] = []
        self._digests: dict[str, str] = {}

    @contextmanager
    def recording(self) -> Iterator[set[str]]:
        """The names of the templates loaded inside the block (nested blocks record into every one open)."""
        loaded: set[str] = set()
        self._recorders.append(loaded)
        try:
            yield loaded
        finally:
            self._recorders.remove(loaded)

    def _note(self, *names: Any) -> None:
        # noted before loading: a template looked for and missing ("include ... ignore missing") is an
        # input too, since an override added later would be used
        for loaded in self._recorders:
            loaded.update(name for name in names if isinstance(name, str))

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
        if self._recorders:
            self._note(self.join_path(name, parent) if parent is not None and isinstance(name, str) else name)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
        if self._recorders:
            listed = list(names) if not isinstance(names, jinja2.Undefined) else []
            self._note(*(self.join_path(n, parent) if parent is not None and isinstance(n, str) else n for n in listed))
            names = listed or names
        return super().select_template(names, parent, globals)

    def template_digest(self, name: str) -> str:
        """A hash of the file a template name resolves to now: which folder it comes from (the content's
        override first, then the built-in one) and its text; '' if there is no such template."""
        if name not in self._digests:
            assert self.loader is not None
            try:
                source, filename, _ = self.loader.get_source(self, name)
            except jinja2.TemplateNotFound:
                self._digests[name] = ""
            else:
                folders: list[str] = self.globals["search_path"]  # type: ignore[assignment]
                origin = next((str(i) for i, folder in enumerate(folders)
                               if filename and Path(filename).is_relative_to(folder)), "?")
                self._digests[name] = hashlib.sha256(f"{origin}\0{source}".encode()).hexdigest()
        return self._digests[name]


def make_environment(content_root: Path) -> RecordingEnvironment:
    """A Jinja environment searching the content's templates, then the built-in ones.

    Templates are compiled in memory, never kept compiled on disk: a file of compiled code in the
    build cache would let whoever can write that folder run code in the build (Jinja's own
    `FileSystemBytecodeCache` reads a pickle, then a code object), while compiling costs a build
    at most a tenth of a second (the site's 19 templates; a meeting's render, 0.05 s of its
    seconds).  See docs/performance.md, "Templates compiled on every build".
    """
    search = [content_root / "templates", builtin_templates()]
    filters = {"long_date": long_date, "clock": clock, "inline": _markdown_inline, "filesize": _filesize,
               "duration": _duration}
    env = RecordingEnvironment(
        loader=_ConfinedLoader([str(p) for p in search if p.is_dir()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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
