"""Every class of content error `pack check` reports, each at its file, line and
message, on a copy of tests/projects/minimal with one file changed.

The meeting.yaml texts below are written out in full so that the line numbers
the tests expect can be read off them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from helpers_content import MEETING, check, errors, original, project

from meetingpack import cli
from meetingpack.errors import Diagnostic

MEETING_YAML = "panel/2026-01-12/meeting.yaml"
FOLDER = "panel/2026-01-12"
APPENDIX = "content/panel/2026-01-12/appendix-budget.md"
REPORT = "content/panel/2026-01-12/report-budget.md"


def only(diagnostics: list[Diagnostic]) -> Diagnostic:
    """The one diagnostic expected; fails showing them all if there are more or none."""
    assert len(diagnostics) == 1, "\n".join(map(str, diagnostics))
    return diagnostics[0]


def meeting_errors(tmp_path: Path, text: str, **files: str | bytes) -> list[Diagnostic]:
    """Errors found when the minimal meeting's meeting.yaml is `text`, with `files` added
    to the meeting folder."""
    changes: dict[str, str | bytes | None] = {MEETING_YAML: text}
    changes.update({f"{FOLDER}/{name}": content for name, content in files.items()})
    return errors(project(tmp_path, changes))


def pdf_bytes(pages: int = 1, encryption: pikepdf.Encryption | None = None) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    out = io.BytesIO()
    if encryption is None:
        pdf.save(out)
    else:
        pdf.save(out, encryption=encryption)
    return out.getvalue()


# -------------------------------------------------------- the minimal project


def test_minimal_project_has_no_errors_and_no_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert check(root) == []
    assert cli.main(["check", str(root)]) == 0
    assert capsys.readouterr().err == "pack check: 0 errors, 0 warnings\n"


# ------------------------------------------------------------------ YAML


def test_yaml_syntax_error(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Room 1: Town Hall
        """))
    assert (d.path, d.line, d.column) == (MEETING, 3, 14)
    assert d.message == "YAML syntax: a ':' followed by a space starts a field, and no field can start here"
    assert "put text containing ':' or '#' in quotes" in d.hint


def test_duplicate_key(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        start_time: "11:00"
        """))
    assert (d.path, d.line, d.column) == (MEETING, 4, 1)
    assert d.message == "YAML syntax: the field 'start_time' is given twice (first on line 2)"


def test_duplicate_key_in_front_matter_points_at_the_file_line(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {f"{FOLDER}/appendix-budget.md": """\
        ---
        kind: appendix
        title: Forecast by service
        title: Forecast
        ---

        Text.
        """})))
    assert (d.path, d.line) == (APPENDIX, 4)
    assert "the field 'title' is given twice" in d.message


# ------------------------------------------------------- the content model


def test_unknown_field_with_did_you_mean_hint(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        statsu: held
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line, d.column) == (MEETING, 4, 1)
    assert d.message == "unknown field 'statsu'"
    assert d.hint == "did you mean 'status'?"


def test_unknown_nested_field_names_where_it_is(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_a:
            - title: Budget monitoring
              documens:
                - report-budget.md
        """))
    assert (d.path, d.line, d.column) == (MEETING, 9, 7)
    assert d.message == "unknown field 'documens' in agenda.part_a[1]"
    assert d.hint == "did you mean 'documents'?"


def test_missing_required_field(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line) == (MEETING, 1)
    assert d.message == "missing required field 'venue'"


def test_impossible_date(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-02-30
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line, d.column) == (MEETING, 4, 12)
    assert d.message == ("issued_on: '2026-02-30' is not a valid date "
                         "(day value is outside expected range)")
    assert "YYYY-MM-DD" in d.hint


def test_invalid_time(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "25:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line, d.column) == (MEETING, 2, 13)
    assert d.message == "start_time: '25:00' is not a valid time"


def test_time_written_with_a_full_stop_is_an_error(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: 10.30
        end_time: "12:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line) == (MEETING, 2)
    assert "start_time" in d.message and "not a valid time" in d.message


def test_workplan_time_written_as_a_number_is_an_error(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {"panel/workplan.yaml": """\
        title: Work plan
        municipal_year: 2025/26
        meetings:
          - date: 2026-01-12
            time: 930
        """})))
    assert (d.path, d.line) == ("content/panel/workplan.yaml", 5)
    assert "not a valid time" in d.message


