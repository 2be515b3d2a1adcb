"""`pack init [DIR]`: a new content repository for a council, ready for `pack check` and `pack build`.

Takes the folder (empty, or holding only `.git`) and the council's details;
writes `content/site.yaml`, one committee, `.gitignore`, a README for officers,
VS Code settings binding the JSON Schemas (written into `schemas/`) to the
YAML files, and CI workflows for GitHub and GitLab that check every change
and publish `build/site`. Returns the files written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .. import __version__, model
from ..scaffold.files import ScaffoldError, check_slug, scalar, shown, write_new
from ..yamlpos import parse_yaml
from .schema import SCHEMAS, schemas

Ask = Callable[[str, str], str]
"""Asks the officer a question with a default answer; returns the answer (the default if left blank)."""

DEFAULT_COMMITTEE = "Overview and Scrutiny Committee"


@dataclass
class Council:
    """What `pack init` needs to know about the council (options, answers, or defaults)."""

    name: str = "Example Borough Council"
    title: str = ""
    """Website title; defaults to '<name>: meetings and papers'."""
    base_url: str = "https://meetings.example.org/"
    contact: str = "democratic.services@example.org"
    committee_name: str = DEFAULT_COMMITTEE
    committee_slug: str = ""
    """Defaults to the committee's name in lower case joined by hyphens."""


def ask_missing(council: Council, given: set[str], ask: Ask) -> Council:
    """Ask for each detail not given as an option, offering the current value as the default."""
    questions = [("name", "Name of the council"), ("title", "Title of the website"),
                 ("base_url", "Address the website will be published at"),
                 ("contact", "Email address of democratic services"),
                 ("committee_name", "Name of the first committee")]
    for field, question in questions:
        if field in given:
            continue
        default = getattr(council, field) or (f"{council.name}: meetings and papers" if field == "title" else "")
        answer = ask(question, default).strip()
        setattr(council, field, answer or default)
    return council


def committee_slug(name: str) -> str:
    """'Overview and Scrutiny Committee' -> 'overview-and-scrutiny' (the folder, part of web addresses)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in name.lower()).split()]
    if len(words) > 1 and words[-1] in ("committee", "panel", "board", "sub"):
        words = words[:-1]
    return "-".join(words) or "committee"


def short_name(name: str) -> str:
    """'Overview and Scrutiny Committee' -> 'Overview and Scrutiny' (navigation)."""
    for ending in (" Committee", " Panel", " Board"):
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


def site_yaml(council: Council) -> str:
    base_url = council.base_url if council.base_url.endswith("/") else council.base_url + "/"
    title = council.title or f"{council.name}: meetings and papers"
    return f"""\
# The council and its website (docs/authoring.md in meetingpack, section 4.2).
authority: {scalar(council.name)}
site_title: {scalar(title)}
# The address the website is published at: used in calendar feeds, the news feed and the sitemap.
base_url: {scalar(base_url)}
# Printed in the footer of every web page.
contact:
  name: Democratic Services
  email: {scalar(council.contact)}
  # phone: 01632 960000
  # address: |
  #   Town Hall
  #   High Street
time_zone: Europe/London
# colours:
#   primary: "#1d4f91"
#   accent: "#ffdd00"
# transport_note: How to get to the meeting venue, printed on every agenda front sheet.
# wards:
#   - Central
"""


def committee_yaml(name: str, governance_officer: str, email: str | None) -> str:
    """A new committee's committee.yaml: valid as written, with what the officer must fill in marked."""
    noun = "Panel" if "panel" in name.lower() else "Committee"
    email_line = f"\n  email: {scalar(email)}" if email else ""
    return f"""\
# A committee (docs/authoring.md in meetingpack, section 4.3).
# Replace what is "to be confirmed" before the first agenda is published.
name: {scalar(name)}
short_name: {scalar(short_name(name))}
remit: >-
  The {noun} scrutinises the decisions and performance of the council's
  executive and its partners, and makes recommendations to them.
membership:
  chair: To be confirmed
  # vice_chair: Councillor ...
  # The other councillors, without "Councillor": it is printed once before them.
  councillors: []
  # co_optees:
  #   - name: Mr ...
  #     role: Parent governor representative
# Printed on every agenda front sheet: the officer to contact about the meetings.
governance_officer:
  name: {scalar(governance_officer)}{email_line}
# Procedural items an agenda includes by key ('- standard: apologies'). The minutes of the last
# meeting are added after 'declarations' by meetingpack itself.
standard_items:
  - key: apologies
    title: Apologies for absence
  - key: declarations
    title: Declarations of interest
    note: Members are asked to declare any interests in the items on this agenda.
  - key: exclusion
    title: Exclusion of the press and public
    note: >-
      To consider whether the press and public should be excluded from the
      meeting for any item of exempt business in Part B of this agenda.
# Minute numbers run on through the municipal year (May to April) and start at 1,
# unless given here by the year it starts in, e.g. 2026: 31
# first_minute_numbers:
#   2026: 1
"""


