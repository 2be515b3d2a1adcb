"""A big run laid out in chunks on several processes (render/chunks.py): the same pack as laid out whole.

One generated meeting of another authority (Northmere District Council's planning committee),
small but split into three chunks: the chunk size is lowered for the test (the rule is the same,
only the numbers change).  It is rendered with 1, 2 and 3 workers (the same bytes), and once
with chunking turned off, which is how every run was laid out before: each page must then read
the same, with the same text at the same place, the same "Page N", labels, outline,
destinations, links and structure.  Its references cross the chunks forward, backward and in a
cycle, point into their own item in a later chunk, and to a heading.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from pypdf import PdfReader

from meetingpack.commands.check import check_project
from meetingpack.engine import executor
from meetingpack.render import chunks
from meetingpack.render.pdf import MeetingPacks, render_packs
from meetingpack.render.templates import make_environment
from meetingpack.resolve import resolve_project

WORDS = ["application", "site", "boundary", "hedgerow", "highway", "access", "parking", "drainage", "landscape", "heritage", "setting", "officer", "condition", "consultee", "objection", "support", "neighbour", "amenity", "design", "density", "viability"]
CHUNKED = {"SPLIT_ABOVE": 8, "PAGES_PER_CHUNK": 10, "MOST_CHUNKS": 3}
"""The chunk rule at a tenth of its size, so that a 40-page meeting is laid out in three chunks."""


def _prose(seed: int, paragraphs: int) -> str:
    out = []
    for p in range(paragraphs):
        words = [WORDS[(seed * 7 + p * 13 + k * k) % len(WORDS)] for k in range(70 + (seed + p) % 30)]
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def _report(n: int, title: str, links: list[str], paragraphs: int = 24) -> str:
    body = "\n\n".join(f"Members are referred to {link}. {_prose(n + k, 1)}" for k, link in enumerate(links))
    return textwrap.dedent(f"""\
        ---
        kind: report
        title: "{title}"
        date: 2026-06-15
        addressee: To the Chair and Members of the Planning and Licensing Committee
        contact_officer:
          name: Robin Vale
          title: Planning Manager
        director:
          name: Kit Moss
          title: Director of Place
        ---

        ## Summary

        {_prose(n, 1)}

        ## The site

        """) + _prose(n + 1, paragraphs // 2) + "\n\n## Assessment\n\n" + body + "\n\n" + \
        _prose(n + 2, paragraphs // 2) + "\n\n## Drainage strategy\n\n" + _prose(n + 3, 3) + "\n"


def _appendix_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for p in range(pages):
        # the second sheet is landscape: its pack page is an appendix-landscape page, furniture at the foot
        pdf.add_blank_page(page_size=(841.89, 595.28) if p == 1 else (595.28, 841.89))
        page = pdf.pages[p]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
        page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 760 Td (Site plan sheet {p + 1}) Tj ET".encode() if p != 1 else
            f"BT /F1 12 Tf 72 500 Td (Site plan sheet {p + 1}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _write_project(root: Path) -> None:
    meeting = root / "planning" / "2026-06-15"
    meeting.mkdir(parents=True)
    (root / "site.yaml").write_text(
        "authority: Northmere District Council\nsite_title: Northmere committee papers\n"
        "base_url: https://democracy.northmere.example/\n"
        "contact:\n  name: Committee Services\n  email: committees@northmere.example\n", encoding="utf-8")
    (root / "planning" / "committee.yaml").write_text(textwrap.dedent("""\
        name: Planning and Licensing Committee
        short_name: Planning
        remit: The Committee decides **major** planning applications.
        membership:
          chair: Councillor Ola Reed
          councillors:
            - Pat Quinn
            - Sol Tran
        governance_officer:
          name: Lee North
          title: Committee Officer
          email: lee.north@northmere.example
        standard_items:
          - key: apologies
            title: Apologies for absence
        """), encoding="utf-8")
    files = {
        # item 2: forward to item 6 (a later chunk); with item 6 pointing back here, a cycle
        "report-mill-lane.md": _report(1, "Land at Mill Lane", ["[the Brook Farm report](report-brook-farm.md)"]),
        # item 3: its own landscape appendix, and a heading of it
        "report-quarry.md": _report(2, "Former quarry, Hill Road", ["[Appendix 1](appendix-conditions.md)",
                                                                     "[its conditions](appendix-conditions.md#conditions)"]),
        "report-station.md": _report(3, "Station car park", ["[the site plans](site-plans.pdf)"]),
        # item 5: back to item 3's appendix
        "report-depot.md": _report(4, "Council depot, Wharf Street", ["[the quarry conditions](appendix-conditions.md)"])
        + "\n![The depot site outlined in red](depot-plan.svg)\n",
        # item 6: back to item 2 (the cycle), and to its own appendix (a later chunk, told a guessed start)
        "report-brook-farm.md": _report(5, "Brook Farm", ["[the Mill Lane report](report-mill-lane.md)",
                                                          "[Appendix 1](appendix-brook-farm.md)"]),
        "appendix-brook-farm.md": "---\nkind: appendix\ntitle: Consultation responses\nlabel: Appendix 1\n---\n\n"
                                  + _prose(6, 10) + "\n",
        "report-old-school.md": _report(7, "The old school, Church Lane", []),
        # a supplement and an exempt item refer back to the agenda's papers: runs laid out at the same time
        "report-green-lane.md": _report(8, "Green Lane allotments", ["[the quarry conditions](appendix-conditions.md#conditions)",
                                                                     "[the Brook Farm report](report-brook-farm.md)"]),
        "report-depot-sale.md": _report(9, "Sale of the depot", ["[the depot report](report-depot.md)"]).replace(
            "kind: report\n", "kind: report\nexempt_paragraph: 3\n"),
        "appendix-conditions.md": "---\nkind: appendix\ntitle: Draft conditions\nlabel: Appendix 1\nlandscape: true\n"
                                  "---\n\n## Conditions\n\n" + "\n".join(
                                      f"| {k} | {_prose(k, 1)[:160]} |" if k else "| No. | Condition |\n|---|---|"
                                      for k in range(26)) + "\n",
    }
    for name, text in files.items():
        (meeting / name).write_text(text, encoding="utf-8")
    (meeting / "site-plans.pdf").write_bytes(_appendix_pdf(3))
    (meeting / "depot-plan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect x="10" y="10" width="180" '
        'height="80" fill="none" stroke="red"/></svg>', encoding="utf-8")
    (meeting / "meeting.yaml").write_text(textwrap.dedent("""\
        date: 2026-06-15
        start_time: "18:30"
        venue: Council Chamber, Northmere House, Northmere NM1 2AB
        issued_on: 2026-06-05
        issued_by:
          name: Dee Hart
          title: Chief Executive
        agenda:
          part_a:
            - standard: apologies
            - title: Land at Mill Lane
              documents:
                - report-mill-lane.md
            - title: Former quarry, Hill Road
              documents:
                - report-quarry.md
                - appendix-conditions.md
            - title: Station car park
              documents:
                - report-station.md
                - pdf: site-plans.pdf
                  title: Site plans
                  label: Appendix 1
                  description: Three sheets of site plans.
            - title: Council depot, Wharf Street
              documents:
                - report-depot.md
            - title: Brook Farm
              documents:
                - report-brook-farm.md
                - appendix-brook-farm.md
            - title: The old school, Church Lane
              documents:
                - report-old-school.md
            - title: Green Lane allotments
              published_on: 2026-06-10
              documents:
                - report-green-lane.md
          part_b:
            - title: Sale of the depot
              exempt_paragraph: 3
              documents:
                - report-depot-sale.md
        """), encoding="utf-8")


def _files(packs: MeetingPacks) -> dict[str, bytes]:
    files = {f"pack-{p.key}": p.pdf for p in [*packs.public, *([packs.members] if packs.members else [])]}
    files |= {f"item-{n}": p.pdf for n, p in packs.item_pdfs.items()}
    files |= {f"doc-{k}": p.pdf for k, p in packs.document_pdfs.items()}
    return files


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MeetingPacks]:
    root = tmp_path_factory.mktemp("northmere") / "content"
    _write_project(root)
    project, report = check_project(root)
    assert project is not None and not report.errors, report.errors
    env = make_environment(project.root)
    meeting = resolve_project(project)[0]
    out: dict[str, MeetingPacks] = {}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in CHUNKED.items():
            patch.setattr(chunks, name, value)
        planned = chunks.plan
        patch.setattr(chunks, "plan", lambda entries: out.setdefault(
            "plan", [[e.item.number for e in chunk] for chunk in planned(entries)]) and planned(entries))
        for workers in (1, 2, 3):
            chunks.STATS.clear()
            out[f"chunked-{workers}"] = render_packs(env, meeting, workers=workers)
            out[f"stats-{workers}"] = list(chunks.STATS)  # type: ignore[assignment]
        patch.setattr(chunks, "SPLIT_ABOVE", 10_000)
        out["whole"] = render_packs(env, meeting)
    return out


def test_the_meeting_is_laid_out_in_three_chunks(renders: dict) -> None:
    first_batch = [key for key, _ in renders["stats-1"][0]]
    assert first_batch == ["agenda-1 lay_out", "agenda-2 lay_out", "agenda-3 lay_out"]
    chunk_of = {item: n for n, chunk in enumerate(renders["plan"]) for item in chunk}
    # the references below cross chunks: 2 -> 6 -> 2 (a cycle), 5 -> 3; 6 -> its own appendix, in a later chunk
    assert chunk_of[2] != chunk_of[6] and chunk_of[5] != chunk_of[3] and chunk_of[6] > 0


@pytest.mark.parametrize("workers", [1, 2])
def test_items_laid_out_again_are_written_once_with_their_chunk(renders: dict, workers: int) -> None:
    steps = [[key for key, _ in step] for step in renders[f"stats-{workers}"]]
    again = {key.split()[0] for step in steps for key in step if key.endswith(" again")}
    # items whose references crossed chunks were laid out again, in their chunk's worker, while the later runs,
    # whose papers print pages of the agenda's, were laid out once, from the pages the agenda's chunks gave
    assert again == {"agenda-1", "agenda-2", "agenda-3"}
    assert steps[1] == ["agenda-1 again", "agenda-2 again", "agenda-3 again", "supplement-1-1 lay_out",
                        "exempt-1 lay_out"]
    # ... and every chunk is written once, as one piece: no piece of its own for an item laid out again
    assert steps[-1] == [f"{key} write" for key in ["agenda-1", "agenda-2", "agenda-3", "supplement-1-1", "exempt-1"]]


def test_the_bytes_do_not_depend_on_the_number_of_workers(renders: dict) -> None:
    one = _files(renders["chunked-1"])
    assert len(one) > 10
    assert _files(renders["chunked-2"]) == one
    assert _files(renders["chunked-3"]) == one


def _spans(reader: PdfReader) -> list[list[tuple[str, float, float]]]:
    out = []
    for page in reader.pages:
        found: list[tuple[str, float, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object,
                  found: list[tuple[str, float, float]] = found) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((text.strip(), round(x, 2), round(y, 2)))

        page.extract_text(visitor_text=visit)
        out.append(sorted(found))
    return out


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out


def _dests(pdf: pikepdf.Pdf) -> dict[str, tuple[int, list[float]]]:
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    names = pdf.Root.get("/Names")
    if names is None:
        return {}
    tree = pikepdf.NameTree(names.Dests)
    return {name: (pages[dest[0].objgen], [round(float(v), 2) for v in dest[2:4]]) for name, dest in tree.items()}


def _links(pdf: pikepdf.Pdf) -> list[list[tuple[str, list[float]]]]:
    return [[(str(a.get("/Dest", a.get("/A", {}).get("/URI", ""))), [round(float(v), 2) for v in a.Rect])
             for a in page.obj.get("/Annots", [])] for page in pdf.pages]


def _structure(pdf: pikepdf.Pdf) -> list[str]:
    out: list[str] = []

    def walk(element: pikepdf.Object) -> None:
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append(str(kid.S))
                walk(kid)
    walk(pdf.Root.StructTreeRoot)
    return out


@pytest.mark.parametrize("name", ["pack-agenda", "pack-consolidated", "pack-members", "item-2", "item-6", "item-7",
                                  "doc-item-3-appendix-conditions"])
def test_each_page_reads_as_the_run_laid_out_whole(renders: dict, name: str) -> None:
    chunked, whole = _files(renders["chunked-1"])[name], _files(renders["whole"])[name]
    assert chunked != whole  # written differently (pieces, numbers drawn on), read the same:
    a, b = PdfReader(io.BytesIO(chunked)), PdfReader(io.BytesIO(whole))
    assert len(a.pages) == len(b.pages)
    spans = _spans(a)
    assert spans == _spans(b)
    numbered = [s for page in spans for s in page if re.fullmatch(r"Page \d+", s[0])]
    assert len(numbered) >= len(a.pages) - 2  # every page but the front sheet's
    assert a.page_labels == b.page_labels
    assert _outline(a) == _outline(b)
    with pikepdf.open(io.BytesIO(chunked)) as x, pikepdf.open(io.BytesIO(whole)) as y:
        assert _dests(x) == _dests(y)
        assert _links(x) == _links(y)
        assert _structure(x) == _structure(y)


def test_page_numbers_are_footer_artifacts_outside_the_structure_tree(renders: dict) -> None:
    data = _files(renders["chunked-1"])["pack-agenda"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        drawn = 0
        for page in pdf.pages[2:]:
            instructions = pikepdf.parse_content_stream(page)
            for k, instruction in enumerate(instructions):
                if str(instruction.operator) == "Do" and str(instruction.operands[0]).startswith("/MpPageNo"):
                    opened = [i for i in instructions[:k] if str(i.operator) == "BDC"][-1]
                    assert opened.operands[0] == pikepdf.Name.Artifact
                    assert opened.operands[1].Type == pikepdf.Name.Pagination
                    assert opened.operands[1].Subtype == pikepdf.Name.Footer
                    form = page.obj.Resources.XObject[instruction.operands[0]]
                    assert b"MCID" not in form.read_bytes() and b"BDC" not in form.read_bytes()
                    drawn += 1
        assert drawn > 20


def _text(packs: MeetingPacks) -> tuple[dict[int, str], str]:
    reader = PdfReader(io.BytesIO(packs.agenda.pdf))
    front = packs.agenda.front_pages
    pages = {front_page - front + 1: (page.extract_text() or "") for front_page, page in
             enumerate(reader.pages) if front_page >= front}
    return pages, re.sub(r"\s+", " ", " ".join(pages.values()))


def test_references_across_chunks_print_the_page_they_land_on(renders: dict) -> None:
    packs = renders["chunked-2"]
    pages, text = _text(packs)
    docs = packs.documents
    mill, brook = docs["item-2-report-mill-lane"].first, docs["item-6-report-brook-farm"].first
    conditions, brook_appendix = docs["item-3-appendix-conditions"].first, docs["item-6-appendix-brook-farm"].first
    assert f"the Brook Farm report, page {brook}." in text  # forward, into a later chunk
    assert f"the Mill Lane report, page {mill}." in text  # back: with the one above, a cycle
    assert f"the quarry conditions, page {conditions}." in text  # back, from another chunk
    assert f"Appendix 1, page {brook_appendix}." in text  # within a later chunk
    heading = re.search(r"its conditions, page (\d+)", text)
    assert heading and "CONDITIONS" in pages[int(heading.group(1))]


def test_references_from_later_runs_print_the_page_they_land_on(renders: dict) -> None:
    packs = renders["chunked-2"]
    docs = packs.documents
    brook, depot = docs["item-6-report-brook-farm"].first, docs["item-5-report-depot"].first
    for pack, expected in [(packs.consolidated, [f"the Brook Farm report, page {brook}."]),
                           (packs.members, [f"the depot report, page {depot}."])]:
        reader = PdfReader(io.BytesIO(pack.pdf))
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
        for words in expected:
            assert words in text
        heading = re.search(r"the quarry conditions, page (\d+)", text)
        assert heading is not None
        page = reader.pages[pack.front_pages + int(heading.group(1)) - 1].extract_text() or ""
        assert "CONDITIONS" in page


def test_the_build_cache_hears_of_every_file_a_worker_read(renders: dict) -> None:
    inputs = renders["chunked-2"].inputs
    assert any(path.endswith("depot-plan.svg") for path in inputs)  # read in a worker only
    assert inputs == renders["whole"].inputs


def test_a_build_of_one_meeting_gives_its_chunks_the_cores(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[int] = []
    monkeypatch.setattr(executor, "render_packs", lambda env, meeting, workers=1: asked.append(workers))
    meeting = SimpleNamespace(url_path="planning/2026-06-15")
    list(executor.render_all(tmp_path, [meeting], 3, lambda message: None))  # type: ignore[list-item]
    list(executor.render_all(tmp_path, [meeting], 1, lambda message: None))  # type: ignore[list-item]
    assert asked == [3, 1]


def test_the_last_meetings_of_a_build_get_the_cores_the_others_leave(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setattr(executor, "render_packs", lambda env, meeting, workers=1: (meeting.url_path, workers))
    meetings = [SimpleNamespace(url_path=f"planning/2026-0{k + 1}-15") for k in range(4)]
    got = list(executor.render_all(tmp_path, meetings, 3, lambda message: None))  # type: ignore[arg-type]
    # the last meeting to start gets every core, the one before it one fewer: only chunks use them
    assert got == [("planning/2026-01-15", 1), ("planning/2026-02-15", 1), ("planning/2026-03-15", 2),
                   ("planning/2026-04-15", 3)]
