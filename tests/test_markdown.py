"""render/markdown: the Markdown conventions of council papers, checked in the HTML."""

from __future__ import annotations

import re

import pytest

from meetingpack.render.markdown import Options, Rendered, render_markdown, renumbered


def render(text: str, **options: object) -> Rendered:
    return render_markdown(text, Options(**options))  # type: ignore[arg-type]


# ----------------------------------------------------------------- safety


def test_raw_html_is_shown_as_text() -> None:
    html = render("<script>alert(1)</script>\n\n"
                  "A <b>bold</b> claim <img src=x onerror=alert(1)>\n").html
    assert "<script" not in html
    assert "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &lt;b&gt;bold&lt;/b&gt; claim" in html


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JavaScript:alert(1)",
                                    "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4="])
def test_unsafe_link_targets_give_no_link(target: str) -> None:
    rendered = render(f"See [x]({target}) and [the council](https://testford.example/).\n")
    hrefs = re.findall(r'href="([^"]*)"', rendered.html)
    assert hrefs == ["https://testford.example/"]
    assert [link.href for link in rendered.links] == ["https://testford.example/"]


def test_autolink_to_javascript_gives_no_link() -> None:
    assert "href" not in render("<javascript:alert(1)>\n").html


# ---------------------------------------------------------------- tables


def test_table_caption_paragraph_becomes_the_caption() -> None:
    html = render("Table: Forecast by *service*\n\n"
                  "| Service | Forecast |\n|---|---|\n| Housing | 1 |\n").html
    assert html.startswith('<div class="table-scroll" role="region" tabindex="0" aria-labelledby="table-1-caption">\n'
                           '<table class="data">\n'
                           '<caption id="table-1-caption">Forecast by <em>service</em></caption>\n<thead>')
    assert html.rstrip().endswith("</table>\n</div>")
    assert "Table:" not in html
    assert "<p>" not in html
    assert '<th scope="col">Service</th>' in html


def test_table_caption_paragraph_is_not_a_numbered_paragraph() -> None:
    text = "Intro.\n\nTable: Forecast\n\n| A |\n|---|\n| 1 |\n\nAfter.\n"
    rendered = render(text, number_paragraphs=True)
    assert rendered.paragraphs == 2
    assert '<span class="para-number">2.</span> After.' in rendered.html


def test_paragraph_starting_table_without_a_table_stays_a_paragraph() -> None:
    assert render("Table: no table follows\n").html == "<p>Table: no table follows</p>\n"


# ----------------------------------------------------------- RAG status


@pytest.mark.parametrize(("code", "word"), [("red", "Red"), ("amber", "Amber"), ("green", "Green")])
def test_rag_status_has_a_word_and_a_class(code: str, word: str) -> None:
    html = render(f"| Action | Status |\n|---|---|\n| Recruit | :{code}: |\n").html
    match = re.search(rf'<span class="rag rag-{code}"><span class="rag-symbol" aria-hidden="true">'
                      rf'(.)</span> {word}</span>', html)
    assert match is not None, html
    assert f":{code}:" not in html


def test_rag_status_in_running_text_and_code() -> None:
    html = render("Now :amber:, was :red:. Write `:green:` for green.\n").html
    assert html.count('class="rag ') == 2
    assert "<code>:green:</code>" in html
    assert html.startswith("<p>Now <span")


# ----------------------------------------------------------------- lists


def test_nested_ordered_lists_are_lettered_then_roman() -> None:
    html = render("1. First\n   1. sub\n      1. subsub\n2. Second\n").html
    opening = re.findall(r"<ol[^>]*>", html)
    assert opening == ["<ol>", '<ol class="alpha">', '<ol class="roman">']


def test_ordered_list_inside_a_bullet_list_is_lettered() -> None:
    html = render("- Point\n  1. sub\n").html
    assert re.findall(r"<ol[^>]*>", html) == ['<ol class="alpha">']


# -------------------------------------------------- report paragraph numbers