GITIGNORE = """\
# Made by pack build: the website and packs, and the build's cache, lock and staging folders.
/build/
/.build.*
# Made by pack serve: the preview and its cache.
/.preview/
"""


def vscode_settings() -> str:
    """Binds each schema in schemas/ to the YAML files it describes (the Red Hat YAML extension)."""
    targets = {
        "site.schema.json": "content/site.yaml",
        "committee.schema.json": "content/*/committee.yaml",
        "workplan.schema.json": "content/*/workplan*.yaml",
        "meeting.schema.json": "content/*/*/meeting.yaml",
        "recommendations.schema.json": "content/*/recommendations.yaml",
    }
    bound = {f"./schemas/{name}": glob for name, glob in targets.items() if name in SCHEMAS}
    return json.dumps({"yaml.schemas": bound, "files.insertFinalNewline": True,
                       "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2}}, indent=2) + "\n"


def _template(name: str, values: dict[str, str]) -> str:
    text = resources.files("meetingpack.scaffold").joinpath("repository", name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def repository_files(council: Council) -> dict[str, str]:
    """Every file of the new repository, by its path in it, with its text."""
    slug = check_slug(council.committee_slug or committee_slug(council.committee_name), "committee")
    values = {"AUTHORITY": council.name, "COMMITTEE": slug, "VERSION": __version__}
    files = {
        "content/site.yaml": site_yaml(council),
        f"content/{slug}/committee.yaml": committee_yaml(council.committee_name, "Democratic Services",
                                                         council.contact),
        ".gitignore": GITIGNORE,
        "README.md": _template("README.md", values),
        ".vscode/settings.json": vscode_settings(),
        ".vscode/extensions.json": json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n",
        ".github/workflows/pack.yml": _template("github/pack.yml", values),
        ".gitlab-ci.yml": _template("gitlab-ci.yml", values),
    }
    files.update({f"schemas/{name}": text for name, text in schemas().items()})
    return files


def _validate(files: dict[str, str], council: Council) -> None:
    """Refuse answers the content model would refuse (a base URL without https://...) before writing."""
    options = {"authority": "--name", "site_title": "--title", "base_url": "--base-url", "contact": "--contact",
               "name": "--committee-name", "short_name": "--committee-name"}
    for path, record in (("content/site.yaml", model.Site), (next(p for p in files if p.endswith("committee.yaml")),
                                                              model.Committee)):
        data, _ = parse_yaml(files[path])
        try:
            record.model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            field = str(err["loc"][0]) if err["loc"] else ""
            message = err["msg"].removeprefix("Value error, ")
            raise ScaffoldError(f"{options.get(field, field)}: {message}; nothing was written") from None


def init_repository(folder: Path, council: Council) -> list[Path]:
    """Write a new content repository into `folder`, which must be empty (or hold only `.git`)."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{shown(folder)} is a file, not a folder")
    if folder.is_dir():
        present = sorted(p.name for p in folder.iterdir() if p.name != ".git")
        if present:
            listed = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise ScaffoldError(f"{shown(folder)} is not empty ({listed}); pack init starts a repository in an "
                                "empty folder (or one holding only .git) and never overwrites files")
    files = repository_files(council)
    _validate(files, council)
    return [write_new(folder / path, text) for path, text in files.items()]
