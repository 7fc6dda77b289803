"""A billing period closes once, at or after the first instant of the next local month."""

import datetime as dt
import zoneinfo

import pytest

from aisc.core.billing.periods import TRANSITIONS, PeriodState, check_closable, transition
from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.metering.split import Month

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")  # UTC+8 all year, no daylight saving
NY = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("month", "tz", "first_closable_utc"),
    [
        (Month(2026, 3), HK, dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)),  # Apr 1 00:00 +8
        (Month(2026, 12), HK, dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)),  # year boundary
        (Month(2028, 2), HK, dt.datetime(2028, 2, 29, 16, 0, tzinfo=dt.UTC)),  # a leap February
        (Month(2026, 3), NY, dt.datetime(2026, 4, 1, 4, 0, tzinfo=dt.UTC)),  # EDT, UTC-4
        (Month(2026, 11), NY, dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)),  # EST, UTC-5
    ],
)
def test_a_period_is_closable_from_the_first_instant_of_the_next_local_month(
    month: Month, tz: zoneinfo.ZoneInfo, first_closable_utc: dt.datetime
) -> None:
    check_closable(month, PeriodState.OPEN, first_closable_utc, tz)
    with pytest.raises(RuleViolation, match="has not ended yet") as err:
        check_closable(
            month, PeriodState.OPEN, first_closable_utc - dt.timedelta(microseconds=1), tz
        )
    assert err.value.field == "period"
    # The message names the local time it can be closed from, and the zone.
    local = first_closable_utc.astimezone(tz)
    assert f"{local:%Y-%m-%d %H:%M} ({tz.key})" in err.value.message


def test_a_closed_period_is_refused_before_the_clock_is_even_looked_at() -> None:
    long_before = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(InvalidTransition, match="already closed") as err:
        check_closable(Month(2026, 3), PeriodState.CLOSED, long_before, HK)
    assert err.value.field == "period"


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (PeriodState.OPEN, PeriodState.CLOSED, True),
        (PeriodState.OPEN, PeriodState.OPEN, False),
        (PeriodState.CLOSED, PeriodState.OPEN, False),  # a closed period is never reopened
        (PeriodState.CLOSED, PeriodState.CLOSED, False),
    ],
)
def test_the_period_lifecycle_has_one_edge(
    current: PeriodState, target: PeriodState, allowed: bool
) -> None:
    assert (target in TRANSITIONS[current]) is allowed
    if allowed:
        assert transition(current, target) is target
    else:
        with pytest.raises(InvalidTransition, match=f"from {current} to {target}"):
            transition(current, target)
