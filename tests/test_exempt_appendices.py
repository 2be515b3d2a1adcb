"""Exempt appendices of public reports, and Part B minutes, in another authority's papers.

The scenario project tests/projects/exempt-appendices is a district council's
Audit and Governance Committee (appendices lettered A, B, C; minutes numbered
from 101).  Its 22 July 2026 meeting has a public report (item 4) with a
public Markdown appendix (A), an exempt PDF appendix (B, paragraph 3, declared
on its listing) and an exempt Markdown appendix (C, paragraph 1, declared in
its front matter); its 17 June minutes, carried to 22 July for approval, have
a Part B minute item (105, marked {exempt=3}).

The public pack, the item and meeting pages and the report list B and C by
label and Schedule 12A notice; their pages are in the members' pack only,
numbered on after the last public page; no word of them reaches build/site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers_content import replaced_copy
from pypdf import PdfReader
from test_exempt import _contains, _pdf_bytes, _strings

from meetingpack.commands.build import build_project
from meetingpack.commands.check import check_project
from meetingpack.errors import Diagnostic, Report
from meetingpack.load import load_project
from meetingpack.resolve import resolve_project

SCENARIO = Path(__file__).parent / "projects" / "exempt-appendices"
JULY = "audit/2026-07-22"
JUNE = "audit/2026-06-17"
PUBLIC_PACK = f"site/{JULY}/audit-2026-07-22-pack.pdf"
MEMBERS_PACK = f"private/{JULY}/audit-2026-07-22-members-pack.pdf"
WITHHELD = ("kestrel", "plumbago", "quillwort", "marshwort", "tender-scores", "staff-case",
            "tender evaluation", "conduct case")
"""Words, titles and file names of the exempt appendices and the exempt minute: never in build/site."""
NOTICE_3 = "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972"
NOTICE_1 = "Not for publication by virtue of paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("exempt-appendices") / "build"
    result = build_project(SCENARIO, target, jobs=1)
    assert not result.report.errors
    return target


def _pages(out: Path, relative: str) -> list[tuple[str, str]]:
    """(page label, text) of each page of a PDF of the build."""
    reader = PdfReader(out / relative)
    labels = reader.page_labels
    return [(labels[i], re.sub(r"\s+", " ", page.extract_text() or "")) for i, page in enumerate(reader.pages)]


def _numbered(pages: list[tuple[str, str]]) -> dict[int, str]:
    """Text by printed page number (the front sheet's pages are labelled 'Agenda 1'...)."""
    return {int(label): text for label, text in pages if label.isdigit()}


# ------------------------------------------------------------------ the public pack


def test_public_front_sheet_lists_exempt_appendices_by_label_and_notice(out: Path) -> None:
    front = " ".join(text for label, text in _pages(out, PUBLIC_PACK) if not label.isdigit())
    item = front[front.index("Internal audit: contract management review"):front.index("Risk register update")]
    assert "(Pages 3 - 4)" in item  # the report and Appendix A only
    assert f"Appendix B (exempt). {NOTICE_3}" in item
    assert f"Appendix C (exempt). {NOTICE_1}" in item
    assert not any(word in front.lower() for word in WITHHELD)


def test_public_pack_holds_the_public_papers_only_and_its_ranges_exclude_the_exempt_ones(out: Path) -> None:
    pages = _numbered(_pages(out, PUBLIC_PACK))
    assert sorted(pages) == [1, 2, 3, 4, 5, 6]
    assert "Agenda Item 4." in pages[3] and "INTERNAL AUDIT: CONTRACT MANAGEMENT REVIEW" in pages[3]
    assert "Appendix A: Contract management action plan" in pages[4]
    assert "Agenda Item 5." in pages[5] and "RISK REGISTER UPDATE" in pages[5]
    assert not any(word in text.lower() for text in pages.values() for word in WITHHELD)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (meeting,) = [m for m in manifest["meetings"] if m["meeting"] == "2026-07-22"]
    (agenda,) = [p for p in meeting["packs"] if p["kind"] == "agenda"]
    assert {i["number"]: (i["first_page"], i["last_page"]) for i in agenda["items"]} == {3: (1, 2), 4: (3, 4),
                                                                                        5: (5, 6)}
    assert [d["id"] for d in agenda["documents"] if d["id"].startswith("item-4-")] == [
        "item-4-report-contract-review", "item-4-appendix-a-action-plan"]


def test_the_report_lists_its_exempt_appendices_in_the_pack_and_on_its_page(out: Path) -> None:
    report = _numbered(_pages(out, PUBLIC_PACK))[3]
    assert f"EXEMPT APPENDICES Appendix B (exempt). {NOTICE_3}" in report
    assert f"Appendix C (exempt). {NOTICE_1}" in report
    page = (out / f"site/{JULY}/item-4/report-contract-review/index.html").read_text(encoding="utf-8")
    section = page[page.index('<h2 id="exempt-appendices">'):page.index('id="background-papers"')]
    assert "Appendix B (exempt)" in section and "Appendix C (exempt)" in section and NOTICE_1 in section
    assert "<a " not in section
    # the link to Appendix C keeps its words and loses its target; the one to Appendix A is kept
    assert "matter is at Appendix C;" in page and 'href="../appendix-a-action-plan/index.html"' in page
    other = (out / f"site/{JULY}/item-5/report-risk-register/index.html").read_text(encoding="utf-8")
    assert "exempt-appendices" not in other


def test_item_and_meeting_pages_list_the_exempt_appendices_unlinked(out: Path) -> None:
    for relative in (f"site/{JULY}/item-4/index.html", f"site/{JULY}/index.html"):
        page = (out / relative).read_text(encoding="utf-8")
        listed = re.findall(r'<li class="exempt-appendix">(.*?)</li>', page, flags=re.DOTALL)
        appendix_b = (f'Appendix B (exempt)<p class="exempt-notice">{NOTICE_3}: Information relating to the '
                      "financial or business affairs of any particular person (including the authority holding "
                      "that information).</p>")
        appendix_c = f'Appendix C (exempt)<p class="exempt-notice">{NOTICE_1}: Information relating to any individual.</p>'
        assert listed == [appendix_b, appendix_c], relative
        assert "Appendix A: Contract management action plan</a>" in page


# ------------------------------------------------------------------ the members' pack


def test_members_pack_has_the_exempt_appendices_after_the_public_pages(out: Path) -> None:
    pages = _pages(out, MEMBERS_PACK)
    numbered = _numbered(pages)
    public = _numbered(_pages(out, PUBLIC_PACK))
    assert all(numbered[n] == public[n] for n in public)  # every public page keeps its number and text
    assert "plumbago page one" in numbered[7] and "Agenda Item 4." in numbered[7]
    assert "Exempt information: not for publication" in numbered[7]
    assert "plumbago page two" in numbered[8]
    assert "The contracts officer known as quillwort" in numbered[9]
    assert "This page is intentionally left blank" in numbered[10]
    front = " ".join(text for label, text in pages if not label.isdigit())
    item = front[front.index("Internal audit: contract management review"):front.index("Risk register update")]
    assert "(Pages 3 - 4)" in item
    assert f"Appendix B: Tender evaluation scores from Kestrel Facilities (exempt) (Pages 7 - 8). {NOTICE_3}" in item
    assert f"Appendix C: Conduct case of the quillwort contracts officer (exempt) (Page 9). {NOTICE_1}" in item


def test_a_link_from_an_exempt_appendix_prints_the_page_it_lands_on(out: Path) -> None:
    """Appendix C links to Appendix A (a public page) and to Appendix B (an exempt page of the same item)."""
    page = _numbered(_pages(out, MEMBERS_PACK))[9]
    assert "See the action plan, page 4 and the scores, page 7." in page


# ------------------------------------------------------------------ Part B minutes


def test_part_b_minute_is_heading_and_notice_in_public_with_the_same_numbers(out: Path) -> None:
    page = (out / f"site/{JUNE}/minutes/index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="minute-number">105\.</span> Write-off of irrecoverable business rates</h2>\s*'
                     rf'<p class="exempt-notice">{NOTICE_3}', page)
    assert "marshwort" not in page.lower() and "{exempt" not in page
    public = " ".join(_numbered(_pages(out, PUBLIC_PACK)).values())
    assert re.search(rf"104\. EXCLUSION OF THE PRESS AND PUBLIC .*105\. WRITE-OFF OF IRRECOVERABLE BUSINESS RATES "
                     rf"{NOTICE_3}", public)
    members = _numbered(_pages(out, MEMBERS_PACK))
    copy = " ".join(text for n, text in sorted(members.items()) if n > 10)  # after Appendix C (pages 9, 10)
    assert "Minutes of the meeting held on Wednesday 17 June 2026: exempt items" in copy
    assert "105. WRITE-OFF OF IRRECOVERABLE BUSINESS RATES The Committee heard that the marshwort ratepayer" in copy
    assert "103. ANNUAL GOVERNANCE STATEMENT 2025/26" in copy and "Agenda Item 7." in copy
    assert "a report on the recovery come to the meeting on 22 July 2026" in copy


def test_records_of_a_part_b_minute_are_not_published(out: Path) -> None:
    """Minute 105(iii) names the next meeting as 103(ii) does: only 103(ii) is a record and a follow-up."""
    register = (out / "site/audit/decisions/index.html").read_text(encoding="utf-8")
    assert "annual governance statement 2025/26 be approved" in register
    assert "written off" not in register and "Minute 105" not in register
    data = json.loads((out / "site/audit/decisions.json").read_text(encoding="utf-8"))
    assert "103(ii)" in json.dumps(data) and "105" not in json.dumps(data)
    committee = (out / "site/audit/index.html").read_text(encoding="utf-8")
    assert "103(ii) of Wednesday 17 June 2026" in committee and "105(" not in committee
    meeting = (out / f"site/{JUNE}/index.html").read_text(encoding="utf-8")
    assert "written off" not in meeting and "103(ii)" in meeting


# ------------------------------------------------------------------ nothing exempt in build/site


def test_no_file_of_the_site_holds_a_word_title_or_file_name_of_the_exempt_papers(out: Path) -> None:
    site = out / "site"
    files = [p for p in site.rglob("*") if p.is_file()] + [out / "manifest.json"]
    assert len(files) > 30
    leaks = [str(p) for p in files if any(word in p.name.lower() for word in WITHHELD)]
    for path in files:
        chunks = _pdf_bytes(path) if path.suffix == ".pdf" else _strings(path.read_bytes())
        leaks += [f"{path.relative_to(out)}: {word}" for word in WITHHELD if any(_contains(c, word) for c in chunks)]
    assert leaks == []
    # not vacuous: the members' pack has them all
    members = b"\n".join(_pdf_bytes(out / MEMBERS_PACK))
    assert all(_contains(members, word) for word in ("kestrel", "plumbago", "quillwort", "marshwort"))


# ------------------------------------------------------------------ pack check, and release


def _copy(tmp_path: Path, changes: dict[str, tuple[str, str]]) -> Path:
    """The scenario copied to tmp_path/content with (old, new) text replacements per file."""
    return replaced_copy(SCENARIO, tmp_path, changes)


def _check(root: Path) -> list[Diagnostic]:
    _, report = check_project(root)
    return sorted(report.diagnostics)


def test_the_scenario_checks_with_one_warning_for_the_link_to_an_exempt_appendix() -> None:
    (d,) = _check(SCENARIO)
    assert (d.code, d.line) == ("link-to-exempt", 23) and d.path.endswith(f"{JULY}/report-contract-review.md")


def test_a_paragraph_outside_1_to_7_is_an_error_at_its_field(tmp_path: Path) -> None:
    root = _copy(tmp_path, {f"{JULY}/meeting.yaml": ("exempt_paragraph: 3", "exempt_paragraph: 8"),
                            f"{JULY}/appendix-c-staff-case.md": ("exempt_paragraph: 1", "exempt_paragraph: 0")})
    errors = [d for d in _check(root) if d.severity == "error"]
    assert [(d.path, d.line, d.column, d.message) for d in errors] == [
        (f"content/{JULY}/appendix-c-staff-case.md", 5, 19,
         "exempt_paragraph: Input should be greater than or equal to 1"),
        (f"content/{JULY}/meeting.yaml", 20, 29,
         "agenda.part_a[3].documents[3].exempt_paragraph: Input should be less than or equal to 7")]
    assert all("a whole number from 1 to 7" in d.hint for d in errors)


def test_an_exempt_appendix_of_a_part_b_item_is_redundant_and_one_without_a_label_is_named_vaguely(
        tmp_path: Path) -> None:
    root = _copy(tmp_path, {
        f"{JUNE}/meeting.yaml": ("      exempt_paragraph: 3\n", """\
      exempt_paragraph: 3
      documents:
        - {pdf: ../2026-07-22/b-tender-scores.pdf, title: Scores, description: Scores., exempt_paragraph: 3}
"""),
        f"{JULY}/appendix-c-staff-case.md": ("label: Appendix C\n", ""),
    })
    found = [(d.severity, d.code, d.path, d.line) for d in _check(root) if d.code != "link-to-exempt"]
    assert found == [("warning", "exempt-appendix-redundant", f"content/{JUNE}/meeting.yaml", 20),
                     ("warning", "exempt-appendix-no-label", f"content/{JULY}/appendix-c-staff-case.md", 4)]


def test_an_exempt_pdf_appendix_listed_in_public_elsewhere_without_its_paragraph_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path, {f"{JUNE}/meeting.yaml": ("    - title: Annual governance statement 2025/26\n", """\
    - title: Annual governance statement 2025/26
      documents:
        - {pdf: ../2026-07-22/b-tender-scores.pdf, title: Scores, description: Scores.}
""")})
    (d,) = [d for d in _check(root) if d.severity == "error"]
    assert (d.code, d.path, d.line) == ("exempt-published", f"content/{JUNE}/meeting.yaml", 16)
    assert d.message.startswith("'../2026-07-22/b-tender-scores.pdf' is exempt: an exempt appendix "
                                "(exempt_paragraph: 3) of item 'Internal audit: contract management review' of "
                                f"audit/2026-07-22 (content/{JULY}/meeting.yaml:20)")


