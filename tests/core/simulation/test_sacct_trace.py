"""The `sacct` trace format: exports of our Slurm adapter replayed by the simulator."""

import math
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces import load_file, parse_lines
from aisc.core.simulation.traces.sacct import Malformed, duration, gpus_of

SAMPLE = Path(__file__).parent / "data" / "sacct_sample.txt"
HEADER = "JobID|Account|Submit|Start|Elapsed|AllocTRES|Timelimit"


def one(line: str, *, header: str = HEADER, strict: bool = False) -> tuple[list[str], int]:
    """Load a good job plus `line`; the skip reasons and the number of jobs loaded."""
    good = "1|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu:h800=1|00:01:00"
    trace = parse_lines([header, good, line], "sacct", "s.txt", strict=strict)
    return [str(s) for s in trace.skipped], len(trace)


def test_it_loads_the_sample_export_as_jobs_with_run_time_chip_project_and_limit() -> None:
    trace = load_file(SAMPLE, "sacct")
    assert len(trace) == 4
    assert trace.submit.tolist() == [0.0, 5.0, 10.0, 100.0]
    assert trace.work.tolist() == [42.0, 75.0, 61.0, 86_400.0]
    assert trace.gpus.tolist() == [2, 8, 1, 16]
    assert trace.time_limit.tolist() == [60.0, 120.0, 60.0, math.inf]
    assert [trace.chips[c] for c in trace.chip] == ["h800", "br104", "h800", "h800"]
    assert [trace.projects[p] for p in trace.project] == [
        "p2026a-003",
        "p2026a-004",
        "p2026a-003",
        "p2026a-005",
    ]
    assert [trace.users[u] for u in trace.user] == ["alice", "bob", "carol", "dave"]
    assert trace.line.tolist() == [2, 5, 6, 10]


def test_steps_unstarted_unfinished_and_gpu_less_jobs_are_skipped_with_line_and_rule() -> None:
    skipped = [str(s) for s in load_file(SAMPLE, "sacct").skipped]
    assert skipped == [
        "line 3: job step 101.batch: steps belong to their job, which is replayed",
        "line 4: job step 101.extern: steps belong to their job, which is replayed",
        "line 7: job 104 never started (Start=Unknown)",
        "line 8: job 105 is PENDING: its run time is not known yet",
        "line 9: job 106 has no GPUs (no gres/gpu in its TRES)",
    ]


def test_under_strict_lines_that_are_not_jobs_are_still_only_skipped() -> None:
    trace = load_file(SAMPLE, "sacct", strict=True)
    assert len(trace) == 4
    assert len(trace.skipped) == 5


def test_without_a_header_the_adapter_field_order_is_assumed() -> None:
    lines = [
        "7|aisc|p1|alice|h800|COMPLETED|2026-03-01T09:00:00|2026-03-01T09:00:03|00:00:30|"
        "billing=2,cpu=2,gres/gpu:h800=2,gres/gpu=2,node=1",
        "8|aisc|p2|bob|br104|COMPLETED|2026-03-01T09:00:20|2026-03-01T09:00:20|01:00|gres/gpu=4",
    ]
    trace = parse_lines(lines, "sacct", "s.txt")
    assert trace.submit.tolist() == [0.0, 20.0]
    assert trace.work.tolist() == [30.0, 60.0]
    assert trace.gpus.tolist() == [2, 4]
    assert trace.chip.tolist()[1] == -1  # untyped GPUs: any chip
    assert trace.time_limit.tolist() == [math.inf, math.inf]


def test_a_header_may_name_the_fields_in_any_order_with_req_tres_and_qos() -> None:
    lines = [
        "QOS|Elapsed|ReqTRES|Start|Submit|JobID",
        "high|00:00:05|gres/gpu:br104=1|2026-03-01T09:00:00+08:00|2026-03-01T09:00:00+08:00|3",
        "|00:00:05|gres/gpu:br104=1|2026-03-01T01:00:09|2026-03-01T01:00:09|4",
        "",
    ]
    trace = parse_lines(lines, "sacct", "s.txt")
    assert trace.submit.tolist() == [0.0, 9.0]  # an offset is honoured; no offset reads as UTC
    assert [trace.qos_names[q] for q in trace.qos] == ["high", "normal"]
    assert trace.projects == ["default"]
    job = trace.as_lists().job(0)
    assert (job.chip, job.gpus, job.work, job.user) == ("br104", 1, 5.0, "user")


