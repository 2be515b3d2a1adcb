"""The committee and site-wide pages as tasks (engine/sitewide.py): a task whose inputs are unchanged is not
rendered again, its files are linked from the previous output, and the output equals a clean build.

The content is another authority's: Brackenmoor District Council, with a
Planning Committee and a Licensing Committee, papers naming wards, and an
exempt report on a land sale.  The changes run in order on one content
folder (each test starts where the previous one left it); after each, the
same output folder is built again with its cache, a fresh one with --clean,
and the two trees must be identical.  Which tasks rendered is seen by
counting calls of the functions that make their pages.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from helpers_content import tree

from meetingpack.commands.build import BuildResult, build_project
from meetingpack.engine import sitewide
from meetingpack.render.templates import make_environment, render_template

SITE = """\
authority: Brackenmoor District Council
site_title: Brackenmoor meetings and papers
base_url: https://papers.brackenmoor.example/
contact:
  name: Committee Services
  email: committees@brackenmoor.example
wards: [Fellside, Low Moor, Riverside]
"""


def _committee(name: str, short: str, chair: str, members: list[str]) -> str:
    return textwrap.dedent(f"""\
        name: {name}
        short_name: {short}
        remit: The Committee decides matters delegated to it by the Council.
        membership:
          chair: Councillor {chair}
          councillors: [{", ".join(members)}]
        governance_officer:
          name: Priya Shah
          title: Committee Services Officer
          email: priya.shah@brackenmoor.example
        standard_items:
          - key: apologies
            title: Apologies for absence
          - key: declarations
            title: Declarations of interest
        """)


def _meeting(date: str, status: str, part_a: str, part_b: str = "") -> str:
    return (f'date: {date}\nstart_time: "18:30"\nvenue: Council Chamber, Brackenmoor House\nstatus: {status}\n'
            f"issued_on: {date[:8]}01\nissued_by:\n  name: Owen Price\n  title: Chief Executive\n"
            f"agenda:\n  part_a:\n    - standard: apologies\n    - standard: declarations\n{part_a}"
            + (f"  part_b:\n{part_b}" if part_b else ""))


def _report(title: str, date: str, wards: list[str], summary: str, exempt: bool = False) -> str:
    return textwrap.dedent(f"""\
        ---
        kind: report
        title: {title}
        date: {date}
        addressee: To the Chair and Members of the Committee
        wards: [{", ".join(wards)}]
        {"exempt_paragraph: 3" if exempt else ""}
        contact_officer:
          name: Priya Shah
          title: Committee Services Officer
        director:
          name: Huw Morgan
          title: Director of Place
        ---

        ## Executive summary

        {summary}

        ## Recommendations

        That the Committee notes the report.
        """)


PLANNING = "planning/2026-03-04"
LICENSING = "licensing/2026-03-11"
SECRET = "Glebe Farm barn conversion"
"""The title of the exempt report: in the members' pack only."""

FILES = {
    "site.yaml": SITE,
    "planning/committee.yaml": _committee("Planning Committee", "Planning", "Ruth Ellery",
                                          ["Tom Ashworth", "Nadia Kaur"]),
    "licensing/committee.yaml": _committee("Licensing Committee", "Licensing", "Gareth Pryce",
                                           ["Lois Whitfield", "Sam Okafor"]),
    f"{PLANNING}/meeting.yaml": _meeting("2026-03-04", "scheduled", """\
    - title: Land east of Fellside Road
      documents:
        - report-fellside.md
""", """\
    - title: Disposal of council land
      exempt_paragraph: 3
      documents:
        - report-land.md
"""),
    f"{PLANNING}/report-fellside.md": _report("Land east of Fellside Road", "2026-03-04", ["Fellside"],
                                              "An outline application for forty homes."),
    f"{PLANNING}/report-land.md": _report(SECRET, "2026-03-04", ["Low Moor"],
                                          "The offer for the barn stands at a sum withheld here.", exempt=True),
    f"{LICENSING}/meeting.yaml": _meeting("2026-03-11", "scheduled", """\
    - title: Street trading consents
      documents:
        - report-trading.md
"""),
    f"{LICENSING}/report-trading.md": _report("Street trading consents", "2026-03-11", ["Riverside"],
                                              "Three pitches on Riverside Walk are proposed."),
}


