"""Usage rows as the writer stores them: one definition, the models', and the loop that fills it.

The columns of `UsageRecord` and `UsageCharge`, their order and their COPY types are read from
the Django models (`RECORD`, `CHARGE`); the record row is checked against them when this module is
loaded. A million-record ingest spent most of its time in per-record Python, so one loop goes from
the parsed record to the record's row and its charge rows (what it is charged: `charges.Charger`),
with caches for what repeats: per UTC hour, its text; per GPU list, its text.

A first reading is charged and checked in that loop. Any other batch comes here charged and
checked already (`checks.check`) and planned (`aisc.core.metering.plan`): the loop makes the rows
of the plan's new readings, and `corrections` the rows that rewrite stored records, from what the
same readings were charged and the stored charges, so no reading is charged twice.

SQLite gets times as UTC text, as Django writes them, and days as ISO text; PostgreSQL's binary
COPY takes the datetimes and dates themselves (psycopg encodes them in C).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from aisc.core.metering.records import FINAL_STATES, UsageRecord
from aisc.web.billing.ingest import charges
from aisc.web.billing.ingest.charges import Wanted
from aisc.web.billing.ingest.checks import Checked
from aisc.web.billing.models import UsageCharge
from aisc.web.billing.models import UsageRecord as RecordModel

# PostgreSQL's type for binary COPY, per kind of model field (varchar is sent as text: the same
# encoding; a foreign key holds its target's id).
_COPY_TYPES = {
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "ForeignKey": "int8",
    "CharField": "text",
    "BooleanField": "bool",
    "DateField": "date",
    "DateTimeField": "timestamptz",
}


@dataclass(frozen=True)
class Table:
    """A model's table as the writer fills it: columns in the model's order, and their types."""

    name: str
    columns: tuple[str, ...]
    copy_types: tuple[str, ...]

    @property
    def quoted(self) -> str:
        """The column list for SQL, each name quoted (`user` is a reserved word)."""
        return ", ".join(f'"{column}"' for column in self.columns)

    @classmethod
    def of(cls, model: type[models.Model], *, with_id: bool) -> Table:
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        return cls(
            model._meta.db_table,
            tuple(str(f.column) for f in fields),
            tuple(_COPY_TYPES[f.get_internal_type()] for f in fields),
        )


RECORD = Table.of(RecordModel, with_id=True)  # ids are given by the writer, under its lock
CHARGE = Table.of(UsageCharge, with_id=False)
# What a correction rewrites: every column but the id and the record's key.
_KEY = next(c for c in RecordModel._meta.constraints if isinstance(c, models.UniqueConstraint))
REWRITTEN = tuple(c for c in RECORD.columns[1:] if c not in _KEY.fields)
# The record row below: the id, the core record's fields in their order, then the ingest's own.
_ROW = ("id", *(f.name for f in dataclasses.fields(UsageRecord)), "final", "source", "updated_at")
if RECORD.columns != _ROW:  # pragma: no cover - fails at start-up when the model changes
    raise ImportError(f"billing rows: the record row {_ROW} is not the model's {RECORD.columns}")

_WITHIN_HOUR = tuple(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))
Gpus = tuple[tuple[str, int], ...]
FullSlot = tuple[str, str, str, str, dt.date]  # (project, partition, month, chip, day)
Delta = tuple[str, str, str, str, dt.date, int]  # a stored charge: a FullSlot and its GPU-seconds
Problem = Callable[[UsageRecord, Wanted], str | None]


Totals = dict[tuple[str, str], int]  # GPU-seconds per (project, chip)


@dataclass
class Rows:
    """A batch's rows: new records and their charges, records rewritten and the charges that
    correct them (in RECORD and CHARGE order), and the charges' GPU-seconds per project and chip;
    the readings refused, (index, why) in order, and the accounts of those kept."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    charges: list[tuple[Any, ...]] = field(default_factory=list)
    rewritten: list[tuple[Any, ...]] = field(default_factory=list)
    totals: Totals = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    accounts: set[str] = field(default_factory=set)


