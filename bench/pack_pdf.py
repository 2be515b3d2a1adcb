#!/usr/bin/env python
"""Benchmark: a synthetic ~150-page public document pack against WeasyPrint rendering the same HTML alone.

Run it from the top of the project (as `make bench` does):

    .venv/bin/python bench/pack_pdf.py                 # 3 repeats, ~150 pages
    .venv/bin/python bench/pack_pdf.py --repeat 5 --pages 300

What it does:

1. Writes a synthetic content project into a temporary folder (deterministic: a fixed seed): one
   committee, one meeting, three standard items without papers and ten items with long cover reports
   (numbered paragraphs, lists, long tables, cross references), one landscape Markdown appendix
   and one existing PDF appendix.  Item 9 is published later (a supplement: a supplementary pack
   and a consolidated pack) and item 10 is exempt in Part B (a members' pack; its report links to a
   public one), so the meeting writes what `pack build` writes for such a meeting: four packs and
   the item and paper PDFs.  `check_project` must report no errors.
2. Runs the pack once in a child process to capture the HTML, base URL and first page number of
   each run's numbered body (`pdf/pack.html`: agenda, supplement, exempt), untimed.
3. Times three variants, each measurement in its own fresh process, in rounds whose order is
   reversed every other round (A B A2, A2 B A, ...) so that drift on a shared machine hits all:

   A   "pack": `render_packs(env, meeting, item_pdfs=False)`: the four packs;
   B   "weasyprint": each captured body HTML with the pack's stylesheet and FontConfiguration,
       `HTML(string=..., base_url=...).render(...)` then `.write_pdf(pdf_variant="pdf/ua-1")`:
       one WeasyPrint render of the meeting's numbered pages, each run once;
   A2  "pack-all": `render_packs(env, meeting, item_pdfs=True)`: every PDF of the meeting, the
       target of issue 11 (all of them <= 1.25 x B);
   A2 before, with `--before SRC`: A2 with meetingpack imported from another checkout's src/
       (PYTHONPATH), in the same rounds, so that old and new code are measured side by side.
   A3  with `--two-cores`: A with `workers=2`: the meeting's runs laid out in chunks (render/chunks.py)
       on forked processes, at most two at work at once, the numbers, front sheets and the rest in
       this one (issue 11, item 6: <= 0.6 x B).  The chunks are the same in A (there laid out one
       after the other), so A3 and A write the same bytes.  Besides wall time, A3 reports the
       children's CPU time and a critical path: this process's CPU plus, for each step of the
       chunks' work (lay out, lay out again, write), the longer of its busiest chunk and its
       chunks' CPU shared over two workers, the writing sharing the two cores with what this process
       does meanwhile (the front sheets), and, where the PDFs are assembled on two processes, the
       other's share beyond this one's: what a quiet two-core machine would take.
   A0  with `--two-cores`: A with every run laid out whole (no chunks), as before render/chunks.py:
       A/A0 by CPU is what chunks cost where they run one after the other (`pack build -j N` of
       many meetings, no spare cores).
   B'  with `--same-gc`: B inside `render_packs`' collector settings (`_fewer_collections`: the
       objects before layout frozen, first threshold 50,000).  B runs with Python's defaults, and
       the collector took about 30% of it; A2/B' says what the pack costs over WeasyPrint when
       both get the same collector.

   The timed region starts from the checked, resolved meeting: imports, start-up, loading,
   checking and resolving are not counted.  A *includes* Markdown -> HTML (it is part of what
   the pack does); B starts from the finished HTML.  The Markdown time is reported as a phase,
   and the ratio is also given without it.  Both variants first lay out and write one tiny
   warm-up page, untimed, so that neither pays for initialising fontconfig and Pango.
4. Peak memory: VmHWM of the child (its own peak resident set, from /proc/self/status),
   with ru_maxrss as a cross-check.

The stack cushion.  On CPython 3.11 the interpreter's frame stack is a chain of 16 KiB chunks,
and a chunk is unmapped as soon as the stack falls back below it: recursion that keeps crossing
one boundary costs an mmap/munmap pair and fresh page faults every time (python/cpython#142183,
fixed on CPython's main branch in March 2026 and backported to 3.13 in python/cpython#146123;
3.11 gets security fixes only).  WeasyPrint's layout recurses deeply, so the same layout of the
same HTML takes very different times depending only on how deep the caller's stack already is
(`--depth-scan` shows it; figures in docs/performance.md).  That would make A/B measure call
depths, not work.  So by default both variants run their timed work inside a
function with a very large frame (`_cushion`: its code object's declared stack size is raised to
70,000 slots, 560 KB): it gets a fresh 1 MiB chunk with ~0.5 MiB to spare, and everything it
calls stays inside that chunk.  `--no-cushion` measures without it (what `pack build` gets, at
whatever depth it happens to call WeasyPrint).

Prints a table: pages, seconds (median, min), A/B and the overhead (A/B - 1) against the 25%
target, A2/B for each round (the target is met only if met in every round), peak RSS, and where
each variant's time goes.  Always exits 0 when the measurements ran: this is a
measurement, not a test.

`--variant NAME --project DIR --json` is the internal child mode (one measurement, JSON out).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_OVERHEAD = 0.25
MEETING_DATE = "2026-05-18"
COMMITTEE = "bench-panel"
SEED = 20260518
TOPIC_ITEMS = 10
PDF_APPENDIX_PAGES = 4
PDF_APPENDIX_ITEM = 6  # the topic item (1-based) that gets the existing PDF appendix
LANDSCAPE_APPENDIX_ITEM = 3  # the topic item that gets a landscape Markdown appendix
SUPPLEMENT_ITEM = 9  # the topic item published later, in a supplement (a supplementary pack + consolidated)
EXEMPT_ITEM = 10  # the topic item taken in Part B, exempt (a members' pack)
SUPPLEMENT_DATE = "2026-05-13"
VARIANTS = {
    "pack": "A  packs (item_pdfs=False)",
    "weasyprint": "B  WeasyPrint alone, each run",
    "weasyprint-gc": "B' B with the pack's collector",
    "pack-all": "A2 every PDF of the meeting",
    "pack-all-before": "A2 before (--before)",
    "pack-2cores": "A3 A, chunks on 2 processes",
    "pack-whole": "A0 A, runs laid out whole",
}
TARGET_TWO_CORES = 0.6
"""Issue 11, item 6: the pack on 2 cores <= 0.6 x one single-process WeasyPrint render of the same pages (B)."""

# Pages of the finished pack ~= FIXED_PAGES + TOPIC_ITEMS * (PAGES_PER_REPORT + PAGES_PER_SECTION * s),
# fitted on this content (s = 6 gave 132 pages, s = 12 gave 200); `--pages` solves it for s, the background
# sections per report.  The page count printed is the one measured, whatever the estimate said.
FIXED_PAGES = 2 + PDF_APPENDIX_PAGES + 4  # front sheet, PDF appendix, landscape appendix
PAGES_PER_REPORT = 5.4
PAGES_PER_SECTION = 1.13


# ---------------------------------------------------------------------------------------- content

WORDS = [
    "council", "service", "children", "families", "budget", "placement", "school", "support",
    "review", "plan", "action", "officer", "partnership", "quarter", "forecast", "performance",
    "target", "outcome", "provision", "capacity", "demand", "referral", "assessment", "contract",
    "provider", "monitoring", "safeguarding", "housing", "transport", "budgetary", "pressure",
    "improvement", "inspection", "panel", "members", "recommendation", "evidence", "resident",
    "ward", "community", "youth", "centre", "framework", "strategy", "delivery", "saving",
    "investment", "staffing", "recruitment", "retention", "training", "consultation", "equality",
    "impact", "legal", "duty", "statutory", "guidance", "report", "appendix", "data", "trend",
    "rate", "increase", "decrease", "stable", "risk", "mitigation", "timescale", "milestone",
    "progress", "update", "benchmark", "region", "national", "average", "local", "authority",
    "health", "education", "social", "care", "early", "help", "prevention",
]
SURNAMES = [
    "Ashworth", "Okonjo", "Baig", "Dempsey", "Kershaw", "Asante", "Whitlock", "Fitzgerald",
    "Holloway", "Iqbal", "Greaves", "Marsh",
]
SERVICES = ("Fostering", "Residential care", "Early help", "Youth services", "SEND transport", "Virtual school",
            "Children's centres", "Leaving care", "Adoption", "Family support", "Short breaks", "Edge of care")


class Text:
    """Deterministic filler prose (random.Random with a fixed seed)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, low: int = 9, high: int = 22) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < 0.25:
            words.insert(self.rng.randrange(len(words)), f"{self.rng.randint(2, 98)}%")
        return " ".join(words).capitalize() + "."

    def paragraph(self, sentences: tuple[int, int] = (3, 6)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))

    def phrase(self, low: int = 3, high: int = 8) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def rag(self) -> str:
        return self.rng.choice([":green:", ":green:", ":amber:", ":red:"])


