"""The bundled example built end to end, its outputs read back: PDF text per page, HTML, manifest."""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, Built
from pypdf import PdfReader

from meetingpack.cli import main

LATER = "2026-03-02"
EARLIER = "2025-12-09"
EXEMPT_PHRASE = "commercially confidential tender prices"


def _items_with_pages(built: Built, slug: str) -> list[dict]:
    return [i for i in built.meeting(slug)["pack"]["items"] if i["first_page"] is not None]


def test_manifest_lists_both_meetings_with_their_outputs(built: Built) -> None:
    slugs = [m["meeting"] for m in built.manifest["meetings"]]
    assert slugs == [EARLIER, LATER]
    later = built.meeting(LATER)
    assert later["status"] == "scheduled" and built.meeting(EARLIER)["status"] == "held"
    assert len(later["pack"]["items"]) >= 10
    for meeting in built.manifest["meetings"]:
        assert (built.out / meeting["outputs"]["page"]).is_file()
        assert (built.out / meeting["pack"]["file"]).is_file()


def test_item_ranges_are_contiguous_and_start_on_odd_pages(built: Built) -> None:
    for slug in (EARLIER, LATER):
        items = _items_with_pages(built, slug)
        pack = built.meeting(slug)["pack"]
        assert items[0]["first_page"] == 1
        for before, after in itertools.pairwise(items):
            assert after["first_page"] == before["last_page"] + 1
        assert items[-1]["last_page"] == pack["numbered_pages"]
        assert all(i["first_page"] % 2 == 1 for i in items)
        assert pack["front_sheet_pages"] % 2 == 0
        assert pack["pages"] == pack["front_sheet_pages"] + pack["numbered_pages"]


def test_front_sheet_prints_the_real_page_ranges(built: Built) -> None:
    pack = built.meeting(LATER)["pack"]
    texts = built.page_texts(LATER)
    front = " ".join(texts[: pack["front_sheet_pages"]])
    flat = re.sub(r"\s+", " ", front)
    assert "Public Document Pack" in flat
    assert "Members of the public are welcome to attend" in flat
    assert "Items where the public and press may not be excluded" in flat
    assert "Items where the public and press are likely to be excluded" in flat
    assert "Issued on: Friday 20 February 2026" in flat
    for item in _items_with_pages(built, LATER):
        first, last = item["first_page"], item["last_page"]
        expected = f"(Page {first})" if first == last else f"(Pages {first} - {last})"
        assert expected in flat, item["title"]
        # the stamp really falls on the first page of the range
        stamp_page = texts[pack["front_sheet_pages"] + first - 1]
        assert f"Agenda Item {item['number']}." in stamp_page
        if first > 1:
            assert f"Agenda Item {item['number']}." not in texts[pack["front_sheet_pages"] + first - 2]


def test_every_numbered_page_shows_its_number_and_blank_pages_precede_items(built: Built) -> None:
    for slug in (EARLIER, LATER):
        pack = built.meeting(slug)["pack"]
        texts = built.page_texts(slug)
        starts = {i["first_page"] for i in _items_with_pages(built, slug)}
        blanks = 0
        for number in range(1, pack["numbered_pages"] + 1):
            text = texts[pack["front_sheet_pages"] + number - 1]
            assert re.search(rf"\bPage {number}\b", text), f"{slug}: page {number} has no number"
            if "This page is intentionally left blank" in text:
                blanks += 1
                assert number % 2 == 0 and number + 1 in starts, f"{slug}: blank page {number} not before an item"
        for number in range(1, pack["front_sheet_pages"] + 1):
            assert not re.search(r"\bPage \d+\b", texts[number - 1])
        if slug == LATER:
            assert blanks >= 1, "the example should need at least one blank page"


def test_first_document_page_carries_the_pack_banner_once(built: Built) -> None:
    pack = built.meeting(LATER)["pack"]
    texts = built.page_texts(LATER)
    body = texts[pack["front_sheet_pages"]:]
    assert "Public Document Pack" in body[0]
    assert not any("Public Document Pack" in t for t in body[1:])


def test_page_labels_match_printed_numbers(built: Built) -> None:
    reader = built.pack(LATER)
    pack = built.meeting(LATER)["pack"]
    labels = reader.page_labels
    assert labels[0] == "Agenda 1"
    assert labels[pack["front_sheet_pages"]] == "1"
    assert labels[-1] == str(pack["numbered_pages"])


