import datetime as dt
import gc
import zoneinfo
from collections.abc import Iterator

import pytest

from aisc.adapters.slurm import usage
from aisc.adapters.slurm.usage import (
    FIELDS,
    Row,
    parse_csv,
    parse_elapsed,
    parse_gpus,
    parse_sacct,
    sacct_args,
)
from aisc.core.errors import RuleViolation

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
HEADER = "|".join(FIELDS)
GOOD = (
    "1001|aisc|p2026a-001|alice|h800|COMPLETED|2026-03-01T09:00:00|2026-03-01T09:00:05|"
    "02:00:00|billing=16,cpu=64,gres/gpu:h800=8,gres/gpu=8,node=1"
)


def test_it_parses_a_job_line_with_typed_gpus_in_the_clusters_local_time() -> None:
    parsed = parse_sacct(f"{HEADER}\n{GOOD}\n", cluster="aisc", tz=HK)
    [rec] = parsed.records
    assert parsed.rejects == []
    assert rec.key == ("aisc", "1001", dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC))
    assert rec.start == dt.datetime(2026, 3, 1, 1, 0, 5, tzinfo=dt.UTC)
    assert rec.elapsed_seconds == 7200
    assert (rec.account, rec.user, rec.partition, rec.state) == (
        "p2026a-001",
        "alice",
        "h800",
        "COMPLETED",
    )
    assert rec.gpus == (("h800", 8),)


def test_steps_are_skipped_because_usage_is_counted_per_job() -> None:
    step = GOOD.replace("1001|", "1001.batch|", 1)
    parsed = parse_sacct(f"{HEADER}\n{GOOD}\n{step}\n", cluster="aisc", tz=HK)
    assert len(parsed.records) == 1
    assert parsed.steps_skipped == 1


def test_a_malformed_line_goes_to_the_rejects_and_the_rest_is_read() -> None:
    lines = [
        HEADER,
        "garbage",
        GOOD.replace("02:00:00", "-00:00:05"),
        GOOD.replace("gres/gpu:h800=8,", ""),
        GOOD.replace("COMPLETED", "EXPLODED"),
        GOOD.replace("2026-03-01T09:00:00", "yesterday", 1),
        GOOD.replace("1001|", "abc|", 1),
        GOOD.replace("2026-03-01T09:00:00", "Unknown", 1),
        GOOD.replace("1001", "1002"),
    ]
    parsed = parse_sacct("\n".join(lines), cluster="aisc", tz=HK)
    assert [r.job_id for r in parsed.records] == ["1002"]
    reasons = [(r.line_no, r.message.split(":")[0]) for r in parsed.rejects]
    assert reasons == [
        (2, "line"),
        (3, "elapsed"),
        (4, "alloc_tres"),
        (5, "state"),
        (6, "submit"),
        (7, "job_id"),
        (8, "submit"),
    ]
    assert "negative" in parsed.rejects[1].message
    assert "unknown chip" in parsed.rejects[2].message


def test_without_a_header_the_standard_field_order_is_assumed() -> None:
    parsed = parse_sacct(GOOD + "\n\n", cluster="x", tz=HK)
    assert parsed.records[0].cluster == "aisc"


def test_a_header_missing_a_needed_field_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        parse_sacct("JobID|Account\n1|p", cluster="x", tz=HK)
    assert err.value.field == "header"
    assert "AllocTRES" in err.value.message


def test_a_pending_job_has_no_start_and_no_usage() -> None:
    line = GOOD.replace("2026-03-01T09:00:05", "Unknown").replace("02:00:00", "00:00:00")
    [rec] = parse_sacct(line.replace("COMPLETED", "PENDING"), cluster="aisc", tz=HK).records
    assert rec.start is None
    assert rec.gpu_hours == 0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:05", 5), ("1-02:03:04", 93784), ("59:59", 3599), ("100:00:00", 360000)],
)
def test_elapsed_times_in_every_sacct_form_are_read(text: str, seconds: int) -> None:
    assert parse_elapsed(text) == seconds


