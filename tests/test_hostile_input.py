"""Hostile YAML and Markdown: every file ends in `path:line:col: error:` or is rendered whole.

Issue 10, class 5.  Control characters, alias bombs, deep nesting, huge numbers,
long scalars, big files and Markdown nested past markdown-it's limits are each
refused with the file, line and column, in bounded time and memory, for every
kind of YAML file and for a paper's front matter and body; the property tests
at the end throw generated valid and broken files at `pack check` and require
exit 0 or 1 (never 2) with every error located in a real file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers_content import MINIMAL, check, errors, original, project
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from meetingpack.cli import main
from meetingpack.errors import Diagnostic
from meetingpack.load import MAX_FILE_BYTES
from meetingpack.render.markdown import (
    MAX_BLOCK_CHARS,
    MAX_INLINE_DEPTH,
    MAX_LIST_DEPTH,
    Options,
    render_markdown,
)
from meetingpack.yamlpos import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_SCALAR_CHARS,
    MAX_VALUES,
)

FOLDER = "panel/2026-01-12"
APPENDIX = f"{FOLDER}/appendix-budget.md"
APPENDIX_HEAD = "---\nkind: appendix\ntitle: Forecast by service\nlabel: Appendix 1\n"
"""The appendix's front matter up to line 4; a hostile line goes on line 5."""

YAML_FILES = ["site.yaml", "panel/committee.yaml", "panel/workplan.yaml", "panel/recommendations.yaml",
              f"{FOLDER}/meeting.yaml", APPENDIX]


def hostile(target: str, line_text: str) -> tuple[dict[str, str | bytes | None], int]:
    """Changes that put `line_text` (a YAML line) into `target`, and the file line it lands on."""
    if target == APPENDIX:
        text = APPENDIX_HEAD + line_text + "\n---\n\nText.\n"
        return {APPENDIX: text.encode()}, 5
    base = "recommendations: []\n" if target.endswith("recommendations.yaml") else original(target)
    if not base.endswith("\n"):
        base += "\n"
    return {target: (base + line_text + "\n").encode()}, base.count("\n") + 1


def only_error(root: Path) -> Diagnostic:
    found = errors(root)
    assert len(found) == 1, found
    return found[0]


def rel(target: str) -> str:
    return f"content/{target}"


# ------------------------------------------------------------ YAML, every file


@pytest.mark.parametrize("target", YAML_FILES)
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ufffe"])
def test_a_control_character_in_any_yaml_is_located(tmp_path: Path, target: str, char: str) -> None:
    # Before: "internal error: ReaderError", no file, exit 2.
    changes, line = hostile(target, f"extra: ab{char}cd")
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == (rel(target), line, 10)
    assert f"U+{ord(char):04X}" in d.message and "control character" in d.message


@pytest.mark.parametrize("target", YAML_FILES)
def test_deep_yaml_nesting_is_refused_where_it_passes_the_limit(tmp_path: Path, target: str) -> None:
    # Before: about 600 levels gave "internal error: RecursionError".
    changes, line = hostile(target, "extra: " + "[" * 700 + "]" * 700)
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line) == (rel(target), line)
    assert d.column == len("extra: ") + MAX_DEPTH  # the first '[' past the limit (the file is level 1)
    assert f"more than {MAX_DEPTH} levels" in d.message


@pytest.mark.parametrize("target", YAML_FILES)
def test_a_number_of_5000_digits_is_refused(tmp_path: Path, target: str) -> None:
    # Before: Python's int-str limit raised ValueError: "internal error".
    changes, line = hostile(target, "extra: " + "9" * 5000)
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == (rel(target), line, 8)
    assert f"5000 digits; a number may have at most {MAX_NUMBER_DIGITS}" in d.message
    assert "quotes" in d.hint


@pytest.mark.parametrize("tag", ["!!int 99999999999999999999999999999999999999", "!!int 0x1F",
                                 "!!float 1e999", "!!bool maybe", "!!timestamp not-a-date",
                                 "!!binary '@@@'", "!!python/object:os.system {}", "!!set {a: 1}",
                                 "!!omap [a, b]", "!!merge x", "!custom thing"])
def test_explicit_tags_are_refused_with_their_position(tmp_path: Path, tag: str) -> None:
    # Before: several of these (!!bool maybe, !!timestamp not-a-date, a long !!int) were internal errors.
    changes, line = hostile(f"{FOLDER}/meeting.yaml", f"extra: {tag}")
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == (rel(f"{FOLDER}/meeting.yaml"), line, 8)
    assert d.message.startswith("YAML syntax: ")


