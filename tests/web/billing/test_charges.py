"""A record's charge parts: the cached per-hour path gives what the month split in core gives."""

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.metering.records import UsageRecord
from aisc.core.metering.split import seconds_by_month
from aisc.web.billing.ingest import charges

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
KATHMANDU = zoneinfo.ZoneInfo("Asia/Kathmandu")  # +05:45: local midnight falls inside UTC hours
LONDON = zoneinfo.ZoneInfo("Europe/London")
ST_JOHNS = zoneinfo.ZoneInfo("America/St_Johns")  # -03:30/-02:30: switches inside a UTC hour
ZONES = [HK, KATHMANDU, LONDON, ST_JOHNS]


def record(start: dt.datetime | None, seconds: int) -> UsageRecord:
    return UsageRecord(
        "aisc", "1", start or dt.datetime(2026, 3, 1, tzinfo=dt.UTC), start, seconds,
        "p1", "u", "h800", "COMPLETED", (("h800", 8),),
    )  # fmt: skip


Part = tuple[str, dt.date, int]


def reference(start: dt.datetime, seconds: int, tz: zoneinfo.ZoneInfo) -> list[Part]:
    """The month split of core, with the local day each part began: no cache, no shortcut."""
    return [
        (str(month), max(start, month.start(tz)).astimezone(tz).date(), part)
        for month, part in seconds_by_month(start, seconds, tz)
    ]


def test_a_job_inside_one_month_has_one_part_on_its_local_start_day() -> None:
    start = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 01:30 on 2 March in Hong Kong
    assert charges.parts(record(start, 3600), HK) == [("2026-03", dt.date(2026, 3, 2), 3600)]


def test_a_job_across_a_local_month_end_is_split_there() -> None:
    start = dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC)  # 23:00 on 31 March in Hong Kong
    assert charges.parts(record(start, 2 * 3600), HK) == [
        ("2026-03", dt.date(2026, 3, 31), 3600),
        ("2026-04", dt.date(2026, 4, 1), 3600),
    ]


def test_a_job_ending_exactly_at_the_month_end_stays_in_its_month() -> None:
    start = dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC)
    assert charges.parts(record(start, 3600), HK) == [("2026-03", dt.date(2026, 3, 31), 3600)]


def test_jobs_not_started_or_of_no_length_have_no_parts() -> None:
    assert charges.parts(record(None, 3600), HK) == []
    assert charges.parts(record(dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 0), HK) == []


def test_an_hour_holding_a_local_midnight_has_no_cached_facts() -> None:
    # 18:00-19:00 UTC is 23:45-00:45 in Kathmandu: two local days in one UTC hour.
    assert charges.hour_facts(dt.datetime(2026, 3, 1, 18, 20, tzinfo=dt.UTC), KATHMANDU) is None
    facts = charges.hour_facts(dt.datetime(2026, 3, 1, 17, 20, tzinfo=dt.UTC), KATHMANDU)
    assert facts is not None
    assert facts[:2] == ("2026-03", dt.date(2026, 3, 1))


def test_an_hour_of_a_daylight_saving_switch_has_no_cached_facts() -> None:
    # St John's moves from -03:30 to -02:30 at 05:30 UTC on 8 March 2026.
    assert charges.hour_facts(dt.datetime(2026, 3, 8, 5, 10, tzinfo=dt.UTC), ST_JOHNS) is None
    assert charges.hour_facts(dt.datetime(2026, 3, 8, 6, 10, tzinfo=dt.UTC), ST_JOHNS) is not None


def test_a_start_in_another_zone_than_utc_is_read_without_the_cache() -> None:
    start = dt.datetime(2026, 3, 2, 1, 30, tzinfo=HK)
    assert charges.parts(record(start, 60), HK) == [("2026-03", dt.date(2026, 3, 2), 60)]


def test_the_hour_cache_starts_again_when_full(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(charges, "_HOURS_LIMIT", 3)
    monkeypatch.setattr(charges, "_HOURS", {})
    for hour in range(5):
        charges.hour_facts(dt.datetime(2026, 3, 2, hour, tzinfo=dt.UTC), HK)
    assert len(charges._HOURS) <= 3
    start = dt.datetime(2026, 3, 2, 4, 10, tzinfo=dt.UTC)
    assert charges.parts(record(start, 60), HK) == reference(start, 60, HK)


starts = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)


@settings(max_examples=300, deadline=None)
@given(
    start=starts, seconds=st.integers(min_value=1, max_value=70 * 86400), tz=st.sampled_from(ZONES)
)
def test_parts_equal_the_core_month_split_in_any_zone(
    start: dt.datetime, seconds: int, tz: zoneinfo.ZoneInfo
) -> None:
    assert charges.parts(record(start, seconds), tz) == reference(start, seconds, tz)
