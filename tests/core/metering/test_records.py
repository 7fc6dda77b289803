import datetime as dt
import zoneinfo
from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.metering.records import (
    FINAL_STATES,
    OPEN_STATES,
    UsageRecord,
    corrected,
    normal_state,
)
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


def test_the_end_of_a_run_is_its_start_plus_elapsed_real_time_across_a_clock_change() -> None:
    # New York falls back at 02:00 EDT on 1 Nov 2026: 01:00 EDT (the first 01:00) + 2 h of real
    # time is 02:00 EST, which the wall clock alone (01:00 + 2 h = 03:00) would put an hour late.
    ny = zoneinfo.ZoneInfo("America/New_York")
    start = dt.datetime(2026, 11, 1, 1, 0, tzinfo=ny)
    end = job(submit=start, start=start, elapsed_seconds=7200).end
    assert end is not None
    # (Subtracting two times of one zone would compare wall clocks, hence UTC here.)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=2)
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)
    assert end.tzinfo is ny  # shown in the zone it was read in
    assert job(start=None, state="PENDING", elapsed_seconds=0).end is None


readings = st.lists(
    st.tuples(
        st.sampled_from(sorted(OPEN_STATES | FINAL_STATES)),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200)
@given(readings)
def test_the_record_kept_is_the_last_reading_up_to_the_first_final_one(
    rows: list[tuple[str, int]],
) -> None:
    stored: UsageRecord | None = None
    for state, elapsed in rows:
        fresh = job(state=state, elapsed_seconds=elapsed)
        kept = corrected(stored, fresh)
        if kept is not None:
            assert stored is None or not stored.final  # a final record is never replaced
            assert kept != stored
            stored = kept
    first_final = next((i for i, (state, _) in enumerate(rows) if state in FINAL_STATES), None)
    state, elapsed = rows[-1] if first_final is None else rows[first_final]
    assert stored == job(state=state, elapsed_seconds=elapsed)


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("completed", "COMPLETED"),
        ("  RUNNING  ", "RUNNING"),
        ("CANCELLED by 1000", "CANCELLED"),
        ("cancelled by 0", "CANCELLED"),
        ("OUT_OF_MEMORY", "OUT_OF_MEMORY"),
    ],
)
def test_slurm_states_are_read_in_any_case_and_without_their_reason(raw: str, state: str) -> None:
    assert normal_state(raw) == state


@pytest.mark.parametrize("raw", ["", "DONE", "CANCELED", "RUN NING"])
def test_text_that_is_not_a_slurm_state_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(RuleViolation, match="unknown Slurm job state") as err:
        normal_state(raw)
    assert err.value.field == "state"


def test_open_and_final_states_do_not_overlap() -> None:
    assert not OPEN_STATES & FINAL_STATES
    assert all(job(state=s).final for s in FINAL_STATES)
    assert not any(job(state=s).final for s in OPEN_STATES)


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a100", "h800", "br104"]), st.integers(0, 64)),
        max_size=3,
        unique_by=lambda g: g[0],
    ),
    st.integers(0, 10**7),
)
def test_gpu_hours_are_the_sum_over_chips_of_gpu_seconds_over_3600(
    gpus: list[tuple[str, int]], elapsed: int
) -> None:
    record = job(gpus=tuple(sorted(gpus)), elapsed_seconds=elapsed)
    per_chip = sum(record.gpu_seconds(chip) for chip, _ in gpus)
    assert record.gpu_hours == Decimal(per_chip) / 3600
    assert record.gpu_seconds("mi300x") == 0  # a chip the job did not use


def test_a_record_checked_by_its_caller_equals_the_constructors_and_stays_frozen() -> None:
    fields = (
        "aisc",
        "42",
        dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC),
        None,
        0,
        "p2026a-001",
        "alice",
        "h800",
        "PENDING",
        (("h800", 8),),
    )
    fast = UsageRecord.checked_by_caller(*fields)
    assert fast == UsageRecord(*fields)
    assert hash(fast) == hash(UsageRecord(*fields))
    assert fast.key == ("aisc", "42", fields[2])
    with pytest.raises(FrozenInstanceError):
        fast.state = "RUNNING"  # type: ignore[misc]
