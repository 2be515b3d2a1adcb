"""The check cache (engine/checks.py): a build re-checks what changed, and says the same as a full check.

A scenario project of another council's conventions (a panel of the minimal
project, with a paper that draws two warnings: a link to a heading it lacks,
and no executive summary) is checked with no cache, then with a cold cache,
then a warm one; every check must give the same diagnostics and the same
resolved meetings (their render keys), and the warm one must parse nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_content import original, project

from meetingpack.commands import check as check_command
from meetingpack.commands.build import build_project
from meetingpack.commands.check import Checked, checked_project
from meetingpack.engine import checks
from meetingpack.engine.cache import meeting_key, versions
from meetingpack.engine.checks import CheckCache
from meetingpack.render import markdown

PAPER = "panel/2026-01-12/report-depot.md"
WARNED = original(PAPER).replace("## ", "## Background\n\nSee [the plan](#no-such-heading).\n\n## ", 1)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return project(tmp_path, {PAPER: WARNED.replace("Executive summary", "Summary")})


def _cache(tmp_path: Path, use: bool = True) -> CheckCache:
    return CheckCache(tmp_path / "checks", json.dumps(versions(), sort_keys=True), use=use)


def _checked(root: Path, cache: CheckCache) -> Checked:
    """Check with the cache, then store what was worked out (a build does so once the content is sound)."""
    checked = checked_project(root, cache)
    cache.flush()
    return checked


def _said(checked: Checked) -> list[str]:
    return [f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} ({d.hint})" for d in checked.report.diagnostics]


def _entries(folder: Path) -> set[str]:
    """The keys of the entries in every store of a check cache folder."""
    return {line.split(b" ", 1)[0].decode() for store in folder.glob("*.checks")
            for line in store.read_bytes().split(b"\n", 2)[2].splitlines()}


def _keys(checked: Checked) -> list[str]:
    assert checked.meetings is not None
    return [meeting_key(m, "") for m in checked.meetings]


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown body parsed from now on (the analysis parse and the limits pass), by its first line."""
    seen: list[str] = []
    for module, name in ((markdown, "render_markdown"), (markdown, "markdown_limits")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda text, *a, _real=real, **k: seen.append(text.strip()[:30]) or _real(text, *a, **k))
    from meetingpack import load
    monkeypatch.setattr(load, "render_markdown", markdown.render_markdown)
    monkeypatch.setattr(load, "markdown_limits", markdown.markdown_limits)
    return seen


