"""The `csv` trace format: any rows written out load back as the same jobs, sorted by submit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.csv import HEADER, load

rows = st.lists(
    st.tuples(
        st.integers(0, 10**6),  # submit
        st.integers(1, 512),  # GPUs
        st.integers(0, 10**6),  # duration
        st.sampled_from(["", "h800", "br104"]),
        st.sampled_from(["", "p1", "p2"]),
        st.sampled_from(["", "60", "3600"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150)
@given(jobs=rows, header=st.booleans())
def test_rows_written_as_csv_load_back_as_the_same_jobs_in_submit_order(
    jobs: list[tuple[int, int, int, str, str, str]], header: bool
) -> None:
    text = [",".join(HEADER)] if header else []
    text += [",".join(str(cell) for cell in row) for row in jobs]
    trace = load(text, "t.csv")
    assert len(trace) == len(jobs)
    assert not trace.skipped
    # A stable sort by submit: jobs submitted together keep their file order.
    expected = sorted(enumerate(jobs, start=1 + header), key=lambda r: r[1][0])
    for i, (line, (submit, gpus, work, chip, project, limit)) in enumerate(expected):
        assert trace.line[i] == line
        assert (trace.submit[i], trace.gpus[i], trace.work[i]) == (submit, gpus, work)
        assert trace.time_limit[i] == (float(limit) if limit else math.inf)
        assert trace.projects[trace.project[i]] == (project or "default")
        assert (trace.chips[trace.chip[i]] if trace.chip[i] >= 0 else "") == chip


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("10,8", "expected 3 to 6 columns"),
        ("10,8,100,h800,p1,60,extra", "expected 3 to 6 columns"),
        ("ten,8,100", "not a number"),
        ("10,8.5,100", "not a number"),  # GPUs are whole
        ("-1,8,100", "submit time -1.0 must be a finite number >= 0"),
        ("10,0,100", "gpus 0 must be at least 1"),
        ("10,8,nan", "duration nan must be a finite number >= 0"),
        ("10,8,100,,,0", "time_limit_s 0.0 must be > 0"),
        ("submit_time_s,gpus,duration_s", "not a number"),  # a header after a job line
    ],
)
def test_a_bad_line_is_skipped_with_its_number_and_rule(line: str, reason: str) -> None:
    trace = load(["# a comment", "0,1,1", line], "t.csv")
    assert len(trace) == 1
    (skipped,) = trace.skipped
    assert skipped.line == 3
    assert reason in skipped.reason


def test_under_strict_the_bad_line_stops_the_load_naming_file_and_line() -> None:
    with pytest.raises(RuleViolation, match=r"t\.csv: line 2: gpus 0") as err:
        load(["0,1,1", "5,0,1"], "t.csv", strict=True)
    assert err.value.field == "trace"
