import math
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces import load_file, parse_lines
from aisc.core.simulation.traces.base import TraceBuilder

CSV = """# a comment
submit_time_s,gpus,duration_s,chip,project,time_limit_s
10,2,100,h800,p1,200
0,1,50
"""


def test_it_loads_the_csv_format_sorted_by_submit_with_optional_columns() -> None:
    trace = parse_lines(CSV.splitlines(), "csv", "t.csv")
    assert trace.submit.tolist() == [0.0, 10.0]
    assert trace.line.tolist() == [4, 3]
    assert trace.time_limit[0] == math.inf
    assert trace.time_limit[1] == 200.0
    assert trace.chips[trace.chip[1]] == "h800"
    assert trace.chip[0] == -1
    assert trace.projects[trace.project[1]] == "p1"
    assert trace.offered_gpu_seconds() == 250.0
    job = trace.as_lists().job(1)
    assert (job.chip, job.project, job.time_limit, job.speeds) == ("h800", "p1", 200.0, None)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("1,2", "expected 3 to 6 columns"),
        ("x,1,1", "not a number"),
        ("-1,1,1", "submit time -1.0 must be"),
        ("1,0,1", "gpus 0 must be at least 1"),
        ("1,1000001,1", "gpus 1000001 must be at most 1,000,000"),  # no cluster is that big
        ("1,100000000000000000000,1", "must be at most 1,000,000"),
        ("1,1,inf", "duration inf must be"),
        ("1,1,1,,,0", "time_limit_s 0.0 must be > 0"),
    ],
)
def test_a_malformed_csv_line_is_skipped_and_counted_with_its_line_number(
    line: str, fragment: str
) -> None:
    trace = parse_lines(["0,1,1", line], "csv", "t.csv")
    assert len(trace) == 1
    assert len(trace.skipped) == 1
    assert str(trace.skipped[0]).startswith("line 2: ")
    assert fragment in trace.skipped[0].reason


def test_under_strict_a_malformed_line_fails_the_load_naming_the_line() -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_lines(["0,1,1", "0,1"], "csv", "t.csv", strict=True)
    assert caught.value.message.startswith("t.csv: line 2: expected 3 to 6 columns")


def test_a_trace_without_one_valid_line_is_an_error() -> None:
    with pytest.raises(RuleViolation, match="no valid job lines \\(1 skipped\\)"):
        parse_lines(["x"], "csv", "t.csv")


def test_it_loads_the_philly_digest_with_vcs_as_projects_and_time_from_zero() -> None:
    lines = [
        "timestamp,duration,num_gpus,gpu_time,cluster",
        "2017-10-09 07:01:55,66.0,1,66.0,11cb48",
        "2017-10-09 06:13:03,2951.0,2,5902.0,6214e9",
        "",
        "2017-10-09 06:13:03,1",
        "yesterday,1,1,1,x",
        "2017-10-09 06:13:03,-5,1,1,x",
    ]
    trace = parse_lines(lines, "philly", "philly.csv")
    assert trace.submit.tolist() == [0.0, 2932.0]
    assert trace.gpus.tolist() == [2, 1]
    assert [trace.projects[p] for p in trace.project] == ["6214e9", "11cb48"]
    assert [s.line for s in trace.skipped] == [5, 6, 7]


def test_it_loads_a_sia_workload_with_the_application_as_project() -> None:
    lines = [
        "name,time,application,num_replicas,batch_size",
        "cifar10-0,401.0,cifar10,12,4096",
        "bert-1,500.0,bert,2,12",
        "x-2,600.0,unknown,2,12",
        "y-3,700.0",
        "",
        "z-4,late,bert,1,1",
        "z-5,500,bert,0,1",
    ]
    trace = parse_lines(lines, "philly", "w.csv")
    assert trace.submit.tolist() == [0.0, 99.0]
    assert trace.work.tolist() == [3600.0, 7200.0]
    reasons = [s.reason.split(" ")[0] for s in trace.skipped]
    assert reasons == ["unknown", "expected", "not", "gpus"]


def test_jobs_sharing_a_speed_profile_share_one_row_of_the_profile_table() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 10.0, speeds={"v100": 3.0, "k80": 1.0})
    builder.add(2, 1.0, 1, 10.0, speeds={"k80": 1.0, "v100": 3.0})
    builder.add(3, 2.0, 1, 10.0, speeds={"k80": 1.0})
    trace = builder.build()
    assert trace.speed.tolist() == [0, 0, 1]
    assert trace.as_lists().job(0).speed_on("v100") == 3.0


def test_it_names_the_known_formats_when_given_an_unknown_one(tmp_path: Path) -> None:
    with pytest.raises(RuleViolation) as caught:
        load_file(tmp_path / "x", "parquet")
    assert "unknown trace format 'parquet'; known: csv" in caught.value.message
    assert caught.value.field == "trace_format"


def test_an_unreadable_trace_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleViolation, match="cannot read trace"):
        load_file(tmp_path / "missing.csv", "csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(RuleViolation, match="is not UTF-8 text"):
        load_file(binary, "csv")
