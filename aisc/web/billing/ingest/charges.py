"""A usage record's charges: GPU-seconds per chip per month.

`Charger` works them out for a whole ingest, with caches for what repeats; `desired` is the
general rule it must agree with (the fast path's equivalence tests hold it to that)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from aisc.core.metering.records import UsageRecord
from aisc.core.metering.split import Month, seconds_by_month

Slot = tuple[str, str]  # (month, chip)


_MONTH_ENDS: dict[tuple[str, int, int], tuple[str, dt.datetime]] = {}
HourFacts = tuple[str, dt.date, float]  # month label, local day, the month's end (POSIX time)
_HOURS: dict[tuple[str, int, int, int, int], HourFacts | None] = {}
_HOURS_LIMIT = 100_000  # about eleven years of hours per zone; past it the cache starts again


def _month_of(local: dt.datetime, tz: zoneinfo.ZoneInfo) -> tuple[str, dt.datetime]:
    """The month's label and its end instant; cached, as most jobs of an ingest share a month."""
    key = (tz.key, local.year, local.month)
    if key not in _MONTH_ENDS:
        month = Month(local.year, local.month)
        _MONTH_ENDS[key] = (str(month), month.end(tz))
    return _MONTH_ENDS[key]


def hour_facts(start: dt.datetime, tz: zoneinfo.ZoneInfo) -> HourFacts | None:
    """The local day and month of every instant of `start`'s UTC hour, cached per hour: a
    million jobs start in a few thousand hours. None where the hour holds a local midnight or
    an offset change (zones a fraction of an hour off UTC, daylight-saving switches)."""
    key = (tz.key, start.year, start.month, start.day, start.hour)
    if key in _HOURS:
        return _HOURS[key]
    first = dt.datetime(start.year, start.month, start.day, start.hour, tzinfo=dt.UTC)
    ends = first.astimezone(tz), (first + dt.timedelta(minutes=60, microseconds=-1)).astimezone(tz)
    facts = None
    if ends[0].utcoffset() == ends[1].utcoffset() and ends[0].date() == ends[1].date():
        label, month_end = _month_of(ends[0], tz)
        facts = (label, ends[0].date(), month_end.timestamp())
    if len(_HOURS) >= _HOURS_LIMIT:
        _HOURS.clear()
    _HOURS[key] = facts
    return facts


def parts(record: UsageRecord, tz: zoneinfo.ZoneInfo) -> list[tuple[str, dt.date, int]]:
    """(month, local day the use began, seconds) of the record's run, split at month ends."""
    start, seconds = record.start, record.elapsed_seconds
    if start is None or seconds == 0:
        return []
    facts = hour_facts(start, tz) if start.tzinfo is dt.UTC else None
    if facts is None:
        local = start.astimezone(tz)
        label, end = _month_of(local, tz)
        facts = (label, local.date(), end.timestamp())
    # POSIX seconds rather than a timedelta, which costs more to build than the rest of this
    # function; the float is exact for whole seconds and within a microsecond otherwise.
    if start.timestamp() + seconds <= facts[2]:
        return [(facts[0], facts[1], seconds)]  # the usual case: one month
    return [
        (str(month), max(start, month.start(tz)).astimezone(tz).date(), part)
        for month, part in seconds_by_month(start, seconds, tz)
    ]


def desired(record: UsageRecord, tz: zoneinfo.ZoneInfo) -> dict[Slot, tuple[dt.date, int]]:
    """What the record should be charged, per (month, chip): the day the use began and GPU-s."""
    if not record.gpus:
        return {}
    return {
        (month, chip): (day, count * seconds)
        for month, day, seconds in parts(record, tz)
        for chip, count in record.gpus
    }


# (month, chip) -> (the local day the use began: a date, or ISO text for SQLite; GPU-seconds)
Wanted = dict[Slot, tuple[Any, int]]
_LocalHour = tuple[str, dt.date, str, float]  # month label, local day, its text, month end (POSIX)
_UNSEEN: _LocalHour = ("", dt.date.min, "", 0.0)  # a cache sentinel: no hour maps to it


class Charger:
    """What records are charged, as `desired` says, fast: per UTC hour it remembers the local
    month and day the hour falls in, so a record inside one month and one local day costs a
    dictionary look-up. A record the cache cannot answer (its run crosses a month end, or starts
    in an hour holding a local midnight or an offset change) takes `desired` itself."""

    def __init__(self, tz: zoneinfo.ZoneInfo, *, postgres: bool) -> None:
        """`postgres`: days as dates (binary COPY takes them); otherwise as ISO text for SQLite."""
        self.tz, self.postgres = tz, postgres
        self._local: dict[int, _LocalHour | None] = {}

    def wanted(self, record: UsageRecord) -> Wanted:
        start, seconds = record.start, record.elapsed_seconds
        if start is None or not seconds or not record.gpus:
            return {}
        began = start.timestamp()
        hour = int(began) // 3600
        local = self._local.get(hour, _UNSEEN)
        if local is _UNSEEN:
            local = self._local[hour] = self._local_hour(hour)
        if local is None or began + seconds > local[3]:
            wanted = desired(record, self.tz)
            if self.postgres:
                return wanted
            return {slot: (day.isoformat(), part) for slot, (day, part) in wanted.items()}
        month, day, day_text, _ = local
        on: dt.date | str = day if self.postgres else day_text
        return {(month, chip): (on, count * seconds) for chip, count in record.gpus}

    def _local_hour(self, hour: int) -> _LocalHour | None:
        """hour_facts of the hour, with the day also as text (for SQLite)."""
        facts = hour_facts(dt.datetime.fromtimestamp(hour * 3600, dt.UTC), self.tz)
        return None if facts is None else (facts[0], facts[1], facts[1].isoformat(), facts[2])
