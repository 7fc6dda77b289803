"""A job recorded in a final state before its end time is refused until Slurm has its end.

slurmctld can write a job's COMPLETED state before its end time (docs/slurm.md); sacct then
prints the elapsed time up to the moment it was read, and a final record is never corrected.
So the ingest asks sacct for End too, and a final state without one goes to the rejects report;
the next ingest whose window covers the job reads it again, ended."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.adapters.slurm.sacct_fast import FastLines
from aisc.adapters.slurm.usage import ASKED, FIELDS, Parsed, parse_csv, parse_gpus, parse_sacct
from tests.adapters.slurm.test_sacct_fast import ZONES, sacct_lines

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
LONDON = zoneinfo.ZoneInfo("Europe/London")
LINE = (
    "1001|aisc|p2026a-001|alice|h800|{state}|2026-03-01T09:00:00|2026-03-01T09:00:05|"
    "02:00:00|billing=16,cpu=64,gres/gpu:h800=8,gres/gpu=8,node=1|{end}"
)
ENDED = LINE.format(state="COMPLETED", end="2026-03-01T11:00:05")
NOT_YET = "end: the job is {} but has no end time yet"


def asked(*lines: str) -> str:
    return "\n".join(["|".join(ASKED), *lines]) + "\n"


def both_ways(text: str, tz: zoneinfo.ZoneInfo = HK) -> tuple[Parsed, Parsed]:
    fast = parse_sacct(text, cluster="aisc", tz=tz)
    careful = parse_sacct(text, cluster="aisc", tz=tz, careful_only=True)
    assert fast.records == careful.records
    assert fast.rejects == careful.rejects
    assert fast.line_nos == careful.line_nos
    assert fast.lines == careful.lines
    assert fast.steps_skipped == careful.steps_skipped
    return fast, careful


@pytest.mark.parametrize("end", ["Unknown", "", "None", "N/A"])
@pytest.mark.parametrize("state", ["COMPLETED", "FAILED", "TIMEOUT", "CANCELLED by 1000"])
def test_a_final_job_without_an_end_time_is_refused_with_the_rule_and_the_rest_is_read(
    state: str, end: str
) -> None:
    early = LINE.format(state=state, end=end)
    parsed, _ = both_ways(asked(early, ENDED.replace("1001", "1002", 1)))
    [reject] = parsed.rejects
    assert (reject.line_no, reject.line) == (2, early)
    assert reject.message.startswith(NOT_YET.format(state.split()[0]))
    assert "the next ingest whose window covers the job reads it again" in reject.message
    assert [r.job_id for r in parsed.records] == ["1002"]


def test_the_same_job_read_again_with_its_end_time_is_taken() -> None:
    parsed, _ = both_ways(asked(ENDED))
    [record] = parsed.records
    assert parsed.rejects == []
    assert (record.job_id, record.state, record.elapsed_seconds) == ("1001", "COMPLETED", 7200)


@pytest.mark.parametrize("state", ["RUNNING", "PENDING", "SUSPENDED"])
def test_an_open_job_without_an_end_time_is_read_as_open(state: str) -> None:
    parsed, _ = both_ways(asked(LINE.format(state=state, end="Unknown")))
    assert parsed.rejects == []
    assert [r.state for r in parsed.records] == [state]


@pytest.mark.parametrize("end", ["2026-13-01T00:00:00", "yesterday", "2026-03-01T11:00:61"])
def test_an_end_that_is_not_a_time_is_refused_naming_the_field(end: str) -> None:
    parsed, _ = both_ways(asked(LINE.format(state="COMPLETED", end=end)))
    [reject] = parsed.rejects
    assert reject.message.startswith("end: must be a time like 2026-03-01T09:30:00")


def test_the_fast_path_leaves_a_final_job_without_an_end_time_to_the_careful_one() -> None:
    fast = FastLines("aisc", HK, parse_gpus)
    fast.reads_end = True
    assert fast.record(LINE.format(state="COMPLETED", end="Unknown")) is None
    assert fast.record(LINE.format(state="COMPLETED", end="2026-13-01T00:00:00")) is None
    assert fast.record(LINE.format(state="RUNNING", end="Unknown")) is not None
    assert fast.record(ENDED) is not None
    assert fast.record(ENDED.rsplit("|", 1)[0]) is None  # End missing from the line


def test_an_end_time_in_a_daylight_saving_switch_is_read_the_careful_way() -> None:
    fold = LINE.format(state="COMPLETED", end="2026-10-25T01:30:00")  # 01:00-02:00 twice
    parsed, _ = both_ways(asked(fold), LONDON)
    assert parsed.rejects == []
    assert len(parsed.records) == 1


def test_text_without_end_is_read_as_before_and_so_cannot_tell_an_early_completion() -> None:
    old = LINE.format(state="COMPLETED", end="").rsplit("|", 1)[0]
    for text in (old, "\n".join(["|".join(FIELDS), old])):  # a saved file, with or without header
        parsed, _ = both_ways(text)
        assert parsed.rejects == []
        assert [r.elapsed_seconds for r in parsed.records] == [7200]


def test_an_end_line_under_the_old_header_is_refused_for_its_field_count() -> None:
    parsed, _ = both_ways("\n".join(["|".join(FIELDS), ENDED]))
    [reject] = parsed.rejects
    assert reject.message.startswith("line: 11 fields, expected 10")


CSV_HEADER = "job_id,cluster,account,user,partition,state,submit,start,elapsed,alloc_tres,end"


def test_a_csv_with_an_end_column_refuses_a_final_job_without_an_end_time() -> None:
    row = '7,aisc,p1,bob,h800,COMPLETED,2026-03-01T00:00:00,2026-03-01T00:00:00,01:00:00,"",{}'
    text = f"{CSV_HEADER}\n{row.format('')}\n{row.format('2026-03-01T01:00:00')}\n"
    parsed = parse_csv(text, cluster="aisc", tz=HK)
    assert [r.line_no for r in parsed.rejects] == [2]
    assert parsed.rejects[0].message.startswith(NOT_YET.format("COMPLETED"))
    assert [r.submit for r in parsed.records] == [dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC)]


ENDS = [
    "Unknown",
    "",
    "None",
    "2026-03-01T11:00:05",
    "2026-10-25T01:30:00",  # twice in London
    "2026-13-01T00:00:00",
    " 2026-03-01T11:00:05",
    "2026-03-01T11:00:05+08:00",
    "later",
]


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(st.tuples(sacct_lines(), st.sampled_from(ENDS)), min_size=1, max_size=20),
    zone=st.sampled_from(ZONES),
)
def test_fast_and_careful_parsers_agree_on_generated_lines_with_an_end(
    lines: list[tuple[str, str]], zone: zoneinfo.ZoneInfo
) -> None:
    fast, _ = both_ways(asked(*(f"{line}|{end}" for line, end in lines)), zone)
    assert len(fast.records) + len(fast.rejects) + fast.steps_skipped == len(lines)