def test_pdf_is_tagged_titled_and_in_british_english(built: Built) -> None:
    reader = built.pack(LATER)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "Children and Young People Overview and Scrutiny Panel" in reader.metadata.title
    assert reader.metadata.author == "Aldermoor Metropolitan Borough Council"
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    for item in _items_with_pages(built, LATER):
        assert any(title.startswith(f"{item['number']}. ") for title in outline), item["title"]
    for box in (p.mediabox for p in reader.pages):
        assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]  # A4, either way


def test_merged_pdf_appendix_pages_are_numbered_and_keep_their_text(built: Built) -> None:
    pack = built.meeting(LATER)["pack"]
    letter = next(d for d in pack["documents"] if d["id"].endswith("inspection-letter"))
    texts = built.page_texts(LATER)
    source = PdfReader(EXAMPLE / "children-young-people" / LATER / "inspection-letter.pdf")
    assert letter["last_page"] - letter["first_page"] + 1 >= len(source.pages)
    for k, source_page in enumerate(source.pages):
        number = letter["first_page"] + k
        text = texts[pack["front_sheet_pages"] + number - 1]
        assert f"Page {number}" in text
        first_words = (source_page.extract_text() or "").split()[:6]
        assert " ".join(first_words) in re.sub(r"\s+", " ", text)


def test_minutes_are_numbered_on_from_the_committee_start(built: Built) -> None:
    html = built.html(f"children-young-people/{EARLIER}/minutes/index.html")
    assert 'id="minute-31"' in html
    assert re.search(r'<span class="minute-number">31\.</span>\s*Apologies', html)
    assert '<ol class="resolution">' in html
    later_texts = " ".join(built.page_texts(LATER))
    assert "31." in later_texts and "RESOLVED" in later_texts.upper()


def test_exempt_business_never_reaches_the_site(built: Built) -> None:
    exempt_file = "report-residential-framework"
    for path in built.site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        assert EXEMPT_PHRASE.encode() not in data, path
        assert exempt_file.encode() not in data, path
        if path.suffix == ".pdf":
            text = " ".join(p.extract_text() or "" for p in PdfReader(path).pages)
            assert EXEMPT_PHRASE not in re.sub(r"\s+", " ", text), path
    manifest = (built.out / "manifest.json").read_text(encoding="utf-8")
    assert EXEMPT_PHRASE not in manifest and exempt_file not in manifest
    item = next(i for i in built.meeting(LATER)["pack"]["items"] if i["part"] == "B")
    page = built.html(f"children-young-people/{LATER}/item-{item['number']}/index.html")
    assert "paragraph 3 of Part 1 of Schedule 12A" in page
    front = " ".join(built.page_texts(LATER)[:2])
    assert "Schedule 12A" in re.sub(r"\s+", " ", front)


def test_meeting_page_links_every_public_document(built: Built) -> None:
    folder = built.site / "children-young-people" / LATER
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Agenda and papers (public document pack)" in html
    assert re.search(r"PDF, \d+ KB, \d+ pages", html)
    for href in re.findall(r'href="([^"#]+)"', html):
        if href.startswith(("mailto:", "http")):
            continue
        assert (folder / href).resolve().is_file(), href


def test_report_renders_as_html_with_numbered_paragraphs_and_metadata(built: Built) -> None:
    folder = built.site / "children-young-people" / LATER
    page = next(folder.glob("item-*/report-fostering/index.html")).read_text(encoding="utf-8")
    assert page.count("<h1") == 1
    assert '<th scope="col">Wards affected</th>' in page
    assert '<span class="para-number">1.</span>' in page
    assert "<caption>" in page and "<img " in page and 'alt="' in page
    assert re.search(r'<img src="placements-chart.svg" alt="[^"]{20,}"', page)
    assert (next(folder.glob("item-*/report-fostering")) / "placements-chart.svg").is_file()
    assert "Contact officer and report author" in page


def test_rag_status_is_not_colour_alone(built: Built) -> None:
    folder = built.site / "children-young-people" / LATER
    page = next(folder.glob("item-*/appendix-exploitation-action-plan/index.html")).read_text(encoding="utf-8")
    for colour in ("Red", "Amber", "Green"):
        assert re.search(rf'<span class="rag rag-{colour.lower()}">.*?</span> {colour}</span>', page)
    texts = " ".join(built.page_texts(LATER))
    assert "Amber" in texts and "Green" in texts