def test_a_garbled_elapsed_time_is_refused() -> None:
    with pytest.raises(RuleViolation, match="HH:MM:SS"):
        parse_elapsed("two hours")


def test_gpus_of_several_types_are_kept_apart_and_cpu_only_jobs_have_none() -> None:
    assert parse_gpus("gres/gpu:h800=2,gres/gpu:br104=4,gres/gpu=6") == (
        ("br104", 4),
        ("h800", 2),
    )
    assert parse_gpus("cpu=4,mem=8G,node=1") == ()
    with pytest.raises(RuleViolation, match="NAME=COUNT"):
        parse_gpus("cpu")
    with pytest.raises(RuleViolation, match="NAME=COUNT"):
        parse_gpus("gres/gpu:h800=two")


def test_the_sacct_arguments_ask_for_every_users_allocations_in_the_window() -> None:
    since = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    args = sacct_args(since, since + dt.timedelta(hours=1), HK)
    assert "--allocations" in args
    assert "--parsable2" in args
    assert "--allusers" in args
    assert "--starttime=2026-03-01T08:00:00" in args
    assert "--endtime=2026-03-01T09:00:00" in args
    assert f"--format={','.join(FIELDS)},End" in args
    with pytest.raises(RuleViolation) as err:
        sacct_args(since, since, HK)
    assert err.value.field == "until"


CSV_HEADER = "job_id,cluster,account,user,partition,state,submit,start,elapsed,alloc_tres"


def test_a_csv_source_with_the_same_fields_is_read_and_its_bad_rows_rejected() -> None:
    text = (
        f"{CSV_HEADER}\n"
        "7,aisc,p1,bob,h800,COMPLETED,2026-03-01T00:00:00+00:00,2026-03-01T00:00:00+00:00,"
        '01:00:00,"gres/gpu:h800=2,gres/gpu=2"\n'
        "8,aisc,p1,bob,h800\n"
        '9,aisc,p1,bob,h800,COMPLETED,2026-03-01T00:00:00,,00:00:00,"",extra\n'
        '10,aisc,p1,bob,h800,DONE,2026-03-01T00:00:00,,00:00:00,""\n'
    )
    parsed = parse_csv(text, cluster="aisc", tz=HK)
    assert [r.job_id for r in parsed.records] == ["7"]
    assert parsed.records[0].gpus == (("h800", 2),)
    assert [r.line_no for r in parsed.rejects] == [3, 4, 5]


def test_a_csv_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        parse_csv("job_id,account\n1,p\n", cluster="aisc", tz=HK)
    assert err.value.field == "header"


def test_the_cycle_collector_is_off_while_lines_are_parsed_and_on_again_after() -> None:
    seen: list[bool] = []

    def rows() -> Iterator[tuple[int, str, Row]]:
        seen.append(gc.isenabled())
        yield 1, "1|aisc|p|u|h800|FAILED|x", "line: a rejection"

    assert gc.isenabled()
    parsed = usage._collect(rows(), "aisc", HK)
    assert seen == [False]
    assert gc.isenabled()
    assert [r.message for r in parsed.rejects] == ["line: a rejection"]


def test_a_parse_leaves_the_cycle_collector_off_where_the_caller_had_turned_it_off() -> None:
    gc.disable()
    try:
        with pytest.raises(RuleViolation):
            usage.parse_sacct("JobID|User\n1|u\n", "aisc", HK)  # refused header: still restores
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_cycle_collector_comes_back_when_a_parse_is_refused() -> None:
    with pytest.raises(RuleViolation):
        usage.parse_sacct("JobID|User\n1|u\n", "aisc", HK)
    assert gc.isenabled()


def test_a_gres_type_in_capitals_is_metered_under_the_lower_case_chip() -> None:
    assert parse_gpus("gres/gpu:H800=4,gres/gpu:h800=4,gres/gpu=8") == (("h800", 8),)
