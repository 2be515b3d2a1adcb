"""`pack init` (issue 12, scope 2): a council's content repository that passes `pack check`, builds, binds
the schemas for the editor, ignores the build, and publishes build/site from GitHub and GitLab."""

from __future__ import annotations

import fnmatch
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from meetingpack.cli import main
from meetingpack.commands.check import checked_project
from meetingpack.commands.init import Council, ask_missing, init_repository
from meetingpack.yamlpos import parse_yaml

OPTIONS = ["--name", "Testford Borough Council", "--title", "Testford meetings",
           "--base-url", "https://meetings.testford.example", "--contact", "committees@testford.example",
           "--committee-name", "Resources Scrutiny Panel"]


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository made by `pack init` with every option given (read only: tests that change it copy it)."""
    folder = tmp_path_factory.mktemp("init") / "council"
    assert main(["init", str(folder), *OPTIONS]) == 0
    return folder


def yaml_of(path: Path) -> dict:  # type: ignore[type-arg]
    data, _ = parse_yaml(path.read_text(encoding="utf-8"))
    return data


def test_init_writes_what_a_council_needs(council: Path) -> None:
    files = sorted(str(p.relative_to(council)) for p in council.rglob("*") if p.is_file())
    assert files == sorted([
        ".github/workflows/pack.yml", ".gitignore", ".gitlab-ci.yml", ".vscode/extensions.json",
        ".vscode/settings.json", "README.md", "content/resources-scrutiny/committee.yaml", "content/site.yaml",
        "schemas/committee.schema.json", "schemas/document-front-matter.schema.json",
        "schemas/meeting.schema.json", "schemas/recommendations.schema.json", "schemas/site.schema.json",
        "schemas/workplan.schema.json"])
    checked = checked_project(council / "content")
    assert [str(d) for d in checked.report.diagnostics] == []
    assert checked.project is not None
    site = checked.project.site
    assert (site.authority, site.site_title, site.base_url, site.contact.email) == (
        "Testford Borough Council", "Testford meetings", "https://meetings.testford.example/",
        "committees@testford.example")
    committee = checked.project.committees[0].committee
    assert (committee.name, committee.short_name, committee.noun) == (
        "Resources Scrutiny Panel", "Resources Scrutiny", "Panel")
    readme = (council / "README.md").read_text(encoding="utf-8")
    assert "# Testford Borough Council: committee papers" in readme
    assert "pack new meeting resources-scrutiny 2026-06-16" in readme and "`pack check`" in readme


def test_init_then_new_meeting_and_report_then_build(council: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The officer's first day: init, a meeting, a report, a build - run from the repository's folder."""
    import shutil

    folder = tmp_path / "council"
    shutil.copytree(council, folder)
    monkeypatch.chdir(folder)
    assert main(["new", "meeting", "resources-scrutiny", "2026-06-16"]) == 0
    assert main(["new", "report", "resources-scrutiny", "2026-06-16", "budget", "--title", "Budget 2026/27"]) == 0
    assert main(["check"]) == 0
    assert main(["build", "-q", "-j", "1"]) == 0
    site = folder / "build/site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Testford meetings" in home and "Resources Scrutiny" in home
    assert "committees@testford.example" in home
    page = (site / "resources-scrutiny/2026-06-16/index.html").read_text(encoding="utf-8")
    assert "Resources Scrutiny Panel" in page and "Budget 2026/27" in page and "To be confirmed" in page
    report = (site / "resources-scrutiny/2026-06-16/item-4/report-budget/index.html").read_text(encoding="utf-8")
    assert "Equality implications" in report
    assert "pack check warns" not in report and "[//]" not in report  # the guidance is printed nowhere
    pack = PdfReader(site / "resources-scrutiny/2026-06-16/resources-scrutiny-2026-06-16-pack.pdf")
    text = "\n".join(page.extract_text() or "" for page in pack.pages).lower()  # headings print in capitals
    assert "public document pack" in text and "testford borough council" in text
    assert "apologies for absence" in text and "budget 2026/27 (pages 1 - 2)" in text
    assert "executive summary" in text and "consultation" in text
    assert "pack check warns" not in text and "schedule 12a to the local" not in text
    made = [p.name for p in folder.iterdir() if p.name.startswith(".build")]  # the build's cache and lock
    assert made and (folder / "build/site").is_dir()
    if subprocess.run(["git", "init", "-q", "."], check=False).returncode == 0:
        def ignored(path: str) -> bool:
            return subprocess.run(["git", "check-ignore", "-q", path], check=False).returncode == 0

        assert all(ignored(path) for path in ["build/site/index.html", "build/manifest.json", *made])
        assert not any(ignored(path) for path in ["content/site.yaml", "README.md", ".github/workflows/pack.yml"])


