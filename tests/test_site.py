"""The website's pages for the bundled example, read back as HTML (the browser tests are in tests/browser/)."""

from __future__ import annotations

import gzip
import html
import itertools
import json
import re

from conftest import Built

LATER = "children-young-people/2026-03-02"
EARLIER = "children-young-people/2025-12-09"
EXEMPT_PHRASE = "commercially confidential tender prices"


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_home_lists_upcoming_meetings_and_recent_papers(built: Built) -> None:
    home = built.html("index.html")
    upcoming = home.split("<h2>Upcoming meetings</h2>")[1].split("<h2>")[0]
    assert "Monday 2 March 2026, 10.00 am" in upcoming and "9 December 2025" not in upcoming
    recent = text(home.split("<h2>Recently published papers</h2>")[1].split("<h2>")[0])
    # newest first: the supplementary report published on 26 February comes before the agenda's papers
    assert recent.index("Future of Eastwood Youth Centre") < recent.index("Fostering recruitment")
    assert "Published Thursday 26 February 2026" in recent
    assert "residential" not in recent.lower()


def test_committee_page_groups_meetings_by_municipal_year(built: Built) -> None:
    page = built.html("children-young-people/index.html")
    assert "<h3>Municipal year 2025/26</h3>" in page
    year = page.split("<h3>Municipal year 2025/26</h3>")[1].split("</ul>")[0]
    assert year.index("2 March 2026") < year.index("9 December 2025")
    assert 'href="../children-young-people/calendar.ics"' in page
    assert '<table class="data workplan"' in page


def test_each_paper_has_an_html_view_and_a_pdf_with_size_and_pages(built: Built) -> None:
    page = built.html(f"{LATER}/index.html")
    link = re.search(r'<a href="item-7/report-fostering/index.html">Fostering recruitment and placement sufficiency</a>'
                     r' <span class="alt-format">\(<a href="item-7/report-fostering.pdf">PDF.*?'
                     r'<span class="file-meta">(\d+) KB, (\d+) pages</span>\)', page)
    assert link, "the fostering report is listed with its HTML view and its PDF"
    pdf = built.reader(f"site/{LATER}/item-7/report-fostering.pdf")
    assert len(pdf.pages) == int(link.group(2))
    assert abs((built.site / LATER / "item-7" / "report-fostering.pdf").stat().st_size / 1024
               - int(link.group(1))) <= 1
    first = pdf.pages[0].extract_text()
    assert "Agenda Item 7." in first and "FOSTERING RECRUITMENT" in first.upper()
    document = built.html(f"{LATER}/item-7/report-fostering/index.html")
    assert '<a href="../report-fostering.pdf">Download this paper as a PDF</a>' in document


def test_ward_pages_list_the_papers_that_affect_each_ward(built: Built) -> None:
    index = built.html("wards/index.html")
    for ward in ("Eastwood", "Fairholme", "Riverside"):
        assert f">{ward}</a>" in index
    eastwood = built.html("wards/eastwood/index.html")
    about = eastwood.split("<h2>Papers about Eastwood</h2>")[1].split("<h2>")[0]
    assert "Future of Eastwood Youth Centre" in about and "key decision KD/2026/04" in about
    everywhere = eastwood.split("<h2>Papers that affect every ward</h2>")[1]
    assert "Fostering recruitment" in everywhere and "Future of Eastwood" not in everywhere
    riverside = built.html("wards/riverside/index.html")
    assert "No published paper names Riverside" in riverside
    for page in built.site.glob("wards/**/*.html"):
        assert "residential" not in page.read_text().lower()  # the exempt report names every ward


def test_webcast_offsets_are_shown_on_items(built: Built) -> None:
    item = text(built.html(f"{EARLIER}/item-6/index.html")).replace(" :", ":")
    assert "Watch the webcast of this meeting: this item starts 14 min 25 s into the recording." in item
    assert 'href="https://webcasts.aldermoor.gov.uk/panels/children-young-people/2025-12-09"' in \
        built.html(f"{EARLIER}/index.html")
    assert "2 h 21 min 15 s" in text(built.html(f"{EARLIER}/item-8/index.html"))
    assert "webcast" not in built.html(f"{LATER}/item-6/index.html").lower()


