"""How packs print, read back from the laid-out PDFs as lines of text with their positions (issue 13, items 1-2).

Numbering: nested lists print (a) then (i), resolutions print the part numbers
of their references ("36(ii)" is "(ii)" under minute 36), a list typed from
"4." starts at (iv), wrapped minute headings hang under their words, and no
footnote back-link arrow is printed.

Page breaks: a report's background papers, contact officer and sign-off stay
together on the page of the report's last lines; a letter's closing and
signature stay with its text; no table row alone on a page, and a table's
heading row printed again on the next page; no heading, caption or "RESOLVED
that" last on a page.  Checked on the bundled example's packs and on a
generated set of reports and letters (tests/projects/print-layout plus papers
of growing length, so that their ends and tables fall at every height of a
page).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, Built
from pypdf import PdfReader

SCENARIO = Path(__file__).parent / "projects" / "print-layout"
BODY_SIZE = 15.33
"""11.5pt body text, in the PDF's px units (WeasyPrint writes 1px = 0.75pt)."""
MARGIN_TOP, MARGIN_BOTTOM = 56.7, 62.4
"""The pack's page margins (20mm, 22mm) in points: what lies outside is page furniture (stamps, "Page N")."""


@dataclass
class Line:
    """One printed line: the text of its runs left to right, where it starts, how big and whether bold."""

    page: int
    x: float
    y: float
    text: str
    size: float
    bold: bool

    @property
    def heading(self) -> bool:
        return self.bold and self.size > BODY_SIZE + 0.5


