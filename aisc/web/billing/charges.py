"""A usage record's charges: GPU-seconds per chip per month, and their correction deltas."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from aisc.core.metering.records import UsageRecord
from aisc.core.metering.split import Month, seconds_by_month
from aisc.web.billing.models import UsageCharge

Slot = tuple[str, str]  # (month, chip)


_MONTH_ENDS: dict[tuple[str, int, int], tuple[str, dt.datetime]] = {}


def _month_of(local: dt.datetime, tz: zoneinfo.ZoneInfo) -> tuple[str, dt.datetime]:
    """The month's label and its end instant; cached, as most jobs of an ingest share a month."""
    key = (tz.key, local.year, local.month)
    if key not in _MONTH_ENDS:
        month = Month(local.year, local.month)
        _MONTH_ENDS[key] = (str(month), month.end(tz))
    return _MONTH_ENDS[key]


def parts(record: UsageRecord, tz: zoneinfo.ZoneInfo) -> list[tuple[str, dt.date, int]]:
    """(month, local day the use began, seconds) of the record's run, split at month ends."""
    if record.start is None or record.elapsed_seconds == 0:
        return []
    local = record.start.astimezone(tz)
    label, end = _month_of(local, tz)
    if record.start + dt.timedelta(seconds=record.elapsed_seconds) <= end:
        return [(label, local.date(), record.elapsed_seconds)]  # the usual case: one month
    return [
        (str(month), max(record.start, month.start(tz)).astimezone(tz).date(), seconds)
        for month, seconds in seconds_by_month(record.start, record.elapsed_seconds, tz)
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


def new_rows(record_id: int, record: UsageRecord, tz: zoneinfo.ZoneInfo) -> list[UsageCharge]:
    return [
        UsageCharge(
            record_id=record_id,
            project_code=record.account,
            chip=chip,
            partition=record.partition,
            month=month,
            day=day,
            gpu_seconds=seconds,
        )
        for (month, chip), (day, seconds) in desired(record, tz).items()
        if seconds
    ]


def correction_rows(
    record_id: int,
    record: UsageRecord,
    existing: Iterable[UsageCharge],
    tz: zoneinfo.ZoneInfo,
) -> list[UsageCharge]:
    """Unbilled rows that bring the record's charges to what it should be.

    Billed rows stay as they are; the caller deletes the old unbilled rows first. The difference
    may be negative (a job read as longer than it finally ran).
    """
    billed: dict[Slot, int] = {}
    for row in existing:
        if row.period_id is not None:
            slot = (row.month, row.chip)
            billed[slot] = billed.get(slot, 0) + row.gpu_seconds
    want = desired(record, tz)
    rows: list[UsageCharge] = []
    for slot in sorted(set(want) | set(billed)):
        day, seconds = want.get(slot, (_first_day(slot[0], tz), 0))
        delta = seconds - billed.get(slot, 0)
        if delta:
            rows.append(
                UsageCharge(
                    record_id=record_id,
                    project_code=record.account,
                    chip=slot[1],
                    partition=record.partition,
                    month=slot[0],
                    day=day,
                    gpu_seconds=delta,
                )
            )
    return rows


def _first_day(month: str, tz: zoneinfo.ZoneInfo) -> dt.date:
    return Month.parse(month).start(tz).astimezone(tz).date()
