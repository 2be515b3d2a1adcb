"""What a meeting's pages task keeps between builds (engine/bodies.py, engine/derived.py): the HTML of each
paper's Markdown and the text of each PDF appendix.  A change to a site template renders every page again
without rendering any Markdown or reading any PDF; an answer that changed (a link to a paper now exempt)
renders the paper again; a bad entry is never used; and every build equals a clean build, byte for byte.

The content is another authority's: Harrowdale Borough Council's Licensing Panel, with a report that links
to a second report and to its appendix, and a scanned survey as a PDF appendix.  The tests run in order on
one content folder and one output folder.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers_content import original, project, tree
from weasyprint import HTML

from meetingpack import site as site_module
from meetingpack.commands.build import build_project
from meetingpack.engine import bodies
from meetingpack.engine.bodies import BodyStore, bodies_in, in_meeting
from meetingpack.render.markdown import LinkTarget, Options, render_markdown

MEETING = "panel/2026-01-12"

MEETING_YAML = """\
date: 2026-01-12
start_time: "10:00"
venue: Committee Room 2, Harrowdale Civic Centre
issued_on: 2026-01-02
issued_by:
  name: Mared Lloyd
  title: Head of Democratic Services
agenda:
  part_a:
    - title: Late-night levy
      documents:
        - report-budget.md
        - appendix-budget.md
        - pdf: survey.pdf
          title: Survey of licensed premises
          label: Appendix 2
          description: The survey as scanned.
    - title: Fees and charges
      documents:
        - report-fees.md
"""

MOVED = MEETING_YAML.replace("""    - title: Fees and charges
      documents:
        - report-fees.md
""", "") + """  part_b:
    - title: Fees and charges
      exempt_paragraph: 3
      documents:
        - report-fees.md
"""

LINKS = "\n\nSee [the fees report](report-fees.md) and [the forecast](appendix-budget.md).\n"
SURVEY_WORDS = "Forty-one premises answered the survey"


class Case:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        budget = original(f"{MEETING}/report-budget.md")
        fees = budget.replace("title: Budget monitoring, quarter 3", "title: Fees and charges 2026/27")
        assert fees != budget
        survey = HTML(string=f"<html lang='en-GB'><body><p>{SURVEY_WORDS}.</p></body></html>").write_pdf()
        self.root = project(tmp, {
            "site.yaml": original("site.yaml").replace("Testford Borough Council", "Harrowdale Borough Council"),
            f"{MEETING}/meeting.yaml": MEETING_YAML,
            f"{MEETING}/report-budget.md": budget.rstrip("\n") + LINKS,
            f"{MEETING}/report-fees.md": fees,
            f"{MEETING}/survey.pdf": survey,
        })
        self.out = tmp / "build"
        self.cache = tmp / ".build.cache"
        self.rounds = 0

    def build(self, monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], int]:
        """Build incrementally, counting the Markdown rendered (by document title) and the PDFs read; then
        require the same bytes as a clean build."""
        rendered: Counter[str] = Counter()
        read = []
        real_render, real_text = bodies.render_markdown, site_module.pdf_text

        def counted_render(text: str, options: Options) -> object:
            rendered[next((line for line in text.splitlines() if line.startswith("#")), "?")] += 1
            return real_render(text, options)

        monkeypatch.setattr(bodies, "render_markdown", counted_render)
        monkeypatch.setattr(site_module, "pdf_text", lambda path: read.append(path) or real_text(path))
        build_project(self.root, self.out, jobs=1)
        monkeypatch.undo()
        self.rounds += 1
        clean = self.tmp / f"clean-{self.rounds}"
        build_project(self.root, clean, jobs=1, clean=True, cache=self.tmp / f"clean-cache-{self.rounds}")
        assert tree(self.out) == tree(clean)
        shutil.rmtree(clean)
        shutil.rmtree(self.tmp / f"clean-cache-{self.rounds}")
        return rendered, len(read)

    def page(self, slug: str) -> str:
        found = list((self.out / "site" / MEETING).glob(f"*/{slug}/index.html"))
        assert len(found) == 1, found
        return found[0].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return Case(tmp_path_factory.mktemp("kept-bodies"))


def test_the_first_build_renders_every_paper_and_reads_the_pdf(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered, read = case.build(monkeypatch)
    assert sum(rendered.values()) >= 3 and read == 1
    assert 'href="../../item-2/report-fees/index.html"' in case.page("report-budget")
    assert SURVEY_WORDS in case.page("survey")
    assert len(list((case.cache / "bodies").glob("*.json"))) == 1  # one file for the one meeting
    assert len(list((case.cache / "derived").glob("pdf-text-*.json"))) == 1


def test_a_changed_site_template_renders_no_markdown_and_reads_no_pdf(case: Case,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    template = Path(__file__).resolve().parent.parent / "templates" / "site" / "base.html"
    override = case.root / "templates" / "site" / "base.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(template.read_text(encoding="utf-8") + "\n<!-- Harrowdale's own footer -->\n", encoding="utf-8")
    rendered, read = case.build(monkeypatch)
    assert (sum(rendered.values()), read) == (0, 0)
    assert "Harrowdale's own footer" in case.page("report-budget")  # every page is new, its body kept


def test_a_link_to_a_paper_made_exempt_renders_the_linking_paper_again(case: Case,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget report's text is unchanged, but its link to the fees report now answers 'no link'."""
    (case.root / MEETING / "meeting.yaml").write_text(MOVED, encoding="utf-8")
    rendered, _ = case.build(monkeypatch)
    page = case.page("report-budget")
    assert "the fees report" in page and "report-fees" not in page
    assert 'href="../appendix-budget/index.html"' in page
    assert any(rendered.values())
    assert not list((case.out / "site" / MEETING).glob("*/report-fees/index.html"))


