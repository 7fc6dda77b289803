"""A usage record's charges: GPU-seconds per chip per month, and their correction deltas."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

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


FullSlot = tuple[str, str, str, str, dt.date]  # (project, partition, month, chip, day)
Delta = tuple[str, str, str, str, dt.date, int]  # a FullSlot and its GPU-seconds


def correction_rows(
    record: UsageRecord, existing: Iterable[Delta], tz: zoneinfo.ZoneInfo
) -> list[Delta]:
    """Deltas that bring the record's charges, summed per project, partition, month, chip and
    day, to what it should be charged now; `existing` holds its charges written so far.

    Charges are append-only: rows already written stay, billed or not. A delta may be negative
    (a job read as longer than it finally ran, or usage that moved to another day or account).
    """
    have: dict[FullSlot, int] = {}
    for *slot, seconds in existing:
        key: FullSlot = tuple(slot)  # type: ignore[assignment]
        have[key] = have.get(key, 0) + seconds
    want: dict[FullSlot, int] = {
        (record.account, record.partition, month, chip, day): seconds
        for (month, chip), (day, seconds) in desired(record, tz).items()
    }
    deltas = (
        (slot, want.get(slot, 0) - have.get(slot, 0)) for slot in sorted(set(want) | set(have))
    )
    return [(*slot, delta) for slot, delta in deltas if delta]