def test_the_editor_binds_each_schema_to_its_files(council: Path) -> None:
    settings = json.loads((council / ".vscode/settings.json").read_text(encoding="utf-8"))
    bound = settings["yaml.schemas"]
    written = {"content/site.yaml": "site", "content/resources-scrutiny/committee.yaml": "committee",
               "content/resources-scrutiny/workplan.yaml": "workplan",
               "content/resources-scrutiny/workplan-2025-26.yaml": "workplan",
               "content/resources-scrutiny/2026-06-16/meeting.yaml": "meeting",
               "content/resources-scrutiny/recommendations.yaml": "recommendations"}
    for path, kind in written.items():  # VS Code's globs: '*' is one folder name
        matched = [schema for schema, glob in bound.items()
                   if fnmatch.fnmatch(path, glob) and path.count("/") == glob.count("/")]
        assert matched == [f"./schemas/{kind}.schema.json"], path
        assert (council / matched[0]).is_file()
    for schema, path in (("site", "content/site.yaml"), ("committee", "content/resources-scrutiny/committee.yaml")):
        jsonschema.validate(yaml_of(council / path),
                            json.loads((council / f"schemas/{schema}.schema.json").read_text(encoding="utf-8")))
    assert json.loads((council / ".vscode/extensions.json").read_text())["recommendations"] == ["redhat.vscode-yaml"]


def test_ci_checks_every_change_and_publishes_build_site(council: Path) -> None:
    github = yaml_of(council / ".github/workflows/pack.yml")
    assert set(github["on"]) >= {"push", "pull_request"}
    check, publish = github["jobs"]["check"], github["jobs"]["publish"]
    assert {"run": "pack check"} in check["steps"]
    assert "pull_request" in publish["if"] and "refs/heads/main" in publish["if"] and publish["needs"] == "check"
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in publish["steps"]]
    assert uses.index("actions/upload-pages-artifact") < uses.index("actions/deploy-pages")
    upload = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "build/site"}  # never build/private
    runs = [step.get("run") for step in publish["steps"]]
    assert runs.index("pack build") < uses.index("actions/upload-pages-artifact")
    assert "meetingpack==0.1.0" in github["env"]["MEETINGPACK"]
    gitlab = yaml_of(council / ".gitlab-ci.yml")
    assert gitlab["check"]["script"] == ["pack check"]
    assert gitlab["pages"]["script"] == ["pack build", "cp -r build/site public"]
    assert gitlab["pages"]["artifacts"] == {"paths": ["public"]}
    assert gitlab["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert any('pip install "$MEETINGPACK"' in line for line in gitlab["before_script"])


def test_init_without_options_uses_defaults_that_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "new"
    (folder / ".git").mkdir(parents=True)  # a fresh clone holds only .git: fine
    assert main(["init", str(folder)]) == 0  # stdin is not a terminal here: nothing is asked
    assert "wrote " in capsys.readouterr().out
    checked = checked_project(folder / "content")
    assert [str(d) for d in checked.report.diagnostics] == []
    assert checked.project is not None
    assert checked.project.site.authority == "Example Borough Council"
    assert checked.project.committees[0].slug == "overview-and-scrutiny"
    assert checked.project.committees[0].committee.name == "Overview and Scrutiny Committee"


def test_init_asks_on_a_terminal_for_what_is_not_given(tmp_path: Path) -> None:
    asked: list[tuple[str, str]] = []
    answers = {"Name of the council": "Aldermoor Council", "Email address of democratic services": ""}

    def ask(question: str, default: str) -> str:
        asked.append((question, default))
        return answers.get(question, default)

    council = ask_missing(Council(base_url="https://a.example/"), {"base_url"}, ask)
    assert [q for q, _ in asked] == ["Name of the council", "Title of the website",  # not the base URL, given
                                     "Email address of democratic services", "Name of the first committee"]
    assert asked[1] == ("Title of the website", "Aldermoor Council: meetings and papers")  # from the answer
    assert council.contact == "democratic.services@example.org"  # a blank answer takes the default
    init_repository(tmp_path / "c", council)
    assert checked_project(tmp_path / "c/content").report.diagnostics == []


def test_init_refuses_a_folder_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["init", str(tmp_path), *OPTIONS]) == 1
    err = capsys.readouterr().err
    assert "is not empty (notes.txt)" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_refuses_what_the_content_model_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "c"), "--base-url", "meetings.testford.example"]) == 1
    assert "pack: error: --base-url: must start with https://" in capsys.readouterr().err
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())
    assert main(["init", str(tmp_path / "d"), "--committee-slug", "Resources"]) == 1
    assert "committee 'Resources' is not a valid name" in capsys.readouterr().err