def _table(t: Text, caption: str, rows: int) -> str:
    lines = [f"Table: {caption}", "", "| Ref | Measure | Q1 | Q2 | Q3 | Target | Status |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in range(1, rows + 1):
        q = [t.rng.randint(40, 990) for _ in range(4)]
        lines.append(f"| {r // 10 + 1}.{r % 10} | {t.phrase(4, 10).capitalize()} | {q[0]} | {q[1]} | {q[2]} "
                     f"| {q[3]} | {t.rag()} |")
    return "\n".join(lines)


def _report(t: Text, n: int, title: str, sections: int, xrefs: list[tuple[str, str]], exempt: bool = False) -> str:
    who = SURNAMES[n % len(SURNAMES)]
    out = [
        "---", "kind: report", f'title: "{title}"', f"date: {MEETING_DATE}",
        "addressee: To the Chair and Members of the Benchmark Scrutiny Panel",
        "cabinet_members:", f"  - Councillor {SURNAMES[(n + 3) % len(SURNAMES)]}, Cabinet Member for Children",
        "wards:", "  - All", f"key_decision: KD/2026/{n:02d}",
        "contact_officer:", f"  name: Alex {who}", "  title: Head of Service", "  phone: 01632 960400",
        f"  email: alex.{who.lower()}@bench.example",
        "director:", "  name: Sam Holloway", "  title: Director of Children's Services",
        "background_papers:", f"  - {t.phrase().capitalize()}", f"  - {t.phrase().capitalize()}",
        *(["exempt_paragraph: 3"] if exempt else []),
        "---", "",
        "## Executive summary", "", t.paragraph(), "", t.paragraph(), "",
        "## Exempt information", "", "This report is not exempt.", "",
        "## Recommendations", "", "The Panel is asked to:", "",
        f"1. note {t.phrase()};",
        f"2. consider and comment on {t.phrase()}, in particular:",
        f"    1. {t.phrase()};", f"    2. {t.phrase()}:", f"        1. {t.phrase()};", f"        2. {t.phrase()};",
        f"3. receive a further report on {t.phrase()}.", "",
        "## What this means for residents", "", t.paragraph(), "",
        "## Background", "", t.paragraph(), "",
    ]
    for label, href in xrefs:
        out += [f"{t.sentence()} The detail is in [{label}]({href}). {t.sentence()}", ""]
    for s in range(1, sections + 1):
        out += [f"### {t.phrase(2, 5).capitalize()}", "", t.paragraph(), "", t.paragraph(), ""]
        if s % 2:
            out += [f"- {t.phrase()} {t.rag()}" for _ in range(5)] + [""]
        else:
            out += [f"1. {t.phrase(6, 14)};" for _ in range(4)] + [""]
        out += [t.paragraph(), ""]
        if s % 3 == 0:
            out += [_table(t, f"{t.phrase(3, 6).capitalize()}, quarters 1 to 3", 24), ""]
        if s % 4 == 1:
            out += [f"> {t.sentence()} {t.sentence()}", ""]
    out += [
        "## Options considered", "", t.paragraph(), "", t.paragraph(), "",
        "## Reasons for the recommended option", "", t.paragraph(), "",
        "## Impact on the council's key outcomes", "",
        "| Outcomes | Implications |", "|---|---|",
        *[f"| {t.phrase(4, 8).capitalize()} | {t.sentence()} |" for _ in range(4)], "",
        "## Risks and assumptions", "", *[f"- {t.sentence()}" for _ in range(4)], "",
        "## Legal implications", "", t.paragraph(), "",
        "## Financial implications", "", t.paragraph(), "",
        _table(t, "Forecast spend by service (thousands of pounds)", 30), "",
        "## Human resources implications", "", t.paragraph((1, 2)), "",
        "## Technology implications", "", "None.", "",
        "## Equality implications", "", t.paragraph((2, 3)), "",
        "## Consultation", "", t.paragraph((2, 3)), "",
    ]
    return "\n".join(out)


def _landscape_appendix(t: Text) -> str:
    out = ["---", "kind: appendix", "title: Action plan and progress", "label: Appendix 1", "landscape: true", "---",
           "", "## Summary", "", t.paragraph(), "",
           "Table: Actions, leads, dates and progress at 30 April 2026", "",
           "| Ref | Action | Lead | Partner | Due | Progress | Status |", "|---|---|---|---|---|---|---|"]
    for r in range(1, 46):
        out.append(f"| {r} | {t.phrase(8, 16).capitalize()} | {t.phrase(2, 4).capitalize()} "
                   f"| {t.phrase(2, 4).capitalize()} | {t.rng.choice(['June', 'September', 'December'])} 2026 "
                   f"| {t.sentence(6, 14)} | {t.rag()} |")
    return "\n".join(out) + "\n"


def _appendix_pdf(pages: int) -> bytes:
    """A plain, untagged text PDF (Helvetica), as a scanned-in inspection letter would be."""
    import io

    import pikepdf
    from pikepdf import Dictionary, Name

    t = Text(SEED + 1)
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for p in range(pages):
        pdf.add_blank_page(page_size=(595.28, 841.89))
        page = pdf.pages[p]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        lines = [f"Inspection letter, page {p + 1} of {pages}"] + [t.sentence(8, 12) for _ in range(44)]
        ops = ["BT /F1 10 Tf 14 TL 60 780 Td"]
        for line in lines:
            ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '")
        ops.append("ET")
        page.obj.Contents = pdf.make_stream("\n".join(ops).encode("latin-1"))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def sections_for(pages: int) -> int:
    return max(1, round((pages - FIXED_PAGES - TOPIC_ITEMS * PAGES_PER_REPORT) / (TOPIC_ITEMS * PAGES_PER_SECTION)))


def write_project(root: Path, pages: int) -> dict[str, object]:
    """The synthetic content folder; returns a short description of it."""
    t = Text(SEED)
    sections = sections_for(pages)
    meeting_dir = root / COMMITTEE / MEETING_DATE
    meeting_dir.mkdir(parents=True)
    (root / "site.yaml").write_text(
        "authority: Benchmark Borough Council\nsite_title: Benchmark council meetings\n"
        "base_url: https://meetings.bench.example/\n"
        "contact:\n  name: Democratic Services\n  email: democratic.services@bench.example\n", encoding="utf-8")
    (root / COMMITTEE / "committee.yaml").write_text(
        "name: Benchmark Scrutiny Panel\nshort_name: Benchmark\nremit: The Panel scrutinises **everything**.\n"
        "membership:\n  chair: Councillor Ann Carter\n  vice_chair: Councillor Ben Doyle\n  councillors:\n"
        + "".join(f"    - {first} {last}\n"
                  for first, last in zip(["Chidi", "Dana", "Eli", "Fay", "Gus", "Hana"], SURNAMES, strict=False))
        + "governance_officer:\n  name: Priya Shah\n  title: Governance Officer\n"
        "  email: priya.shah@bench.example\n"
        "standard_items:\n  - key: apologies\n    title: Apologies for absence\n"
        "  - key: exclusion\n    title: To consider the extent, if any, to which the public and press are to be "
        "excluded from the meeting\n"
        "  - key: declarations\n    title: Declarations of interest\n"
        "    note: Members declare any interests in the items below.\n", encoding="utf-8")
    titles = [f"{SERVICES[k]}: {t.phrase(2, 4)}" for k in range(TOPIC_ITEMS)]
    reports = [f"report-{k + 1:02d}.md" for k in range(TOPIC_ITEMS)]
    landscape = "appendix-action-plan.md"
    letter = "inspection-letter.pdf"
    agenda = ["agenda:", "  part_a:", "    - standard: apologies", "    - standard: exclusion",
              "    - standard: declarations"]
    part_b = ["  part_b:"]
    for k in range(TOPIC_ITEMS):
        xrefs = []
        if k + 1 == LANDSCAPE_APPENDIX_ITEM:
            xrefs.append(("Appendix 1", landscape))
            xrefs.append(("its summary", landscape + "#summary"))
        if k + 1 == EXEMPT_ITEM:  # Part B refers to a public paper: a link across the members' pack
            xrefs.append(("the first report", reports[0]))
        if k % 3 == 1:
            other = (k + 4) % TOPIC_ITEMS
            xrefs.append((f"the report on {SERVICES[other].lower()}", reports[other]))
        size = sections + (k % 3) - 1
        exempt = k + 1 == EXEMPT_ITEM
        (meeting_dir / reports[k]).write_text(_report(t, k + 1, titles[k], max(1, size), xrefs, exempt) + "\n",
                                               encoding="utf-8")
        if exempt:
            part_b += [f'    - title: "{titles[k]}"', "      exempt_paragraph: 3", "      documents:",
                       f"        - {reports[k]}"]
            continue
        agenda += [f'    - title: "{titles[k]}"']
        if k + 1 == SUPPLEMENT_ITEM:
            agenda += [f"      published_on: {SUPPLEMENT_DATE}"]
        agenda += ["      documents:", f"        - {reports[k]}"]
        if k + 1 == LANDSCAPE_APPENDIX_ITEM:
            (meeting_dir / landscape).write_text(_landscape_appendix(t), encoding="utf-8")
            agenda.append(f"        - {landscape}")
        if k + 1 == PDF_APPENDIX_ITEM:
            (meeting_dir / letter).write_bytes(_appendix_pdf(PDF_APPENDIX_PAGES))
            agenda += [f"        - pdf: {letter}", '          title: "Letter from the inspectorate"',
                       "          label: Appendix 1",
                       "          description: >-", "            A four-page letter setting out the findings of",
                       "            the inspection, in plain text."]
    (meeting_dir / "meeting.yaml").write_text(
        f"date: {MEETING_DATE}\nstart_time: \"10:00\"\nvenue: Committee Room 1, Town Hall, Benchtown BT1 1AA\n"
        "issued_on: 2026-05-08\nissued_by:\n  name: Jo Bloggs\n  title: Chief Executive\n"
        + "\n".join(agenda + part_b) + "\n", encoding="utf-8")
    return {"topic_items": TOPIC_ITEMS, "sections_per_report": sections, "pdf_appendix_pages": PDF_APPENDIX_PAGES,
            "supplement_item": SUPPLEMENT_ITEM, "exempt_item": EXEMPT_ITEM}


# ---------------------------------------------------------------------------------------- child side

def _proc_status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _mib(kib: int | None) -> float | None:
    return None if kib is None else kib / 1024


CUSHION_WORDS = 70_000
"""Evaluation-stack slots of the cushion frame: 560 KB, so CPython gives it a 1 MiB stack chunk with ~0.5 MiB free."""


def _cushion():
    """A function `cushion(fn)` that calls fn() from a frame of CUSHION_WORDS slots (see the module docstring).

    Only the code object's declared stack size is raised: the frame is that big, the slots are never used,
    and nothing is allocated but the stack chunk itself.
    """
    def cushion(fn):
        return fn()

    cushion.__code__ = cushion.__code__.replace(co_stacksize=CUSHION_WORDS)
    return cushion


def _direct(fn):
    return fn()


class GcTimer:
    """Time spent in the cyclic garbage collector, by generation (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self.active = False
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if not self.active:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._start
            self.count[info["generation"]] += 1


class Phases:
    """Inclusive wall time of wrapped functions, summed per key."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.template: str | None = None
        self.body_layout_pages: int | None = None

    def add(self, key: str, seconds: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds
        self.calls[key] = self.calls.get(key, 0) + 1

    def wrap(self, owner: object, name: str, key: str | None = None, per_template: bool = False) -> None:
        original = getattr(owner, name)
        phases = self

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                k = key or name
                if per_template:
                    k = f"{k} {phases.template or '(captured pack.html)'}"
                phases.add(k, time.perf_counter() - start)

        setattr(owner, name, timed)


def _install(phases: Phases, capture: dict[str, object] | None = None) -> bool:
    """Wrap the functions whose time makes up a pack (and a plain WeasyPrint render). True if the real
    tagging module is in use (not the stand-in pdf.py falls back to when tagging.py cannot be imported)."""
    import types

    import weasyprint
    from weasyprint.document import Document

    from meetingpack.render import pdf as pdfmod

    renderer_render = pdfmod._Renderer.render

    def render(self, template, *, first_page=None, **context):
        phases.template, outer = template, phases.template
        start = time.perf_counter()
        try:
            laid_out = renderer_render(self, template, first_page=first_page, **context)
            if template == "pdf/pack.html":
                phases.body_layout_pages = len(laid_out.pages)
            return laid_out
        finally:
            phases.add(f"render {template}", time.perf_counter() - start)
            phases.template = outer
            if capture is not None and template == "pdf/pack.html":  # one per run: agenda, supplement, exempt
                capture.setdefault("runs", []).append({**phases_last_html, "first_page": first_page})

    pdfmod._Renderer.render = render
    phases_last_html: dict[str, object] = {}
    if capture is not None:
        real_html = pdfmod.HTML

        def html(*args, **kwargs):
            phases_last_html.clear()
            phases_last_html.update(html=kwargs.get("string"), base_url=kwargs.get("base_url"))
            return real_html(*args, **kwargs)

        pdfmod.HTML = html
    phases.wrap(pdfmod._Renderer, "__init__", "renderer setup")
    phases.wrap(pdfmod, "render_document", "markdown")
    phases.wrap(weasyprint.HTML, "__init__", "html parse", per_template=True)
    phases.wrap(weasyprint.HTML, "render", "layout", per_template=True)
    phases.wrap(Document, "write_pdf", "write_pdf")
    # the code before page copies (--before) wrote each PDF with _write; now pieces are written once and
    # every PDF is assembled from them (render/assemble.py)
    for name, key in (("_write", "write"), ("write_piece", "write"), ("assemble", "assemble")):
        if hasattr(pdfmod, name):
            phases.wrap(pdfmod, name, key)
    phases.wrap(pdfmod, "_underlay", "underlay")
    phases.wrap(pdfmod.tagging, "mark_page_furniture", "furniture")
    return isinstance(pdfmod.tagging, types.ModuleType)


def _load(project_dir: Path):
    from meetingpack.commands.check import check_project
    from meetingpack.render.templates import make_environment
    from meetingpack.resolve import resolve_project

    project, report = check_project(project_dir)
    if report.errors or project is None:
        sys.exit("check_project reported errors in the synthetic project:\n" + "\n".join(map(str, report.errors)))
    meetings = resolve_project(project)
    if len(meetings) != 1:
        sys.exit(f"expected one meeting, got {len(meetings)}")
    return make_environment(project.root), meetings[0], [str(w) for w in report.warnings]


def child(variant: str, project_dir: Path, workdir: Path, cushion: bool = True) -> dict[str, object]:
    import io

    import pikepdf
    from weasyprint import CSS, HTML

    from meetingpack.render import pdf as pdfmod

    env, meeting, warnings = _load(project_dir)
    capture: dict[str, object] | None = {} if variant == "capture" else None
    if capture is not None or variant == "pack-whole":  # B lays out each run whole: capture the runs' HTML, not
        _whole_runs()                                       # their chunks'; A0 is A as before chunks
    phases = Phases()
    real_tagging = _install(phases, capture)
    captured = None
    if variant.startswith("weasyprint"):
        captured = json.loads((workdir / "captured.json").read_text(encoding="utf-8"))
    # Untimed warm-up, the same in every variant: initialise fontconfig and Pango, import lazy modules.
    HTML(string="<p>warm-up</p>").render().write_pdf(pdf_variant="pdf/ua-1")
    call = _cushion() if cushion else _direct
    gc_timer = GcTimer()
    phases.seconds.clear()
    phases.calls.clear()
    gc.collect()
    baseline = _proc_status_kib("VmRSS")

    def weasyprint_alone() -> tuple[list[bytes], int, int]:
        """Each run's numbered pages laid out and written once: one WeasyPrint render of the meeting's pages."""
        assert captured is not None
        # As _Renderer builds them: one FontConfiguration, the pack stylesheet, the first-page counter.
        renderer = pdfmod._Renderer(env, meeting)
        written, pages = [], 0
        for run in captured["runs"]:
            sheets = [renderer.css]
            if run["first_page"] is not None:
                sheets.append(CSS(string=f"@page :first {{ counter-reset: page {run['first_page']} }}",
                                  font_config=renderer.fonts))
            laid_out = HTML(string=(workdir / run["html"]).read_text(encoding="utf-8"), base_url=run["base_url"]
                            ).render(stylesheets=sheets, font_config=renderer.fonts)
            written.append(laid_out.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False))
            pages += len(laid_out.pages)
        return written, pages, len(written)

    def pack() -> tuple[list[bytes], int, int]:
        nonlocal packs
        more = {"workers": 2} if variant == "pack-2cores" else {}  # (code before chunks has no `workers`)
        packs = pdfmod.render_packs(env, meeting, item_pdfs=(variant == "pack-all"), **more)
        files = [*packs.public, *([packs.members] if packs.members else []), *packs.item_pdfs.values(),
                 *{id(p.pdf): p for p in packs.document_pdfs.values()}.values()]
        return [packs.agenda.pdf], packs.agenda.total_pages, len(files)  # PDFs the build writes

    packs = None
    work = pack
    if variant == "weasyprint":
        work = weasyprint_alone
    elif variant == "weasyprint-gc":  # B under the collector settings render_packs uses around layout
        def work() -> tuple[list[bytes], int, int]:
            with pdfmod._fewer_collections():
                return weasyprint_alone()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    chunk_stats = _chunk_stats()
    _overlap().clear()
    _shares().clear()
    gc_timer.active = True
    start, cpu_start = time.perf_counter(), time.process_time()
    written, pages, outputs = call(work)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    gc_timer.active = False
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - usage.ru_minflt
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    batches = [[cpu for _, cpu in batch] for batch in chunk_stats]
    overlap = sum(_overlap())
    # what a quiet 2-core machine would take: the parent's own CPU plus, per step of the chunks' work run in
    # worker processes, the longer of its busiest chunk and its chunks shared out over the 2 workers; the
    # last step (writing) shares the 2 cores with what the parent does meanwhile (`overlap`: front sheets)
    critical = cpu_seconds
    if variant == "pack-2cores" and batches:
        *before, last = batches
        critical = cpu_seconds - overlap + sum(max(max(b), sum(b) / 2) for b in before) \
            + max(max(last), (sum(last) + overlap) / 2, overlap)
        # the PDFs assembled at the end on two processes: the other's share, beyond this one's
        critical += sum(max(others) - own for own, others in _shares() if others and max(others) > own)
    if packs is not None and not (packs.supplements and packs.members is not None):
        sys.exit("the synthetic meeting must have a supplement and an exempt item")
    peak = _proc_status_kib("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    found = 0
    for data in written:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found += len(pdf.pages)
    if found != pages:
        sys.exit(f"{variant}: {found} pages in the PDFs but {pages} expected")
    result: dict[str, object] = {
        "variant": variant, "seconds": seconds, "cpu_seconds": cpu_seconds, "pages": pages,
        "bytes": sum(len(d) for d in written),
        "outputs": outputs, "cushion": cushion, "minor_faults": faults, "gc_seconds": gc_timer.seconds,
        "gc_collections": gc_timer.count, "body_layout_pages": phases.body_layout_pages,
        "peak_rss_mib": _mib(peak), "baseline_rss_mib": _mib(baseline), "ru_maxrss_mib": _mib(maxrss),
        "phases": phases.seconds, "calls": phases.calls, "real_tagging": real_tagging, "warnings": warnings,
        "children_cpu_seconds": children_cpu, "critical_path_seconds": critical, "chunk_jobs": chunk_stats,
        "parent_cpu_while_writing": overlap, "assembly_shares": _shares(),
    }
    if packs is not None:
        result["front_pages"] = packs.agenda.front_pages
        result["body_pages"] = packs.agenda.pages.count if packs.agenda.pages else 0
        result["meeting_pages"] = packs.pages_laid_out - packs.members.front_pages  # every run, exempt too
        result["pdf_bytes"] = sum(len(f.pdf) for f in [*packs.public, packs.members, *packs.item_pdfs.values(),
                                                       *packs.document_pdfs.values()])
    if capture is not None:
        if not capture.get("runs"):
            sys.exit("capture: the pack never rendered pdf/pack.html")
        for n, run in enumerate(capture["runs"]):
            name = f"captured-{n}.html"
            (workdir / name).write_text(run.pop("html"), encoding="utf-8")
            run["html"] = name
        (workdir / "captured.json").write_text(json.dumps(capture), encoding="utf-8")
    return result


def _whole_runs() -> None:
    """Lay every run out whole, as before render/chunks.py (nothing to do in code without it)."""
    try:
        from meetingpack.render import chunks
    except ImportError:
        return
    chunks.SPLIT_ABOVE = 10**9


def _chunk_stats() -> list:
    """render/chunks.py's record of the chunk jobs run (emptied now, filled during the timed work); [] before it."""
    try:
        from meetingpack.render import chunks
    except ImportError:
        return []
    chunks.STATS.clear()
    return chunks.STATS


def _shares() -> list:
    """render/assemble.py's record of the PDFs assembled on several processes (emptied now); [] before it."""
    try:
        from meetingpack.render import assemble
    except ImportError:
        return []
    return getattr(assemble, "SHARES", [])


def _overlap() -> list[float]:
    """render/chunks.py's record of this process's CPU while the chunks were written (emptied now); [] before it."""
    try:
        from meetingpack.render import chunks
    except ImportError:
        return []
    record = getattr(chunks, "OVERLAP", [])
    return record


DEPTHS = (0, 25, 50, 75, 100, 125, 150)


def depth_scan(project_dir: Path, workdir: Path) -> dict[str, object]:
    """B's layout alone, started from DEPTHS extra Python frames, without and with the cushion."""
    from weasyprint import CSS, HTML

    from meetingpack.render import pdf as pdfmod

    env, meeting, _ = _load(project_dir)
    captured = json.loads((workdir / "captured.json").read_text(encoding="utf-8"))["runs"][0]  # the agenda's body
    source = (workdir / captured["html"]).read_text(encoding="utf-8")
    HTML(string="<p>warm-up</p>").render().write_pdf(pdf_variant="pdf/ua-1")
    cushion = _cushion()

    def pad(depth: int, fn):
        return fn() if depth == 0 else pad(depth - 1, fn)

    def layout() -> tuple[float, int, int]:
        renderer = pdfmod._Renderer(env, meeting)
        sheets = [renderer.css, CSS(string=f"@page :first {{ counter-reset: page {captured['first_page']} }}",
                                    font_config=renderer.fonts)]
        html = HTML(string=source, base_url=captured["base_url"])
        gc.collect()
        faults, start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
        laid_out = html.render(stylesheets=sheets, font_config=renderer.fonts)
        return (time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults,
                len(laid_out.pages))

    rows = []
    for depth in DEPTHS:
        for cushioned in (False, True):
            seconds, faults, pages = pad(depth, (lambda: cushion(layout)) if cushioned else layout)
            rows.append({"depth": depth, "cushion": cushioned, "seconds": seconds, "minor_faults": faults,
                         "pages": pages})
    return {"variant": "depth-scan", "rows": rows}


def report_depth_scan(result: dict[str, object]) -> None:
    rows = result["rows"]
    print(f"WeasyPrint layout of the captured body ({rows[0]['pages']} pages), one process, started from N extra "
          "Python frames:")
    print(f"{'extra frames':>12}  {'no cushion: s':>13} {'page faults':>11}   {'cushion: s':>10} {'page faults':>11}")
    for depth in DEPTHS:
        bare = next(r for r in rows if r["depth"] == depth and not r["cushion"])
        padded = next(r for r in rows if r["depth"] == depth and r["cushion"])
        print(f"{depth:>12}  {bare['seconds']:>13.2f} {bare['minor_faults']:>11}   {padded['seconds']:>10.2f} "
              f"{padded['minor_faults']:>11}")
    bare = [r["seconds"] for r in rows if not r["cushion"]]
    padded = [r["seconds"] for r in rows if r["cushion"]]
    print(f"spread (max/min): no cushion {max(bare) / min(bare):.2f}, cushion {max(padded) / min(padded):.2f}")


# ---------------------------------------------------------------------------------------- parent side

def run_child(variant: str, project_dir: Path, workdir: Path, cushion: bool,
              before: Path | None = None) -> dict[str, object]:
    """One measurement in a fresh process; `-before` variants import meetingpack from `before` (a src/ folder)."""
    env = dict(os.environ)
    if variant.endswith("-before"):
        assert before is not None
        env["PYTHONPATH"] = str(before)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--variant", variant.removesuffix("-before"),
           "--project", str(project_dir), "--workdir", str(workdir), "--json"] + ([] if cushion else ["--no-cushion"])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"the {variant} run failed (exit {proc.returncode}); see above")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["variant"] = variant
    return result


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _phase_rows(runs: list[dict[str, object]], variant: str) -> list[tuple[str, float]]:
    """Non-overlapping phases of one variant, as the median over its runs (seconds)."""
    def get(run: dict, prefix: str) -> float:
        return sum(v for k, v in run["phases"].items() if k == prefix or k.startswith(prefix + " "))

    def one(run: dict) -> dict[str, float]:
        p = run["phases"]
        if variant.startswith("weasyprint"):
            rows = {
                "setup: FontConfiguration + pack.css (_Renderer.__init__)": get(run, "renderer setup"),
                "HTML parse (HTML(string=...))": get(run, "html parse"),
                "WeasyPrint layout (HTML.render)": get(run, "layout"),
                "WeasyPrint write_pdf (pdf/ua-1)": get(run, "write_pdf"),
            }
        else:
            layout = {t: p.get(f"layout {t}", 0.0) for t in ("pdf/pack.html", "pdf/frontsheet.html", "pdf/blank.html")}
            render_total = get(run, "render")
            write = get(run, "write")
            write_pdf = get(run, "write_pdf")
            underlay = get(run, "underlay")
            furniture = get(run, "furniture")
            rows = {
                "setup: FontConfiguration + pack.css (_Renderer.__init__)": get(run, "renderer setup"),
                "Markdown -> HTML fragments (render_document)": get(run, "markdown"),
                "Jinja + HTML parse of pack/front/blank pages": render_total - sum(layout.values()),
                "WeasyPrint layout: numbered body (pack.html)": layout["pdf/pack.html"],
                "WeasyPrint layout: front sheet (frontsheet.html)": layout["pdf/frontsheet.html"],
                "WeasyPrint layout: blank/padding pages (blank.html)": layout["pdf/blank.html"],
                "WeasyPrint write_pdf (pdf/ua-1), every output": write_pdf,
                "pikepdf: appendix underlay (_underlay)": underlay,
                "pikepdf: furniture -> artifacts (mark_page_furniture)": furniture,
                "pikepdf: open, resources, sanitise... (rest of write_piece/_write)": write - write_pdf - underlay
                - furniture,
                "pikepdf: page copies, structure, outline, save (assemble)": get(run, "assemble"),
            }
        rows["other (unwrapped: ranges, bookkeeping, Python glue)"] = run["seconds"] - sum(rows.values())
        return rows

    per_run = [one(r) for r in runs]
    return [(k, _median([r[k] for r in per_run])) for k in per_run[0]]


