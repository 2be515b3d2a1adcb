"""Revised papers (issue 13, item 8), on a scenario of another authority: tests/projects/revisions.

Caerwen's Governance and Audit Committee: a treasury report corrected two days after the agenda was
issued (the agenda pack carries the revised version), an internal audit report replaced by a
supplement that also adds an appendix, and an exempt report revised before the meeting (never
published, nor anything about its revision).  The scenario is built once for the module.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pytest
from helpers_content import check, original, project, tree
from pypdf import PdfReader

SCENARIO = Path(__file__).parent / "projects" / "revisions"
MEETING = "site/audit/2026-03-10"
TREASURY = f"{MEETING}/item-3/report-treasury"
AUDIT = f"{MEETING}/item-4/report-internal-audit"
SECRET = "Glanmor"
"""Words only in the exempt report, its earlier version and the reason for its revision."""


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def main(page: str) -> str:
    return page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from meetingpack.commands.build import build_project

    target = tmp_path_factory.mktemp("revisions") / "build"
    build_project(SCENARIO, target, jobs=1)
    return target


def read(out: Path, relative: str) -> str:
    return (out / relative).read_text(encoding="utf-8")


def pdf_text(path: Path, pages: slice = slice(None)) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(path).pages[pages]))


def test_the_current_version_says_it_was_revised_and_links_each_earlier_version(out: Path) -> None:
    page = main(read(out, f"{TREASURY}/index.html"))
    words = text(page)
    assert "Money market funds 9.0" in words and "Total 21.5" in words  # the revised figures
    assert "Revised on Wednesday 4 March 2026 : corrected the investment totals in table 2." in words
    assert '<a href="changes-1/index.html">What changed on Wednesday 4 March 2026</a>' in page
    assert '<a href="version-1/index.html">version 1, published Monday 2 March 2026</a>' in page


def test_the_earlier_version_keeps_its_own_page_with_its_date_and_is_not_searched(out: Path) -> None:
    page = main(read(out, f"{TREASURY}/version-1/index.html"))
    words = text(page)
    assert "Money market funds 8.0" in words and "Total 20.5" in words  # as first published
    assert "21.5" not in words
    assert "This is an earlier version of this paper (version 1), published on Monday 2 March 2026. " \
           "It was replaced on Wednesday 4 March 2026: corrected the investment totals in table 2." in words
    assert '<a href="../index.html">Read the current version</a>' in page
    assert "data-pagefind-body" not in page  # search finds the current version only
    assert page.index("<h1") < page.index("version-notice")


def test_what_changed_is_a_text_diff_with_ins_and_del_labelled_in_words(out: Path) -> None:
    page = main(read(out, f"{TREASURY}/changes-1/index.html"))
    changed = re.findall(r'<div class="diff-block diff-changed"><p class="diff-label">Changed</p><p>(.*?)</p></div>',
                         page)
    removed = '<del><span class="visually-hidden">[removed: </span>{}<span class="visually-hidden">]</span></del>'
    added = '<ins><span class="visually-hidden">[added: </span>{}<span class="visually-hidden">]</span></ins>'
    assert changed == ["Money market funds | " + removed.format("8.0") + added.format("9.0"),
                       "Total | " + removed.format("20.5") + added.format("21.5")]
    assert "2 parts changed." in text(page)
    # what did not change is not repeated, but said
    assert "Prudential indicators" not in page and "unchanged parts not shown" in page
    assert "data-pagefind-body" not in page


def test_papers_are_listed_as_revised_on_the_meeting_and_item_pages(out: Path) -> None:
    meeting = read(out, f"{MEETING}/index.html")
    assert ('<span class="tag tag-revised">Revised Wednesday 4 March 2026</span> <span class="revision-links">'
            '(<a href="item-3/report-treasury/changes-1/index.html">what changed') in meeting
    item = read(out, f"{MEETING}/item-4/index.html")
    assert '<a href="../item-4/report-internal-audit/changes-1/index.html">what changed' in item
    appendix = item.split("Appendix 1: Payroll audit findings")[1].split("</li>")[0]
    assert "Revised" not in appendix  # a paper added by the supplement is not a revision


def test_the_pack_carrying_a_revision_says_so_on_its_front_sheet(out: Path) -> None:
    front = pdf_text(out / f"{MEETING}/audit-2026-03-10-pack.pdf", slice(0, 2))
    assert ("Revised: item 3, Treasury management mid-year review 2025/26, on Wednesday 4 March 2026: corrected "
            "the investment totals in table 2 (replaces the version published on Monday 2 March 2026).") in front
    # the internal audit report is replaced by the supplement: the agenda says so, and names no revision of it
    assert "Internal audit progress (revised version to follow)" in front
    assert "payroll" not in front
    body = pdf_text(out / f"{MEETING}/audit-2026-03-10-pack.pdf", slice(2, None))
    assert "21.5" in body and "20.5" not in body  # the pack carries the revised version


def test_a_supplement_front_sheet_lists_what_it_adds_and_what_it_replaces(out: Path) -> None:
    front = pdf_text(out / f"{MEETING}/audit-2026-03-10-supplement-1.pdf", slice(0, 2))
    assert ("WHAT THIS SUPPLEMENT ADDS AND REPLACES Replaces: item 4, Internal audit progress report, as published "
            "on Monday 2 March 2026. Revised on Thursday 5 March 2026: added the findings of the payroll audit. "
            "Adds: item 4, Appendix 1: Payroll audit findings.") in front
    consolidated = pdf_text(out / f"{MEETING}/audit-2026-03-10-consolidated.pdf", slice(0, 2))
    assert "Revised: item 3, Treasury management" in consolidated
    assert "Revised: item 4, Internal audit progress report, on Thursday 5 March 2026" in consolidated


def test_nothing_of_an_exempt_papers_revision_is_published(out: Path) -> None:
    site = out / "site"
    for path in sorted(site.rglob("*")):
        if not path.is_file() or "pagefind" in path.parts:
            continue
        content = pdf_text(path) if path.suffix == ".pdf" else path.read_bytes().decode("utf-8", "replace")
        assert SECRET not in content, path
        assert "write-off-v1" not in content and "liquidator" not in content, path
    assert not (site / "audit/2026-03-10/item-6/report-write-off").exists()
    members = pdf_text(out / "private/audit/2026-03-10/audit-2026-03-10-members-pack.pdf", slice(0, 2))
    assert "Revised: item 6, Write-off of a business rates debt, on Friday 6 March 2026" in members
    assert "the earlier versions of public papers, and what changed, are on the website" in members


def test_items_without_papers_are_not_links_and_show_their_minute(out: Path) -> None:
    page = read(out, f"{MEETING}/index.html")
    for n in (1, 2, 5):  # procedural items, the work programme (a note only): told on the meeting page
        assert f'item-{n}/index.html"' not in page
        assert not (out / MEETING / f"item-{n}").exists()  # and no page saying only "no papers"
    # the exempt item keeps its page (its notice; work plans link to it), linked like every item with a page
    assert 'item-6/index.html">Write-off of a business rates debt</a>' in page
    assert '<span class="item-title">Forward work programme</span>' in page
    assert '<a href="minutes/index.html#minute-5">Minute 5</a> records what was decided.' in page
    assert 'href="../../audit/2026-03-10/item-3/index.html">Treasury management' in page


def test_headings_never_skip_a_level_and_each_page_starts_with_its_h1(out: Path) -> None:
    for path in sorted((out / "site").rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", main(path.read_text(encoding="utf-8")))]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_check_names_the_file_line_and_field_of_a_missing_earlier_version(tmp_path: Path) -> None:
    meeting = original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        "        - appendix-budget.md\n"
        "      revisions:\n"
        "        - document: report-budget.md\n"
        "          earlier: superseded/report-budget-v1.md\n"
        "          on: 2026-01-05\n"
        "          reason: corrected the forecast for housing\n"
        "        - document: report-budgett.md\n"
        "          earlier: appendix-budget.md\n"
        "          on: 2026-01-06\n"
        "          reason: a typing mistake\n")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting})
    found = [(d.file.split("content/")[-1], d.line, d.column, d.code, d.message) for d in check(root)
             if d.severity == "error"]
    lines = meeting.splitlines()
    earlier = next(i for i, line in enumerate(lines, 1) if "superseded/" in line)
    unknown = next(i for i, line in enumerate(lines, 1) if "report-budgett" in line)
    assert found == [
        ("panel/2026-01-12/meeting.yaml", earlier, 20, "revision-earlier-missing",
         "revisions[1].earlier: earlier version 'superseded/report-budget-v1.md' not found"),
        ("panel/2026-01-12/meeting.yaml", unknown, 21, "revision-unknown-document",
         "revisions[2].document: 'report-budgett.md' is not one of this item's papers"),
    ]


def test_check_refuses_a_revision_dated_before_the_version_it_replaces(tmp_path: Path) -> None:
    meeting = original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        "        - appendix-budget.md\n"
        "      revisions:\n"
        "        - document: appendix-budget.md\n"
        "          earlier: appendix-budget-v1.md\n"
        "          on: 2025-12-20\n"
        "          reason: corrected the housing forecast\n")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting,
                              "panel/2026-01-12/appendix-budget-v1.md": original("panel/2026-01-12/appendix-budget.md")})
    errors = [(d.code, d.message) for d in check(root) if d.severity == "error"]
    message = "revisions[1].on: 2025-12-20 is before the version it replaces was published (2026-01-02)"
    assert errors == [("revision-date", message)]


def test_an_existing_pdfs_earlier_version_is_published_beside_it(tmp_path: Path) -> None:
    import io

    import pikepdf

    from meetingpack.commands.build import build_project

    earlier = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(earlier, static_id=True)
    letter = (Path(__file__).parent.parent / "content/children-young-people/2026-03-02/inspection-letter.pdf").read_bytes()
    meeting = original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        "        - appendix-budget.md\n"
        "        - pdf: auditor-letter.pdf\n"
        "          title: Letter from the external auditor\n"
        "          label: Appendix 2\n"
        "          description: The auditor's letter on the forecast.\n"
        "      revisions:\n"
        "        - document: auditor-letter.pdf\n"
        "          earlier: superseded/auditor-letter.pdf\n"
        "          on: 2026-01-07\n"
        "          reason: the auditor's signed letter replaced the draft\n")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting,
                              "panel/2026-01-12/auditor-letter.pdf": letter,
                              "panel/2026-01-12/superseded/auditor-letter.pdf": earlier.getvalue()})
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    item = out / "site/panel/2026-01-12/item-3"
    assert len(PdfReader(item / "auditor-letter-version-1.pdf").pages) == 1
    assert len(PdfReader(item / "auditor-letter.pdf").pages) == len(PdfReader(io.BytesIO(letter)).pages)
    page = (item / "index.html").read_text(encoding="utf-8")
    assert ('<span class="tag tag-revised">Revised Wednesday 7 January 2026</span> <span class="revision-links">'
            '(<a href="../item-3/auditor-letter-version-1.pdf">earlier version<span class="visually-hidden"> of '
            'Appendix 2: Letter from the external auditor</span>, published Friday 2 January 2026</a>)') in page


def test_check_refuses_an_earlier_pdf_that_cannot_be_published(tmp_path: Path) -> None:
    meeting = original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        "        - appendix-budget.md\n"
        "        - pdf: auditor-letter.pdf\n"
        "          title: Letter from the external auditor\n"
        "          description: The auditor's letter on the forecast.\n"
        "      revisions:\n"
        "        - document: auditor-letter.pdf\n"
        "          earlier: auditor-letter-draft.pdf\n"
        "          on: 2026-01-07\n"
        "          reason: the signed letter replaced the draft\n")
    letter = (Path(__file__).parent.parent / "content/children-young-people/2026-03-02/inspection-letter.pdf").read_bytes()
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting, "panel/2026-01-12/auditor-letter.pdf": letter,
                              "panel/2026-01-12/auditor-letter-draft.pdf": b"%PDF-1.7\nnot really a PDF\n"})
    errors = [(d.line, d.code) for d in check(root) if d.severity == "error"]
    line = next(i for i, text in enumerate(meeting.splitlines(), 1) if "auditor-letter-draft" in text)
    assert errors == [(line, "pdf-invalid")]


def test_an_edited_earlier_version_builds_incrementally_as_from_nothing(tmp_path: Path) -> None:
    import shutil

    from meetingpack.commands.build import build_project

    root = tmp_path / "content"
    shutil.copytree(SCENARIO, root)
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    earlier = root / "audit/2026-03-10/superseded/report-treasury-2026-03-02.md"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace("| 12.5 |", "| 11.5 |"), encoding="utf-8")
    build_project(root, out, jobs=1)
    clean = tmp_path / "clean"
    build_project(root, clean, jobs=1, cache=tmp_path / "clean-cache", clean=True)
    assert tree(out) == tree(clean)
    changes = read(out, f"{TREASURY}/changes-1/index.html")
    assert "Debt Management Office | <del>" in changes and "11.5" in changes


def test_an_earlier_version_that_was_exempt_itself_is_never_published(tmp_path: Path) -> None:
    from meetingpack.commands.build import build_project

    meeting = original("panel/2026-01-12/meeting.yaml").replace(
        "        - appendix-budget.md\n",
        "        - appendix-budget.md\n"
        "      revisions:\n"
        "        - document: report-budget.md\n"
        "          earlier: report-budget-draft.md\n"
        "          on: 2026-01-05\n"
        "          reason: the commercial detail was taken out\n")
    draft = original("panel/2026-01-12/report-budget.md").replace(
        "director:", "exempt_paragraph: 3\ndirector:").replace(
        "within its budget this year.", "within its budget this year, after Harbourside Ltd's rebate.")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting,
                              "panel/2026-01-12/report-budget-draft.md": draft})
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    paper = out / "site/panel/2026-01-12/item-3/report-budget"
    assert (paper / "index.html").is_file()
    assert not (paper / "version-1").exists() and not (paper / "changes-1").exists()
    for path in (out / "site").rglob("*.html"):
        assert "Harbourside" not in path.read_text(encoding="utf-8"), path
        assert "report-budget-draft" not in path.read_text(encoding="utf-8"), path


def test_an_exempt_papers_earlier_version_listed_in_public_is_refused(tmp_path: Path) -> None:
    """Exempt is a property of the paper: its earlier version holds the same information, so listing that
    file under a public item (here a copy of the scenario, item 5 given it as a paper) is an error."""
    import shutil

    root = tmp_path / "content"
    shutil.copytree(SCENARIO, root)
    yaml_path = root / "audit/2026-03-10/meeting.yaml"
    text_ = yaml_path.read_text(encoding="utf-8")
    listed = text_.replace("    - title: Forward work programme\n",
                           "    - title: Forward work programme\n      documents:\n"
                           "        - superseded/report-write-off-v1.md\n", 1)
    assert listed != text_
    yaml_path.write_text(listed, encoding="utf-8")
    earlier = root / "audit/2026-03-10/superseded/report-write-off-v1.md"  # exempt only as the paper's version
    plain = earlier.read_text(encoding="utf-8").replace("exempt_paragraph: 3\n", "", 1)
    assert "exempt_paragraph" not in plain
    earlier.write_text(plain, encoding="utf-8")
    line = next(i for i, t in enumerate(listed.splitlines(), 1) if t.strip() == "- superseded/report-write-off-v1.md")
    found = [(d.line, d.code, d.message) for d in check(root) if d.severity == "error"]
    assert [(n, code) for n, code, _ in found] == [(line, "exempt-published")], found
    assert "an earlier version of 'report-write-off.md'" in found[0][2]


def test_links_to_an_item_without_a_page_go_to_its_entry_on_the_meeting_page(tmp_path: Path) -> None:
    """An interest declared in an item without papers (the work programme, item 5) is listed on the
    committee's register and the councillor's page: the links go to the item's entry on the meeting's page
    (it has no page of its own), and every relative link of the site leads to a file and anchor that exist."""
    import shutil

    from meetingpack.commands.build import build_project

    root = tmp_path / "content"
    shutil.copytree(SCENARIO, root)
    minutes = root / "audit/2026-03-10/minutes.md"
    text_ = minutes.read_text(encoding="utf-8")
    minutes.write_text(text_.replace("---\n\n", "declarations:\n  - member: County Borough Councillor Gareth Bevan\n"
                                     "    item: 5\n    interest: a governor of a school the programme names\n---\n\n", 1),
                       encoding="utf-8")
    build_project(root, tmp_path / "build", jobs=1)
    site = tmp_path / "build" / "site"
    register = (site / "audit/declarations/index.html").read_text(encoding="utf-8")
    assert 'href="../../audit/2026-03-10/index.html#item-5">item 5: Forward work programme</a>' in register
    assert not (site / "audit/2026-03-10/item-5").exists()
    broken = []
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.parts:
            continue
        for href in re.findall(r'href="([^"#:]*)(?:#([^"]*))?"', page.read_text(encoding="utf-8")):
            path, anchor = href
            if not path:
                continue
            target = (page.parent / html.unescape(path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((str(page.relative_to(site)), path))
            elif anchor and target.suffix == ".html" and f'id="{anchor}"' not in target.read_text(encoding="utf-8"):
                broken.append((str(page.relative_to(site)), f"{path}#{anchor}"))
    assert not broken, broken[:10]
