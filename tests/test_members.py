"""Members by identity: names in minutes in any common form matched to committee.yaml's membership,
attendance and substitutes, the member title per authority, and a page per councillor.

tests/projects/county is another authority's conventions: Glanmor County Council styles its members
"County Councillor"; its minutes write "County Councillor Hywel Pardoe" for the chair "Hywel Rhys
Pardoe", "Cllr Mrs Gwen Davies", "cllr   D. ellis", the vice-chair by id, a substitute who sits on no
committee here, and one misspelt name ("Cllr Rhodri Loyd").  The bundled example has two committees
sharing members (the panel and the Overview and Scrutiny Management Committee).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import Built
from helpers_content import original, project
from pypdf import PdfReader

from meetingpack import model
from meetingpack.commands.build import build_project
from meetingpack.commands.check import check_project
from meetingpack.members import Person, derived_id, identify, words

COUNTY = Path(__file__).parent / "projects" / "county"
MEETING = "audit/2026-02-10"
SECRET = "overtime case had been dismissed"


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).replace(" ,", ",").replace(" :", ":")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county project, built once (its output folder)."""
    out = tmp_path_factory.mktemp("county") / "build"
    build_project(COUNTY, out, jobs=1)
    return out


def _person(ident: str, *names: str) -> Person:
    return Person(ident, names[0], True, names={words(n) for n in names})


@pytest.mark.parametrize("written", [
    "County Councillor Hywel Pardoe", "Councillor Hywel Rhys Pardoe (Chair)", "Cllr Hywel Pardoe",
    "cllr.  hywel   PARDOE", "Councillor Dr Hywel Pardoe", "Cllr H. Pardoe", "County Councillor H R Pardoe",
    "Councillor Pardoe", "hywel-pardoe", "hywel-pardoe (Chair)", "Councillor Hywel Pardoe, Chair",
    "Cllr Hywel Pardoe MBE",
])
def test_a_member_is_recognised_in_every_common_form(written: str) -> None:
    people = [_person("hywel-pardoe", "County Councillor Hywel Rhys Pardoe"),
              _person("gwen-davies", "Cllr Mrs Gwen Davies"), _person("sian-morgan", "Siân Morgan")]
    found = identify(written, people)
    assert found is not None and found.id == "hywel-pardoe"


def test_ambiguous_and_unknown_names_mean_no_one() -> None:
    people = [_person("john-smith", "John Smith"), _person("jane-smith", "Jane Smith")]
    assert identify("Councillor Smith", people) is None  # two Smiths: the surname alone is not enough
    assert identify("Cllr J Smith", people) is None
    assert identify("Councillor Jane Smith", people).id == "jane-smith"  # type: ignore[union-attr]
    assert identify("Councillor Joan Smyth", people) is None
    assert derived_id("County Councillor Hywel Rhys Pardoe") == "hywel-pardoe"
    assert derived_id("Cllr Mrs Siân O’Neill") == "sian-o-neill"
    assert identify("Councillor Sian Morgan", [_person("sian-morgan", "Siân Morgan")]) is not None


def test_an_unknown_name_is_a_warning_at_its_line_with_the_nearest_member() -> None:
    _, report = check_project(COUNTY)
    found = [d for d in report.diagnostics if d.code == "member-unknown"]
    assert [(Path(d.file).name, d.line, d.severity) for d in found] == [("minutes.md", 15, "warning")]
    assert found[0].message == "attendance.apologies[2]: 'Cllr Rhodri Loyd' is not a member of the committee"
    assert found[0].hint == "did you mean 'County Councillor Rhodri Lloyd'?"
    assert not report.errors


def test_names_that_match_no_one_nearby_list_the_members_and_duplicate_ids_are_errors(tmp_path: Path) -> None:
    root = tmp_path / "county"
    shutil.copytree(COUNTY, root)
    minutes = root / MEETING / "minutes.md"
    minutes.write_text(minutes.read_text().replace("    - Cllr Rhodri Loyd\n", "    - Councillor Zebedee Quill\n"))
    _, report = check_project(root)
    [warning] = [d for d in report.diagnostics if d.code == "member-unknown"]
    assert "'Councillor Zebedee Quill' is not a member" in warning.message
    assert warning.hint and "County Councillor Hywel Rhys Pardoe" in warning.hint and "did you mean" not in warning.hint
    committee = root / "audit" / "committee.yaml"
    committee.write_text(committee.read_text().replace("    - Rhodri Lloyd\n", "    - Rhodri Lloyd\n"
                                                       "    - Hywel Pardoe\n"))
    _, report = check_project(root)
    [error] = [d for d in report.diagnostics if d.code == "member-id-duplicate"]
    assert error.severity == "error" and error.line == 14
    assert "'hywel-pardoe'" in error.message


