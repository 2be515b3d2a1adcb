"""The bundled example built end to end, its outputs read back: PDF text per page, HTML, manifest."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, Built
from helpers_content import tree
from pypdf import PdfReader

from meetingpack.cli import main

LATER = "2026-03-02"
EARLIER = "2025-12-09"
EXEMPT_PHRASE = "commercially confidential tender prices"


def test_manifest_lists_both_meetings_with_their_outputs(built: Built) -> None:
    slugs = [(m["committee"], m["meeting"]) for m in built.manifest["meetings"]]
    assert slugs == [("children-young-people", EARLIER), ("children-young-people", LATER),
                     ("overview-scrutiny", "2026-01-20")]
    later = built.meeting(LATER)
    assert later["status"] == "scheduled" and built.meeting(EARLIER)["status"] == "held"
    assert len(later["items"]) == 13
    for meeting in built.manifest["meetings"]:
        assert (built.out / meeting["page"]).is_file()
        for pack in meeting["packs"]:
            assert (built.out / pack["file"]).is_file()
        for item in meeting["items"]:
            assert item["pdf"] is None or (built.out / item["pdf"]).is_file()


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
    item = next(i for i in built.meeting(LATER)["items"] if i["part"] == "B")
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
    assert "<caption id=" in page and "<img " in page and 'alt="' in page
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


def test_builds_are_reproducible(built: Built, tmp_path: Path) -> None:
    from meetingpack.commands.build import build_project

    again = tmp_path / "again"
    build_project(EXAMPLE, again, jobs=1)  # `built` was made with -j 2: the number of processes changes nothing
    assert tree(again) == tree(built.out)


def test_failed_build_leaves_previous_output_byte_for_byte(built: Built, example_copy: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    shutil.copytree(built.out, out)
    before = tree(out)
    meeting = example_copy / "children-young-people" / LATER / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("date: 2026-03-02", "date: 2026-02-30"))
    assert main(["build", str(example_copy), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "meeting.yaml:" in err and "is not a valid date" in err and "unchanged" in err
    assert tree(out) == before
    assert not list(tmp_path.glob(".build.*")), "staging folder left behind"


def test_check_reports_each_problem_of_a_broken_meeting(example_copy: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example_copy.parent)  # paths are printed relative to the folder pack is run from
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
    members = later["members_pack"]["file"]
    assert members.startswith("private/") and "members_pack" not in built.meeting(EARLIER)
    reader = PdfReader(built.out / members)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    assert EXEMPT_PHRASE in text
    assert "Members' Pack (includes exempt information)" in text
    assert "Not for publication" in text
    assert not list(built.site.rglob("*members-pack*"))
    public = re.sub(r"\s+", " ", " ".join(built.page_texts(LATER)))
    assert "Members' Pack" not in public