def report(results: dict[str, list[dict[str, object]]], info: dict[str, object], repeat: int,
           order: list[list[str]]) -> None:
    pack, alone = results["pack"], results["weasyprint"]
    first = pack[0]
    print(f"Synthetic meeting: {first['meeting_pages']} numbered pages in three runs (agenda pack: {first['pages']} "
          f"pages, {first['front_pages']} front sheet + {first['body_pages']} numbered), {info['topic_items']} items "
          f"with cover reports ({info['sections_per_report']} +/- 1 background sections each; item "
          f"{info['supplement_item']} in a supplement, item {info['exempt_item']} exempt in Part B), 1 landscape "
          f"Markdown appendix, 1 PDF appendix ({info['pdf_appendix_pages']} pages).")
    print(f"Each measurement in a fresh process; {repeat} per variant; order by round: "
          + ", ".join(" ".join(r) for r in order) + ".")
    print("Timed: resolved meeting -> finished PDF bytes. Not timed: start-up, imports, check, resolve, "
          "a one-page warm-up render.")
    print("A includes Markdown -> HTML; B starts from the HTML captured from A's pdf/pack.html renders, one per run "
          f"(B laid out and wrote {alone[0]['pages']} pages in {alone[0]['outputs']} PDFs).")
    print("Stack cushion: " + ("on (see the module docstring)" if first["cushion"] else
                               "OFF: times include CPython 3.11 stack-chunk churn at whatever depth each call runs"))
    if not all(r["real_tagging"] for rs in results.values() for r in rs):
        print("WARNING: meetingpack.render.tagging could not be imported in some runs; pdf.py used its "
              "stand-in, so the furniture/figure tagging was NOT measured.")
    print()
    header = (f"{'variant':31} {'pages':>5} {'median s':>8} {'min s':>6}  {'runs (s)':20} {'CPU s':>6} "
              f"{'peak RSS MiB':>12} {'+ over start':>12}")
    print(header)
    print("-" * len(header))
    for variant, label in VARIANTS.items():
        runs = results.get(variant)
        if not runs:
            continue
        secs = [r["seconds"] for r in runs]
        cpu = [r["cpu_seconds"] for r in runs]
        peaks = [r["peak_rss_mib"] or r["ru_maxrss_mib"] for r in runs]
        over = [(r["peak_rss_mib"] or 0) - (r["baseline_rss_mib"] or 0) for r in runs]
        print(f"{label:31} {runs[0]['pages']:>5} {_median(secs):>8.2f} {min(secs):>6.2f}  "
              f"{' '.join(f'{s:.2f}' for s in secs):20} {_median(cpu):>6.2f} {_median(peaks):>12.0f} "
              f"{_median(over):>12.0f}")
    print()
    a_med, b_med = _median([r["seconds"] for r in pack]), _median([r["seconds"] for r in alone])
    a_min, b_min = min(r["seconds"] for r in pack), min(r["seconds"] for r in alone)
    a_cpu, b_cpu = _median([r["cpu_seconds"] for r in pack]), _median([r["cpu_seconds"] for r in alone])
    paired = [a["seconds"] / b["seconds"] for a, b in zip(pack, alone)]
    md = _median([r["phases"].get("markdown", 0.0) for r in pack])
    verdict = "met" if a_med / b_med - 1 < TARGET_OVERHEAD else "NOT met"
    print(f"A/B, median wall time:   {a_med / b_med:.3f}  overhead {100 * (a_med / b_med - 1):+5.1f}%  "
          f"(target < +{100 * TARGET_OVERHEAD:.0f}%: {verdict})")
    print(f"A/B, minimum wall time:  {a_min / b_min:.3f}  overhead {100 * (a_min / b_min - 1):+5.1f}%")
    print(f"A/B, median CPU time:    {a_cpu / b_cpu:.3f}  overhead {100 * (a_cpu / b_cpu - 1):+5.1f}%")
    print(f"A/B, each round:         {' '.join(f'{x:.3f}' for x in paired)}")
    print(f"A without Markdown / B:  {(a_med - md) / b_med:.3f}  overhead {100 * ((a_med - md) / b_med - 1):+5.1f}%  "
          f"(Markdown -> HTML: median {md:.2f} s)")
    for variant, base in (("pack-all", "weasyprint"), ("pack-all-before", "weasyprint"),
                          ("pack-all", "weasyprint-gc"), ("pack-all-before", "weasyprint-gc")):
        if variant not in results or base not in results:
            continue
        runs = results[variant]
        ratios = [a["seconds"] / b["seconds"] for a, b in zip(runs, results[base])]
        cpu_ratios = [a["cpu_seconds"] / b["cpu_seconds"] for a, b in zip(runs, results[base])]
        name = ("A2" if variant == "pack-all" else "A2 before") + ("/B" if base == "weasyprint" else "/B'")
        met = "met in every round" if max(ratios) <= 1 + TARGET_OVERHEAD else "NOT met in every round"
        print(f"{name + ', each round:':24} {' '.join(f'{x:.3f}' for x in ratios)}  median {_median(ratios):.3f} "
              f"(range {min(ratios):.3f}-{max(ratios):.3f}); CPU median {_median(cpu_ratios):.3f}  "
              f"(target <= {1 + TARGET_OVERHEAD:.2f}: {met})")
        print(f"{'':24} {runs[0]['outputs']} PDFs, {runs[0]['pdf_bytes'] / 1e6:.2f} MB, from "
              f"{runs[0]['meeting_pages']} numbered pages; B wrote {alone[0]['pages']} pages in "
              f"{alone[0]['outputs']} PDFs, {alone[0]['bytes'] / 1e6:.2f} MB")
    if "pack-2cores" in results:
        two = results["pack-2cores"]
        print(f"A3 (chunks on 2 processes): parent CPU {_median([r['cpu_seconds'] for r in two]):.2f} s, children CPU "
              f"{_median([r['children_cpu_seconds'] for r in two]):.2f} s, critical path "
              f"{_median([r['critical_path_seconds'] for r in two]):.2f} s (medians); chunk jobs of round 1: "
              + "; ".join(", ".join(f"{k} {c:.2f}" for k, c in batch) for batch in two[0]["chunk_jobs"]))
        for base in ("weasyprint", "weasyprint-gc"):
            if base not in results:
                continue
            name = "A3/B" if base == "weasyprint" else "A3/B'"
            wall = [a["seconds"] / b["seconds"] for a, b in zip(two, results[base])]
            path = [a["critical_path_seconds"] / b["cpu_seconds"] for a, b in zip(two, results[base])]
            for label, ratios in ((f"{name} wall", wall), (f"{name} crit.path/CPU", path)):
                met = "met in every round" if max(ratios) <= TARGET_TWO_CORES else "NOT met in every round"
                print(f"{label + ', rounds:':24} {' '.join(f'{x:.3f}' for x in ratios)}  median {_median(ratios):.3f} "
                      f"(range {min(ratios):.3f}-{max(ratios):.3f}; target <= {TARGET_TWO_CORES}: {met})")
        if "pack-whole" in results:  # chunks in sequence (a `pack build -j N` of many meetings) against no chunks
            seq = [a["cpu_seconds"] / b["cpu_seconds"] for a, b in zip(results["pack"], results["pack-whole"])]
            print(f"{'A/A0 CPU, rounds:':24} {' '.join(f'{x:.3f}' for x in seq)}  median {_median(seq):.3f}  "
                  "(chunks one after the other against the runs laid out whole)")
        one = [a["seconds"] / b["seconds"] for a, b in zip(two, results["pack"])]
        print(f"{'A3/A wall, rounds:':24} {' '.join(f'{x:.3f}' for x in one)}  median {_median(one):.3f}  "
              "(wall on a shared machine says how busy it was, not what the code does)")
    if "pack-all" in results and "pack-all-before" in results:
        now = [a["seconds"] / b["seconds"] for a, b in zip(results["pack-all"], results["pack-all-before"])]
        print(f"{'A2 now/before, rounds:':24} {' '.join(f'{x:.3f}' for x in now)}  median {_median(now):.3f}")
    print()
    for variant, label in VARIANTS.items():
        runs = results.get(variant)
        if not runs:
            continue
        total = _median([r["seconds"] for r in runs])
        print(f"Where the time goes, {label.strip()} (median of each phase over {len(runs)} runs):")
        for name, secs in _phase_rows(runs, variant):
            print(f"  {name:64} {secs:6.2f} s {100 * secs / total:5.1f}%")
        gc_s = _median([sum(r["gc_seconds"]) for r in runs])
        full = _median([r["gc_collections"][2] for r in runs])
        faults = _median([r["minor_faults"] for r in runs])
        print(f"  {'(across the phases) cyclic garbage collector':64} {gc_s:6.2f} s {100 * gc_s / total:5.1f}%"
              f"  ({full:.0f} full collections)")
        print(f"  {'(across the phases) minor page faults':64} {faults:8.0f}")
        print()
    warnings = first.get("warnings") or []
    if warnings:
        print(f"check_project warnings on the synthetic project: {len(warnings)} (first: {warnings[0]})")