def test_a_warm_cache_gives_the_same_diagnostics_and_meetings_and_parses_nothing(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = checked_project(root)
    assert any("no-such-heading" in s for s in _said(plain)) and len(plain.report.diagnostics) >= 2
    cold = _checked(root, _cache(tmp_path))
    parsed = _parses(monkeypatch)
    cache = _cache(tmp_path)
    warm = _checked(root, cache)
    assert _said(plain) == _said(cold) == _said(warm)  # the unchanged paper's warnings, word for word
    assert _keys(plain) == _keys(cold) == _keys(warm)
    assert parsed == [] and cache.misses == 0 and cache.hits > 0


def test_a_changed_file_is_checked_again_and_only_it(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _checked(root, _cache(tmp_path))
    (root / PAPER).write_text(WARNED, encoding="utf-8")  # the summary back: one warning fewer
    parsed = _parses(monkeypatch)
    cache = _cache(tmp_path)
    warm = _checked(root, cache)
    assert parsed and all(p.startswith("## Background") for p in parsed)  # the changed body alone
    assert _said(warm) == _said(checked_project(root))
    assert not any("Executive summary" in s for s in _said(warm)) and any("no-such-heading" in s for s in _said(warm))
    assert cache.misses == 2  # its limits pass and its analysis; its front matter is unchanged


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty", "wrong value"])
def test_a_damaged_store_is_ignored_and_replaced(root: Path, tmp_path: Path, damage: str) -> None:
    expected = _said(_checked(root, _cache(tmp_path)))
    stores = sorted((tmp_path / "checks").glob("*.checks"))
    assert len(stores) == 2  # the content folder's own (site.yaml) and the panel's
    for store in stores:
        data = store.read_bytes()
        body = data.split(b"\n", 2)[2]
        wrong = b"".join(line.split(b" ", 1)[0] + b' {"nonsense":1}\n' for line in body.splitlines())
        store.write_bytes({"truncated": data[: len(data) // 2], "empty": b"",
                           "flipped": data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],
                           "foreign": b"PK\x03\x04 not ours\n" + body,
                           "wrong value": checks.MAGIC + checks.hashlib.sha256(wrong).hexdigest().encode() + b"\n" + wrong,
                           }[damage])
    cache = _cache(tmp_path)
    again = _checked(root, cache)
    assert _said(again) == expected and _keys(again) == _keys(checked_project(root))
    assert cache.rejected and cache.hits == 0
    assert all(s.read_bytes().startswith(checks.MAGIC) for s in stores)  # each stored afresh
    assert _cache(tmp_path).rejected == [] and _said(_checked(root, _cache(tmp_path))) == expected


def test_an_unchanged_check_writes_no_store(root: Path, tmp_path: Path) -> None:
    _checked(root, _cache(tmp_path))
    before = {p: p.stat().st_ino for p in (tmp_path / "checks").glob("*.checks")}
    cache = _cache(tmp_path)
    _checked(root, cache)
    assert cache.misses == 0 and {p: p.stat().st_ino for p in (tmp_path / "checks").glob("*.checks")} == before
    (root / PAPER).write_text(WARNED, encoding="utf-8")
    _checked(root, _cache(tmp_path))
    after = {p: p.stat().st_ino for p in (tmp_path / "checks").glob("*.checks")}
    assert len([p for p in before if after[p] != before[p]]) == 1  # the panel's store alone, written again


def test_positions_are_made_into_tables_only_when_looked_at() -> None:
    import pickle

    from meetingpack.yamlpos import parse_yaml

    _, positions = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", 1)
    stored = checks.decode_yaml(json.loads(json.dumps(checks.encode_yaml(({}, positions)))))[1]
    assert isinstance(stored, checks.StoredPositions) and "values" not in vars(stored)
    again = pickle.loads(pickle.dumps(stored))
    for loc in [("b", 1, "c"), ("b", 5), ("a",), ("nothing",), ()]:
        assert stored.find(loc) == positions.find(loc) == again.find(loc)
        assert stored.find(loc, prefer_key=True) == positions.find(loc, prefer_key=True)
    assert (stored.line_offset, stored.keys, stored.values) == (positions.line_offset, positions.keys, positions.values)
    stored.compact()
    assert "values" not in vars(stored) and stored.find(("b", 1, "c")) == positions.find(("b", 1, "c"))


def test_clean_reads_no_entry(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _checked(root, _cache(tmp_path))
    parsed = _parses(monkeypatch)
    cache = _cache(tmp_path, use=False)
    _checked(root, cache)
    assert parsed and cache.hits == 0


def test_nothing_is_written_before_flush(root: Path, tmp_path: Path) -> None:
    """A build with errors writes nothing beside the output: entries wait in memory for `flush`."""
    cache = _cache(tmp_path)
    checked_project(root, cache)
    assert cache.pending and not (tmp_path / "checks").exists()
    cache.flush()
    assert len(_entries(tmp_path / "checks")) == cache.misses and not cache.pending


def test_entries_of_another_version_are_not_found(root: Path, tmp_path: Path) -> None:
    _checked(root, _cache(tmp_path))
    other = CheckCache(tmp_path / "checks", "another version")
    _checked(root, other)
    assert other.hits == 0 and other.misses > 0


def test_yaml_values_come_back_as_they_were() -> None:
    import datetime as dt

    data = {"a": [1, 2.5, None, True, "x"], 3: {"d": dt.date(2026, 1, 12)}, None: (1, "t"), "b": b"\x00\xff",
            "m": {"m": [1]}, "T": dt.datetime(2026, 1, 12, 10, 30)}
    assert checks._decode(json.loads(json.dumps(checks._encode(data)))) == data
    with pytest.raises(checks.Unstorable):
        checks._encode({"s": {1, 2}})


def test_a_build_keeps_the_cache_beside_the_output_and_prunes_what_it_did_not_use(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    first = build_project(root, out, jobs=1)
    folder = tmp_path / ".build.cache" / "checks"
    (folder / "ab").mkdir()  # an entry of the earlier format, one file per entry: pruned
    (folder / "ab" / ("ab" * 32 + ".json")).write_text("{}")
    before = _entries(folder)
    assert before and not any(w in str(p) for p in out.rglob("*") for w in ("checks",))
    (root / PAPER).write_text(WARNED, encoding="utf-8")
    used: list[CheckCache] = []
    real = check_command.checked_project
    from meetingpack.commands import build
    monkeypatch.setattr(build, "checked_project", lambda source, memo=None: used.append(memo) or real(source, memo))
    second = build_project(root, out, jobs=1)
    assert used and used[0] is not None and used[0].misses == 2
    after = _entries(folder)
    assert len(after) == len(before) and len(after - before) == 2  # the old paper's two entries pruned
    assert not (folder / "ab").exists()
    assert len(second.report.diagnostics) == len(first.report.diagnostics) - 1