REPORT = """\
Introductory paragraph.

## Executive summary

First point.

Second point.

- a bullet is not numbered

## Exempt information

This report is not exempt.

## Recommendations

The Panel is asked to note the report.

## Background papers

None.
"""


def test_report_paragraphs_are_numbered_across_sections() -> None:
    rendered = render(REPORT, number_paragraphs=True, id_prefix="r1-")
    numbered = re.findall(r'<p id="r1-para-(\d+)" class="numbered">'
                          r'<span class="para-number">(\d+)\.</span> ([^<]*)</p>', rendered.html)
    assert numbered == [
        ("1", "1", "Introductory paragraph."),
        ("2", "2", "First point."),
        ("3", "3", "Second point."),
        ("4", "4", "The Panel is asked to note the report."),
    ]
    assert rendered.paragraphs == 4


def test_exempt_information_and_background_papers_are_not_numbered() -> None:
    html = render(REPORT, number_paragraphs=True).html
    assert "<p>This report is not exempt.</p>" in html
    assert "<p>None.</p>" in html
    assert "<li>a bullet is not numbered</li>" in html


def test_paragraphs_of_other_documents_are_not_numbered() -> None:
    rendered = render(REPORT)
    assert rendered.paragraphs == 0
    assert "para-number" not in rendered.html


# ------------------------------------------------------------------ minutes

MINUTES = """\
## Apologies for absence

Apologies were received from Councillor Ford.

## Budget monitoring

The Panel considered the report.

### Questions

RESOLVED that the Panel:

1. note the forecast;
2. ask for a further report.

Later text.

1. an ordinary list
"""


def test_minute_headings_are_numbered_from_minute_start() -> None:
    rendered = render(MINUTES, minute_start=31, id_prefix="m-")
    assert rendered.minutes == [(31, "Apologies for absence"), (32, "Budget monitoring")]
    assert ('<h2 class="minute-title" id="m-minute-31"><span class="minute-number">31.</span> '
            "Apologies for absence</h2>") in rendered.html
    assert 'id="m-minute-32"' in rendered.html
    assert [(h.level, h.text, h.id) for h in rendered.headings] == [
        (2, "31. Apologies for absence", "m-minute-31"),
        (2, "32. Budget monitoring", "m-minute-32"),
        (3, "Questions", "m-questions"),
    ]


def test_resolved_paragraph_and_the_list_after_it() -> None:
    html = render(MINUTES, minute_start=1).html
    assert ('<p class="resolved">RESOLVED that the Panel:</p>\n'
            '<ol class="resolution">\n<li id="minute-2-i">note the forecast;') in html
    # Only the list straight after the resolution is the resolution.
    assert html.count('class="resolution"') == 1
    assert "<ol>\n<li>an ordinary list</li>" in html


def test_resolutions_are_records_with_references_and_anchors() -> None:
    rendered = render(MINUTES + "\n## Work plan\n\nRESOLVED that the work plan be noted.\n", minute_start=21)
    assert [(r.reference, r.anchor) for r in rendered.resolutions] == [
        ("22(i)", "minute-22-i"), ("22(ii)", "minute-22-ii"), ("23", "minute-23-resolved")]
    first = rendered.resolutions[0]
    assert first.text == "note the forecast;" and first.preamble == "RESOLVED that the Panel:"
    assert rendered.resolutions[2].text == "RESOLVED that the work plan be noted."
    assert '<p class="resolved" id="minute-23-resolved">' in rendered.html
    assert render(MINUTES).resolutions == []  # only minutes have resolutions


def test_headings_of_other_documents_are_not_minutes() -> None:
    rendered = render(MINUTES)
    assert rendered.minutes == []
    assert "minute-number" not in rendered.html
    assert '<h2 id="apologies-for-absence">' in rendered.html


# ---------------------------------------------------------------- footnotes


