"""The synthetic archive of bench/archive.py: `pack check` accepts it, and it is the same bytes every time;
the MkDocs project made of its Markdown (bench/mkdocs_anchor.py) holds every paper unchanged.

No timing here: the benchmark (bench/archive_build.py) measures, the tests only hold its input steady.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pikepdf
import pytest
import yaml
from helpers_content import check

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def archive() -> ModuleType:
    return _load("bench_archive", BENCH / "archive.py")


@pytest.fixture(scope="module")
def anchor() -> ModuleType:
    return _load("bench_mkdocs_anchor", BENCH / "mkdocs_anchor.py")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_tiny_archive_passes_pack_check(archive: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "content"
    archive.write_archive(root, 1, 3)
    diagnostics = check(root)
    assert [d for d in diagnostics if d.severity == "error"] == []
    assert diagnostics == []  # no warnings either: a warning would mean the generator drifted from the format
    folder = root / "children-young-people"
    meetings = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert meetings == ["2021-05-10", "2021-06-14", "2021-07-12"]  # monthly, on the committee's weekday
    first = yaml.safe_load((folder / meetings[0] / "meeting.yaml").read_text(encoding="utf-8"))
    assert first["status"] == "held"
    assert first["agenda"]["part_b"][0]["exempt_paragraph"] == 3
    second = yaml.safe_load((folder / meetings[1] / "meeting.yaml").read_text(encoding="utf-8"))
    late = [i for i in second["agenda"]["part_a"] if "published_on" in i]
    assert late and str(late[0]["published_on"]) > str(second["issued_on"])
    last = yaml.safe_load((folder / meetings[2] / "meeting.yaml").read_text(encoding="utf-8"))
    assert last["status"] == "scheduled" and not (folder / meetings[2] / "minutes.md").exists()
    follow = [i for i in last["agenda"]["part_a"] if "follows_up" in i]
    assert follow == [{"title": follow[0]["title"], "follows_up": ["5(ii) of 2021-05-10"],
                       "documents": ["report-follow-up.md"]}]
    minutes = (folder / meetings[0] / "minutes.md").read_text(encoding="utf-8")
    assert "{exempt=3}" in minutes and "RESOLVED that the Panel:" in minutes
    assert "at its meeting on 12 July 2021;" in minutes  # the resolution the follow-up answers
    with pikepdf.open(folder / meetings[0] / "inspection-letter.pdf") as pdf:
        assert len(pdf.pages) == 2
        assert b"Letter from the inspectorate, page 1 of 2" in pdf.pages[0].Contents.read_bytes()


def test_generation_is_deterministic(archive: ModuleType, tmp_path: Path) -> None:
    archive.write_archive(tmp_path / "a", 2, 4)
    archive.write_archive(tmp_path / "b", 2, 4)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(first) > 40 and first == second
    archive.write_archive(tmp_path / "c", 2, 4, seed=7)
    other = _tree(tmp_path / "c")
    assert other.keys() == first.keys() and other != first  # the seed changes the text, not the shape


def test_refuses_a_folder_with_files(archive: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("kept\n", encoding="utf-8")
    assert archive.main([str(tmp_path), "--meetings", "1"]) == 2
    assert (tmp_path / "site.yaml").read_text(encoding="utf-8") == "kept\n"


def test_mkdocs_project_holds_every_markdown_paper(archive: ModuleType, anchor: ModuleType, tmp_path: Path) -> None:
    content = tmp_path / "content"
    archive.write_archive(content, 2, 2)
    project = tmp_path / "mkdocs"
    copied = anchor.make_project(content, project)
    papers = {p.relative_to(content).as_posix(): p.read_bytes() for p in content.rglob("*.md")}
    docs = project / "docs"
    assert copied == len(papers) and len(papers) >= 12
    # every paper, front matter and all, at the same relative path; nothing else (no YAML, no PDF appendix)
    assert _tree(docs) == papers
    assert papers["children-young-people/2021-05-10/report-topic-1.md"].startswith(b"---\nkind: report\n")
    assert any(name.endswith("/minutes.md") for name in papers)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config == {"site_name": config["site_name"], "docs_dir": "docs", "use_directory_urls": True,
                      "theme": {"name": "mkdocs"}, "plugins": ["search"]}
    site = tmp_path / "site"
    command = anchor.build_command(Path("/venv/bin/mkdocs"), project, site)
    assert command == ["/venv/bin/mkdocs", "build", "--config-file", str(project / "mkdocs.yml"),
                       "--site-dir", str(site)]


def test_report_compares_html_pages_per_second_with_mkdocs(tmp_path: Path) -> None:
    bench = _load("bench_archive_build", BENCH / "archive_build.py")
    Build = bench.Build

    def b(rnd: int, kind: str, wall: float, summary: str = "", html: int = 0) -> object:
        return Build(10, rnd, kind, 2, wall, wall, wall, 100.0, 0, summary, html)

    nothing = "pack build: nothing changed since the last build; build is up to date (10 meetings)"
    builds = [b(1, "clean-j1", 80), b(1, "clean-j2", 50), b(1, "no-change", 1.5, nothing),
              b(1, "template", 4, html=200), b(1, "mkdocs", 1, html=71),
              b(2, "clean-j2", 40), b(2, "clean-j1", 80), b(2, "no-change", 9, "pack build: 10 meetings"),
              b(2, "template", 2, html=200), b(2, "mkdocs", 0.5, html=71)]
    counts = {10: {"meetings": 10, "committees": 1, "files": 90, "pdfs": 150, "pdf_pages": 1200,
                   "html_pages": 200, "markdown_papers": 70}}
    text = "\n".join(bench.report(builds, counts))
    # template change: 200 pages in 4 s and 2 s against 71 pages in 1 s and 0.5 s: 50/71 and 100/142 = 0.70
    assert "| HTML pages/s, template / MkDocs | 0.70 (0.70-0.70) |" in text
    assert "| HTML pages per CPU s, template / MkDocs | 0.70 (0.70-0.70) |" in text  # CPU = wall here
    # clean -j 2: 200/50 = 4 and 200/40 = 5 pages/s against 71 and 142: 0.056 and 0.035
    assert "| HTML pages/s, clean-j2 / MkDocs | 0.05 (0.04-0.06) |" in text
    assert "10 meetings, round 2, HTML pages/s over MkDocs's: template 0.70, clean-j1 0.02, clean-j2 0.04" in text
    assert "HTML at least 3 x MkDocs's pages per second" in text and ": not met [0.70, 0.70]" in text
    assert "| no-change builds that stopped at once | 1 of 2 rounds |" in text
    assert f"round 1, no-change: 1.50 s | {nothing}" in text
    assert "stopped at once ('nothing changed since the last build') in 1 of 2 rounds" in text
    missing = "\n".join(bench.report([x for x in builds if x.kind != "mkdocs"], counts, "no network"))
    assert "pages per second on the same Markdown (template-change build: every page rendered, packs and paper bodies reused): " \
           "not measured (no network)" in missing