class RowMaker:
    """Builds rows for one ingest (one source, one time zone, one database)."""

    def __init__(
        self, tz: zoneinfo.ZoneInfo, problem: Problem, *, source: str, postgres: bool
    ) -> None:
        """`problem` is the ingest's check (`checks.Checker.problem`): None, or why a record with
        these charges is refused."""
        self.problem, self.source, self.postgres = problem, source, postgres
        self.charger = charges.Charger(tz, postgres=postgres)
        self._utc_text: dict[int, str] = {}
        self._gpus: dict[Gpus, str] = {}

    def rows(
        self,
        records: Sequence[UsageRecord],
        first_id: int,
        stamp: object,
        checked: tuple[Sequence[int], Checked] | None = None,
    ) -> Rows:
        """Rows of new records, numbered from first_id, in one pass over the readings.

        Without `checked` (a first reading: `stored.Found.all_new`): every reading, each
        charged and checked here, those refused left out and named in `rejected`. With it: the
        plan's new readings (no key stored, none twice), as `checks.check` charged them."""
        out = Rows()
        charge_rows, totals = out.charges, out.totals
        record_id = first_id
        indices: Sequence[int] = range(len(records))
        given: Checked | None = None
        if checked is not None:
            indices, given = checked
        wanted = self.charger.wanted
        for index in indices:
            record = records[index]
            if given is None:
                charged = wanted(record)
                why = self.problem(record, charged)
                if why is not None:
                    out.rejected.append((index, why))
                    continue
                out.accounts.add(record.account)
            else:
                charged = given.wanted[index]
            out.records.append(self._record_row(record_id, record, stamp))
            account, partition = record.account, record.partition
            for (month, chip), (day, seconds) in charged.items():
                if seconds:
                    charge_rows.append((record_id, account, chip, partition, month, day, seconds))
                    totals[account, chip] = totals.get((account, chip), 0) + seconds
            record_id += 1
        if given is not None:
            out.rejected, out.accounts = list(given.refused.items()), given.accounts
        return out

    def corrections(
        self,
        out: Rows,
        records: Sequence[UsageRecord],
        corrected: Sequence[tuple[int, int]],
        checked: Checked,
        existing: dict[int, list[Delta]],
        stamp: object,
    ) -> None:
        """Adds to `out` the stored records rewritten by the plan's `corrected` (stored id, index
        of the reading) and the delta charges that bring each record's charges (`existing`, by
        id) to what the reading was charged (`checked`)."""
        for record_id, index in corrected:
            record = records[index]
            out.rewritten.append(self._record_row(record_id, record, stamp))
            for project, partition, month, chip, day, delta in correction_deltas(
                record, checked.wanted[index], existing.get(record_id, [])
            ):
                on = day if self.postgres else day.isoformat()
                out.charges.append((record_id, project, chip, partition, month, on, delta))
                out.totals[project, chip] = out.totals.get((project, chip), 0) + delta

    def _record_row(self, record_id: int, r: UsageRecord, stamp: object) -> tuple[Any, ...]:
        """In `_ROW` order, which is the model's."""
        gpus = self._gpus.get(r.gpus)
        if gpus is None:
            gpus = self._gpus[r.gpus] = encode_gpus(r.gpus)
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


def encode_gpus(gpus: Gpus) -> str:
    """'chip=count,…', as the `gpus` column holds them; stored.decode_gpus reads them back."""
    return ",".join(f"{chip}={count}" for chip, count in gpus)


def correction_deltas(
    record: UsageRecord, wanted: Wanted, existing: Iterable[Delta]
) -> list[Delta]:
    """Deltas that bring the record's charges, summed per project, partition, month, chip and
    day, to `wanted` (what it is charged now, as `Charger.wanted` gives it); `existing` holds its
    charges written so far.

    Charges are append-only: rows already written stay, billed or not. A delta may be negative
    (a job read as longer than it finally ran, or usage that moved to another day or account).
    """
    have: dict[FullSlot, int] = {}
    for *slot, seconds in existing:
        key: FullSlot = tuple(slot)  # type: ignore[assignment]
        have[key] = have.get(key, 0) + seconds
    want: dict[FullSlot, int] = {
        (record.account, record.partition, month, chip, _date(day)): seconds
        for (month, chip), (day, seconds) in wanted.items()
    }
    deltas = (
        (slot, want.get(slot, 0) - have.get(slot, 0)) for slot in sorted(set(want) | set(have))
    )
    return [(*slot, delta) for slot, delta in deltas if delta]


def _date(day: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(day) if isinstance(day, str) else day
