"""`pack schema`: the JSON Schemas editors use, written by the CLI, in step with the
content model and with the copies committed in docs/schemas/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from helpers_content import MINIMAL

from meetingpack import cli
from meetingpack.commands.schema import schemas
from meetingpack.load import FRONT_MATTER
from meetingpack.yamlpos import parse_yaml

NAMES = ["committee.schema.json", "document-front-matter.schema.json", "meeting.schema.json",
         "recommendations.schema.json",
         "site.schema.json", "workplan.schema.json"]
Schemas = dict[str, dict[str, object]]
COMMITTED = Path(__file__).parent.parent / "docs" / "schemas"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Schemas:
    out = tmp_path_factory.mktemp("schemas")
    assert cli.main(["schema", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == NAMES
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.iterdir()}


def test_schema_command_prints_the_files_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["schema", "--out", str(tmp_path / "s")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert sorted(Path(line).name for line in printed) == NAMES
    assert all(Path(line).parent == tmp_path / "s" for line in printed)


@pytest.mark.parametrize("name", NAMES)
def test_each_schema_is_a_valid_draft_2020_12_schema(written: Schemas, name: str) -> None:
    schema = written[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == name


def test_meeting_schema_describes_the_meeting(written: Schemas) -> None:
    schema = written["meeting.schema.json"]
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert {"date", "start_time", "venue", "agenda", "issued_on", "issued_by", "status"} <= set(
        properties)
    assert schema["required"] == ["date", "start_time", "venue", "issued_on", "issued_by", "agenda"]
    assert schema["additionalProperties"] is False
    assert properties["venue"]["description"] == "Room, building and address."
    item = schema["$defs"]["AgendaItem"]  # type: ignore[index]
    assert item["properties"]["exempt_paragraph"]["anyOf"][0] == {
        "maximum": 7, "minimum": 1, "type": "integer"}


def test_site_committee_and_workplan_schemas(written: Schemas) -> None:
    assert {"authority", "base_url", "contact"} <= set(
        written["site.schema.json"]["properties"])  # type: ignore[arg-type]
    assert {"membership", "standard_items", "governance_officer"} <= set(
        written["committee.schema.json"]["properties"])  # type: ignore[arg-type]
    assert {"title", "municipal_year", "meetings"} <= set(
        written["workplan.schema.json"]["properties"])  # type: ignore[arg-type]


def test_document_schema_chooses_by_kind(written: Schemas) -> None:
    schema = written["document-front-matter.schema.json"]
    assert schema["discriminator"]["propertyName"] == "kind"  # type: ignore[index]
    assert sorted(schema["discriminator"]["mapping"]) == [  # type: ignore[index]
        "appendix", "decisions", "document", "letter", "minutes", "report"]


def test_committed_schemas_match_the_model() -> None:
    assert COMMITTED.is_dir(), "run `make schema` to write docs/schemas"
    committed = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.json")}
    fresh = schemas()
    assert sorted(committed) == sorted(fresh)
    for name, text in fresh.items():
        assert committed[name] == text, f"docs/schemas/{name} is out of date: run `make schema`"


# ------------------------------------------ the schemas accept valid content


def yaml_data(relative: str) -> object:
    text = (MINIMAL / relative).read_text(encoding="utf-8")
    if relative.endswith(".md"):
        match = FRONT_MATTER.match(text)
        assert match is not None
        text = match.group(1)
    return parse_yaml(text)[0]


# 'date' and 'time' as JSON Schema defines them (RFC 3339 full-date and full-time),
# which editors check.  Spelled out here so that the result does not depend on
# which optional format packages jsonschema finds installed.
RFC3339_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
RFC3339_TIME = re.compile(
    r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[+-]([01]\d|2[0-3]):[0-5]\d)$")
FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date")(lambda value: not isinstance(value, str) or bool(RFC3339_DATE.match(value)))
FORMATS.checks("time")(lambda value: not isinstance(value, str) or bool(RFC3339_TIME.match(value)))


def validator(written: Schemas, name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(written[name], format_checker=FORMATS)


def test_format_checks_are_live() -> None:
    assert not FORMATS.conforms("2026-02-3", "date") and FORMATS.conforms("2026-01-12", "date")
    assert FORMATS.conforms("10:00:00Z", "time") and not FORMATS.conforms("10:00", "time")


@pytest.mark.parametrize(("relative", "name"), [
    ("site.yaml", "site.schema.json"),
    ("panel/committee.yaml", "committee.schema.json"),
    ("panel/2026-01-12/report-budget.md", "document-front-matter.schema.json"),
    ("panel/2026-01-12/appendix-budget.md", "document-front-matter.schema.json"),
    ("panel/workplan.yaml", "workplan.schema.json"),
    ("panel/2026-01-12/meeting.yaml", "meeting.schema.json"),
])
def test_valid_content_passes_its_schema(written: Schemas, relative: str, name: str) -> None:
    validator(written, name).validate(yaml_data(relative))


def test_schema_rejects_an_unknown_field(written: Schemas) -> None:
    data = yaml_data("site.yaml")
    assert isinstance(data, dict)
    errors = list(validator(written, "site.schema.json").iter_errors({**data, "site_tittle": "x"}))
    assert [e.message for e in errors] == [
        "Additional properties are not allowed ('site_tittle' was unexpected)"]