def test_alloc_tres_wins_over_req_tres_and_req_tres_stands_in_when_alloc_is_empty() -> None:
    lines = [
        "JobID|Submit|Start|Elapsed|AllocTRES|ReqTRES",
        "1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:05|gres/gpu:h800=2|gres/gpu:h800=1",
        "2|2026-03-01T09:00:01|2026-03-01T09:00:01|00:00:05||gres/gpu:br104=4",
    ]
    trace = parse_lines(lines, "sacct", "s.txt")
    assert trace.gpus.tolist() == [2, 4]
    assert [trace.chips[c] for c in trace.chip] == ["h800", "br104"]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("JobID|Submit|Start|AllocTRES", "Elapsed"),
        ("JobID|Submit|Start|Elapsed", "AllocTRES or ReqTRES"),
        ("JobID|Account", "Submit, Start, Elapsed, AllocTRES or ReqTRES"),
    ],
)
def test_a_header_without_what_the_simulator_needs_is_refused_naming_the_fields(
    header: str, missing: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_lines(["", header], "sacct", "s.txt")
    assert caught.value.message == f"s.txt: line 2: the header lacks {missing}"
    assert caught.value.field == "trace"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("2|p1|2026-03-01T09:00:00", "3 fields, expected 7 (" + HEADER + ")"),
        (
            "2|p1|yesterday|Unknown|00:00:10|gres/gpu=1|",
            "Submit: 'yesterday' is not a time like 2026-03-01T09:30:00",
        ),
        ("2|p1||Unknown|00:00:10|gres/gpu=1|", "Submit: every job has a submit time"),
        (
            "2|p1|2026-03-01T09:00:00|soon|00:00:10|gres/gpu=1|",
            "Start: 'soon' is not a time like 2026-03-01T09:30:00",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|ten|gres/gpu=1|",
            "Elapsed: 'ten' is not a duration like [D-]HH:MM:SS",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu|",
            "TRES: 'gres/gpu' is not NAME=COUNT",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu=two|",
            "TRES: 'gres/gpu=two' is not NAME=COUNT",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|"
            "gres/gpu:h800=1,gres/gpu:br104=1|",
            "TRES: GPUs of several chips (br104, h800); a gang never spans chip types",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu=1|00:00:00",
            "Timelimit: '00:00:00' must be longer than zero",
        ),
        (
            "2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu=1|1 hour",
            "Timelimit: '1 hour' is not a duration like [D-]HH:MM:SS",
        ),
    ],
)
def test_a_malformed_line_is_skipped_and_counted_with_its_number_and_rule(
    line: str, reason: str
) -> None:
    skipped, jobs = one(line)
    assert skipped == [f"line 3: {reason}"]
    assert jobs == 1


def test_under_strict_the_first_malformed_line_stops_the_load_naming_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        one("2|p1|2026-03-01T09:00:00|2026-03-01T09:00:00|ten|gres/gpu=1|", strict=True)
    assert caught.value.message == (
        "s.txt: line 3: Elapsed: 'ten' is not a duration like [D-]HH:MM:SS"
    )


def test_a_running_job_is_skipped_because_its_run_time_is_not_known() -> None:
    header = "JobID|State|Submit|Start|Elapsed|AllocTRES"
    line = "9|RUNNING|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu=1"
    good = "1|COMPLETED|2026-03-01T09:00:00|2026-03-01T09:00:00|00:00:10|gres/gpu=1"
    trace = parse_lines([header, good, line], "sacct", "s.txt", strict=True)
    assert [str(s) for s in trace.skipped] == [
        "line 3: job 9 is RUNNING: its run time is not known yet"
    ]


def test_an_export_with_no_replayable_job_is_an_error() -> None:
    with pytest.raises(RuleViolation, match="no valid job lines \\(1 skipped\\)"):
        parse_lines([HEADER, "1.batch|p|x|x|x|x|x"], "sacct", "s.txt")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:42", 42.0), ("01:05", 65.0), ("2-03:04:05", 183_845.0), ("00:00:01.250", 1.0)],
)
def test_it_reads_sacct_durations(text: str, seconds: float) -> None:
    assert duration(text, "Elapsed") == seconds


@pytest.mark.parametrize(
    ("tres", "expected"),
    [
        ("billing=2,cpu=2,gres/gpu:h800=2,gres/gpu=2,node=1", ("h800", 2)),
        ("gres/gpu:H800=2,gres/gpu=2", ("h800", 2)),  # chip names in any case
        ("gres/gpu=3", (None, 3)),
        ("gres/gpu:h800=0,gres/gpu=2", (None, 2)),
        ("cpu=1,mem=1000M", (None, 0)),
        ("", (None, 0)),
    ],
)
def test_it_reads_gpus_and_their_chip_from_tres(
    tres: str, expected: tuple[str | None, int]
) -> None:
    assert gpus_of(tres) == expected


def test_a_tres_of_two_chips_is_malformed() -> None:
    with pytest.raises(Malformed, match="several chips"):
        gpus_of("gres/gpu:h800=1,gres/gpu:br104=1")
