"""Diagnostics for tools: every code is documented, and `pack check --format json` matches its schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from helpers_content import MEETING, original, project

from meetingpack.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "meetingpack"


def documented() -> set[str]:
    table = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.MULTILINE))


def used() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\bcode="([a-z0-9-]+)"', text))
        found |= set(re.findall(r'^\s+code = "([a-z0-9-]+)"', text, flags=re.MULTILINE))
    return found


def test_every_code_in_the_source_is_documented_and_every_documented_code_is_used() -> None:
    assert used() and used() == documented()


def test_every_diagnostic_carries_a_code() -> None:
    """Report.error and Report.warning take the code as a required keyword: no call can leave it out."""
    from meetingpack.errors import Report

    with pytest.raises(TypeError):
        Report(Path(".")).error("x", 1, 1, "message")  # type: ignore[call-arg]


def test_json_diagnostics_follow_their_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meeting = original("panel/2026-01-12/meeting.yaml").replace("issued_on:", "status: helde\nissued_on:")
    report = original("panel/2026-01-12/report-budget.md").replace("date: 2026-01-12", "date: 2026-01-19")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting, "panel/2026-01-12/report-budget.md": report})
    assert main(["check", str(root), "--format", "json"]) == 1
    out = capsys.readouterr()
    data = json.loads(out.out)
    schema = json.loads((ROOT / "docs" / "diagnostics.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    status = next(d for d in data["diagnostics"] if d["code"] == "invalid-choice")
    assert status["file"].endswith(MEETING.removeprefix("content/")) and status["severity"] == "error"
    assert status["line"] > 0 and status["column"] > 0
    assert "'helde'" in status["message"] and status["hint"] == "did you mean 'held'?"
    assert data["errors"] == sum(d["severity"] == "error" for d in data["diagnostics"])
    assert out.err == ""  # the text report is not mixed in


def test_json_output_when_all_is_well(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "tests" / "projects" / "minimal"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["diagnostics"] == [] and (data["errors"], data["warnings"]) == (0, 0)


def test_a_mistyped_status_is_one_error_with_a_suggestion_and_no_cascade(tmp_path: Path) -> None:
    """The meeting.yaml that cannot be read does not make its papers' links look broken."""
    import shutil

    from meetingpack.commands.check import check_project

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    meeting = content / "children-young-people" / "2026-03-02" / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("status: scheduled", "status: sheduled"),
                       encoding="utf-8")
    _, report = check_project(content)
    assert [(d.code, d.severity, d.hint) for d in report.diagnostics] == [
        ("invalid-choice", "error", "did you mean 'scheduled'?")]