def test_the_meeting_page_lists_attendance_by_identity_with_links(county: Path) -> None:
    page = (county / "site" / MEETING / "index.html").read_text()
    members = page.split('<h2 id="members">')[1].split("</main>")[0]
    shown = text(members)
    for line in ("County Councillor Hywel Rhys Pardoe (Chair): Present",
                 "County Councillor Siân Morgan (Vice-Chair): Present",
                 "County Councillor Gwen Davies: Present", "County Councillor Dafydd Ellis: Present",
                 "County Councillor Mair Jones: Substitute sent",
                 "County Councillor Rhodri Lloyd: Absent without apologies",  # misspelt: warned, not guessed
                 "Mr Tomos Bevan (Lay member): Present",
                 "County Councillor Aled Price attended as substitute for County Councillor Mair Jones"):
        assert line in shown
    assert '<a href="../../councillors/hywel-pardoe/index.html">County Councillor Hywel Rhys Pardoe</a>' in members
    assert '<a href="../../councillors/sian-morgan-north/index.html">' in members
    assert '<a href="../../councillors/aled-price/index.html">County Councillor Aled Price</a>' in members


def test_the_minutes_print_a_member_named_by_id_by_name(county: Path) -> None:
    minutes = text((county / "site" / MEETING / "minutes" / "index.html").read_text())
    present = minutes.split("Present")[1].split("Also in attendance")[0]
    assert "County Councillor Siân Morgan (Vice-Chair)" in present and "sian-morgan-north" not in present
    assert "Cllr Mrs Gwen Davies" in present  # other names as the minutes write them
    assert "County Councillor Aled Price for Cllr Mair Jones" in minutes


def test_the_committee_page_and_the_front_sheet_use_the_authoritys_member_title(county: Path) -> None:
    committee = (county / "site" / "audit" / "index.html").read_text()
    membership = committee.split("<h2>Membership</h2>")[1].split("</dl>")[0]
    assert "<dt>County Councillors</dt>" in membership
    assert '<a href="../councillors/gwen-davies/index.html">Gwen Davies</a>' in membership
    assert '<a href="../councillors/hywel-pardoe/index.html">County Councillor Hywel Rhys Pardoe</a>' in membership
    attendance = text(committee.split('<table class="data attendance">')[1].split("</table>")[0])
    assert "Mair Jones 0 of 1 0 1 0" in attendance and "Rhodri Lloyd 0 of 1 0 0 1" in attendance
    manifest = json.loads((county / "manifest.json").read_text())
    pack = next(p for p in manifest["meetings"][0]["packs"] if p["kind"] == "agenda")
    reader = PdfReader(county / pack["file"])
    front = re.sub(r"\s+", " ", " ".join(reader.pages[i].extract_text() for i in range(pack["front_sheet_pages"])))
    assert "County Councillors Gwen Davies, Dafydd Ellis, Mair Jones, Rhodri Lloyd" in front
    assert "Chair: County Councillor Hywel Rhys Pardoe" in front


def test_each_member_has_a_page_with_roles_attendance_and_declarations(county: Path) -> None:
    site = county / "site"
    chair = text((site / "councillors" / "hywel-pardoe" / "index.html").read_text())
    assert "<title>County Councillor Hywel Rhys Pardoe" in (site / "councillors/hywel-pardoe/index.html").read_text()
    assert "Governance and Audit Committee: Chair" in chair
    assert "Tuesday 10 February 2026 Present" in chair
    davies = (site / "councillors" / "gwen-davies" / "index.html").read_text()
    assert "her son works in the council" in text(davies) and "(non-registrable interest)" in davies
    assert '<a href="../../audit/2026-02-10/item-3/index.html">item 3: Internal audit progress report</a>' in davies
    substitute = text((site / "councillors" / "aled-price" / "index.html").read_text())
    assert "Governance and Audit Committee: Substitute" in substitute
    assert "Attended as substitute for County Councillor Mair Jones" in substitute
    index = (site / "councillors" / "index.html").read_text()
    names = re.findall(r'<a href="../councillors/([a-z-]+)/index.html">', index)
    assert names == ["tomos-bevan", "gwen-davies", "dafydd-ellis", "mair-jones", "rhodri-lloyd", "sian-morgan-north",
                     "hywel-pardoe", "aled-price"]  # A to Z by last name
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://democracy.glanmor.example/councillors/hywel-pardoe/</loc>" in sitemap
    assert "<loc>https://democracy.glanmor.example/councillors/</loc>" in sitemap


def test_nothing_of_exempt_business_reaches_the_councillor_pages(county: Path) -> None:
    for page in (county / "site" / "councillors").rglob("*.html"):
        assert SECRET not in page.read_text()
    assert "data-pagefind-body" in (county / "site" / "councillors" / "hywel-pardoe" / "index.html").read_text()


def test_the_site_title_defaults_to_councillor() -> None:
    site = model.Site(authority="A", site_title="B", base_url="https://x.example/", contact={})
    assert (site.member_title, site.members_title) == ("Councillor", "Councillors")
    assert model.Site(authority="A", site_title="B", base_url="https://x.example/", contact={},
                      member_title="Cllr", member_title_plural="Cllrs").members_title == "Cllrs"


# ------------------------------------------------------------ the bundled example, two committees


