"""Template lookup: a content folder's own templates/ overrides the built-in ones; errors name the paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_content import project

from meetingpack.cli import main
from meetingpack.errors import BuildError
from meetingpack.render.templates import make_environment, render_template


def test_content_templates_override_builtin_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {
        "templates/site/index.html": """\
            {% extends "site/base.html" %}
            {% block title %}Welcome{% endblock %}
            {% block main %}<h1>Testford papers, our own home page</h1>{% endblock %}
            """,
    })
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "-q"]) == 0
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "Testford papers, our own home page" in home
    assert "Skip to main content" in home  # the built-in base template is still used
    meeting = (out / "site" / "panel" / "2026-01-12" / "index.html").read_text(encoding="utf-8")
    assert "Agenda and papers (public document pack)" in meeting


def test_templates_autoescape_content(tmp_path: Path) -> None:
    env = make_environment(tmp_path)
    html = render_template(env, "documents/workplan-table.html", id_prefix="",
                           workplan=type("W", (), {"title": "<script>x</script>", "municipal_year": "2025/26",
                                                    "meetings": [], "other_work": [], "ideas": []})())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_missing_template_names_the_folders_searched(tmp_path: Path) -> None:
    env = make_environment(tmp_path)
    with pytest.raises(BuildError) as caught:
        render_template(env, "site/nowhere.html")
    message = str(caught.value)
    assert "site/nowhere.html" in message and "templates" in message


def test_undefined_name_in_a_template_is_an_error_not_blank(tmp_path: Path) -> None:
    (tmp_path / "templates" / "site").mkdir(parents=True)
    (tmp_path / "templates" / "site" / "broken.html").write_text("{{ no_such_thing }}")
    env = make_environment(tmp_path)
    with pytest.raises(BuildError, match="no_such_thing"):
        render_template(env, "site/broken.html")
