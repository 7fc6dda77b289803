"""Formula injection: every CSV cell a spreadsheet would evaluate is written as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from aisc.core import csvcells

HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")', "-2e3"]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_quotes_a_text_cell_that_begins_with_a_formula_trigger(value: str) -> None:
    assert csvcells.neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", [-12, -12.5, Decimal("-12.50"), "-12.50", "+3", "12", 0, None, True, "a=b", ""]
)
def test_it_leaves_numbers_and_harmless_text_unchanged(value: Any) -> None:
    assert csvcells.neutralise(value) == value


def test_it_turns_other_objects_into_their_text_before_checking() -> None:
    class Name:
        def __str__(self) -> str:
            return "=cmd"

    assert csvcells.neutralise(Name()) == "'=cmd"


def test_the_writer_neutralises_every_cell_of_every_row() -> None:
    out = io.StringIO()
    writer = csvcells.writer(out, lineterminator="\n")
    writer.writerow(["name", "due"])
    writer.writerows([["=evil()", Decimal("-3.00")], ["@x", "-4"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "due"], ["'=evil()", "-3.00"], ["'@x", "-4"]]
