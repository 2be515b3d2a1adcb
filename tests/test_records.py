"""Minutes as records across meetings: minute numbers through municipal years, resolutions and their
references, follow-ups answered (with links both ways) or overdue (a `pack check` warning).

A variant of the minimal project with three meetings of the panel:
12 January 2026 (held, minutes 1..3), 20 April 2026 (held, minutes 4..5),
18 May 2026 (a new municipal year: minutes start again at 1).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers_content import check, original, project

from meetingpack.commands.build import build_project

MEETING = """\
date: {date}
start_time: "10:00"
venue: Committee Room 1, Town Hall, Testford TF1 1AA
status: {status}
issued_on: {issued}
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - standard: apologies
{items}
"""

JANUARY_MINUTES = """\
---
kind: minutes
attendance:
  present:
    - Councillor Ann Carter (Chair)
    - Councillor Chidi Eze
  apologies:
    - Councillor Dana Ford
declarations:
  - member: Councillor Chidi Eze
    item: 3
    interest: owns a business that bid for the depot
    type: disclosable pecuniary
    action: left the room for the item
---

## Apologies for absence

Apologies were received from Councillor Ford.

## Budget monitoring, quarter 3

The Panel considered the report.

RESOLVED that the Panel:

1. note the forecast;
2. receive a report on the savings programme at its meeting on 20 April 2026;
3. review the depot disposal at the meeting on 20 April 2026.

## Work plan

RESOLVED that the work plan be noted.
"""

APRIL_MINUTES = """\
---
kind: minutes
attendance:
  present:
    - Councillor Ann Carter (Chair)
    - Cllr Dana Ford
  apologies:
    - Councillor Ben Doyle (Vice-Chair)
  substitutes:
    - name: Councillor Ed Grant
      replacing: Councillor Chidi Eze
---

## Apologies for absence

None.

## Savings programme

RESOLVED that the savings programme be noted.
"""

MAY_MINUTES = """\
---
kind: minutes
attendance:
  present:
    - Councillor Ben Doyle (Chair)
---

## Election of the chair

RESOLVED that Councillor Doyle be chair for the year.
"""


RECOMMENDATIONS = """\
recommendations:
  - id: depot-sale
    title: Sell the depot by auction
    made: 2(iii) of 2026-01-12
    to: the Cabinet
    status: implemented
    response:
      date: 2026-04-01
      document: 2026-04-20/report-savings.md
      summary: Accepted; the depot was sold in May.
    review:
      meeting: 2026-05-18
      item: 2
  - id: savings-target
    title: Publish the savings target
    made: 2(ii) of 2026-01-12
    to: the Cabinet
    status: awaiting response
