"""Exempt (Part B) information never reaches the public site, wherever and however a paper is listed.

Exempt is a property of the paper: a file listed under a Part B item anywhere
is withheld wherever else it is listed (a copy of it under another name too),
unless the paper itself declares that it was released.  Minutes and
decisions listed under Part B are not published; a minute item marked
{exempt=N} is published as its heading and the Schedule 12A notice, its text
going only to the members' pack.

The last tests build one content folder that holds a sentinel word in every
field of every exempt paper, listed in every way the format allows, and look
for it in every byte of build/site/ (HTML, JSON, feeds, calendars, the
sitemap, the search index decompressed, and the PDFs' text and streams).
"""

from __future__ import annotations

import gzip
import io
import re
import textwrap
from pathlib import Path

import pikepdf
import pytest
from helpers_content import MEETING, errors, original, project
from pypdf import PdfReader

from meetingpack.commands.build import build_project
from meetingpack.errors import Report
from meetingpack.load import load_project
from meetingpack.resolve import resolve_project

SENTINEL = "zqxsentinel"

SECOND = "panel/2026-02-09"
SECOND_MEETING = f"content/{SECOND}/meeting.yaml"


def _meeting(date: str, part_a: str, part_b: str = "", status: str = "scheduled", issued: str | None = None) -> str:
    """A meeting.yaml; `part_a` and `part_b` are YAML lists of items (written at any indentation)."""
    def indent(block: str) -> str:
        return textwrap.indent(textwrap.dedent(block), "    ")
    return (f'date: {date}\nstart_time: "10:00"\nvenue: Committee Room 1, Town Hall\nstatus: {status}\n'
            f"issued_on: {issued or date}\nissued_by:\n  name: Jo Bloggs\n  title: Chief Executive\n"
            f"agenda:\n  part_a:\n{indent(part_a)}  part_b:\n" + (indent(part_b) if part_b else "    []\n"))


