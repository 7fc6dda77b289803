"""New usage records turned into database rows in one pass: the ingest's hot path.

A million-record ingest spent most of its time in per-record Python: a dict of wanted charges,
a key built three times, each time formatted by `datetime.isoformat`. Here one loop goes from the
parsed record to the record's row and its charge rows, with caches for what repeats: per UTC hour,
its text and the local month and day it falls in; per GPU list, its text; per account and per
(chip, partition, day), whether it can be billed. A record the fast path cannot handle (its run
crosses a month end, or starts in an hour holding a local midnight or an offset change) takes the
general rules of `charges.desired`, which also define what the fast path must give.

SQLite gets times as UTC text, as Django writes them, and days as ISO text; PostgreSQL's binary
COPY takes the datetimes and dates themselves (psycopg encodes them in C).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aisc.core.metering.records import FINAL_STATES, UsageRecord
from aisc.web.billing.ingest import charges, corrections

_WITHIN_HOUR = tuple(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))
LocalHour = tuple[str, dt.date, str, float]  # month label, local day, its text, month end (POSIX)
_UNSEEN: LocalHour = ("", dt.date.min, "", 0.0)  # a cache sentinel: no hour maps to it
Gpus = tuple[tuple[str, int], ...]
# (month, chip) -> (the local day the use began: a date, or ISO text for SQLite; GPU-seconds)
Wanted = dict[tuple[str, str], tuple[Any, int]]
Problem = Callable[[UsageRecord, Wanted], str | None]


@dataclass
class Rows:
    """Rows of new records and their charges, in bulk.RECORD_COLUMNS / CHARGE_COLUMNS order."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    charges: list[tuple[Any, ...]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (index in batch, message)
    accounts: set[str] = field(default_factory=set)  # of the records kept
    totals: dict[tuple[str, str], int] = field(default_factory=dict)  # GPU-s per (project, chip)


class RowMaker:
    """Builds rows for one ingest (one source, one time zone, one database)."""

    def __init__(
        self, tz: zoneinfo.ZoneInfo, problem: Problem, *, source: str, postgres: bool
    ) -> None:
        """`problem` is the ingest's check: None, or why a record with these charges is refused."""
        self.tz, self.problem, self.source, self.postgres = tz, problem, source, postgres
        self._utc_text: dict[int, str] = {}
        self._local: dict[int, LocalHour | None] = {}
        self._gpus: dict[Gpus, str] = {}

    def rows(self, records: Sequence[UsageRecord], first_id: int, stamp: object) -> Rows:
        """Rows for records known to be new (none stored, no key twice), numbered from first_id."""
        out = Rows()
        totals = out.totals
        record_id = first_id
        for index, record in enumerate(records):
            wanted = self._charges(record)
            problem = self.problem(record, wanted)
            if problem is not None:
                out.rejected.append((index, problem))
                continue
            out.records.append(self._record_row(record_id, record, stamp))
            account, partition = record.account, record.partition
            out.accounts.add(account)
            for (month, chip), (day, seconds) in wanted.items():
                if seconds:
                    out.charges.append((record_id, account, chip, partition, month, day, seconds))
                    totals[account, chip] = totals.get((account, chip), 0) + seconds
            record_id += 1
        return out

    def _record_row(self, record_id: int, r: UsageRecord, stamp: object) -> tuple[Any, ...]:
        gpus = self._gpus.get(r.gpus)
        if gpus is None:
            gpus = self._gpus[r.gpus] = corrections.encode_gpus(r.gpus)
        submit: object = r.submit
        start: object = r.start
        if not self.postgres:
            submit = self.time_text(r.submit)
            # sacct often gives a job's start as its submit time: one conversion then
            if r.start is not None:
                start = submit if r.start == r.submit else self.time_text(r.start)
        return (
            record_id,
            r.cluster,
            r.job_id,
            submit,
            start,
            r.elapsed_seconds,
            r.account,
            r.user,
            r.partition,
            r.state,
            gpus,
            r.state in FINAL_STATES,
            self.source,
            stamp,
        )

    def db_time(self, when: dt.datetime) -> dt.datetime | str:
        return when if self.postgres else self.time_text(when)

    def time_text(self, when: dt.datetime) -> str:
        """'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, as Django's SQLite backend stores a time."""
        if when.microsecond:
            return str(when.astimezone(dt.UTC).replace(tzinfo=None))
        seconds = int(when.timestamp())
        hour = seconds // 3600
        prefix = self._utc_text.get(hour)
        if prefix is None:
            start = dt.datetime.fromtimestamp(hour * 3600, dt.UTC)
            prefix = self._utc_text[hour] = start.strftime("%Y-%m-%d %H")
        return f"{prefix}{_WITHIN_HOUR[seconds % 3600]}"

    def _charges(self, record: UsageRecord) -> Wanted:
        """What the record should be charged, as `charges.desired` (with the day as text)."""
        start, seconds = record.start, record.elapsed_seconds
        if start is None or not seconds or not record.gpus:
            return {}
        began = start.timestamp()
        hour = int(began) // 3600
        local = self._local.get(hour, _UNSEEN)
        if local is _UNSEEN:
            local = self._local[hour] = self._local_hour(hour)
        if local is None or began + seconds > local[3]:
            wanted = charges.desired(record, self.tz)
            if self.postgres:
                return wanted
            return {slot: (day.isoformat(), part) for slot, (day, part) in wanted.items()}
        month, day, day_text, _ = local
        on: dt.date | str = day if self.postgres else day_text
        return {(month, chip): (on, count * seconds) for chip, count in record.gpus}

    def _local_hour(self, hour: int) -> LocalHour | None:
        """charges.hour_facts of the hour, with the day also as text (for SQLite)."""
        facts = charges.hour_facts(dt.datetime.fromtimestamp(hour * 3600, dt.UTC), self.tz)
        return None if facts is None else (facts[0], facts[1], facts[1].isoformat(), facts[2])