def test_work_plan_appendix_is_rendered_from_the_yaml(built: Built) -> None:
    import yaml

    plan = yaml.safe_load((EXAMPLE / "children-young-people" / "workplan.yaml").read_text())
    topic = plan["meetings"][0]["topics"][0]
    folder = built.site / "children-young-people" / LATER
    page = next(folder.glob("item-*/appendix-workplan/index.html")).read_text(encoding="utf-8")
    assert '<table class="data workplan"' in page and '<th scope="col">Topics</th>' in page
    assert topic in html.unescape(page).replace("\u2019", "'")  # typographic apostrophes
    texts = re.sub(r"\s+", " ", " ".join(built.page_texts(LATER)))
    assert topic.split()[0] in texts


def _tree(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_builds_are_reproducible(built: Built, tmp_path: Path) -> None:
    from meetingpack.commands.build import build_project

    again = tmp_path / "again"
    build_project(EXAMPLE, again)
    assert _tree(again) == _tree(built.out)


def test_failed_build_leaves_previous_output_byte_for_byte(built: Built, example_copy: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    shutil.copytree(built.out, out)
    before = _tree(out)
    meeting = example_copy / "children-young-people" / LATER / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("date: 2026-03-02", "date: 2026-02-30"))
    assert main(["build", str(example_copy), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "meeting.yaml:" in err and "is not a valid date" in err and "unchanged" in err
    assert _tree(out) == before
    assert not list(tmp_path.glob(".build.*")), "staging folder left behind"


def test_check_reports_each_problem_of_a_broken_meeting(example_copy: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    meeting = example_copy / "children-young-people" / LATER / "meeting.yaml"
    lines = meeting.read_text().splitlines()
    date_line = next(i for i, line in enumerate(lines) if line.startswith("date:"))
    lines[date_line] = "date: 2026-02-30"
    venue_line = next(i for i, line in enumerate(lines) if line.startswith("venue:"))
    lines.insert(venue_line + 1, "venu: Room 3")
    doc_line = next(i for i, line in enumerate(lines) if "report-fostering.md" in line)
    lines[doc_line] = lines[doc_line].replace("report-fostering.md", "report-fostring.md")
    meeting.write_text("\n".join(lines) + "\n")
    assert main(["check", str(example_copy)]) == 1
    err = capsys.readouterr().err
    rel = f"content/children-young-people/{LATER}/meeting.yaml"
    assert f"{rel}:{date_line + 1}:7: error: date: '2026-02-30' is not a valid date" in err
    assert f"{rel}:{venue_line + 2}:1: error: unknown field 'venu'" in err
    assert "did you mean 'venue'?" in err
    assert re.search(rf"{re.escape(rel)}:{doc_line + 1}:\d+: error: document 'report-fostring.md' not found", err)
    assert "Traceback" not in err


def test_check_on_the_example_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE)]) == 0
    err = capsys.readouterr().err
    assert "0 errors, 0 warnings" in err


def test_members_pack_with_exempt_papers_is_written_only_under_private(built: Built) -> None:
    later = built.meeting(LATER)
    members = later["outputs"]["members_pack"]
    assert members.startswith("private/") and "members_pack" not in built.meeting(EARLIER)["outputs"]
    reader = PdfReader(built.out / members)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    assert EXEMPT_PHRASE in text
    assert "Members' Pack (includes exempt information)" in text
    assert "Not for publication" in text
    assert "Public Document Pack" not in text
    assert not list(built.site.rglob("*members-pack*"))
    public = re.sub(r"\s+", " ", " ".join(built.page_texts(LATER)))
    assert "Members' Pack" not in public


def test_public_papers_keep_their_page_numbers_in_the_members_pack(built: Built) -> None:
    later = built.meeting(LATER)
    members = [p.extract_text() or "" for p in PdfReader(built.out / later["outputs"]["members_pack"]).pages]
    public = built.page_texts(LATER)
    front_public = later["pack"]["front_sheet_pages"]
    front_members = next(i for i, t in enumerate(members) if re.search(r"\bPage 1\b", t))
    assert front_members % 2 == 0
    for number in range(1, later["pack"]["numbered_pages"] + 1):
        mine, theirs = members[front_members + number - 1], public[front_public + number - 1]
        assert re.search(rf"\bPage {number}\b", mine)
        assert mine.split()[:8] == theirs.split()[:8] or "Public Document Pack" in theirs, number
    assert len(members) > len(public)