def _pdf(text: str) -> bytes:
    """A one-page PDF whose page shows `text` (Helvetica)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET".encode("latin-1"))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# ------------------------------------------------------------------ one paper, two listings


def test_paper_listed_in_part_b_and_in_part_a_of_another_meeting_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, {
        f"{SECOND}/meeting.yaml": _meeting("2026-02-09", """\
            - title: Depot, for information
              documents:
                - ../2026-01-12/report-depot.md
            """),
        # without exempt_paragraph, the Part B listing alone makes the paper exempt
        "panel/2026-01-12/report-depot.md": original("panel/2026-01-12/report-depot.md").replace(
            "exempt_paragraph: 3\n", ""),
    })
    found = [d for d in errors(root) if d.path == SECOND_MEETING]
    assert len(found) == 1, found
    d = found[0]
    assert (d.line, d.column) == (13, 11)
    assert d.message == ("'../2026-01-12/report-depot.md' is exempt: listed under Part B item 'Sale of the old "
                         f"depot' of panel/2026-01-12 ({MEETING}:21), so it cannot be published here")
    assert "released:" in d.hint


def test_a_copy_of_an_exempt_paper_under_another_name_is_exempt_too(tmp_path: Path) -> None:
    depot = original("panel/2026-01-12/report-depot.md").replace("exempt_paragraph: 3\n", "")
    root = project(tmp_path, {
        "panel/2026-01-12/report-depot.md": depot,
        f"{SECOND}/depot-copy.md": depot,
        f"{SECOND}/meeting.yaml": _meeting("2026-02-09", """\
            - title: Depot
              documents: [depot-copy.md]
            """),
    })
    (d,) = [d for d in errors(root) if d.path == SECOND_MEETING]
    assert d.message.startswith("'depot-copy.md' is exempt: listed under Part B item 'Sale of the old depot'")


def test_pdf_listed_both_ways_is_an_error(tmp_path: Path) -> None:
    first = original("panel/2026-01-12/meeting.yaml").replace(
        "        - report-depot.md\n",
        "        - report-depot.md\n        - {pdf: offer.pdf, title: Offer, description: The offer.}\n")
    root = project(tmp_path, {
        "panel/2026-01-12/meeting.yaml": first,
        "panel/2026-01-12/offer.pdf": _pdf("Offer"),
        f"{SECOND}/meeting.yaml": _meeting("2026-02-09", """\
            - title: Depot offer
              documents:
                - {pdf: ../2026-01-12/offer.pdf, title: Offer, description: The offer.}
            """),
    })
    (d,) = [d for d in errors(root) if d.path == SECOND_MEETING]
    assert d.message.startswith("'../2026-01-12/offer.pdf' is exempt: listed under Part B item")


def test_released_paper_may_be_listed_in_public_from_its_release_date(tmp_path: Path) -> None:
    depot = original("panel/2026-01-12/report-depot.md").replace(
        "exempt_paragraph: 3\n", "exempt_paragraph: 3\nreleased:\n  on: 2026-02-01\n  by: Cabinet, 28 January "
        "2026, minute 12(ii)\n")
    listing = _meeting("2026-02-09", """\
        - title: Depot sale, now public
          documents: [../2026-01-12/report-depot.md]
        """, issued="2026-02-01")
    root = project(tmp_path, {"panel/2026-01-12/report-depot.md": depot, f"{SECOND}/meeting.yaml": listing})
    assert errors(root) == []
    report = Report(root)
    meetings = resolve_project(load_project(root, report))
    first, second = meetings
    assert first.items[-1].exempt and first.items[-1].documents[0].exempt  # still withheld where it is Part B
    (public,) = [i for i in second.items if i.title == "Depot sale, now public"]
    assert public.public_documents and public.public_documents[0].title == "Sale of the old depot"

    early = listing.replace("issued_on: 2026-02-01", "issued_on: 2026-01-30")
    root2 = project(tmp_path / "early", {"panel/2026-01-12/report-depot.md": depot, f"{SECOND}/meeting.yaml": early})
    (d,) = [d for d in errors(root2) if d.path.endswith(f"{SECOND}/meeting.yaml")]
    assert "is released only from 2026-02-01, after this agenda publishes it (2026-01-30)" in d.message


def test_exempt_paper_is_withheld_by_resolve_even_without_the_check(tmp_path: Path) -> None:
    """Defence in depth: the renderers see the paper as exempt even if validation were skipped."""
    root = project(tmp_path, {
        f"{SECOND}/meeting.yaml": _meeting("2026-02-09", """\
            - title: Depot
              documents: [../2026-01-12/report-depot.md]
            """),
        "panel/2026-01-12/report-depot.md": original("panel/2026-01-12/report-depot.md").replace(
            "exempt_paragraph: 3\n", ""),
    })
    meetings = resolve_project(load_project(root, Report(root)))
    (item,) = [i for i in meetings[1].items if i.title == "Depot"]
    assert item.documents[0].exempt and item.public_documents == []


def test_minute_mark_needs_a_paragraph(tmp_path: Path) -> None:
    minutes = textwrap.dedent("""\
        ---
        kind: minutes
        attendance:
          present: [Councillor Ann Carter (Chair)]
        ---

        ## Apologies

        None.

        ## Sale of the old depot {exempt}

        Discussed.
        """)
    root = project(tmp_path, {"panel/2026-01-12/minutes.md": minutes})
    (d,) = errors(root)
    assert (d.path, d.line) == ("content/panel/2026-01-12/minutes.md", 11)
    assert d.message == "an item marked {exempt} must give the paragraph of Schedule 12A"


# ------------------------------------------------------------------ the sentinel build

S = SENTINEL
EXEMPT_REPORT = f"""\
---
kind: report
title: {S} depot sale
date: 2026-02-09
addressee: To the Chair ({S})
cabinet_members: [Councillor {S}]
wards: [{S} ward]
key_decision: KD/{S}
exempt_paragraph: 3
contact_officer:
  name: {S} Green
  title: {S} officer
  phone: "01234 {S}"
  email: {S}@testford.example
  address: 1 {S} Street
director:
  name: {S} Hill
  title: Director of {S}
