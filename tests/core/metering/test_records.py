import datetime as dt
import zoneinfo
from dataclasses import replace
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.metering.records import UsageRecord, corrected, normal_state
from aisc.core.metering.split import Month, seconds_by_month

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
SUBMIT = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)


def job(**fields) -> UsageRecord:  # type: ignore[no-untyped-def]
    base = {
        "cluster": "aisc",
        "job_id": "101",
        "submit": SUBMIT,
        "start": SUBMIT,
        "elapsed_seconds": 3600,
        "account": "p2026a-001",
        "user": "alice",
        "partition": "h800",
        "state": "RUNNING",
        "gpus": (("h800", 8),),
    }
    return UsageRecord(**{**base, **fields})


def test_a_record_is_keyed_by_cluster_job_id_and_submit_time() -> None:
    assert job().key == ("aisc", "101", SUBMIT)


def test_gpu_hours_count_every_typed_gpu_for_the_elapsed_time() -> None:
    record = job(gpus=(("a100", 2), ("h800", 8)), elapsed_seconds=1800)
    assert record.gpu_hours == Decimal(5)
    assert record.gpu_seconds("h800") == 8 * 1800
    assert record.gpu_seconds("h200") == 0
    assert record.end == SUBMIT + dt.timedelta(minutes=30)
    assert job(start=None).end is None


def test_a_negative_elapsed_time_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as err:
        job(elapsed_seconds=-5)
    assert err.value.field == "elapsed"


def test_naive_times_and_a_missing_account_are_refused() -> None:
    with pytest.raises(RuleViolation, match="timezone-aware"):
        job(submit=dt.datetime(2026, 3, 1))
    with pytest.raises(RuleViolation, match="timezone-aware"):
        job(start=dt.datetime(2026, 3, 1))
    with pytest.raises(RuleViolation) as err:
        job(account="")
    assert err.value.field == "account"


def test_states_are_normalised_and_unknown_ones_refused() -> None:
    assert normal_state("CANCELLED by 1000") == "CANCELLED"
    assert normal_state(" running") == "RUNNING"
    with pytest.raises(RuleViolation) as err:
        normal_state("EXPLODED")
    assert err.value.field == "state"


def test_a_running_job_is_corrected_until_it_ends_and_then_never_again() -> None:
    first = job(elapsed_seconds=600)
    later = job(elapsed_seconds=1200)
    done = job(elapsed_seconds=1500, state="COMPLETED")
    assert corrected(None, first) == first
    assert corrected(first, first) is None
    assert corrected(first, later) == later
    assert corrected(later, done) == done
    assert done.final
    assert corrected(done, replace(done, elapsed_seconds=9)) is None


def test_months_parse_and_refuse_bad_text_naming_the_field() -> None:
    assert Month.parse("2026-03") == Month(2026, 3)
    assert str(Month(2026, 12).next()) == "2027-01"
    for bad in ("2026-13", "March", "2026-3"):
        with pytest.raises(RuleViolation) as err:
            Month.parse(bad, field="month")
        assert err.value.field == "month"


def test_a_month_starts_at_local_midnight_in_the_centres_time_zone() -> None:
    assert Month(2026, 3).start(HK) == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert Month.of(dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC), HK) == Month(2026, 3)


def test_a_job_spanning_a_month_boundary_is_split_there() -> None:
    boundary = Month(2026, 4).start(HK)
    start = boundary - dt.timedelta(hours=2)
    parts = seconds_by_month(start, 5 * 3600, HK)
    assert parts == [(Month(2026, 3), 7200), (Month(2026, 4), 3 * 3600)]


def test_splitting_keeps_every_second_even_with_fractional_starts() -> None:
    start = Month(2026, 4).start(HK) - dt.timedelta(seconds=10, microseconds=500_000)
    parts = seconds_by_month(start, 100, HK)
    assert sum(s for _, s in parts) == 100
    assert [m for m, _ in parts] == [Month(2026, 3), Month(2026, 4)]


def test_a_zero_length_run_has_no_parts_and_a_negative_one_is_refused() -> None:
    assert seconds_by_month(SUBMIT, 0, HK) == []
    with pytest.raises(RuleViolation):
        seconds_by_month(SUBMIT, -1, HK)