def test_the_example_councillor_pages_show_both_committees(built: Built) -> None:
    okonjo = text(built.html("councillors/daniel-okonjo/index.html"))
    assert "Children and Young People Overview and Scrutiny Panel: Vice-Chair" in okonjo
    assert "Overview and Scrutiny Management Committee: Chair" in okonjo
    assert "Tuesday 9 December 2025 Present" in okonjo and "Tuesday 20 January 2026 Present" in okonjo
    okoro = text(built.html("councillors/rachel-okoro/index.html"))
    assert "Children and Young People Overview and Scrutiny Panel: Substitute" in okoro
    assert "Overview and Scrutiny Management Committee: Member" in okoro
    assert "Attended as substitute for Councillor Stuart Pennington" in okoro
    assert "trustee of the Aldermoor Carers" in okoro
    baig = text(built.html("councillors/imran-baig/index.html"))
    assert "Attended as substitute for Councillor Tariq Mahmood" in baig
    pennington = text(built.html("councillors/stuart-pennington/index.html"))
    assert "Tuesday 9 December 2025 Substitute sent" in pennington
    assert "Tuesday 20 January 2026 Absent without apologies" in pennington


def test_the_example_membership_lists_link_to_the_councillor_pages(built: Built) -> None:
    panel = built.html("children-young-people/index.html").split("<h2>Membership</h2>")[1].split("</dl>")[0]
    assert '<dt>Councillors</dt><dd><a href="../councillors/imran-baig/index.html">Imran Baig</a>' in panel
    meeting = built.html("overview-scrutiny/2026-01-20/index.html").split('<h2 id="members">')[1]
    shown = text(meeting)
    # written in the minutes as "Cllr H. Ashworth", "Councillor Mrs Janet Firth", "COUNCILLOR RACHEL OKORO"
    for line in ("Councillor Helen Ashworth: Present", "Councillor Janet Firth: Present",
                 "Councillor Rachel Okoro: Present", "Councillor Tariq Mahmood: Substitute sent"):
        assert line in shown
    front = " ".join(built.page_texts("2026-01-20")[:1])
    assert "Councillors Helen Ashworth, Janet Firth, Tariq Mahmood" in re.sub(r"\s+", " ", front)


# ------------------------------------------------------------ incremental builds


SCRUTINY = """\
name: Scrutiny Committee
short_name: Scrutiny
remit: The Committee coordinates scrutiny.
membership:
  chair: Councillor Ann Carter
  councillors:
    - {name: Erin Gale, id: erin-gale}
governance_officer:
  name: Priya Shah
"""
PANEL_MINUTES = """\
---
kind: minutes
attendance:
  present: [Councillor Ann Carter (Chair), Cllr B. Doyle, Councillor Chidi Eze, Councillor Erin Gale]
  substitutes:
    - {name: Councillor Erin Gale, replacing: Councillor Dana Ford}
---

## Apologies for absence

Councillor Dana Ford sent apologies.
"""


def test_a_substitutes_id_on_another_committee_reaches_the_meeting_page_of_an_incremental_build(
        tmp_path: Path) -> None:
    """The panel's meeting page links its substitute by the id the Scrutiny Committee gives her: a change
    there makes the page again, though nothing of the panel changed (and equals a clean build)."""
    meeting = original("panel/2026-01-12/meeting.yaml").replace("issued_on:", "status: held\nissued_on:")
    root = project(tmp_path, {"panel/2026-01-12/meeting.yaml": meeting, "panel/2026-01-12/minutes.md": PANEL_MINUTES,
                              "scrutiny/committee.yaml": SCRUTINY})
    out = tmp_path / "build"
    build_project(root, out, jobs=1)
    page = out / "site" / "panel" / "2026-01-12" / "index.html"
    assert '<a href="../../councillors/erin-gale/index.html">Councillor Erin Gale</a> attended as substitute for' \
        in page.read_text()
    assert "Councillor Ben Doyle (Vice-Chair): Present" in text(page.read_text())
    (root / "scrutiny" / "committee.yaml").write_text(SCRUTINY.replace("id: erin-gale}", "id: erin-gale-west}"))
    again = build_project(root, out, jobs=1)
    assert again.reused == 1  # the panel's packs did not change
    assert "councillors/erin-gale-west/index.html" in page.read_text()
    clean = tmp_path / "clean"
    build_project(root, clean, jobs=1, clean=True, cache=tmp_path / "clean-cache")
    assert page.read_bytes() == (clean / "site" / "panel" / "2026-01-12" / "index.html").read_bytes()
    assert not (out / "site" / "councillors" / "erin-gale").exists()


def test_pack_new_minutes_names_the_members_with_the_authoritys_title() -> None:
    from meetingpack.errors import Report
    from meetingpack.load import load_project
    from meetingpack.scaffold.minutes import members_present

    project = load_project(COUNTY, Report(COUNTY))
    assert project is not None
    present = members_present(project.committees[0].committee.membership, project.site.member_title)
    assert present[:4] == ["County Councillor Hywel Rhys Pardoe (Chair)", "County Councillor Siân Morgan (Vice-Chair)",
                           "County Councillor Gwen Davies", "County Councillor Dafydd Ellis"]
    assert members_present(project.committees[0].committee.membership)[2] == "Councillor Gwen Davies"
