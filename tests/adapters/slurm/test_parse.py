"""Reading Slurm 22.05's parsable output."""

from __future__ import annotations

import datetime as dt

import pytest

from aisc.adapters.slurm import parse
from aisc.adapters.slurm.errors import SlurmCommandFailed


def test_rows_are_keyed_by_the_requested_columns_and_blank_lines_skipped() -> None:
    assert parse.rows("a|b\n\nc|\n", ["x", "y"]) == [{"x": "a", "y": "b"}, {"x": "c", "y": ""}]


def test_rows_with_the_wrong_number_of_columns_are_an_error() -> None:
    with pytest.raises(SlurmCommandFailed, match="2 columns where 3"):
        parse.rows("a|b\n", ["x", "y", "z"])


def test_tres_strings_become_sorted_pairs() -> None:
    assert parse.parse_tres("gres/gpu:h800=600,cpu=4") == (("cpu", 4), ("gres/gpu:h800", 600))
    assert parse.parse_tres("") == ()


def test_hostlists_expand_ranges_lists_and_zero_padding() -> None:
    assert parse.expand_hostlist("h800-[01-02,05],br104-01") == (
        "br104-01",
        "h800-01",
        "h800-02",
        "h800-05",
    )
    assert parse.expand_hostlist("n[8-10]") == ("n10", "n8", "n9")
    assert parse.expand_hostlist("") == ()


def test_gres_of_a_node_gives_its_chip_and_gpu_count() -> None:
    assert parse.parse_gres("gpu:h800:8(S:0-1)") == ("h800", 8)
    assert parse.parse_gres("(null)") == ("", 0)


def test_scontrol_records_and_times_read_as_utc() -> None:
    kv = parse.key_values("ReservationName=aisc-x StartTime=2026-12-01T00:00:00 Flags=IGNORE_JOBS")
    assert parse.parse_time(kv["StartTime"]) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    hk = dt.timezone(dt.timedelta(hours=8))
    assert parse.format_time(dt.datetime(2026, 12, 1, 8, tzinfo=hk)) == "2026-12-01T00:00:00"


def test_null_lists_and_empty_limits_mean_none() -> None:
    assert parse.names("(null)") == ()
    assert parse.names("b,a") == ("a", "b")
    assert parse.parse_limit("") is None
    assert parse.parse_limit("0") == 0