def page_lines(reader: PdfReader, index: int) -> list[Line]:
    """The lines of the body of one page (inside the margins), top to bottom."""
    page = reader.pages[index]
    height = float(page.mediabox.height)
    runs: list[tuple[float, float, str, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str((font or {}).get("/BaseFont", ""))
            runs.append((x, y, text, size, "Bold" in name or "Semibold" in name))

    page.extract_text(visitor_text=visit)
    runs = [r for r in runs if MARGIN_BOTTOM - 2 < r[1] < height - MARGIN_TOP + 2]
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (-r[1], r[0])):
        x, y, text, size, bold = run
        if lines and abs(lines[-1].y - y) < 2.5:  # a superscript footnote mark sits a little higher
            last = lines[-1]
            last.text = (last.text.rstrip() + " " + text.strip()).strip()
            last.size, last.bold = max(last.size, size), last.bold or bold
        else:
            lines.append(Line(index, x, y, text.strip(), size, bold))
    return lines


def all_lines(reader: PdfReader) -> list[list[Line]]:
    return [page_lines(reader, i) for i in range(len(reader.pages))]


def pack_pages(built_out: Path, entry: dict[str, Any]) -> list[list[Line]]:
    """The numbered pages of a pack (the front sheet left out)."""
    return _pdf_lines(str(built_out / entry["file"]))[entry["front_sheet_pages"]:]


@functools.lru_cache(maxsize=16)
def _pdf_lines(path: str) -> list[list[Line]]:
    """Every page's lines, read once per test run (reading positions is the slow part of these tests)."""
    return all_lines(PdfReader(path))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------ the scenario and the generated reports

WORDS = ["the", "council", "will", "review", "the", "scheme", "with", "tenants", "and", "parish", "councils",
         "before", "the", "budget", "is", "set", "and", "report", "progress", "to", "members", "each", "quarter"]
REPORTS = 20


def filler(n: int, k: int) -> str:
    """A one-line paragraph of about a dozen words (the words vary so that lines break differently)."""
    return " ".join(WORDS[(n * 3 + k + i) % len(WORDS)] for i in range(12)).capitalize() + "."


def generated_report(k: int) -> str:
    """Report k: k more one-line paragraphs than report k-1, then a table of 2 to 6 rows, so that its
    headings, table and end fall at a different height of the page in every report."""
    rows = "\n".join(f"| T{k}.{r} | {filler(r, k)} | {'Green' if r % 2 else 'Amber'} |" for r in range(1, 2 + k % 5 + 1))
    body = "\n\n".join(filler(n, k) for n in range(k))
    return f"""---
kind: report
title: Generated report {k}
date: 2026-01-20
addressee: Report of the Head of Housing to the Communities and Place Scrutiny Committee
contact_officer:
  name: Officer Number{k}
  title: Housing Strategy Manager
  phone: 01632 961{k:03d}
  email: officer{k}@fenmarsh.example
director:
  name: Director Number{k}
  title: Strategic Director of Place
background_papers:
  - Housing strategy 2024-2029
  - "Allocations policy consultation, report {k}"
---

## Executive summary

{filler(0, k)}

## Recommendations

The Committee is asked to note the progress set out in the table.

## Background

{body}

## Progress

Table: Progress of the actions in report {k}

| Ref | Action | Status |
|---|---|---|
{rows}

## Consultation

{filler(99, k)}
"""


LETTERS = 10


def generated_letter(k: int) -> str:
    """Letter k: one paragraph more than letter k-1, so that its closing falls at every height of a page."""
    body = "\n\n".join(filler(n, k) for n in range(17 + k))
    return f"""---
kind: letter
title: Generated letter {k}
date: 2026-01-12
sender:
  name: Sender Number{k}
  title: Chair, Fenmarsh Tenants' Forum
  address: |
    The Old School
    Fenmarsh
    FM2 4CD
recipient:
  name: Councillor Morwenna Tregothnan
  title: Chair, Communities and Place Scrutiny Committee
salutation: Dear Chair
closing: Yours sincerely
---

{body}
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The print-layout project with REPORTS generated reports and LETTERS generated letters on the January
    agenda, built once."""
    from meetingpack.commands.build import build_project

    root = tmp_path_factory.mktemp("print-layout")
    content = root / "content"
    shutil.copytree(SCENARIO, content)
    meeting = content / "communities" / "2026-01-20"
    agenda = [(meeting / "meeting.yaml").read_text(encoding="utf-8").rstrip("\n")]
    for k in range(REPORTS):
        (meeting / f"report-generated-{k}.md").write_text(generated_report(k), encoding="utf-8")
        agenda.append(f"    - title: Generated report {k}\n      documents:\n        - report-generated-{k}.md")
    for k in range(LETTERS):
        (meeting / f"letter-generated-{k}.md").write_text(generated_letter(k), encoding="utf-8")
        agenda.append(f"    - title: Generated letter {k}\n      documents:\n        - letter-generated-{k}.md")
    (meeting / "meeting.yaml").write_text("\n".join(agenda) + "\n", encoding="utf-8")
    out = root / "build"
    build_project(content, out, jobs=1)
    return out


def scenario_pack(out: Path) -> list[list[Line]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    meeting = next(m for m in manifest["meetings"] if m["meeting"].endswith("2026-01-20"))
    return pack_pages(out, next(p for p in meeting["packs"] if p["kind"] == "agenda"))


def example_packs(built: Built) -> list[list[list[Line]]]:
    return [pack_pages(built.out, pack) for meeting in built.manifest["meetings"] for pack in meeting["packs"]]


# ------------------------------------------------------------------ numbering


def test_nested_lists_and_resolutions_print_their_numbers(scenario: Path) -> None:
    texts = [line.text for page in scenario_pack(scenario) for line in page]
    for expected in ("1. the banding of applicants:", "(a) with a local connection;",
                     "(b) leaving the armed forces:", "(i) serving members;", "(ii) bereaved spouses;",
                     "2. the length of the consultation."):
        assert expected in texts
    # the resolutions carry the part numbers of their references: 113(ii), and 114(iv) for a list typed from 4.
    start = texts.index(next(t for t in texts if t.startswith("113.")))
    middle = texts.index("114. PARISH LIAISON")
    assert "(i) welcome the draft policy;" in texts[start:middle]
    assert any(t.startswith("(ii) ask the Head of Housing") for t in texts[start:middle])
    assert any(t.startswith("(iii) recommend to Cabinet") for t in texts[start:middle])
    assert "(iv) the parish liaison protocol be noted;" in texts[middle:]
    assert "(v) the Committee’s comments be sent to the parish councils." in texts[middle:]


def test_resolution_typed_from_4_is_referenced_from_iv(scenario: Path) -> None:
    page = (scenario / "site" / "communities" / "2025-11-04" / "index.html").read_text(encoding="utf-8")
    assert "#minute-114-iv\">114(iv)</a>" in page and "#minute-114-v\">114(v)</a>" in page
    assert "114(i)" not in page


def test_example_minutes_print_resolution_36_ii_under_minute_36(built: Built) -> None:
    entry = built.pack_entry("2026-03-02")
    minutes = next(doc for doc in entry["documents"] if doc["id"].endswith("-minutes"))
    pages = pack_pages(built.out, entry)[minutes["first_page"] - entry["first_page"]:
                                         minutes["last_page"] - entry["first_page"] + 1]
    texts = [line.text for page in pages for line in page]
    start = texts.index(next(t for t in texts if t.startswith("36.")))
    end = texts.index(next(t for t in texts if t.startswith("37.")))
    assert any(t.startswith("(ii) receive a report on fostering recruitment") for t in texts[start:end])
    assert not any(re.match(r"\d+\. (note|receive|ask)", t) for t in texts)


def test_example_report_letters_its_inner_list(built: Built) -> None:
    texts = [line.text for page in pack_pages(built.out, built.pack_entry("2026-03-02")) for line in page]
    assert any(t.startswith("(a) the two actions rated red") for t in texts)
    assert any(t.startswith("(b) the revised timescale for the joint protocol") for t in texts)


def test_wrapped_minute_heading_hangs_under_its_words(scenario: Path) -> None:
    lines = [line for page in scenario_pack(scenario) for line in page]
    first = next(k for k, line in enumerate(lines) if line.text.startswith("113. HOUSING ALLOCATIONS"))
    heading = lines[first:first + 3]
    assert heading[2].text.endswith("ARMED FORCES HOUSEHOLDS")
    number_x = heading[0].x
    words_x = next(x for x in _run_xs(scenario, "HOUSING ALLOCATIONS"))
    assert words_x > number_x + 15
    for wrapped in heading[1:]:
        assert abs(wrapped.x - words_x) < 1, (wrapped.text, wrapped.x, words_x)


def _run_xs(out: Path, text: str) -> list[float]:
    """The x position of every run of the January pack that begins with `text` (after spaces)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    meeting = next(m for m in manifest["meetings"] if m["meeting"].endswith("2026-01-20"))
    reader = PdfReader(out / next(p for p in meeting["packs"] if p["kind"] == "agenda")["file"])
    found: list[float] = []
    for page in reader.pages:
        page.extract_text(visitor_text=lambda t, cm, tm, f, s: found.append(tm[4] * cm[0] + cm[4])
                          if t.strip().startswith(text) else None)
    return found


def test_no_footnote_back_link_arrows_in_print(scenario: Path, built: Built) -> None:
    scenario_text = " ".join(line.text for page in scenario_pack(scenario) for line in page)
    assert "The consultation ran from 1 September" in scenario_text  # the footnote itself is printed
    assert "\u21a9" not in scenario_text
    for pack in example_packs(built):
        text = " ".join(line.text for page in pack for line in page)
        assert "\u21a9" not in text


# ------------------------------------------------------------------ page breaks


def contact_page_problems(pages: list[list[Line]]) -> list[str]:
    """Where a report's end does not print as one block after the report's last lines."""
    problems: list[str] = []
    for lines in pages:
        texts = [line.text for line in lines]
        if "CONTACT OFFICER AND REPORT AUTHOR" not in texts:
            continue
        contact = texts.index("CONTACT OFFICER AND REPORT AUTHOR")
        papers = max((k for k, t in enumerate(texts[:contact]) if t == "BACKGROUND PAPERS"), default=None)
        where = f"page {lines[0].page}: {flat(' / '.join(texts[:3]))[:80]}"
        if papers is None:
            problems.append(f"{where}: background papers not on the contact officer's page")
        elif papers == 0:
            problems.append(f"{where}: the report's end is alone on its page")
        if not any(line.bold and not line.heading for line in lines[contact + 1:]):  # the director's name
            problems.append(f"{where}: the sign-off is not on the contact officer's page")
    return problems


def closing_page_problems(pages: list[list[Line]], closing: str = "Yours sincerely") -> list[str]:
    """Where a letter's closing and signature are not printed together after some of its text."""
    problems = []
    for lines in pages:
        texts = [line.text for line in lines]
        if closing in texts:
            at = texts.index(closing)
            if at == 0:
                problems.append(f"page {lines[0].page}: the closing is the first line of its page")
            if not any(line.bold for line in lines[at + 1:]):  # the sender's name
                problems.append(f"page {lines[0].page}: the signature is not on the closing's page")
    return problems


def lone_row_problems(pages: list[list[Line]], pattern: str) -> list[str]:
    """Pages that print exactly one row of a table of several rows (rows named by their first cell)."""
    rows: dict[str, list[int]] = {}
    for lines in pages:
        for line in lines:
            match = re.match(pattern, line.text)
            if match:
                rows.setdefault(match.group(1), []).append(line.page)
    problems = []
    for table, on_pages in rows.items():
        for page in set(on_pages):
            if on_pages.count(page) == 1 and len(on_pages) > 1:
                problems.append(f"table {table}: one row alone on page {page}")
    return problems


def captions(folder: Path) -> set[str]:
    """The table captions written in the Markdown papers of a content folder ('Table: ...')."""
    return {m.group(1).strip() for path in folder.rglob("*.md")
            for m in re.finditer(r"^Table:(.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)}


def heading_at_foot_problems(pages: list[list[Line]], table_captions: set[str]) -> list[str]:
    """Pages whose last line is a heading, a table's caption or the words introducing a resolution."""
    problems = []
    for lines in pages:
        last = lines[-1] if lines else None
        if last is None or not last.bold:
            continue
        if (last.heading or last.text.startswith("RESOLVED")
                or any(flat(c.replace("'", "’")).startswith(last.text) for c in table_captions)):
            problems.append(f"page {last.page}: ends with {last.text!r}")
    return problems


def test_generated_reports_keep_their_ends_together(scenario: Path) -> None:
    pages = scenario_pack(scenario)
    ends = [page for page in pages if any(line.text == "CONTACT OFFICER AND REPORT AUTHOR" for line in page)]
    assert len(ends) == REPORTS + 1  # every report's end was found
    # the reports' ends fall at every height: some reports fill their first page, others run on
    assert len({len(page) for page in ends}) > 5
    assert contact_page_problems(pages) == []


def test_generated_letters_keep_closing_and_signature_with_their_text(scenario: Path) -> None:
    pages = scenario_pack(scenario)
    closings = [page for page in pages if any(line.text == "Yours sincerely" for line in page)]
    assert len(closings) == LETTERS
    assert len({len(page) for page in closings}) > 3  # the closings fall at different heights
    assert closing_page_problems(pages) == []


def test_generated_reports_leave_no_table_row_alone(scenario: Path) -> None:
    pages = scenario_pack(scenario)
    tables = {line.text.split(".")[0] for page in pages for line in page if re.match(r"T\d+\.\d+ ", line.text)}
    assert len(tables) == REPORTS
    split = [t for t in tables if len({line.page for page in pages for line in page
                                       if line.text.startswith(t + ".")}) > 1]
    assert split, "no generated table crosses a page: the set does not test table breaks"
    assert lone_row_problems(pages, r"(T\d+)\.\d+ ") == []
    for table in split:  # the heading row is printed again above the rows carried to the next page
        later = [page for page in pages if page and page[0].text.startswith(table + ".")
                 or any(line.text.startswith(table + ".") for line in page[1:2])]
        assert later and all(page[0].text == "Ref Action Status" for page in later), table


def test_generated_reports_end_no_page_with_a_heading(scenario: Path) -> None:
    pages = scenario_pack(scenario)
    assert sum(line.heading for page in pages for line in page) > REPORTS * 5  # headings are recognised
    assert heading_at_foot_problems(pages, captions(SCENARIO) | {f"Progress of the actions in report {k}"
                                                                  for k in range(REPORTS)}) == []


def test_example_packs_keep_report_ends_rows_and_headings_together(built: Built) -> None:
    refs = {m.group(1) for m in re.finditer(r"^\| (\d\.\d) \|", (EXAMPLE / "children-young-people" / "2026-03-02" /
                                                                     "appendix-exploitation-action-plan.md")
                                           .read_text(encoding="utf-8"), re.MULTILINE)}
    assert len(refs) > 10
    pdf_stems = tuple("-" + path.stem for path in EXAMPLE.rglob("*.pdf"))
    left_out = 0
    for meeting in built.manifest["meetings"]:
        for pack in meeting["packs"]:
            pdf_ranges = [(doc["first_page"], doc["last_page"]) for doc in pack["documents"]
                          if doc["id"].endswith(pdf_stems)]
            pages = [page for page in pack_pages(built.out, pack) if page]
            # an existing PDF appendix (the Ofsted letter) prints as it came: only the pack's own layout is checked
            ours = [page for page in pages if not any(
                first <= pack["first_page"] + page[0].page - pack["front_sheet_pages"] <= last
                for first, last in pdf_ranges)]
            left_out += len(pages) - len(ours)
            assert closing_page_problems(ours) == []
    assert left_out >= 3
    for pages in example_packs(built):
        assert contact_page_problems(pages) == []
        assert heading_at_foot_problems(pages, captions(EXAMPLE)) == []
        action_rows = [[line for line in page if line.text.split(" ")[0] in refs] for page in pages]
        on_pages = [len(rows) for rows in action_rows if rows]
        assert 1 not in on_pages[1:], on_pages  # no page of the action plan holds one row only