def test_wrong_type_list_where_text_is_expected(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue:
          - Room 1
          - Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.path, d.line, d.column) == (MEETING, 4, 3)
    assert d.message == "venue: Input should be a valid string"


def test_exempt_paragraph_out_of_range(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_b:
            - title: Sale of the old depot
              exempt_paragraph: 9
              documents:
                - report-depot.md
        """))
    assert (d.path, d.line, d.column) == (MEETING, 9, 25)
    assert d.message == "agenda.part_b[1].exempt_paragraph: Input should be less than or equal to 7"


def test_standard_item_with_a_title(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_a:
            - standard: apologies
            - standard: declarations
              title: Declarations of interest
        """))
    assert (d.path, d.line, d.column) == (MEETING, 9, 7)
    assert d.message == ("agenda.part_a[2]: a 'standard' item takes its title from committee.yaml; "
                         "remove 'title' and 'documents'")


def test_item_without_title_or_standard(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_a:
            - note: Budget monitoring
        """))
    assert (d.path, d.line) == (MEETING, 8)
    assert "an agenda item needs a 'title'" in d.message


def test_issued_on_after_the_meeting_date(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-13
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert d.path == MEETING
    assert d.message.startswith("issued_on")
    assert d.message.endswith("must not be after the meeting date")


def test_issued_on_after_the_meeting_date_points_at_issued_on(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-13
        issued_by: {name: Jo Bloggs}
        agenda: {}
        """))
    assert (d.line, d.column) == (4, 12)


WORKPLAN_OUT_OF_ORDER = """\
title: Work plan
municipal_year: 2025/26
meetings:
  - date: 2026-03-09
    time: "10:00"
  - date: 2026-01-12
    time: "10:00"
"""


def test_workplan_meetings_out_of_order(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {"panel/workplan.yaml": WORKPLAN_OUT_OF_ORDER})))
    assert d.path == "content/panel/workplan.yaml"
    assert d.message == "meetings must be listed in date order"


def test_workplan_meetings_out_of_order_points_at_the_meeting(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {"panel/workplan.yaml": WORKPLAN_OUT_OF_ORDER})))
    assert d.line == 6


def test_base_url_without_https(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {"site.yaml": """\
        authority: Testford Borough Council
        site_title: Testford council meetings
        base_url: meetings.testford.example/
        contact:
          name: Democratic Services
        """})))
    assert (d.path, d.line, d.column) == ("content/site.yaml", 3, 11)
    assert d.message == "base_url: must start with https:// (or http://)"


def test_unknown_time_zone(tmp_path: Path) -> None:
    site = original("site.yaml") + "time_zone: Europe/Londn\n"
    d = only(errors(project(tmp_path, {"site.yaml": site})))
    assert (d.path, d.line) == ("content/site.yaml", len(site.splitlines()))
    assert d.message == "time_zone: unknown time zone 'Europe/Londn'; write e.g. 'Europe/London'"


# ---------------------------------------------------------- meeting folders


def test_meeting_date_does_not_match_folder_name(tmp_path: Path) -> None:
    text = original(MEETING_YAML).replace("date: 2026-01-12", "date: 2026-01-19")
    d = only(meeting_errors(tmp_path, text))
    assert (d.path, d.line, d.column) == (MEETING, 1, 7)
    assert d.message == "date 2026-01-19 does not match the folder name '2026-01-12'"


def test_folder_not_named_like_a_date(tmp_path: Path) -> None:
    d = only(errors(project(tmp_path, {"panel/january/meeting.yaml": original(MEETING_YAML)})))
    assert (d.path, d.line) == ("content/panel/january", 0)
    assert d.message == "folder 'january' is not named like a meeting"
    assert "YYYY-MM-DD" in d.hint


