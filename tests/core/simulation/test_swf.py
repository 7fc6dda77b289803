import math
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces import FORMATS, load_file, parse_lines, swf

SAMPLE = Path(__file__).resolve().parents[2] / "golden" / "sim" / "sample.swf"


def swf_line(**values: float) -> str:
    """One SWF line: every field -1 but a completed 1-processor job, then the given fields."""
    fields = dict.fromkeys(range(1, 19), -1.0)
    fields.update({1: 1, 2: 0, 4: 10, 5: 1, 11: 1})
    for name, value in values.items():
        fields[int(name[1:])] = value
    return " ".join(f"{v:g}" for v in fields.values())


def test_swf_is_registered_beside_the_other_formats() -> None:
    assert FORMATS["swf"] is swf.load


def test_it_loads_the_sample_keeping_jobs_that_ran_and_counting_those_left_out() -> None:
    trace = load_file(SAMPLE, "swf")
    assert trace.line.tolist() == [23, 24, 26, 28, 32]
    assert trace.submit.tolist() == [0.0, 5.0, 12.0, 20.0, 40.0]
    assert trace.gpus.tolist() == [4, 2, 8, 2, 1]
    assert trace.work.tolist() == [100.0, 50.0, 30.0, 25.0, 5.0]
    assert trace.time_limit.tolist() == [120.0, 50.0, 60.0, 600.0, math.inf]
    assert [trace.users[u] for u in trace.user] == ["u1", "u2", "u3", "u2", "user"]
    assert [trace.projects[p] for p in trace.project] == ["g1", "g1", "g2", "g1", "default"]
    reasons = {s.line: s.reason for s in trace.skipped}
    assert sorted(reasons) == [25, 27, 29, 30, 31]
    assert reasons[25] == "run time -1 <= 0: the job never ran"
    assert reasons[27] == "run time 0 <= 0: the job never ran"
    assert reasons[29] == "status 2: a partial execution of a checkpointed job"
    assert reasons[30] == "status 3: a partial execution of a checkpointed job"
    assert reasons[31] == "expected 18 whitespace-separated fields, got 17"


def test_the_sample_replays_under_fifo_as_worked_by_hand_in_its_comments() -> None:
    trace = load_file(SAMPLE, "swf")
    result = simulate(trace, parse_cluster("h800=2x4"), "fifo")
    cols = result.record.columns()
    schedule = {
        line: (float(cols["start"][i]), float(cols["end"][i]))
        for i, line in enumerate(trace.line.tolist())
    }
    assert schedule == {
        23: (0.0, 100.0),
        24: (5.0, 55.0),
        26: (100.0, 130.0),
        28: (130.0, 155.0),
        32: (130.0, 135.0),
    }
    assert result.summary["timeouts"] == 0
    assert result.summary["skipped_lines"] == 5


def test_under_strict_the_first_malformed_line_stops_the_load_but_left_out_jobs_do_not() -> None:
    with pytest.raises(RuleViolation) as caught:
        load_file(SAMPLE, "swf", strict=True)
    assert caught.value.message == (
        f"{SAMPLE}: line 31: expected 18 whitespace-separated fields, got 17"
    )
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    del lines[30]  # the malformed line: the cancelled, failed and partial ones stay
    trace = parse_lines(lines, "swf", "sample.swf", strict=True)
    assert len(trace) == 5
    assert len(trace.skipped) == 4


def test_processors_become_gpus_through_the_divisor_rounding_up() -> None:
    lines = [swf_line(f5=16), swf_line(f5=9), swf_line(f5=1)]
    trace = parse_lines(lines, "swf", "cpu.swf", procs_per_gpu=8)
    assert trace.gpus.tolist() == [2, 2, 1]
    assert parse_lines(lines, "swf", "cpu.swf").gpus.tolist() == [16, 9, 1]


@pytest.mark.parametrize("divisor", [0, -2, 1.5, True, "8"])
def test_a_divisor_that_is_not_a_whole_number_of_at_least_one_is_refused(divisor: object) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_lines([swf_line()], "swf", "x.swf", procs_per_gpu=divisor)
    assert caught.value.field == "procs_per_gpu"
    assert "must be a whole number >= 1" in caught.value.message


def test_requested_processors_stand_in_when_the_allocated_count_is_missing() -> None:
    trace = parse_lines([swf_line(f5=-1, f8=4)], "swf", "x.swf")
    assert trace.gpus.tolist() == [4]


def test_a_job_that_ran_past_its_request_keeps_its_run_time_as_its_limit() -> None:
    trace = parse_lines([swf_line(f4=90, f9=60), swf_line(f4=30, f9=60)], "swf", "x.swf")
    assert trace.time_limit.tolist() == [90.0, 60.0]


def test_a_failed_or_cancelled_job_that_did_run_is_kept() -> None:
    trace = parse_lines([swf_line(f11=0, f4=7), swf_line(f11=5, f4=8)], "swf", "x.swf")
    assert trace.work.tolist() == [7.0, 8.0]
    assert trace.skipped == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1 2 3", "expected 18 whitespace-separated fields, got 3"),
        (swf_line().replace("10", "ten", 1), "not a number: could not convert string"),
        (swf_line(f2=math.inf), "field 2 (inf) must be a finite number"),
        (swf_line(f12=math.nan), "field 12 (nan) must be a finite number"),
        (swf_line(f5=-1, f8=-1), "no processor count (fields 5 and 8 are both <= 0)"),
        (swf_line(f5=2.5), "processor count 2.5 must be a whole number"),
        (swf_line(f2=-4), "submit time -4.0 must be a finite number >= 0"),
    ],
)
def test_a_malformed_swf_line_is_skipped_with_its_line_number_and_rule(
    line: str, reason: str
) -> None:
    trace = parse_lines(["; header", swf_line(), line], "swf", "x.swf")
    assert len(trace) == 1
    assert [s.line for s in trace.skipped] == [3]
    assert trace.skipped[0].reason.startswith(reason)


def test_a_file_of_only_comments_and_left_out_jobs_is_an_error() -> None:
    with pytest.raises(RuleViolation, match="no valid job lines \\(1 skipped\\)"):
        parse_lines(["; only a header", "", swf_line(f4=-1)], "swf", "x.swf")