def versions() -> str:
    out = subprocess.run([sys.executable, "-c",
                          ("import sys, weasyprint, pikepdf; print(sys.version.split()[0], weasyprint.__version__, "
                           "pikepdf.__version__, pikepdf.__libqpdf_version__)")],
                         capture_output=True, text=True, check=True).stdout.split()
    return (f"Python {out[0]}, WeasyPrint {out[1]}, pikepdf {out[2]} (qpdf {out[3]}), "
            f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="measurements per variant (default 3)")
    parser.add_argument("--pages", type=int, default=150, help="target size of the pack in pages (default 150)")
    parser.add_argument("--no-items", action="store_true", help="skip variant A2 (pack with per-item PDFs)")
    parser.add_argument("--same-gc", action="store_true",
                        help="also time B' : B inside render_packs' collector settings (_fewer_collections)")
    parser.add_argument("--two-cores", action="store_true",
                        help="also time A3: A with its big runs' chunks laid out on 2 processes (render/chunks.py)")
    parser.add_argument("--before", type=Path,
                        help="also time A2 with meetingpack imported from this src/ folder (another checkout, e.g. "
                             "`git worktree add /tmp/before <commit>` then /tmp/before/src), side by side")
    parser.add_argument("--no-cushion", action="store_true",
                        help="run the timed work at its natural stack depth (see the module docstring)")
    parser.add_argument("--keep", type=Path, help="write the synthetic project here and keep it")
    parser.add_argument("--json-out", type=Path, help="also write every measurement to this JSON file")
    parser.add_argument("--depth-scan", action="store_true",
                        help="instead of the rounds: time WeasyPrint's layout of the body at several call depths, "
                             "with and without the cushion")
    parser.add_argument("--variant", choices=["capture", "depth-scan", *VARIANTS], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.variant:
        if args.project is None or args.workdir is None:
            parser.error("--variant needs --project and --workdir (made by a normal run; see --keep)")
        if args.variant == "depth-scan":
            result = depth_scan(args.project, args.workdir)
        else:
            result = child(args.variant, args.project, args.workdir, cushion=not args.no_cushion)
        print(json.dumps(result) if args.json else result)
        return 0

    with tempfile.TemporaryDirectory(prefix="pack-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        project_dir = workdir / "content"
        if project_dir.exists():
            raise SystemExit(f"{project_dir} already exists; give --keep an empty folder")
        info = write_project(project_dir, args.pages)
        print(versions())
        capture = run_child("capture", project_dir, workdir, not args.no_cushion)
        if args.depth_scan:
            print(f"Capture run: {capture['pages']} pages; depth scan ...", flush=True)
            report_depth_scan(run_child("depth-scan", project_dir, workdir, True))
            return 0
        print(f"Capture run: {capture['pages']} pages; starting {args.repeat} rounds ...", flush=True)
        variants = ["pack", "weasyprint"] + ([] if args.no_items else ["pack-all"]) \
            + (["pack-all-before"] if args.before else []) + (["weasyprint-gc"] if args.same_gc else []) \
            + (["pack-2cores", "pack-whole"] if args.two_cores else [])
        results: dict[str, list[dict[str, object]]] = {v: [] for v in variants}
        order = []
        for r in range(args.repeat):
            round_order = variants if r % 2 == 0 else variants[::-1]
            order.append(round_order)
            for variant in round_order:
                result = run_child(variant, project_dir, workdir, not args.no_cushion, args.before)
                results[variant].append(result)
                print(f"  round {r + 1}: {variant:10} {result['seconds']:7.2f} s  "
                      f"peak {result['peak_rss_mib']:.0f} MiB", flush=True)
        print()
        report(results, info, args.repeat, order)
        if args.json_out:
            args.json_out.write_text(json.dumps({"info": info, "order": order, "results": results}, indent=2),
                                     encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