# ---------------------------------------------------------- document lists

AGENDA_WITH = """\
date: 2026-01-12
start_time: "10:00"
venue: Town Hall
issued_on: 2026-01-02
issued_by: {{name: Jo Bloggs}}
agenda:
  part_a:
    - title: Budget monitoring
      documents:
        - report-budget.md
        - {document}
"""
"""A meeting whose second document (line 11, column 11) is the one under test."""


def test_missing_document(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(document="apendix-budget.md")))
    assert (d.path, d.line, d.column) == (MEETING, 11, 11)
    assert d.message == "document 'apendix-budget.md' not found"


def test_document_outside_the_content_folder(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(document="../../../etc/passwd")))
    assert (d.path, d.line, d.column) == (MEETING, 11, 11)
    assert d.message == "'../../../etc/passwd' is outside the content folder"


def test_pdf_outside_the_content_folder(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(
        document="{pdf: ../../../etc/passwd, title: Letter, description: A letter.}")))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message == "'../../../etc/passwd' is outside the content folder"


def test_document_that_is_not_markdown(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(document="letter.pdf"),
                            **{"letter.pdf": pdf_bytes()}))
    assert (d.path, d.line, d.column) == (MEETING, 11, 11)
    assert d.message == "'letter.pdf' is not a Markdown (.md) file"
    assert "{pdf: file.pdf" in d.hint


def test_pdf_reference_to_a_markdown_file_is_reported_once(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(
        document="{pdf: appendix-budget.md, title: Forecast, description: A table.}")))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message == "'appendix-budget.md' is not a PDF file"


def test_pdf_appendix_missing_description_is_one_clear_error(tmp_path: Path) -> None:
    text = AGENDA_WITH.format(document="{pdf: letter.pdf, title: Letter}")
    d = only(meeting_errors(tmp_path, text, **{"letter.pdf": pdf_bytes()}))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message == "missing required field 'agenda.part_a[1].documents[2].description'"


def test_same_document_listed_twice(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(document="./report-budget.md")))
    assert (d.path, d.line, d.column) == (MEETING, 11, 11)
    assert d.message == "'./report-budget.md' is already listed under item 1 of part_a"


def test_exempt_report_listed_in_part_a(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, AGENDA_WITH.format(document="report-depot.md")))
    assert (d.path, d.line, d.column) == (MEETING, 11, 11)
    assert d.message == ("'report-depot.md' is exempt: marked exempt in its own front matter (exempt_paragraph: 3) "
                         "(content/panel/2026-01-12/report-depot.md:6), so it cannot be published here")


# ------------------------------------------------------- existing PDFs

WITH_PDF = AGENDA_WITH.format(document="{pdf: letter.pdf, title: Letter, description: A letter.}")


def test_encrypted_pdf_appendix(tmp_path: Path) -> None:
    pdf = pdf_bytes(encryption=pikepdf.Encryption(owner="a", user="b"))
    d = only(meeting_errors(tmp_path, WITH_PDF, **{"letter.pdf": pdf}))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message == ("'letter.pdf': the PDF is encrypted or password-protected; "
                         "ask for an unprotected copy")


def test_corrupt_pdf_appendix(tmp_path: Path) -> None:
    garbage = b"%PDF-1.7\nthis is not really a PDF\n" * 20
    d = only(meeting_errors(tmp_path, WITH_PDF, **{"letter.pdf": garbage}))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message.startswith("'letter.pdf': the PDF is damaged and cannot be read; ")


def test_pdf_appendix_with_no_pages(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, WITH_PDF, **{"letter.pdf": pdf_bytes(pages=0)}))
    assert (d.path, d.line) == (MEETING, 11)
    assert d.message == "'letter.pdf': the PDF has no pages"


def test_valid_pdf_appendix_passes(tmp_path: Path) -> None:
    assert meeting_errors(tmp_path, WITH_PDF, **{"letter.pdf": pdf_bytes(pages=2)}) == []


# ------------------------------------------------------ agenda parts