class Site:
    """The content folder, its output built incrementally, and a clean build to compare with."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.root = tmp / "content"
        for relative, text in FILES.items():
            self.write(relative, text)
        self.out = tmp / "build"
        self.rounds = 0

    def write(self, relative: str, text: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        text = (self.root / relative).read_text(encoding="utf-8")
        assert old in text, (relative, old)
        self.write(relative, text.replace(old, new, 1))

    def check(self, monkeypatch: pytest.MonkeyPatch) -> tuple[BuildResult, Counter[str]]:
        """Build incrementally (counting the site tasks rendered), build clean elsewhere, require the same bytes."""
        made: Counter[str] = Counter()

        def counted(name: str, function: object, key: object = None) -> None:
            def wrapper(*args: object, **kwargs: object) -> object:
                made[name if key is None else f"{name}/{key(*args)}"] += 1  # type: ignore[operator]
                return function(*args, **kwargs)  # type: ignore[operator]
            monkeypatch.setattr(sitewide, function.__name__, wrapper)  # type: ignore[attr-defined]

        counted("committee", sitewide.committee_pages, lambda env, project, committee, *_: committee.slug)
        counted("ward", sitewide.ward_page, lambda env, project, ward, *_: ward)
        for name, function in [("home", sitewide.home_page), ("wards", sitewide.wards_index),
                               ("councillors", sitewide.render_councillor_pages), ("feeds", sitewide.papers_feed),
                               ("search", sitewide.search_page), ("accessibility", sitewide.accessibility_page),
                               ("sitemap", sitewide.sitemap)]:
            counted(name, function)
        result = build_project(self.root, self.out, jobs=1)
        monkeypatch.undo()
        self.rounds += 1
        clean = self.tmp / f"clean-{self.rounds}"
        build_project(self.root, clean, jobs=1, clean=True, cache=self.tmp / f"clean-cache-{self.rounds}")
        assert tree(self.out) == tree(clean)
        shutil.rmtree(clean)
        return result, made


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(tmp_path_factory.mktemp("site-tasks"))


TASKS = 2 + 10 + 2
"""Two committees; home, three wards, the index of wards, councillors, search, accessibility, assets, feeds;
sitemap, manifest."""


def test_the_first_build_renders_every_site_task(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    result, made = site.check(monkeypatch)
    assert (result.site_tasks, result.site_tasks_reused) == (TASKS, 0)
    assert made == Counter({"committee/planning": 1, "committee/licensing": 1, "home": 1, "wards": 1,
                            "ward/Fellside": 1, "ward/Low Moor": 1, "ward/Riverside": 1, "councillors": 1, "feeds": 1, "search": 1, "accessibility": 1, "sitemap": 1})
    recorded = json.loads((site.tmp / ".build.cache" / "site.json").read_text(encoding="utf-8"))["tasks"]
    # the templates each task rendered, recorded while rendering: its own, and what it extends and imports
    assert {"site/committee.html", "site/base.html", "site/macros.html"} <= set(recorded["committee/planning"]["templates"])
    assert set(recorded["ward/fellside"]["templates"]) >= {"site/ward.html", "site/macros.html", "site/base.html"}
    assert "site/ward.html" not in recorded["home"]["templates"] and "site/ward.html" not in recorded["wards"]["templates"]
    assert recorded["manifest"]["templates"] == {} and recorded["manifest"]["files"][0][0] == "manifest.json"


def test_the_words_of_a_paper_change_only_the_tasks_that_print_its_pdf(site: Site,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site.edit(f"{PLANNING}/report-fellside.md", "forty homes.", "forty-two homes, with a play area.")
    result, made = site.check(monkeypatch)
    assert (result.rendered, result.reused) == (1, 1)
    # no listing shows a paper's words: both committees' pages, the feeds and the councillors are linked
    assert "committee/licensing" not in made and "committee/planning" not in made
    assert "feeds" not in made and "councillors" not in made and "search" not in made and "wards" not in made
    # its ward's page shows its PDF's size; the other wards' pages do not list it
    assert made["ward/Fellside"] == 1 and "ward/Riverside" not in made and "ward/Low Moor" not in made
    assert result.site_tasks_reused >= TASKS - 5  # home, its ward; accessibility, sitemap, manifest if they moved


def test_a_paper_of_one_committee_leaves_the_other_committees_listing(site: Site,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site.edit(f"{PLANNING}/report-fellside.md", "title: Land east of Fellside Road",
              "title: Land east of Fellside Road, outline application")
    result, made = site.check(monkeypatch)
    assert made["committee/planning"] == 1 and "committee/licensing" not in made
    assert made["feeds"] == 1  # the feed lists the paper by its title
    assert result.site_tasks_reused >= 3  # the licensing committee, search and the style sheet at least


def test_site_yaml_renders_every_site_task_again(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.edit("site.yaml", "site_title: Brackenmoor meetings and papers", "site_title: Brackenmoor council papers")
    result, made = site.check(monkeypatch)
    assert (result.site_tasks, result.site_tasks_reused) == (TASKS, 1)  # manifest.json shows nothing of site.yaml
    assert made["committee/planning"] == made["committee/licensing"] == made["home"] == 1


def test_an_override_of_one_site_template_renders_only_the_tasks_that_used_it(site: Site,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ward = Path(__file__).resolve().parent.parent / "templates/site/ward.html"
    site.write("templates/site/ward.html", ward.read_text(encoding="utf-8") + "{# Brackenmoor's own #}\n")
    result, made = site.check(monkeypatch)
    assert result.rendered == 0
    assert made == Counter({"ward/Fellside": 1, "ward/Low Moor": 1, "ward/Riverside": 1})
    assert result.site_tasks_reused == TASKS - 3


def test_a_new_meeting_updates_its_committee_the_home_page_the_feeds_and_the_sitemap(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.write("licensing/2026-04-08/meeting.yaml", _meeting("2026-04-08", "scheduled", """\
    - title: Review of the taxi licensing policy