def test_accessibility_statement_reports_what_the_build_checked(built: Built) -> None:
    page = text(built.html("accessibility/index.html"))
    documents = len([p for p in built.site.rglob("index.html")
                     if "data-pagefind-body" in (t := p.read_text()) and '<article class="document' in t])
    assert f"Papers published as web pages {documents}" in page
    images = re.search(r"Images with a text alternative (\d+) of (\d+)", page)
    assert images and images.group(1) == images.group(2) and int(images.group(1)) >= 1
    tables = re.search(r"Data tables with header cells (\d+) of (\d+)", page)
    assert tables and tables.group(1) == tables.group(2) and int(tables.group(1)) >= 5
    assert "Existing PDF appendices, each described in words 1" in page
    assert "WCAG) version 2.2 at level AA" in page


def test_search_index_covers_the_papers_and_nothing_exempt(built: Built) -> None:
    bundles = sorted((built.site / "pagefind").iterdir())  # one per committee with papers (search.py)
    assert bundles and all((folder / "pagefind.js").is_file() for folder in bundles)
    fragments = [gzip.decompress(f.read_bytes()) for folder in bundles for f in (folder / "fragment").iterdir()]
    assert len(fragments) == len([p for p in built.site.rglob("index.html") if "data-pagefind-body" in p.read_text()])
    everything = b" ".join(fragments).decode("utf-8", "replace")
    assert "foster" in everything.lower()
    assert EXEMPT_PHRASE not in everything and "report-residential-framework" not in everything
    page = built.html("search/index.html")
    assert '<script type="module" src="../assets/search.js"></script>' in page and "<noscript>" in page
    assert '<label for="search-input"' in page and 'role="search"' in page
    script = (built.site / "assets" / "search.js").read_text()
    assert "textContent" in script and "mergeIndex" in script
    assert f"const bundles = {json.dumps([f'pagefind/{b.name}/' for b in bundles])};" in script


def test_meeting_page_lists_the_decisions_with_links_to_the_minutes(built: Built) -> None:
    page = built.html(f"{EARLIER}/index.html")
    decisions = page.split('<h2 id="decisions">Decisions</h2>')[1].split("<h2>")[0]
    refs = re.findall(r'<a href="minutes/index.html#(minute-\d+-[a-z]+)">(\d+\([ivx]+\))</a>', decisions)
    assert [r for _, r in refs] == ["36(i)", "36(ii)", "36(iii)", "37(i)", "37(ii)", "37(iii)",
                                    "38(i)", "38(ii)", "38(iii)", "38(iv)"]
    minutes = built.html(f"{EARLIER}/minutes/index.html")
    for anchor, _ in refs:
        assert f'id="{anchor}"' in minutes
    assert "Minute 36: Children\u2019s social care performance" in decisions
    assert '<h2 id="decisions">' not in built.html(f"{LATER}/index.html")  # no minutes yet


def test_work_plan_topics_link_to_the_items_that_carry_them(built: Built) -> None:
    page = built.html("children-young-people/index.html")
    plan = page.split('<table class="data workplan"')[1].split("</table>")[0]
    assert '<a href="../children-young-people/2026-03-02/item-7/index.html">Fostering recruitment and placement ' \
           'sufficiency</a>' in plan
    assert '<a href="../children-young-people/2025-12-09/item-6/index.html">Children' in plan
    # planned for a meeting that has not got papers on the site: no link
    assert re.search(r"<li>Sufficiency of school places for September 2026</li>", plan)
    appendix = built.html(f"{LATER}/item-12/appendix-workplan/index.html")
    assert '<a href="../../../../children-young-people/2026-03-02/item-7/index.html">Fostering' in appendix
    assert "Ideas for next year" in appendix


def test_decisions_are_published_before_the_minutes_as_their_own_document(built: Built) -> None:
    meeting = built.html(f"{EARLIER}/index.html")
    assert re.search(r'<a href="[^"]*2025-12-09/decisions/index.html">Decisions of the meeting held on Tuesday 9 '
                     r'December 2025</a> <span class="file-meta">published Thursday 11 December 2025', meeting)
    page = built.html(f"{EARLIER}/decisions/index.html")
    assert "Published on Thursday 11 December 2025, before the minutes are approved." in page
    assert page.count('<ol class="resolution">') == 3 and 'RESOLVED that the Panel:</p>' in page
    assert "minute-number" not in page  # decisions are not minutes: no minute numbers


