import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.clock import UTC, FrozenClock, SimClock, SystemClock

T0 = dt.datetime(2026, 1, 1, tzinfo=UTC)


def test_the_system_clock_is_timezone_aware() -> None:
    assert SystemClock().now().tzinfo is not None


def test_a_frozen_clock_stands_still_until_moved() -> None:
    clock = FrozenClock(T0)
    assert clock.now() == clock.now() == T0
    clock.advance(dt.timedelta(hours=1))
    assert clock.now() == T0 + dt.timedelta(hours=1)
    clock.set(T0)
    assert clock.now() == T0


def test_a_frozen_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(dt.datetime(2026, 1, 1))
    clock = FrozenClock(T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(dt.datetime(2026, 1, 1))


def test_a_sim_clock_counts_seconds_from_its_epoch() -> None:
    clock = SimClock(T0, seconds=90.0)
    assert clock.now() == T0 + dt.timedelta(seconds=90)


NY = zoneinfo.ZoneInfo("America/New_York")  # falls back from EDT to EST at 02:00 on 1 Nov 2026
BEFORE_FALL_BACK = dt.datetime(2026, 11, 1, 0, 30, tzinfo=NY)  # 04:30 UTC


def test_a_sim_clock_counts_real_seconds_from_an_epoch_in_a_summer_time_zone() -> None:
    # Three hours after 00:30 EDT is 07:30 UTC (02:30 EST); the wall clock alone would say
    # 03:30 EST, 08:30 UTC, an hour late.
    clock = SimClock(BEFORE_FALL_BACK, seconds=3 * 3600)
    assert clock.now() == dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC  # the Clock protocol's promise: an instant in UTC
    assert clock.epoch == BEFORE_FALL_BACK  # the same instant as given


def test_a_frozen_clock_advances_by_real_time_across_a_clock_change() -> None:
    clock = FrozenClock(BEFORE_FALL_BACK)
    clock.advance(dt.timedelta(hours=3))
    assert clock.now().astimezone(UTC) == dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert clock.now().tzinfo is NY  # still shown in the zone it was set in


def test_a_sim_clock_refuses_a_naive_epoch() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SimClock(dt.datetime(2026, 1, 1))


@settings(max_examples=100)
@given(
    st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2030, 1, 1),
        timezones=st.sampled_from([UTC, NY, zoneinfo.ZoneInfo("Asia/Hong_Kong")]),
    ),
    st.floats(0, 10 * 365 * 86_400),
)
def test_a_sim_clock_is_always_its_epoch_plus_the_seconds_in_real_time(
    epoch: dt.datetime, seconds: float
) -> None:
    now = SimClock(epoch, seconds).now()
    elapsed = now.astimezone(UTC) - epoch.astimezone(UTC)  # one zone: real, not wall, time
    assert elapsed.total_seconds() == pytest.approx(seconds, abs=1e-6)