def test_part_b_item_without_exempt_paragraph(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_b:
            - title: Sale of the old depot
              documents:
                - report-depot.md
        """))
    assert (d.path, d.line, d.column) == (MEETING, 8, 7)
    assert d.message == "Part B item has no 'exempt_paragraph'"
    assert "Schedule 12A" in d.hint


def test_part_a_item_with_exempt_paragraph(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_a:
            - title: Budget monitoring
              exempt_paragraph: 3
              documents:
                - report-budget.md
        """))
    assert (d.path, d.line, d.column) == (MEETING, 9, 25)
    assert d.message == "a Part A (public) item cannot be exempt"


def test_unknown_standard_item_key(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, """\
        date: 2026-01-12
        start_time: "10:00"
        venue: Town Hall
        issued_on: 2026-01-02
        issued_by: {name: Jo Bloggs}
        agenda:
          part_a:
            - standard: apologies
            - standard: declaration
        """))
    assert (d.path, d.line, d.column) == (MEETING, 9, 17)
    assert d.message == "unknown standard item 'declaration'"
    assert d.hint == "committee.yaml defines: apologies, declarations"


# --------------------------------------------------------------- documents


def appendix_errors(tmp_path: Path, text: str, **files: str | bytes) -> list[Diagnostic]:
    """Diagnostics when the minimal meeting's Markdown appendix is `text`."""
    changes: dict[str, str | bytes | None] = {f"{FOLDER}/appendix-budget.md": text}
    changes.update({f"{FOLDER}/{name}": content for name, content in files.items()})
    return check(project(tmp_path, changes))


def test_document_without_front_matter(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        # Forecast by service

        Spending is on budget.
        """))
    assert (d.path, d.line, d.severity) == (APPENDIX, 1, "error")
    assert d.message == "the document has no front matter"


def test_unknown_document_kind(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        ---
        kind: annex
        title: Forecast by service
        ---
        """))
    assert (d.path, d.line, d.column) == (APPENDIX, 2, 7)
    assert d.message == ("kind: document kind must be one of "
                         "report, appendix, minutes, letter, document, decisions")


def test_front_matter_errors_point_at_file_lines(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        ---
        kind: appendix
        title: Forecast by service
        labell: Appendix 1
        ---
        """))
    assert (d.path, d.line, d.column) == (APPENDIX, 4, 1)
    assert d.message == "unknown field 'labell'"
    assert d.hint == "did you mean 'label'?"


def test_image_without_alt_text(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        ---
        kind: appendix
        title: Forecast by service
        ---

        Spending is on budget.

        ![](chart.png)
        """, **{"chart.png": b"\x89PNG\r\n\x1a\n"}))
    assert (d.path, d.line, d.severity) == (APPENDIX, 8, "error")
    assert d.message == "image 'chart.png' has no alternative text"