def test_footnotes_render_with_ids_carrying_the_prefix() -> None:
    text = "Spending rose[^1].\n\n[^1]: Outturn report, 2025.\n"
    html = render(text, id_prefix="item-3-report-").html
    ref_ids = re.findall(r'id="(fnref[^"]*)"', html)
    note_ids = re.findall(r'<li id="(fn[^"]*)" class="footnote-item">', html)
    assert len(ref_ids) == 1 and len(note_ids) == 1
    assert "item-3-report" in ref_ids[0] and "item-3-report" in note_ids[0]
    assert f'href="#{note_ids[0]}"' in html and f'href="#{ref_ids[0]}"' in html
    assert "Outturn report, 2025." in html


def test_footnote_ids_differ_between_documents() -> None:
    text = "A[^1].\n\n[^1]: Note.\n"
    first = set(re.findall(r'id="([^"]*)"', render(text, id_prefix="a-").html))
    second = set(re.findall(r'id="([^"]*)"', render(text, id_prefix="b-").html))
    assert first and not first & second


# ----------------------------------------------------------------- headings


def test_heading_ids_are_unique_and_prefixed() -> None:
    text = "## Summary\n\n## Summary\n\n# Summary\n\n### Budget: 2026/27!\n"
    rendered = render(text, id_prefix="p-")
    expected = ["p-summary", "p-summary-2", "p-summary-3", "p-budget-202627"]
    assert [h.id for h in rendered.headings] == expected
    assert re.findall(r'id="([^"]*)"', rendered.html) == expected


def test_level_one_headings_become_level_two() -> None:
    rendered = render("# Title\n")
    assert rendered.html == '<h2 id="title">Title</h2>\n'
    assert rendered.headings[0].level == 2


# ------------------------------------------------------------------- images


def test_image_src_is_rewritten_through_options() -> None:
    rendered = render("![Spending by service](chart.png)\n",
                      image_src=lambda src: f"assets/abc-{src}")
    assert '<img src="assets/abc-chart.png" alt="Spending by service" />' in rendered.html
    assert [(i.src, i.alt) for i in rendered.images] == [("chart.png", "Spending by service")]


def test_image_and_link_lines_include_line_offset() -> None:
    rendered = render("Text.\n\n![A chart](chart.png)\n\n[Report](report.md)\n", line_offset=10)
    assert [i.line for i in rendered.images] == [13]
    assert [(link.href, link.line) for link in rendered.links] == [("report.md", 15)]


def test_heading_lines_include_line_offset() -> None:
    rendered = render("Text.\n\n## Summary\n", line_offset=6)
    assert rendered.headings[0].line == 9


def test_image_line_inside_a_paragraph() -> None:
    rendered = render("The chart below\nshows spending.\n![A chart](chart.png)\n", line_offset=10)
    assert [i.line for i in rendered.images] == [13]


def test_a_table_without_caption_is_a_region_named_by_its_number() -> None:
    html = render("| A |\n|---|\n| 1 |\n\n| B |\n|---|\n| 2 |\n", id_prefix="x-").html
    assert html.count('<div class="table-scroll" role="region" tabindex="0"') == 2
    assert 'aria-label="Table 1"' in html and 'aria-label="Table 2"' in html


@pytest.mark.parametrize("start", [1, 2, 36, 410])
def test_minutes_numbered_from_1_then_renumbered_are_as_if_numbered_from_the_start(start: int) -> None:
    """The records take the analysis made once per document (numbered from 1) and renumber it."""
    text = MINUTES + "\n## Exempt matter {exempt=3}\n\nRESOLVED that the sale proceed.\n\n## Close\n\nRESOLVED:\n\n" \
        "1. to meet again;\n2. to thank the officers.\n"
    direct = render(text, minute_start=start)
    later = renumbered(render(text, minute_start=1), start)
    assert direct.minutes and direct.resolutions and direct.exempt
    assert (later.minutes, later.resolutions, later.exempt) == (direct.minutes, direct.resolutions, direct.exempt)
    assert {r.reference for r in later.resolutions} >= {f"{start + 1}(i)", f"{start + 1}(ii)"}