@pytest.mark.parametrize("target", YAML_FILES)
def test_an_alias_that_contains_itself_is_refused(tmp_path: Path, target: str) -> None:
    changes, line = hostile(target, "extra: &loop [a, *loop]")
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == (rel(target), line, 18)
    assert "refers to the value it is part of" in d.message


def test_aliases_are_allowed_within_their_limits(tmp_path: Path) -> None:
    # An officer written once and reused is a fair use of an alias.
    meeting = original(f"{FOLDER}/meeting.yaml").replace("issued_by:\n", "issued_by: &officer\n")
    meeting += "officer_again: *officer\n"
    d = only_error(project(tmp_path, {f"{FOLDER}/meeting.yaml": meeting}))
    assert d.message.startswith("unknown field 'officer_again'")  # parsed; only the schema objects


def test_too_many_alias_uses_are_refused_at_the_first_one_over(tmp_path: Path) -> None:
    lines = ["a: &x 1"] + [f"k{i}: *x" for i in range(MAX_ALIASES + 5)]
    changes, first = hostile("site.yaml", "\n".join(lines))
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == ("content/site.yaml", first + MAX_ALIASES + 1, len(f"k{MAX_ALIASES}: ") + 1)
    assert f"more than {MAX_ALIASES} aliases" in d.message


def test_aliases_cannot_build_nesting_past_the_limit(tmp_path: Path) -> None:
    # Each anchor is shallow, but each one nests the one before: the expanded data is deep.
    lines = ["l0: &l0 [[[[[[[[[[x]]]]]]]]]]"] + [f"l{i}: &l{i} [[[[[[[[[[*l{i - 1}]]]]]]]]]]" for i in range(1, 12)]
    changes, first = hostile("site.yaml", "\n".join(lines))
    d = only_error(project(tmp_path, changes))
    assert d.path == "content/site.yaml" and first < d.line < first + 12
    assert f"more than {MAX_DEPTH} levels" in d.message