def test_bad_entries_are_never_used(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """A truncated bodies file, an edited body (checksum no longer matches) and a derived text of another
    version are all worked out again; the output is still that of a clean build (checked in `build`)."""
    (body_file,) = (case.cache / "bodies").glob("*.json")
    data = json.loads(body_file.read_text(encoding="utf-8"))
    for entry in data["value"].values():
        entry["html"] = entry["html"].replace("forecast", "FORGED")
    body_file.write_text(json.dumps(data), encoding="utf-8")
    (text_file,) = (case.cache / "derived").glob("pdf-text-*.json")
    text = json.loads(text_file.read_text(encoding="utf-8"))
    text["value"] = [["FORGED text of the survey"]]
    text_file.write_text(json.dumps(text), encoding="utf-8")
    override = case.root / "templates" / "site" / "base.html"
    override.write_text(override.read_text(encoding="utf-8") + "<!-- again -->\n", encoding="utf-8")
    rendered, read = case.build(monkeypatch)
    assert any(rendered.values()) and read == 1
    assert "FORGED" not in case.page("report-budget") and SURVEY_WORDS in case.page("survey")
    assert "FORGED" not in body_file.read_text(encoding="utf-8")  # replaced by what was rendered

    body_file.write_bytes(body_file.read_bytes()[:100])  # truncated
    override.write_text(override.read_text(encoding="utf-8") + "<!-- and again -->\n", encoding="utf-8")
    rendered, read = case.build(monkeypatch)
    assert any(rendered.values()) and read == 0
    json.loads(body_file.read_text(encoding="utf-8"))


def test_entries_of_what_left_the_content_are_removed(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    (case.root / MEETING / "meeting.yaml").write_text(MOVED.replace("""        - pdf: survey.pdf
          title: Survey of licensed premises
          label: Appendix 2
          description: The survey as scanned.
""", ""), encoding="utf-8")
    (case.root / MEETING / "survey.pdf").unlink()
    case.build(monkeypatch)
    assert not list((case.cache / "derived").glob("pdf-text-*.json"))
    later = case.root / "panel" / "2026-02-09"
    shutil.copytree(case.root / MEETING, later)
    (later / "meeting.yaml").write_text((later / "meeting.yaml").read_text(encoding="utf-8")
                                        .replace("date: 2026-01-12", "date: 2026-02-09"), encoding="utf-8")
    case.build(monkeypatch)
    assert len(list((case.cache / "bodies").glob("*.json"))) == 2
    shutil.rmtree(later)
    case.build(monkeypatch)
    assert len(list((case.cache / "bodies").glob("*.json"))) == 1


MINUTES = """\
## Welcome

![The chamber](chamber.png)

See [the report](report.md#summary) and [the web](https://example.org/).

| Fee | Amount |
|-----|--------|
| Premises | £100 |

## Licensing policy

RESOLVED that the Panel:

1. approves the policy;
2. asks for a review in a year.

## Sale of land {exempt=3}

The price.
"""


def test_a_kept_body_is_the_render_it_replaces(tmp_path: Path) -> None:
    """Every field of what render_markdown found comes back from the store as it was rendered."""
    calls: list[str] = []

    def link(href: str) -> LinkTarget:
        calls.append(href)
        return LinkTarget(f"../x/{href}", {"class": "ref"})

    options = Options(id_prefix="m-", minute_start=7, line_offset=4, image_src=lambda src: f"img/{src}", link=link,
                      block_ids=True, page_markers={"b2": 9})
    fresh = render_markdown(MINUTES, options)
    assert fresh.resolutions and fresh.headings and fresh.images and fresh.exempt and fresh.blocks
    version = json.dumps({"test": "1"})
    for expected_hits in (0, 1):
        store = BodyStore(tmp_path / "bodies", version)
        with bodies_in(store), in_meeting("panel/2026-01-12"):
            kept = bodies.markdown(MINUTES, options)
        assert (store.hits, store.misses) == (expected_hits, 1 - expected_hits)
        assert dataclasses.asdict(kept) == dataclasses.asdict(fresh)
    assert calls.count("report.md#summary") == 3  # rendered twice, asked once more before the kept one was used

    # another link answer, another plain option, another version: rendered again
    for changed, store in [
        (dataclasses.replace(options, link=lambda href: LinkTarget(None)), BodyStore(tmp_path / "bodies", version)),
        (dataclasses.replace(options, minute_start=8), BodyStore(tmp_path / "bodies", version)),
        (options, BodyStore(tmp_path / "bodies", json.dumps({"test": "2"}))),
    ]:
        with bodies_in(store), in_meeting("panel/2026-01-12"):
            kept = bodies.markdown(MINUTES, changed)
        assert store.misses == 1
        assert dataclasses.asdict(kept) == dataclasses.asdict(render_markdown(MINUTES, changed))