def test_a_released_exempt_appendix_is_published_as_any_appendix(tmp_path: Path) -> None:
    root = _copy(tmp_path, {
        f"{JULY}/appendix-c-staff-case.md": ("exempt_paragraph: 1\n", """\
exempt_paragraph: 1
released: {on: 2026-07-01, by: "Audit and Governance Committee, 17 June 2026, minute 105"}
""")})
    report = Report(root)
    (_, july) = resolve_project(load_project(root, report))
    (item,) = [i for i in july.items if i.number == 4]
    assert [d.label for d in item.public_documents] == [None, "Appendix A", "Appendix C"]
    assert [d.public_name for d in item.exempt_appendices] == ["Appendix B (exempt)"]


def test_a_letter_may_be_an_exempt_appendix_too(tmp_path: Path) -> None:
    letter = """\
---
kind: letter
title: Offer from Kestrel Facilities
label: Appendix 1
date: 2026-07-01
sender: {name: A Bidder, title: Director}
recipient: {name: Owain Price, title: Chief Internal Auditor}
exempt_paragraph: 3
---

We offer plumbago pounds.
"""
    root = _copy(tmp_path, {f"{JULY}/meeting.yaml": ("        - report-risk-register.md\n",
                                                      "        - report-risk-register.md\n        - letter-offer.md\n")})
    (root / JULY / "letter-offer.md").write_text(letter, encoding="utf-8")
    assert [d.code for d in _check(root)] == ["link-to-exempt"]
    (_, july) = resolve_project(load_project(root, Report(root)))
    (item,) = [i for i in july.items if i.number == 5]
    assert [d.kind for d in item.public_documents] == ["report"]
    assert [(d.public_name, d.exempt_paragraph) for d in item.exempt_appendices] == [("Appendix 1 (exempt)", 3)]