"""


def files(april_items: str) -> dict[str, str | None]:
    january = original("panel/2026-01-12/meeting.yaml").replace("issued_on:", "status: held\nissued_on:")
    return {
        "panel/2026-01-12/meeting.yaml": january,
        "panel/2026-01-12/minutes.md": JANUARY_MINUTES,
        "panel/2026-04-20/meeting.yaml": MEETING.format(date="2026-04-20", status="held", issued="2026-04-10",
                                                        items=april_items),
        "panel/2026-04-20/minutes.md": APRIL_MINUTES,
        "panel/2026-04-20/report-savings.md": (Path(__file__).parent / "projects/minimal/panel/2026-01-12/"
                                               "report-budget.md").read_text().replace("Budget monitoring, quarter 3",
                                                                                        "Savings programme")
                                               .replace("2026-01-12", "2026-04-20"),
        "panel/2026-03-09/meeting.yaml": MEETING.format(date="2026-03-09", status="cancelled", issued="2026-03-01",
                                                        items=""),
        "panel/2026-05-18/meeting.yaml": MEETING.format(date="2026-05-18", status="held", issued="2026-05-08",
                                                        items=""),
        "panel/2026-05-18/minutes.md": MAY_MINUTES,
        "panel/recommendations.yaml": RECOMMENDATIONS,
    }


ANSWERED = """\
    - title: Savings programme
      follows_up: ["2(ii)"]
      documents:
        - report-savings.md"""


def test_a_follow_up_without_an_answering_item_is_an_overdue_warning(tmp_path: Path) -> None:
    root = project(tmp_path, files("    - title: Savings programme\n      documents:\n        - report-savings.md"))
    diagnostics = check(root)
    assert [d.severity for d in diagnostics] == ["warning", "warning"]
    lines = JANUARY_MINUTES.splitlines()
    first, second = diagnostics
    assert first.path == "content/panel/2026-01-12/minutes.md"
    assert first.line == lines.index("2. receive a report on the savings programme at its meeting on 20 April 2026;") + 1
    assert first.message == ("resolution 2(ii) asked for this to come back on Monday 20 April 2026, "
                             "but no item of that meeting follows it up")
    assert 'follows_up: ["2(ii)"]' in (first.hint or "")
    assert second.line == first.line + 1 and "2(iii)" in second.message
    build_project(root, tmp_path / "build", jobs=1)  # a warning does not stop the build
    page = (tmp_path / "build/site/panel/index.html").read_text()
    tracker = page.split("<h2>Action tracker</h2>")[1].split("<h2>")[0]
    assert tracker.count("Overdue") == 2 and "Minute 2(ii) of Monday 12 January 2026" in tracker
    assert "due at the meeting on" in tracker


def test_an_unknown_follow_up_reference_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path, files(ANSWERED.replace('"2(ii)"', '"2(ii)", "7(iv)"')))
    errors = [d for d in check(root) if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].path == "content/panel/2026-04-20/meeting.yaml" and errors[0].line == 12
    assert "follows_up '7(iv)': no earlier resolution" in errors[0].message
    assert "2(ii)" in (errors[0].hint or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("records")
    root = project(tmp, files(ANSWERED.replace('["2(ii)"]', '["2(ii)", "2(iii) of 2026-01-12"]')))
    assert [d for d in check(root) if d.severity == "error"] == []
    build_project(root, tmp / "build", jobs=1)
    return tmp / "build" / "site"


def test_minute_numbers_run_through_the_municipal_year_and_start_again_in_may(site: Path) -> None:
    january = (site / "panel/2026-01-12/minutes/index.html").read_text()
    april = (site / "panel/2026-04-20/minutes/index.html").read_text()
    may = (site / "panel/2026-05-18/minutes/index.html").read_text()
    assert re.findall(r'<span class="minute-number">(\d+)\.</span>', january) == ["1", "2", "3"]
    assert re.findall(r'<span class="minute-number">(\d+)\.</span>', april) == ["4", "5"]
    assert re.findall(r'<span class="minute-number">(\d+)\.</span>', may) == ["1"]


def test_a_resolution_and_the_item_that_answers_it_link_to_each_other(site: Path) -> None:
    item = (site / "panel/2026-04-20/item-3/index.html").read_text()
    back = '<a href="../../../panel/2026-01-12/minutes/index.html#minute-2-ii">Minute 2(ii) of Monday 12 January 2026</a>'
    assert back in item
    minutes = (site / "panel/2026-01-12/minutes/index.html").read_text()
    assert 'id="minute-2-ii"' in minutes
    january = (site / "panel/2026-01-12/index.html").read_text()
    forward = re.search(r'href="minutes/index.html#minute-2-ii">2\(ii\)</a>.*?Came back: '
                        r'<a href="../../panel/2026-04-20/item-3/index.html">Monday 20 April 2026, item 3</a>',
                        january, re.DOTALL)
    assert forward
    register = json.loads((site / "panel/decisions.json").read_text())
    by_key = {(d["meeting"], d["reference"]): d for d in register["decisions"]}
    assert by_key[("2026-01-12", "2(ii)")]["status"] == "answered"
    assert by_key[("2026-01-12", "2(ii)")]["answered_by"][0]["item"] == 3
    assert by_key[("2026-01-12", "2(i)")]["status"] == ""
    assert by_key[("2026-01-12", "3")]["text"] == "RESOLVED that the work plan be noted."
    assert by_key[("2026-05-18", "1")]["minute_title"] == "Election of the chair"
    page = (site / "panel/decisions/index.html").read_text()
    assert page.count("Came back:") == 2 and "Overdue" not in page


def test_the_action_tracker_lists_only_what_is_outstanding(site: Path) -> None:
    page = (site / "panel/index.html").read_text()
    tracker = page.split("<h2>Action tracker</h2>")[1].split("<h2>")[0]
    assert "Nothing the Panel asked to come back is outstanding." in tracker


def test_the_previous_minutes_come_to_the_next_meeting_as_a_draft(site: Path) -> None:
    april = (site / "panel/2026-04-20/index.html").read_text()
    assert re.search(r'<li value="2"[^>]*>\s*<a href="[^"]*item-2/index.html">Minutes of the meeting held on 12 January 2026</a>',
                     april)
    pack = (site / "panel/2026-04-20/panel-2026-04-20-pack.pdf")
    from pypdf import PdfReader
    pages = [p.extract_text() for p in PdfReader(pack).pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    manifest = json.loads((site.parent / "manifest.json").read_text())
    item = next(i for m in manifest["meetings"] if m["meeting"] == "2026-04-20" for i in m["items"] if i["number"] == 2)
    assert item["title"] == "Minutes of the meeting held on 12 January 2026" and item["first_page"] == 1
    assert f"Minutes of the meeting held on 12 January 2026 (Pages 1 - {item['last_page']})" in text
    first = next(i for i, t in enumerate(pages) if re.search(r"\bPage 1\b", t))
    assert re.search(rf"\bPage {item['last_page']}\b", pages[first + item["last_page"] - 1])
    assert "Agenda Item 3." in pages[first + item["last_page"]]  # the next item starts on the next page
    assert "Draft: to be approved at the meeting on Monday 20 April 2026" in text
    assert "Agenda Item 2." in pages[next(i for i, t in enumerate(pages) if re.search(r"\bPage 1\b", t))]
    # on the website, the January minutes now say they were approved (April was held)
    january = (site / "panel/2026-01-12/minutes/index.html").read_text()
    assert "Approved at the meeting on Monday 20 April 2026" in january
    may = (site / "panel/2026-05-18/minutes/index.html").read_text()
    assert "Draft: not yet approved" in may


def test_attendance_counts_only_meetings_that_took_place(site: Path) -> None:
    page = (site / "panel/index.html").read_text()
    tables = [t.split("</table>")[0] for t in page.split('<table class="data attendance">')[1:]]
    assert "in 2026/27 (1 meeting with minutes)" in tables[0]  # the newest year first
    table = tables[1]
    rows = {re.sub(r"<[^>]+>", "", r.split("</th>")[0]).strip(): re.findall(r"<td>([^<]*)</td>", r)
            for r in table.split("<tr>")[2:]}
    # 2025/26: January and April were held and minuted; the cancelled March meeting does not count
    assert "Attendance at meetings held in 2025/26 (2 meetings with minutes)" in table
    assert rows["Councillor Ann Carter (Chair)"] == ["2 of 2", "0", "0", "0"]
    assert rows["Councillor Ben Doyle (Vice-Chair)"] == ["0 of 2", "1", "0", "1"]
    assert rows["Chidi Eze"] == ["1 of 2", "0", "1", "0"]
    assert rows["Dana Ford"] == ["1 of 2", "1", "0", "0"]


def test_declarations_are_in_the_minutes_and_the_register(site: Path) -> None:
    minutes = (site / "panel/2026-01-12/minutes/index.html").read_text()
    assert "Councillor Chidi Eze, agenda item 3: owns a business that bid for the depot " \
           "(disclosable pecuniary interest); left the room for the item." in minutes
    register = (site / "panel/declarations/index.html").read_text()
    assert "<h2>Councillor Chidi Eze</h2>" in register
    assert re.search(r'Monday 12 January 2026</a>, <a href="[^"]*item-3/index.html">item 3: ', register)


def test_a_declaration_on_an_item_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    changes = files(ANSWERED)
    changes["panel/2026-01-12/minutes.md"] = JANUARY_MINUTES.replace("    item: 3", "    item: 9")
    errors = [d for d in check(project(tmp_path, changes)) if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].path == "content/panel/2026-01-12/minutes.md" and errors[0].line == 11
    assert errors[0].message == "declaration: the meeting has no agenda item 9"


def test_a_recommendation_is_followed_from_resolution_through_response_to_review(site: Path) -> None:
    page = (site / "panel/index.html").read_text()
    section = page.split('<h2 id="recommendations">Recommendations</h2>')[1].split("<h2>")[0]
    depot = section.split('id="recommendation-depot-sale"')[1].split("</li>\n  <li")[0]
    assert 'tag-rec-implemented">Implemented</strong>' in depot
    assert '<a href="../panel/2026-01-12/minutes/index.html#minute-2-iii">Monday 12 January 2026 (minute 2(iii))</a>' \
        in depot
    assert '<a href="../panel/2026-04-20/item-3/report-savings/index.html">Savings programme</a>' in depot
    assert "considered at the meeting on" in depot and "Accepted; the depot was sold in May." in depot
    assert 'Implementation reviewed at the meeting on <a href="../panel/2026-05-18/item-2/index.html">' in depot
    register = json.loads((site / "panel/decisions.json").read_text())["recommendations"]
    assert register[0]["made"] == "2026-01-12/2(iii)" and register[0]["status"] == "implemented"
    assert register[0]["review"]["item"] == 2 and register[1]["response"] is None
    savings = section.split('id="recommendation-savings-target"')[1]
    assert "Awaiting response" in savings and "No response yet." in savings


def test_recommendation_problems_are_reported_at_their_lines(tmp_path: Path) -> None:
    changes = files(ANSWERED)
    changes["panel/recommendations.yaml"] = RECOMMENDATIONS.replace("2(iii) of 2026-01-12", "9(i) of 2026-01-12") \
        .replace("status: awaiting response", "status: rejected")
    found = [d for d in check(project(tmp_path, changes)) if d.path.endswith("recommendations.yaml")]
    lines = changes["panel/recommendations.yaml"].splitlines()
    assert [(d.severity, d.line) for d in found] == [
        ("error", lines.index("    made: 9(i) of 2026-01-12") + 1),
        ("warning", lines.index("    status: rejected") + 1)]
    assert found[0].message == "made: no resolution 9(i) in the minutes of 2026-01-12"
    assert found[1].message == "status 'rejected' but no response is recorded"
