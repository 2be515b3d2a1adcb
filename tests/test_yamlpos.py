"""yamlpos: safe YAML that keeps dates and times as text, refuses duplicate keys,
and records the 1-based line and column of every key and value."""

from __future__ import annotations

import pytest
import yaml

from meetingpack.yamlpos import YamlError, parse_yaml


def data(text: str) -> object:
    return parse_yaml(text)[0]


# ------------------------------------------------------------------ scalars


def test_dates_stay_text_so_the_schema_can_reject_impossible_ones() -> None:
    assert data("date: 2026-01-12\nbad: 2026-02-30\n") == {
        "date": "2026-01-12", "bad": "2026-02-30"}


def test_times_stay_text_and_are_never_read_as_sexagesimal_minutes() -> None:
    # PyYAML's own SafeLoader reads an unquoted 10:00 as the integer 600.
    assert yaml.safe_load("t: 10:00")["t"] == 600
    assert data("start: 10:00\nend: 12:30:15\nquoted: '09:30'\n") == {
        "start": "10:00", "end": "12:30:15", "quoted": "09:30",
    }


def test_yes_no_on_off_stay_words() -> None:
    assert data("a: yes\nb: no\nc: on\nd: off\ne: Yes\nf: y\n") == {
        "a": "yes", "b": "no", "c": "on", "d": "off", "e": "Yes", "f": "y",
    }


def test_booleans_null_integers_and_decimals_are_recognised() -> None:
    assert data("a: true\nb: False\nc: null\nd: ~\ne:\nf: 42\ng: -3\nh: 1.5\ni: .5\n") == {
        "a": True, "b": False, "c": None, "d": None, "e": None,
        "f": 42, "g": -3, "h": 1.5, "i": 0.5,
    }


def test_other_yaml_11_number_forms_stay_text() -> None:
    # Hexadecimal and underscores make YAML 1.1 numbers in PyYAML; here they stay text.
    assert data("a: 0x1F\nb: 1_000\nc: 1e3\n") == {"a": "0x1F", "b": "1_000", "c": "1e3"}


def test_the_global_safe_loader_is_left_unchanged() -> None:
    import datetime as dt

    parse_yaml("d: 2026-01-12\n")
    assert yaml.safe_load("d: 2026-01-12") == {"d": dt.date(2026, 1, 12)}


def test_empty_text_gives_none_and_empty_positions() -> None:
    value, positions = parse_yaml("# only a comment\n", line_offset=4)
    assert value is None
    assert positions.values == {} and positions.line_offset == 4


# ------------------------------------------------------------------ errors


def test_duplicate_key_is_an_error_at_the_second_key_naming_the_first_line() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("title: A\nvenue: Room 1\ntitle: B\n")
    assert caught.value.line == 3
    assert caught.value.column == 1
    assert caught.value.message == "the field 'title' is given twice (first on line 1)"


def test_duplicate_key_in_a_nested_mapping_is_found() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("issued_by:\n  name: A\n  title: B\n  name: C\n")
    assert (caught.value.line, caught.value.column) == (4, 3)
    assert "'name' is given twice (first on line 2)" in caught.value.message


def test_duplicate_key_error_line_includes_line_offset() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("kind: report\ntitle: A\ntitle: B\n", line_offset=1)
    assert caught.value.line == 4


def test_duplicate_key_message_names_the_first_line_in_the_file() -> None:
    # In front matter the YAML starts on line 2 of the file: the first 'title'
    # is on file line 3, so the message must say line 3, not 2.
    with pytest.raises(YamlError) as caught:
        parse_yaml("kind: report\ntitle: A\ntitle: B\n", line_offset=1)
    assert "(first on line 3)" in caught.value.message


def test_syntax_error_carries_its_line_and_column() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("date: 2026-01-12\nvenue: Room 1: Town Hall\n")
    assert (caught.value.line, caught.value.column) == (2, 14)
    assert caught.value.message == "a ':' followed by a space starts a field, and no field can start here"


def test_syntax_error_line_includes_line_offset() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: 1\n  b: 2\n", line_offset=10)
    assert caught.value.line == 12
    assert "a ':' followed by a space starts a field, and no field can start here" in caught.value.message


def test_tab_indentation_is_a_syntax_error_on_its_line() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("issued_by:\n\tname: A\n")
    assert caught.value.line == 2
    assert "a tab character" in caught.value.message


def test_unclosed_quote_is_reported_where_the_quote_opens() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml('title: "Budget\nvenue: Room 1\nstatus: held\n')
    assert caught.value.line == 1


def test_two_documents_in_one_file_are_an_error() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: 1\n---\nb: 2\n")
    assert caught.value.line == 2
    assert "more than one YAML document" in caught.value.message


def test_python_tags_are_refused() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml('x: !!python/object/apply:os.system ["echo hi"]\n')
    assert caught.value.line == 1
    assert "the tag '!!python/object/apply:os.system' is not allowed" in caught.value.message


def test_a_list_used_as_a_key_is_a_yaml_error() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("venue: Room 1\n[draft]: yes\n")
    assert caught.value.line == 2


# --------------------------------------------------------------- positions

NESTED = """\
date: 2026-01-12
issued_by:
  name: Jo Bloggs
agenda:
  part_a:
    - standard: apologies
    - title: Budget
      documents:
        - report.md
        - pdf: letter.pdf
          title: Letter
"""


def test_positions_of_top_level_and_nested_keys_and_values_are_1_based() -> None:
    _, pos = parse_yaml(NESTED)
    assert pos.values[()] == (1, 1)
    assert pos.keys[("date",)] == (1, 1)
    assert pos.values[("date",)] == (1, 7)
    assert pos.keys[("issued_by", "name")] == (3, 3)
    assert pos.values[("issued_by", "name")] == (3, 9)


def test_positions_of_list_items() -> None:
    _, pos = parse_yaml(NESTED)
    assert pos.values[("agenda", "part_a", 0)] == (6, 7)
    assert pos.values[("agenda", "part_a", 1, "title")] == (7, 14)
    assert pos.values[("agenda", "part_a", 1, "documents", 0)] == (9, 11)
    assert pos.values[("agenda", "part_a", 1, "documents", 1, "pdf")] == (10, 16)
    assert pos.keys[("agenda", "part_a", 1, "documents", 1, "title")] == (11, 11)


def test_find_adds_line_offset_and_keeps_the_column() -> None:
    _, pos = parse_yaml(NESTED, line_offset=1)
    assert pos.find(("agenda", "part_a", 1, "documents", 0)) == (10, 11)
    assert pos.find(("issued_by", "name"), prefer_key=True) == (4, 3)


def test_find_falls_back_to_the_nearest_value_the_user_wrote() -> None:
    _, pos = parse_yaml(NESTED)
    # A missing field of item 2 points at item 2; a union member name is skipped.
    assert pos.find(("agenda", "part_a", 1, "note")) == (7, 7)
    assert pos.find(("agenda", "part_a", 1, "documents", 1, "PdfAppendix", "title")) == (11, 18)
    assert pos.find(("nothing", "here")) == (1, 1)


def test_positions_in_flow_mappings() -> None:
    _, pos = parse_yaml("issued_by: {name: Jo, title: Chief Executive}\n")
    assert pos.values[("issued_by", "title")] == (1, 30)
