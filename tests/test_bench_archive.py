"""The synthetic archive of bench/archive.py: `pack check` accepts it, and it is the same bytes every time.

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

BENCH = Path(__file__).resolve().parent.parent / "bench" / "archive.py"


@pytest.fixture(scope="module")
def archive() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_archive", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


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