def test_an_exempt_appendix_of_a_supplementary_item_without_part_b_has_a_members_pack(tmp_path: Path) -> None:
    """The only exempt paper of the meeting is an appendix of a late item: its pages follow the supplement's."""
    from helpers_content import original, project
    from test_exempt import _pdf

    meeting = original("panel/2026-01-12/meeting.yaml")
    meeting = meeting[:meeting.index("  part_b:")].replace(
        "    - title: Budget monitoring, quarter 3\n", "    - title: Budget monitoring, quarter 3\n"
        "      published_on: 2026-01-08\n").replace(
        "        - appendix-budget.md\n", "        - appendix-budget.md\n        - {pdf: bids.pdf, title: Bids from "
        "Kestrel, label: Appendix 2, description: The bids., exempt_paragraph: 3}\n")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting, "panel/2026-01-12/report-depot.md": None,
                              "panel/2026-01-12/bids.pdf": _pdf("Kestrel bid of plumbago")})
    out = tmp_path / "build"
    assert not build_project(root, out, jobs=1).report.errors
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["meetings"]
    packs = {p["kind"]: p for p in entry["packs"]}
    assert sorted(packs) == ["agenda", "consolidated", "supplement-1"]
    assert (packs["supplement-1"]["first_page"], packs["supplement-1"]["last_page"]) == (1, 2)
    assert [(i["number"], i["first_page"], i["last_page"]) for i in packs["supplement-1"]["items"]] == [(3, 1, 2)]
    assert entry["members_pack"]["file"] == "private/panel/2026-01-12/panel-2026-01-12-members-pack.pdf"
    supplement = " ".join(t for _, t in _pages(out, "site/panel/2026-01-12/panel-2026-01-12-supplement-1.pdf"))
    assert "Appendix 2 (exempt). Not for publication by virtue of paragraph 3" in supplement
    members = _pages(out, entry["members_pack"]["file"])
    numbered = _numbered(members)
    assert sorted(numbered) == [1, 2, 3, 4] and "Kestrel bid of plumbago" in numbered[3]
    front = " ".join(t for label, t in members if not label.isdigit())
    assert "Appendix 2: Bids from Kestrel (exempt) (Page 3). Not for publication by virtue of paragraph 3" in front
    leaks = [p for p in (out / "site").rglob("*") if p.is_file()
             and any(_contains(c, "kestrel") for c in (_pdf_bytes(p) if p.suffix == ".pdf" else _strings(p.read_bytes())))]
    assert leaks == []


def test_a_follow_up_of_a_part_b_minute_is_a_warning_not_an_unknown_reference(tmp_path: Path) -> None:
    follows = '    - title: Risk register update\n      follows_up: ["105(iii)", "103(ii)"]\n'
    root = _copy(tmp_path, {f"{JULY}/meeting.yaml": ("    - title: Risk register update\n", follows)})
    found = [(d.severity, d.code, d.line, d.column) for d in _check(root) if d.code != "link-to-exempt"]
    assert found == [("warning", "follow-up-exempt", 23, 20)]  # 103(ii) is a record: it is found
    (d,) = [d for d in _check(root) if d.code == "follow-up-exempt"]
    assert d.message == ("follows_up '105(iii)': that minute of Wednesday 17 June 2026 records exempt business, so "
                         "its resolutions are not published and this follow-up is not tracked")