background_papers: [{S} valuation]
---

## Executive summary {S}

The buyer is {S} Holdings.[^1] See [the offer](#{S}-offer).

![{S} site plan]({S}-plan.svg)

Table: {S} bids

| Bidder | Bid |
|--------|-----|
| {S} Ltd | 1 |

## Recommendations

1. Accept the {S} bid.
   1. nested {S}

[^1]: {S} footnote.
"""
EXEMPT_APPENDIX = f"""\
---
kind: appendix
title: {S} valuation
label: Appendix {S}
---

The {S} valuation.
"""
PUBLIC_REPORT = f"""\
---
kind: report
title: Budget monitoring, quarter 4
date: 2026-02-09
addressee: To the Chair and Members of the Resources Scrutiny Panel
contact_officer:
  name: Sam Green
  title: Head of Finance
director:
  name: Alex Hill
  title: Director of Resources
---

## Executive summary

The depot sale is reported in [the confidential report]({S}-depot.md#executive-summary-{S}) and
[its appendix]({S}-valuation.md).

## Recommendations

The Panel is asked to note the forecast.
"""
MINUTES = f"""\
---
kind: minutes
attendance:
  present: [Councillor Ann Carter (Chair), Councillor Ben Doyle]
---

## Apologies

None were received.

## Budget monitoring

RESOLVED that the forecast be noted.

## Sale of the old depot {{exempt=3}}

The Panel heard that {S} Holdings had bid.[^2]

RESOLVED that:

1. the {S} bid be accepted.

[^2]: {S} minute footnote.
"""
OLD_MINUTES = f"""\
---
kind: minutes
title: Minutes {S}
attendance:
  present: [Councillor {S}]
---

## {S} everything

All of this meeting was about {S}.
"""
DECISIONS = f"""\
---
kind: decisions
published_on: 2026-01-13
---

## Budget monitoring

RESOLVED that the forecast be noted.

## Sale of the old depot {{exempt=3}}

RESOLVED that the {S} bid be accepted.
"""
EXEMPT_LETTER = f"""\
---
kind: letter
title: {S} letter
label: Appendix {S} 2
date: 2026-02-05
sender: {{name: {S} Buyer, title: {S} director, address: 2 {S} Road, email: a@{S}.example}}
recipient: {{name: {S} Chief, title: Chief {S}}}
salutation: Dear {S}
closing: Yours {S}
---

We offer {S} pounds.
"""
EXEMPT_PLAIN = f"""\
---
kind: document
title: {S} plain
label: Annex {S}
---

# {S} heading

- {S} list item
"""
SVG = f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>{S}</title><text>{S}</text></svg>'


@pytest.fixture(scope="module")
def sentinel_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder with the sentinel in every field of every exempt paper, listed every way, built."""
    tmp = tmp_path_factory.mktemp("sentinel")
    first = original("panel/2026-01-12/meeting.yaml").replace("issued_on: 2026-01-02", "status: held\nissued_on: 2026-01-02")
    root = project(tmp, {
        "panel/2025-11-10/meeting.yaml": _meeting("2025-11-10", "- standard: apologies\n", status="held"),
        "panel/2025-11-10/minutes.md": OLD_MINUTES,
        "panel/2026-01-12/meeting.yaml": first,
        "panel/2026-01-12/minutes.md": MINUTES,
        "panel/2026-01-12/decisions.md": DECISIONS,
        f"{SECOND}/meeting.yaml": _meeting("2026-02-09", """\
            - standard: apologies
            - standard: declarations
            - title: Budget monitoring, quarter 4
              documents: [report-budget-q4.md]
            """, f"""\
            - title: Sale of the old depot, bids
              exempt_paragraph: 3
              documents:
                - {S}-depot.md
                - {S}-valuation.md
                - {{pdf: {S}-offer.pdf, title: {S} offer letter, label: Appendix {S}, description: {S} described.}}
            - title: Exempt minutes of 10 November 2025
              exempt_paragraph: 3
              documents: [../2025-11-10/minutes.md]
            - title: Late offer
              exempt_paragraph: 3
              published_on: 2026-02-06
              documents: [{S}-letter.md, {S}-plain.md]
            """, issued="2026-02-01"),
        f"{SECOND}/{S}-letter.md": EXEMPT_LETTER,
        f"{SECOND}/{S}-plain.md": EXEMPT_PLAIN,
        f"{SECOND}/report-budget-q4.md": PUBLIC_REPORT,
        f"{SECOND}/{S}-depot.md": EXEMPT_REPORT,
        f"{SECOND}/{S}-valuation.md": EXEMPT_APPENDIX,
        f"{SECOND}/{S}-plan.svg": SVG,
        f"{SECOND}/{S}-offer.pdf": _pdf(f"{S} offer letter text"),
    })
    out = tmp / "build"
    result = build_project(root, out, jobs=1)
    assert not result.report.errors
    return out


def _strings(data: bytes) -> list[bytes]:
    """The bytes as they are, and decompressed if gzip (Pagefind's index and fragments)."""
    out = [data]
    if data[:2] == b"\x1f\x8b":
        out.append(gzip.decompress(data))
    return out


def _pdf_bytes(path: Path) -> list[bytes]:
    """Every object and stream of a PDF, decompressed, and the text of its pages."""
    with pikepdf.open(path) as pdf:
        raw = io.BytesIO()
        pdf.save(raw, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return [raw.getvalue(), text.encode("utf-8")]


def _contains(data: bytes, word: str) -> bool:
    lowered = data.lower()
    return any(form in lowered for form in (word.encode(), word.encode("utf-16-be")))


def test_no_byte_of_the_site_holds_anything_exempt(sentinel_build: Path) -> None:
    site = sentinel_build / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 30
    leaks = [str(p.relative_to(site)) for p in site.rglob("*") if S in p.name.lower()]
    for path in files:
        chunks = _pdf_bytes(path) if path.suffix == ".pdf" else _strings(path.read_bytes())
        if any(_contains(chunk, S) for chunk in chunks):
            leaks.append(str(path.relative_to(site)))
    assert leaks == []


def test_the_exempt_text_is_in_the_members_pack(sentinel_build: Path) -> None:
    """So that the test above is not vacuous: the build had the exempt papers and put them in private/."""
    (pack,) = (sentinel_build / "private").rglob("*2026-02-09*members-pack.pdf")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pack).pages)
    assert f"{S} Holdings" in text and f"{S} offer letter text" in text
    assert f"the {S} bid be accepted" in text  # the exempt minute item, in the members' copy of the minutes
    assert f"All of this meeting was about {S}" in text
    assert f"We offer {S} pounds" in text and f"{S} list item" in text


def test_exempt_minute_item_is_its_heading_and_notice(sentinel_build: Path) -> None:
    page = (sentinel_build / "site/panel/2026-01-12/minutes/index.html").read_text(encoding="utf-8")
    assert re.search(r"Sale of the old depot</h2>\s*<p class=\"exempt-notice\">Not for publication by virtue of "
                     r"paragraph 3 of Part 1 of Schedule 12A", page)
    assert "{exempt" not in page and "Holdings" not in page
    decisions = (sentinel_build / "site/panel/2026-01-12/decisions/index.html").read_text(encoding="utf-8")
    assert "Sale of the old depot" in decisions and "exempt-notice" in decisions and "accepted" not in decisions
    # minutes listed under Part B are not published, and not carried forward to the next meeting
    assert not (sentinel_build / "site/panel/2025-11-10/minutes").exists()
    meeting = (sentinel_build / "site/panel/2026-01-12/index.html").read_text(encoding="utf-8")
    assert "Minutes of the meeting held on 10 November" not in meeting


def test_public_link_to_an_exempt_paper_keeps_its_words_only(sentinel_build: Path) -> None:
    page = (sentinel_build / "site/panel/2026-02-09/item-4/report-budget-q4/index.html").read_text(encoding="utf-8")
    assert "the confidential report" in page and "its appendix" in page
    assert not re.search(r"<a [^>]*>the confidential report", page)