"""))
    result, made = site.check(monkeypatch)
    assert (result.meetings, result.rendered) == (3, 1)
    assert made["committee/licensing"] == made["home"] == made["feeds"] == made["sitemap"] == 1
    assert "committee/planning" not in made and not any(name.startswith("ward") for name in made)
    sitemap = (site.out / "site/sitemap.xml").read_text(encoding="utf-8")
    assert "https://papers.brackenmoor.example/licensing/2026-04-08/</loc>" in sitemap
    home = (site.out / "site/index.html").read_text(encoding="utf-8")
    assert "licensing/2026-04-08/index.html" in home
    feed = (site.out / "site/calendar.ics").read_text(encoding="utf-8")
    assert "20260408" in feed


def test_a_reused_task_is_linked_not_written(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (site.out / "site/planning/index.html").stat().st_ino
    site.edit(f"{LICENSING}/report-trading.md", "Three pitches", "Four pitches")
    site.check(monkeypatch)
    assert (site.out / "site/planning/index.html").stat().st_ino == before


def test_the_projections_in_the_cache_hold_nothing_exempt(site: Site) -> None:
    """What the site tasks keep of each meeting names an exempt item by its agenda entry only."""
    pages = (site.tmp / ".build.cache" / "pages.json").read_text(encoding="utf-8")
    projection = json.dumps(json.loads(pages)["meetings"][PLANNING]["site"])
    assert "Disposal of council land" in projection  # the agenda entry, as the printed agenda shows it
    for withheld in (SECRET, "report-land", "Low Moor", "barn"):
        assert withheld not in projection
    assert not any(withheld in (site.out / "site" / p).read_text(encoding="utf-8", errors="replace")
                   for withheld in (SECRET, "report-land") for p in ("index.html", "wards/index.html",
                                                                     "papers.atom", "sitemap.xml"))


def test_the_environment_records_every_template_a_render_loads(tmp_path: Path) -> None:
    """Extends, includes (even one looked for and missing), imports: each time, compiled or not."""
    for name, text in {"x/page.html": '{% extends "x/base.html" %}{% block b %}{% include "x/part.html" %}'
                                      '{% include "x/none.html" ignore missing %}'
                                      '{% from "x/m.html" import f %}{{ f() }}{% endblock %}',
                       "x/base.html": "<main>{% block b %}{% endblock %}</main>", "x/part.html": "part ",
                       "x/m.html": "{% macro f() %}made{% endmacro %}", "x/other.html": "other"}.items():
        (tmp_path / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    env = make_environment(tmp_path)
    for _ in range(2):
        with env.recording() as loaded:
            assert render_template(env, "x/page.html") == "<main>part made</main>"
        assert loaded == {"x/page.html", "x/base.html", "x/part.html", "x/none.html", "x/m.html"}
    builtin = env.template_digest("site/site.css")
    assert env.template_digest("x/none.html") == ""
    (tmp_path / "templates/site").mkdir()
    (tmp_path / "templates/site/site.css").write_text(
        (Path(__file__).resolve().parent.parent / "templates/site/site.css").read_text(encoding="utf-8"), encoding="utf-8")
    assert make_environment(tmp_path).template_digest("site/site.css") not in ("", builtin)  # the same text, overridden