def test_missing_image_file(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        ---
        kind: appendix
        title: Forecast by service
        ---

        ![Spending by service, quarter 3](chart.png)
        """))
    assert (d.path, d.line, d.severity) == (APPENDIX, 6, "error")
    assert d.message == "image 'chart.png' not found"


def test_image_from_the_web(tmp_path: Path) -> None:
    d = only(appendix_errors(tmp_path, """\
        ---
        kind: appendix
        title: Forecast by service
        ---

        ![A chart](https://example.org/chart.png)
        """))
    assert (d.path, d.line) == (APPENDIX, 6)
    assert d.message == "image 'https://example.org/chart.png' must be a file beside the document"


def test_workplan_appendix_without_workplan_yaml(tmp_path: Path) -> None:
    root = project(tmp_path, {"panel/workplan.yaml": None, f"{FOLDER}/appendix-budget.md": """\
        ---
        kind: appendix
        title: Work plan
        source: workplan
        ---
        """})
    d = only(check(root))
    assert (d.path, d.line, d.column) == (APPENDIX, 4, 9)
    assert d.message == "this appendix shows the work plan, but the committee has no workplan.yaml"
    assert d.hint == "create panel/workplan.yaml"


def test_minutes_without_minute_items(tmp_path: Path) -> None:
    d = only(check(project(tmp_path, {f"{FOLDER}/minutes.md": """\
        ---
        kind: minutes
        attendance:
          present:
            - Councillor Ann Carter (Chair)
        ---

        The meeting was quorate.
        """})))
    assert (d.path, d.line, d.severity) == ("content/panel/2026-01-12/minutes.md", 7, "error")
    assert d.message == "the minutes have no minute items"


# ---------------------------------------------------------------- warnings


def test_warning_when_report_date_differs_from_meeting_date(tmp_path: Path) -> None:
    report = original(f"{FOLDER}/report-budget.md").replace("date: 2026-01-12", "date: 2026-01-19")
    d = only(check(project(tmp_path, {f"{FOLDER}/report-budget.md": report})))
    assert (d.path, d.line, d.column, d.severity) == (REPORT, 4, 7, "warning")
    assert d.message == "report date 2026-01-19 differs from the meeting date 2026-01-12"


def test_warning_when_report_has_no_recommendations_section(tmp_path: Path) -> None:
    report = original(f"{FOLDER}/report-budget.md").replace("## Recommendations", "## Proposals")
    d = only(check(project(tmp_path, {f"{FOLDER}/report-budget.md": report})))
    assert (d.path, d.line, d.severity) == (REPORT, 13, "warning")  # the first line of the body
    assert d.message == "the report has no 'Recommendations' section"
    assert d.hint == "add a '## Recommendations' heading"


# ------------------------------------------------- every problem, at once

SEVERAL_PROBLEMS = """\
date: 2026-01-12
start_time: "10:00"
venue: Town Hall
statsu: held
issued_on: 2026-02-30
issued_by: {name: Jo Bloggs}
agenda:
  part_a:
    - title: Budget monitoring
      documents:
        - report-missing.md
"""


def test_several_problems_in_one_meeting_are_all_reported(tmp_path: Path) -> None:
    found = [(d.line, d.message) for d in meeting_errors(tmp_path, SEVERAL_PROBLEMS)]
    assert found == [
        (4, "unknown field 'statsu'"),
        (5, "issued_on: '2026-02-30' is not a valid date (day value is outside expected range)"),
        (11, "document 'report-missing.md' not found"),
    ]


def test_check_prints_every_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = original("site.yaml").replace("base_url: https://", "base_url: ")
    root = project(tmp_path, {MEETING_YAML: SEVERAL_PROBLEMS, "site.yaml": site})
    monkeypatch.chdir(tmp_path)  # paths are printed relative to the folder pack is run from
    assert cli.main(["check", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line for line in captured.err.splitlines() if ": error: " in line]
    assert lines == [
        f"{MEETING}:4:1: error: unknown field 'statsu'",
        (f"{MEETING}:5:12: error: issued_on: '2026-02-30' is not a valid date "
        "(day value is outside expected range)"),
        f"{MEETING}:11:11: error: document 'report-missing.md' not found",
        "content/site.yaml:5:11: error: base_url: must start with https:// (or http://)",
    ]
    assert "    hint: did you mean 'status'?" in captured.err.splitlines()
    assert captured.err.endswith("pack check: 4 errors, 0 warnings\n")


def test_check_of_a_missing_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", str(tmp_path / "nowhere")]) == 1
    assert "nowhere: error: content folder not found" in capsys.readouterr().err


BUDGET = "panel/2026-01-12/report-budget.md"


def test_link_to_a_local_file_is_a_warning_at_its_line(tmp_path: Path) -> None:
    text = original(BUDGET) + "\nSee [the spreadsheet](budget.xlsx) for detail.\n"
    d = only(check(project(tmp_path, {BUDGET: text})))
    line = text.splitlines().index("See [the spreadsheet](budget.xlsx) for detail.") + 1
    assert (d.severity, d.path, d.line) == ("warning", f"content/{BUDGET}", line)
    assert "budget.xlsx" in d.message and "will not work" in d.message


def test_key_decision_yes_and_no_are_yes_and_no(tmp_path: Path) -> None:
    from meetingpack.errors import Report
    from meetingpack.load import load_document

    root = project(tmp_path, {BUDGET: original(BUDGET).replace("kind: report", "kind: report\nkey_decision: yes")})
    doc = load_document(root / BUDGET, Report(root))
    assert doc is not None and doc.meta.key_decision is True  # type: ignore[union-attr]
    root2 = project(tmp_path / "b", {BUDGET: original(BUDGET).replace("kind: report", "kind: report\nkey_decision: No")})
    doc2 = load_document(root2 / BUDGET, Report(root2))
    assert doc2 is not None and doc2.meta.key_decision is False  # type: ignore[union-attr]


# ------------------------------------------------------ cross references

APPENDIX_FILE = "panel/2026-01-12/appendix-budget.md"
DEPOT = "panel/2026-01-12/report-depot.md"


def _with_link(tmp_path: Path, link: str) -> tuple[list[Diagnostic], int]:
    sentence = f"See {link} for detail."
    text = original(BUDGET) + f"\n{sentence}\n"
    line = text.splitlines().index(sentence) + 1
    return check(project(tmp_path, {BUDGET: text})), line


def test_link_to_another_paper_of_the_meeting_is_a_cross_reference(tmp_path: Path) -> None:
    assert _with_link(tmp_path, "[Appendix 1](appendix-budget.md)")[0] == []


def test_link_to_a_heading_of_another_paper(tmp_path: Path) -> None:
    text = original(APPENDIX_FILE) + "\n## Savings by service\n\nText.\n"
    sentence = "See [the savings](appendix-budget.md#savings-by-service) and [ours](#recommendations)."
    budget = original(BUDGET) + f"\n{sentence}\n"
    assert check(project(tmp_path, {APPENDIX_FILE: text, BUDGET: budget})) == []


def test_link_to_a_missing_heading_lists_the_headings_there_are(tmp_path: Path) -> None:
    diagnostics, line = _with_link(tmp_path, "[Appendix 1](appendix-budget.md#savings)")
    d = only(diagnostics)
    assert (d.severity, d.path, d.line) == ("warning", REPORT, line)
    assert d.message == "link to 'appendix-budget.md#savings': no heading '#savings' in that paper"
    assert "#title" in (d.hint or "")


def test_link_from_a_public_paper_to_an_exempt_one_is_a_warning(tmp_path: Path) -> None:
    d = only(_with_link(tmp_path, "[the depot report](report-depot.md)")[0])
    assert d.severity == "warning" and "an exempt paper" in d.message
    assert "link is left out of the public pack and website" in (d.hint or "")


def test_exempt_paper_may_link_to_a_public_one(tmp_path: Path) -> None:
    text = original(DEPOT) + "\nSee [the budget report](report-budget.md).\n"
    assert check(project(tmp_path, {DEPOT: text})) == []


# ------------------------------------------------------ supplementary papers

SUPPLEMENT = """\
date: 2026-01-12
start_time: "10:00"
venue: Committee Room 1, Town Hall, Testford TF1 1AA
issued_on: 2026-01-02
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - title: Budget monitoring, quarter 3
      published_on: {published}
      documents:
        - report-budget.md
"""


def test_published_on_before_the_agenda_was_issued(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, SUPPLEMENT.format(published="2025-12-30")))
    assert (d.path, d.line, d.column) == (MEETING, 10, 21)
    assert d.message == "published_on 2025-12-30 is before the agenda was issued (2026-01-02)"


def test_published_on_after_the_meeting(tmp_path: Path) -> None:
    d = only(meeting_errors(tmp_path, SUPPLEMENT.format(published="2026-01-13")))
    assert (d.path, d.line) == (MEETING, 10)
    assert d.message == "published_on 2026-01-13 is after the meeting (2026-01-12)"


def test_published_on_between_issue_and_meeting_is_valid(tmp_path: Path) -> None:
    assert meeting_errors(tmp_path, SUPPLEMENT.format(published="2026-01-09")) == []
