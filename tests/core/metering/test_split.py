"""Splitting a run at month boundaries conserves every second and follows the local calendar."""

import calendar
import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.metering.split import Month, seconds_by_month

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
NY = zoneinfo.ZoneInfo("America/New_York")  # has daylight saving, unlike Hong Kong
ZONES = st.sampled_from([HK, NY, zoneinfo.ZoneInfo("UTC")])
starts = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31), timezones=ZONES
)
durations = st.integers(min_value=0, max_value=400 * 86_400)  # up to 13 months of run time
# From 1980: Hong Kong kept summer time until 1979, so earlier months are an hour off.
months = st.builds(Month, st.integers(1980, 2100), st.integers(1, 12))


def month_seconds(month: Month, tz: zoneinfo.ZoneInfo) -> int:
    return int((month.end(tz) - month.start(tz)).total_seconds())


@settings(max_examples=200)
@given(start=starts, seconds=durations, tz=ZONES)
def test_the_parts_add_up_to_the_run_and_fall_in_consecutive_months(
    start: dt.datetime, seconds: int, tz: zoneinfo.ZoneInfo
) -> None:
    parts = seconds_by_month(start, seconds, tz)
    assert sum(part for _, part in parts) == seconds
    assert all(part >= 0 for _, part in parts)
    if seconds:
        assert parts[0][0] == Month.of(start, tz)
        assert parts[-1][0] == Month.of(
            start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds - 1), tz
        )
    for (a, _), (b, _) in itertools.pairwise(parts):
        assert b == a.next()


@settings(max_examples=200)
@given(start=starts.map(lambda t: t.replace(microsecond=0)), seconds=durations, tz=ZONES)
def test_each_part_is_the_time_the_run_spent_inside_that_month(
    start: dt.datetime, seconds: int, tz: zoneinfo.ZoneInfo
) -> None:
    end = start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds)  # elapsed, not wall, time
    for month, part in seconds_by_month(start, seconds, tz):
        inside = min(end, month.end(tz)) - max(start, month.start(tz))
        assert part == int(inside.total_seconds())
        assert part <= month_seconds(month, tz)


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [
        # 23:00 local on 31 March (15:00 UTC) for two hours: one hour in each month.
        (dt.datetime(2026, 3, 31, 23, 0, tzinfo=HK), 7200, [("2026-03", 3600), ("2026-04", 3600)]),
        # Ends exactly at local midnight: nothing of April.
        (dt.datetime(2026, 3, 31, 23, 0, tzinfo=HK), 3600, [("2026-03", 3600)]),
        # Starts exactly at local midnight: all of April.
        (dt.datetime(2026, 4, 1, 0, 0, tzinfo=HK), 60, [("2026-04", 60)]),
        # 31 Dec 2026 12:00 for 20 days: 12 h = 43,200 s of December, the rest of January.
        (
            dt.datetime(2026, 12, 31, 12, 0, tzinfo=HK),
            20 * 86_400,
            [("2026-12", 43_200), ("2027-01", 20 * 86_400 - 43_200)],
        ),
        # All of leap February 2028, from 31 Jan 23:00: 1 h + 29 days + 1 h of March.
        (
            dt.datetime(2028, 1, 31, 23, 0, tzinfo=HK),
            29 * 86_400 + 7200,
            [("2028-01", 3600), ("2028-02", 29 * 86_400), ("2028-03", 3600)],
        ),
        # The instant is what counts, not its zone: 15:30 UTC on 31 March is 23:30 in HK.
        (
            dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC),
            3600,
            [("2026-03", 1800), ("2026-04", 1800)],
        ),
    ],
)
def test_runs_are_split_at_local_midnight_as_worked_by_hand(
    start: dt.datetime, seconds: int, expected: list[tuple[str, int]]
) -> None:
    assert [(str(m), s) for m, s in seconds_by_month(start, seconds, HK)] == expected


def test_a_month_with_a_daylight_saving_change_is_an_hour_short_or_long() -> None:
    # New York: clocks go forward on 8 March 2026 and back on 1 November 2026.
    assert month_seconds(Month(2026, 3), NY) == 31 * 86_400 - 3600
    assert month_seconds(Month(2026, 11), NY) == 30 * 86_400 + 3600
    assert month_seconds(Month(2026, 3), HK) == 31 * 86_400


@settings(max_examples=200)
@given(months)
def test_a_month_round_trips_through_its_text(month: Month) -> None:
    assert Month.parse(str(month)) == month
    assert Month.parse(f"  {month} ") == month  # surrounding blanks are forgiven


@settings(max_examples=200)
@given(months)
def test_the_next_month_follows_directly_and_has_the_calendars_length(month: Month) -> None:
    after = month.next()
    assert after > month
    assert (after.year * 12 + after.month) - (month.year * 12 + month.month) == 1
    assert month.end(HK) == after.start(HK)
    days = calendar.monthrange(month.year, month.month)[1]
    assert month_seconds(month, HK) == days * 86_400


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "26-03",
        "2026-3",
        "2026/03",
        "",
        "March",
        "0000-01",  # before 1970
        "1969-12",
        "2101-01",  # after 2100
        "２０２６-１１",  # full-width digits, which int() would read as 2026-11
        "2026-1١",  # an Arabic-Indic digit
    ],
)
def test_text_that_is_not_a_calendar_month_from_1970_to_2100_is_refused_naming_the_field(
    text: str,
) -> None:
    with pytest.raises(RuleViolation, match="YYYY-MM") as err:
        Month.parse(text, field="month")
    assert err.value.field == "month"


@pytest.mark.parametrize(
    ("instant", "month"),
    [
        (dt.datetime(2026, 3, 31, 15, 59, 59, tzinfo=dt.UTC), "2026-03"),  # 23:59:59 in HK
        (dt.datetime(2026, 3, 31, 16, 0, 0, tzinfo=dt.UTC), "2026-04"),  # midnight in HK
        (dt.datetime(2026, 12, 31, 16, 0, 0, tzinfo=dt.UTC), "2027-01"),
    ],
)
def test_an_instant_belongs_to_its_local_month(instant: dt.datetime, month: str) -> None:
    assert str(Month.of(instant, HK)) == month


def test_a_start_given_in_a_summer_time_zone_is_split_by_elapsed_not_wall_clock_time() -> None:
    # 20:00 EDT on 31 Oct 2026 is 00:00 UTC on 1 Nov (08:00 in Hong Kong, November there).
    # 2,561,400 s = 29 d 15.5 h later is 15:30 UTC on 30 Nov, still November in Hong Kong
    # (December starts at 16:00 UTC). New York fell back an hour on 1 Nov, so adding the
    # seconds to the wall clock lands at 16:30 UTC, past the boundary: that once gave
    # December -1,800 s.
    start = dt.datetime(2026, 10, 31, 20, 0, tzinfo=NY)
    assert [(str(m), s) for m, s in seconds_by_month(start, 2_561_400, HK)] == [
        ("2026-11", 2_561_400)
    ]


@pytest.mark.parametrize(
    ("text", "month"), [("1970-01", Month(1970, 1)), ("2100-12", Month(2100, 12))]
)
def test_the_first_and_last_months_of_the_range_are_accepted(text: str, month: Month) -> None:
    assert Month.parse(text) == month
