"""The one NUL rule (aisc.core.text): where a NUL is found, and what a refusal offers back."""

from __future__ import annotations

from aisc.core.text import NUL, nul_in, without_nul


def test_it_finds_a_nul_in_plain_text_and_names_the_field_given() -> None:
    assert nul_in("ab\x00c", "title") == (True, "title")


def test_it_finds_nothing_in_clean_text_numbers_and_none() -> None:
    assert nul_in("abc", "title") == (False, "title")
    assert nul_in(12) == (False, None)
    assert nul_in(None) == (False, None)


def test_it_names_the_innermost_key_above_a_nul_in_nested_mappings() -> None:
    body = {"project": {"title": "ok", "summary": ["fine", "bad\x00"]}, "hours": 3}
    assert nul_in(body) == (True, "summary")


def test_it_names_the_enclosing_key_when_the_nul_is_in_a_key() -> None:
    assert nul_in({"outer": {"in\x00ner": 1}}) == (True, "outer")
    assert nul_in({"a\x00": 1}) == (True, None)


def test_it_searches_lists_and_tuples_keeping_the_field_above() -> None:
    assert nul_in(["a", ("b", "c\x00")], "tags") == (True, "tags")
    assert nul_in(["a", ("b", "c")], "tags") == (False, None)


def test_it_reports_no_nul_in_mappings_without_one() -> None:
    assert nul_in({"a": {"b": ["c"]}}) == (False, None)


def test_without_nul_keeps_everything_typed_but_the_nul() -> None:
    assert without_nul(f"a{NUL}b{NUL}{NUL}c 中") == "abc 中"
    assert without_nul("plain") == "plain"