def test_minutes_carried_to_the_next_agenda_are_searched_once(built: Built) -> None:
    """The minutes' own page is in the search index; their copy under the next meeting's item is not
    (search showed the same minutes twice)."""
    own = built.html(f"{EARLIER}/minutes/index.html")
    carried = next(p for p in (built.site / LATER).glob("item-*/minutes/index.html"))
    assert "data-pagefind-body" in own
    assert "data-pagefind-body" not in carried.read_text(encoding="utf-8")
    # and the search index holds the minutes' words for one page only
    fragments = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                 for p in (built.site / "pagefind").glob("*/fragment/*.pf_fragment")]
    assert sum('"url":"/' + EARLIER + '/minutes/' in f or f'{EARLIER}/minutes/' in f for f in fragments) == 1
    assert not any(str(carried.parent.relative_to(built.site)) + "/" in f for f in fragments)


def test_search_snippets_keep_table_cells_apart(built: Built) -> None:
    """A report's header table reads 'member(s) Wards affected', not 'member(s)Wards affected', in search."""
    text = " ".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                    for p in (built.site / "pagefind").glob("*/fragment/*.pf_fragment"))
    assert "Wards affected" in text
    assert "member(s)Wards" not in text and "affectedKey" not in text


def test_items_without_papers_are_listed_without_a_link(built: Built) -> None:
    """Procedural items have no papers: the meeting page lists them, but sends nobody to a page saying so."""
    page = built.html(f"{LATER}/index.html")
    agenda = page.split("<h2>Agenda</h2>")[1]
    assert '<span class="item-title">Apologies for absence</span>' in agenda
    assert 'item-1/index.html"' not in agenda
    assert re.search(r'<a href="[./a-z-]*2026-03-02/item-7/index.html">Fostering recruitment', agenda)


def test_pack_page_counts_say_what_the_unnumbered_pages_are(built: Built) -> None:
    page = built.html(f"{LATER}/index.html")
    pack = built.pack_entry("2026-03-02")
    counts = re.findall(r"PDF, \d+ KB, (\d+) pages: the front sheet \((\d+) pages\), then pages (\d+) to (\d+)</span>",
                        page)
    assert len(counts) == 3  # the agenda pack, the supplement and the consolidated pack
    total, front, first, last = (int(n) for n in counts[0])
    assert total == len(built.pack("2026-03-02").pages) and first == 1 and total == front + last - first + 1
    assert pack["kind"] == "agenda" and "(numbered" not in page


def test_a_papers_h1_comes_before_its_contents_list(built: Built) -> None:
    page = built.html(f"{LATER}/item-7/report-fostering/index.html")
    main = page.split('<main id="main-content"', 1)[1]
    assert '<nav class="contents"' in main
    assert main.index("<h1") < main.index('<nav class="contents"') < main.index("<h2")
    assert main.index("<h1") < main.index("Download this paper as a PDF")


def test_every_page_has_one_h1_first_and_headings_never_skip_a_level(built: Built) -> None:
    for path in sorted(built.site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        main = path.read_text(encoding="utf-8").split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", main)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_councillor_pages_are_searched_in_a_bundle_of_their_own(built: Built) -> None:
    """Councillor pages sit outside every committee's folder: they get their own search bundle, which the
    search page merges with the committees' (a committee's bundle covers only its own folder)."""
    fragments = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                 for p in (built.site / "pagefind" / "councillors").glob("fragment/*.pf_fragment")]
    urls = [json.loads(f[f.index("{"):])["url"] for f in fragments]  # after the format's signature
    assert urls and all("/councillors/" in url for url in urls)
    people = sorted(p.parent.name for p in (built.site / "councillors").glob("*/index.html"))
    assert len(urls) == len(people)
    assert "pagefind/councillors/" in (built.site / "assets" / "search.js").read_text(encoding="utf-8")