LAUGHS = "\n".join(["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                   + [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)])
"""The 'billion laughs': under 1 KB of text, 9**10 values once the aliases are expanded."""


def test_billion_laughs_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    # Before: gigabytes of memory (here: MemoryError under the 2 GB cap, an internal error).
    changes, first = hostile("site.yaml", LAUGHS)
    project(tmp_path, changes)
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "from meetingpack.cli import main\n"
            "sys.exit(main(['check', sys.argv[1]]))\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code, "content"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1, proc.stderr
    found = re.findall(r"^content/site\.yaml:(\d+):(\d+): error: (.*)$", proc.stderr, re.MULTILINE)
    assert len(found) == 1, proc.stderr
    line, _, message = found[0]
    assert first < int(line) <= first + 9
    assert f"more than {MAX_VALUES:,} values" in message


def test_a_long_scalar_is_refused(tmp_path: Path) -> None:
    changes, line = hostile("panel/committee.yaml", "extra: " + "x" * (MAX_SCALAR_CHARS + 1))
    d = only_error(project(tmp_path, changes))
    assert (d.path, d.line, d.column) == ("content/panel/committee.yaml", line, 8)
    assert f"more than {MAX_SCALAR_CHARS:,} characters" in d.message


@pytest.mark.parametrize("target", YAML_FILES)
def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path: Path, target: str) -> None:
    line = "# " + "padding " * 12 + "\n"
    changes, _ = hostile(target, line * (5 * MAX_FILE_BYTES // len(line)))  # 5 MB
    started = time.monotonic()
    d = only_error(project(tmp_path, changes))
    assert time.monotonic() - started < 5
    assert d.path == rel(target)
    assert d.message.startswith("the file is larger than 1 MB")
    text = (tmp_path / "content" / target).read_bytes()
    assert d.line == text[:MAX_FILE_BYTES].count(b"\n") + 1


# ------------------------------------------------------------ Markdown


def paper(body: str) -> str:
    return APPENDIX_HEAD + "---\n\n" + body


BODY_LINE = 7
"""The file line of the first line of a body given to paper()."""


def nested_list(depth: int) -> str:
    return "".join("  " * i + f"- level {i + 1}\n" for i in range(depth))


def test_a_list_nested_ten_deep_is_rendered_completely(tmp_path: Path) -> None:
    # Before: markdown-it stopped at 10 levels and dropped the rest of the paper, with no message.
    body = nested_list(10) + "\nThe rest of the paper.\n"
    html = render_markdown(body, Options()).html
    assert html.count("<ul>") == 10 and "level 10" in html and "The rest of the paper." in html
    assert check(project(tmp_path, {APPENDIX: paper(body)})) == []


def test_nesting_deeper_than_the_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    body = "Intro.\n\n" + nested_list(MAX_LIST_DEPTH + 5) + "\nThe rest of the paper.\n"
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert (d.path, d.line) == (rel(APPENDIX), BODY_LINE + 2 + MAX_LIST_DEPTH)
    assert f"more than {MAX_LIST_DEPTH} levels" in d.message


def test_block_quotes_nested_past_the_limit_are_refused(tmp_path: Path) -> None:
    body = "Intro.\n\n" + ">" * 500 + " deep\n\nThe rest.\n"
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert (d.path, d.line) == (rel(APPENDIX), BODY_LINE + 2)
    assert f"more than {MAX_LIST_DEPTH} levels" in d.message


def test_emphasis_nested_past_the_limit_is_refused(tmp_path: Path) -> None:
    # 500 levels of <strong> make WeasyPrint fail with RecursionError in the build.
    body = "Intro.\n\n" + "*" * 1000 + "deep" + "*" * 1000 + "\n"
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert (d.path, d.line) == (rel(APPENDIX), BODY_LINE + 2)
    assert f"more than {MAX_INLINE_DEPTH} levels" in d.message


def test_a_huge_paragraph_is_refused_by_check(tmp_path: Path) -> None:
    # Before: a 5 MB paragraph passed `pack check` and the build did not finish.
    body = "Intro.\n\n" + "word " * (MAX_BLOCK_CHARS // 5 + 10) + "\n"
    started = time.monotonic()
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert time.monotonic() - started < 10
    assert (d.path, d.line) == (rel(APPENDIX), BODY_LINE + 2)
    assert f"more than {MAX_BLOCK_CHARS:,} characters" in d.message


def test_a_five_megabyte_paper_is_refused_by_check(tmp_path: Path) -> None:
    body = ("A sentence about the budget, which is a long paragraph of words. " * 20 + "\n\n") * 4000
    started = time.monotonic()
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert time.monotonic() - started < 5
    assert d.path == rel(APPENDIX) and d.message.startswith("the file is larger than 1 MB")


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x9c"])
def test_a_control_character_in_a_paper_body_is_located(tmp_path: Path, char: str) -> None:
    body = "Intro.\n\nThe forecast" + char + " is on budget.\n"
    d = only_error(project(tmp_path, {APPENDIX: paper(body)}))
    assert (d.path, d.line, d.column) == (rel(APPENDIX), BODY_LINE + 2, 13)
    assert f"U+{ord(char):04X}" in d.message


def test_nesting_and_paragraphs_at_the_limits_build_completely(tmp_path: Path) -> None:
    """The limits are set so that what check accepts, the PDF engine lays out: the deepest list and
    emphasis allowed, together, in the pack."""
    from pypdf import PdfReader

    inner = "*" * (2 * MAX_INLINE_DEPTH) + "deepest words" + "*" * (2 * MAX_INLINE_DEPTH)  # 20 levels
    body = nested_list(MAX_LIST_DEPTH - 1) + "  " * (MAX_LIST_DEPTH - 1) + "- " + inner + "\n\nAfter the list.\n"
    root = project(tmp_path, {APPENDIX: paper(body)})
    assert check(root) == []
    out = tmp_path / "build"
    assert main(["build", str(root), "--out", str(out), "-q", "-j", "1"]) == 0
    pdf = out / "site" / FOLDER / "panel-2026-01-12-pack.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "deepest words" in text and "After the list." in text and f"level {MAX_LIST_DEPTH - 1}" in text


# ------------------------------------------------------------ property tests

ERROR_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?: error: \S")
BOUNDED = settings(max_examples=50, deadline=3000, derandomize=True, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.function_scoped_fixture])


def run_check(changes: dict[str, bytes], capsys: pytest.CaptureFixture[str]) -> None:
    """`pack check` on a copy of the minimal project with `changes`: exit 0 or 1, every error located."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        shutil.copytree(MINIMAL, root)
        for relative, content in changes.items():
            (root / relative).write_bytes(content)
        capsys.readouterr()
        code = main(["check", str(root)])
        err = capsys.readouterr().err
        assert code in (0, 1), err
        assert "internal error" not in err and "Traceback" not in err
        for line in err.splitlines():
            if ": error: " in line or line.startswith("pack:"):
                match = ERROR_LINE.match(line)
                assert match, f"not located: {line!r}"
                path = Path(match["path"])
                assert path.is_file() and root.resolve() in path.resolve().parents, line
                assert int(match["line"]) >= 1, line
        summary = re.fullmatch(r"pack check: (\d+) errors?, \d+ warnings?", err.splitlines()[-1])
        assert summary, err
        assert code == (1 if int(summary[1]) else 0)


YAML_PIECES = st.sampled_from([
    "a", "title", "date", "2026-01-12", "10:00", "9" * 40, "true", "null", "~", "1.5", ": ", ":", "- ", "-",
    "\n", "\n  ", "\n    ", "  ", "\t", "[", "]", "{", "}", ",", "&x ", "*x", "&y ", "*y", "!!int ", "!!str ",
    "!!bool ", "!foo ", "? ", "|", ">", "'", '"', "#", "\\", "%YAML 1.1\n", "---\n", "...\n", "<<: ",
    "\x00", "\x07", "\ufeff", "\u2028", "é", "\U0001F600",
])
yaml_noise = st.lists(YAML_PIECES, max_size=40).map("".join)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` with a piece of noise inserted and maybe a range cut out: mostly valid, often broken."""
    at = draw(st.integers(0, len(text)))
    cut = draw(st.integers(0, 20))
    return text[:at] + draw(yaml_noise) + text[at + cut:]


YAML_TARGETS = ["site.yaml", "panel/committee.yaml", "panel/workplan.yaml", f"{FOLDER}/meeting.yaml"]


@BOUNDED
@given(data=st.data(), target=st.sampled_from(YAML_TARGETS))
def test_property_any_yaml_file_ends_located(capsys: pytest.CaptureFixture[str], data: st.DataObject,
                                             target: str) -> None:
    text = data.draw(st.one_of(mutated((MINIMAL / target).read_text()), yaml_noise))
    run_check({target: text.encode()}, capsys)


@BOUNDED
@given(data=st.data(), depth=st.integers(0, 80), digits=st.integers(1, 6000))
def test_property_front_matter_ends_located(capsys: pytest.CaptureFixture[str], data: st.DataObject,
                                            depth: int, digits: int) -> None:
    front = (MINIMAL / APPENDIX).read_text().split("---")[1]
    extra = data.draw(st.sampled_from([f"deep: {'[' * depth}{']' * depth}\n", f"n: {'7' * digits}\n", ""]))
    head = data.draw(mutated(front + extra))
    run_check({APPENDIX: f"---{head}---\n\nText.\n".encode()}, capsys)


MD_PIECES = st.sampled_from([
    "word", "Budget", " ", "  ", "    ", "\n", "\n\n", "- ", "* ", "+ ", "1. ", "2) ", "> ", "# ", "## ",
    "*", "**", "_", "~~", "`", "```", "[", "]", "(", ")", "![", "](x.png)", "](#b1)", "](other.md)",
    "|", "|---|", ":red:", ":amber:", "Table: ", "[^1]", "[^1]: note", "RESOLVED that", "<b>", "&amp;",
    "\\", "\t", "\x00", "\x0c", "é", "\u00a0",
])


@st.composite
def markdown(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(MD_PIECES, max_size=60))
    depth = draw(st.integers(0, 40))
    nest = draw(st.sampled_from(["", nested_list(depth), "> " * depth + "quote\n", "*" * depth + "x" + "*" * depth]))
    return "".join(pieces) + "\n\n" + nest


@BOUNDED
@given(body=markdown(), kind=st.sampled_from(["appendix", "report"]))
def test_property_markdown_ends_located_or_renders(capsys: pytest.CaptureFixture[str], body: str, kind: str) -> None:
    target = APPENDIX if kind == "appendix" else f"{FOLDER}/report-budget.md"
    head = (MINIMAL / target).read_text().split("---")[1]
    run_check({target: f"---{head}---\n\n{body}".encode()}, capsys)


@BOUNDED
@given(raw=st.binary(max_size=300), target=st.sampled_from(YAML_TARGETS + [APPENDIX]),
       keep=st.booleans())
def test_property_arbitrary_bytes_end_located(capsys: pytest.CaptureFixture[str], raw: bytes, target: str,
                                              keep: bool) -> None:
    before = (MINIMAL / target).read_bytes() if keep else b""
    run_check({target: before + raw}, capsys)


def test_markdown_nested_deep_in_a_yaml_field_is_a_located_error(tmp_path: Path) -> None:
    """A committee's remit (rendered on its page) nested 2,000 deep would exhaust the PDF engine's recursion."""
    from helpers_content import original

    remit = "*a " * 2000 + "x" + " b*" * 2000
    text = original("panel/committee.yaml").replace(
        "remit: The Panel scrutinises the council's **budget** and property.", f"remit: '{remit}'")
    root = project(tmp_path, {"panel/committee.yaml": text})
    (d,) = errors(root)
    assert (d.path, d.line, d.column) == ("content/panel/committee.yaml", 3, 8)
    assert d.message == "remit: emphasis and links are nested more than 20 levels deep"
