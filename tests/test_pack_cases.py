"""Pack cases the bundled example does not cover, on one build of a variant of the minimal project:

- an item whose first (and only) paper is an existing PDF: its first page is
  still stamped "Agenda Item N." and numbered;
- two supplements published on different dates: two supplementary packs, each
  numbered on from the one before;
- a public report that links to the exempt report: the words stay, but nothing
  of the exempt paper (not its file name) reaches the public packs or site.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from helpers_content import project
from pypdf import PdfReader
from weasyprint import HTML

MEETING_YAML = """\
date: 2026-01-12
start_time: "10:00"
venue: Committee Room 1, Town Hall, Testford TF1 1AA
issued_on: 2026-01-02
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - standard: apologies
    - title: Letter from the auditor
      documents:
        - pdf: auditor-letter.pdf
          title: Annual audit letter
          label: Appendix A
          description: A two-page letter from the external auditor on the accounts for 2024/25.
    - title: Budget monitoring, quarter 3
      published_on: 2026-01-06
      documents:
        - report-budget.md
        - appendix-budget.md
        - pdf: survey.pdf
          title: Residents' survey
          label: Appendix 2
          description: One page of survey results.
    - title: Fees and charges
      published_on: 2026-01-09
      documents:
        - report-fees.md
  part_b:
    - title: Sale of the old depot
      exempt_paragraph: 3
      documents:
        - report-depot.md
"""

FEES = """\
---
kind: report
title: Fees and charges
date: 2026-01-12
addressee: To the Chair and Members of the Resources Scrutiny Panel
contact_officer:
  name: Sam Green
director:
  name: Alex Hill
  title: Director of Resources
---

## Executive summary

Fees rise by 3 per cent, as the [budget report](report-budget.md) assumes.

## Recommendations

The Panel is asked to note the fees, and the [depot sale](report-depot.md) which affects them.
"""


def _pdf(words: str, pages: int) -> bytes:
    body = "".join(f'<p style="break-before: page">{words} page {n} of {pages}.</p>' for n in range(1, pages + 1))
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from meetingpack.commands.build import build_project

    tmp = tmp_path_factory.mktemp("cases")
    root = project(tmp, {
        "panel/2026-01-12/meeting.yaml": MEETING_YAML,
        "panel/2026-01-12/auditor-letter.pdf": _pdf("Auditor letter", 2),
        "panel/2026-01-12/survey.pdf": _pdf("Survey results", 1),
        "panel/2026-01-12/report-fees.md": FEES,
    })
    build_project(root, tmp / "build")  # raises on any content error
    manifest = json.loads((tmp / "build" / "manifest.json").read_text())
    return {"out": tmp / "build", "meeting": manifest["meetings"][0]}


def texts(out: Path, relative: str) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(out / relative).pages]


def pack(case: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(p for p in case["meeting"]["packs"] if p["kind"] == kind)


def test_an_item_whose_first_paper_is_a_pdf_is_stamped_and_numbered(case: dict[str, Any]) -> None:
    agenda = pack(case, "agenda")
    pages = texts(case["out"], agenda["file"])
    first = pages[agenda["front_sheet_pages"]]
    assert "Agenda Item 2." in first and "Public Document Pack" in first
    assert "Auditor letter page 1 of 2." in first and re.search(r"\bPage 1\b", first)
    second = pages[agenda["front_sheet_pages"] + 1]
    assert "Auditor letter page 2 of 2." in second and re.search(r"\bPage 2\b", second)
    assert "Agenda Item" not in second
    assert [(i["number"], i["first_page"], i["last_page"]) for i in agenda["items"]] == [(2, 1, 2)]


def test_two_publication_dates_make_two_supplements_numbered_on(case: dict[str, Any]) -> None:
    kinds = [p["kind"] for p in case["meeting"]["packs"]]
    assert kinds == ["agenda", "supplement-1", "supplement-2", "consolidated"]
    agenda, one, two = pack(case, "agenda"), pack(case, "supplement-1"), pack(case, "supplement-2")
    assert (one["published_on"], two["published_on"]) == ("2026-01-06", "2026-01-09")
    assert one["first_page"] == agenda["last_page"] + 1 and two["first_page"] == one["last_page"] + 1
    assert one["first_page"] % 2 == 1 and two["first_page"] % 2 == 1
    front = " ".join(texts(case["out"], two["file"])[: two["front_sheet_pages"]])
    assert "Supplementary Information 2" in front and "Fees and charges" in front
    assert "Budget monitoring" not in front
    page = (case["out"] / "site" / "panel" / "2026-01-12" / "index.html").read_text()
    assert "Published on Tuesday 6 January 2026: item 3." in page
    assert "Published on Friday 9 January 2026: item 4." in page


def test_link_to_an_exempt_paper_keeps_its_words_and_publishes_nothing_of_it(case: dict[str, Any]) -> None:
    out = case["out"]
    for path in (out / "site").rglob("*"):
        if path.is_file():
            assert b"report-depot" not in path.read_bytes(), path
    html = (out / "site" / "panel" / "2026-01-12" / "item-4" / "report-fees" / "index.html").read_text()
    assert "note the fees, and the depot sale which affects them." in html
    assert '<a href="../../item-3/report-budget/index.html">budget report</a>' in html
    consolidated = pack(case, "consolidated")
    text = re.sub(r"\s+", " ", " ".join(texts(out, consolidated["file"])))
    budget = next(d for d in consolidated["documents"] if d["id"] == "item-3-report-budget")
    assert f"as the budget report, page {budget['first_page']} assumes" in text
    assert "the depot sale which affects them" in text
    for kind in ("agenda", "supplement-1", "supplement-2", "consolidated"):
        with pikepdf.open(out / pack(case, kind)["file"]) as pdf:
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    assert "depot" not in repr(annot.get("/A", "")) + repr(annot.get("/Dest", ""))
        public = " ".join(texts(out, pack(case, kind)["file"]))
        assert "Two bids were received" not in public
    members = PdfReader(io.BytesIO((out / case["meeting"]["members_pack"]["file"]).read_bytes()))
    assert "Two bids were received" in " ".join(p.extract_text() or "" for p in members.pages)


def test_each_merged_page_shows_its_own_appendix_page(case: dict[str, Any]) -> None:
    consolidated = pack(case, "consolidated")
    pages = texts(case["out"], consolidated["file"])
    front = consolidated["front_sheet_pages"]
    for ending, words in (("auditor-letter", "Auditor letter page {k} of 2."),
                          ("survey", "Survey results page {k} of 1.")):
        doc = next(d for d in consolidated["documents"] if d["id"].endswith(ending))
        count = 2 if ending == "auditor-letter" else 1
        for k in range(1, count + 1):
            number = doc["first_page"] + k - 1
            assert words.format(k=k) in pages[front + number - 1], (ending, k)
