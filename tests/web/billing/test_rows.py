"""The ingest's fast path (rows.RowMaker) stores exactly what the ORM stores by the general rules
of charges.desired."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisc.core.metering.records import UsageRecord as Core
from aisc.web.billing.ingest import charges, checks, rows, writer
from aisc.web.billing.ingest.stored import next_record_id
from aisc.web.billing.models import UsageCharge, UsageRecord, UsageTotal
from aisc.web.billing.prices import SpanPrices
from aisc.web.billing.projects import StaticDirectory

# Whole-hour, half-hour and daylight-saving zones: the fast path must fall back where its hour
# cache does not hold (a local midnight or an offset change inside a UTC hour).
ZONES = ["Asia/Hong_Kong", "Europe/London", "Asia/Kolkata", "America/St_Johns"]


def maker(tz: str = "Asia/Hong_Kong", postgres: bool = False) -> rows.RowMaker:
    return rows.RowMaker(zoneinfo.ZoneInfo(tz), lambda r, w: None, source="s", postgres=postgres)


@given(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 1, 1), timezones=st.just(dt.UTC)))
def test_a_time_is_written_as_django_writes_it_to_sqlite(when: dt.datetime) -> None:
    # Django's SQLite backend stores str() of the naive UTC time (adapt_datetimefield_value)
    django_text = str(when.replace(tzinfo=None))
    assert maker().time_text(when) == maker().db_time(when) == django_text
    assert maker(postgres=True).db_time(when) is when  # binary COPY takes the datetime


def test_a_time_in_another_zone_is_written_in_utc() -> None:
    at = dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Hong_Kong"))
    assert maker().time_text(at) == "2026-03-01 01:30:05"


def record(
    job: int,
    start: dt.datetime | None,
    seconds: int,
    gpus: tuple[tuple[str, int], ...],
    queued: int = 0,
) -> Core:
    """A job submitted `queued` seconds before it started (sacct often reports none)."""
    submit = (start or dt.datetime(2026, 3, 1, tzinfo=dt.UTC)) - dt.timedelta(seconds=queued)
    return Core("aisc", str(job), submit, start, seconds, "p2026a-001", "alice", "h800",
                "COMPLETED", gpus)  # fmt: skip


def stored() -> tuple[list[Any], list[Any], list[Any]]:
    records = list(
        UsageRecord.objects.order_by("job_id").values_list(
            "job_id", "submit", "start", "elapsed_seconds", "gpus", "final"
        )
    )
    charges = sorted(
        UsageCharge.objects.values_list(
            "record__job_id", "project_code", "chip", "partition", "month", "day", "gpu_seconds"
        )
    )
    totals = sorted(UsageTotal.objects.values_list("project_code", "chip", "gpu_seconds"))
    return records, charges, totals


def fast_rows(
    made: rows.RowMaker, records: list[Core], first_id: int, stamp: object
) -> tuple[rows.Rows, list[tuple[int, str]]]:
    """As the ingest makes them for a batch that the plan finds all new: each record charged,
    checked and made into rows in one pass."""
    assert len({r.key for r in records}) == len(records)  # no key read twice, none stored
    built = made.rows(records, first_id, stamp)
    return built, built.rejected


def write_fast(records: list[Core], tz: zoneinfo.ZoneInfo, checker: Any) -> None:
    made = rows.RowMaker(tz, checker.problem, source="s", postgres=connection.vendor != "sqlite")
    first = next_record_id()
    built, _ = fast_rows(made, records, first, made.db_time(dt.datetime.now(dt.UTC)))
    writer.write(writer.prepare(built, source="s", position=0, first_id=first))


def write_through_orm(records: list[Core], tz: zoneinfo.ZoneInfo, checker: Any) -> None:
    for r in records:
        wanted = charges.desired(r, tz)
        if checker.problem(r, wanted) is not None:
            continue
        fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
        row = UsageRecord.objects.create(
            **{**fields, "gpus": rows.encode_gpus(r.gpus)}, final=r.final, source="s"
        )
        made = UsageCharge.objects.bulk_create(
            UsageCharge(
                record=row,
                project_code=r.account,
                chip=chip,
                partition=r.partition,
                month=month,
                day=day,
                gpu_seconds=seconds,
            )
            for (month, chip), (day, seconds) in wanted.items()
            if seconds
        )
        for charge in made:
            total, _ = UsageTotal.objects.get_or_create(
                project_code=charge.project_code, chip=charge.chip
            )
            total.gpu_seconds += charge.gpu_seconds
            total.save()


def stored_by(writer: Any, records: list[Core], tz: zoneinfo.ZoneInfo, checker: Any) -> Any:
    """What `writer` stores for the records (rolled back afterwards)."""
    with transaction.atomic():
        writer(records, tz, checker)
        found = stored()
        transaction.set_rollback(True)
    return found


STARTS = st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31), timezones=st.just(dt.UTC))
RUNS = st.lists(
    st.tuples(
        st.one_of(st.none(), STARTS, STARTS.map(lambda t: t.replace(microsecond=0))),
        st.integers(0, 40 * 86400),
        st.sampled_from([(("h800", 8),), (("br104", 2), ("h800", 1)), ()]),
        st.sampled_from([0, 0, 1, 59, 3600, 86400 + 7]),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(runs=RUNS, zone=st.sampled_from(ZONES))
def test_the_fast_path_stores_what_the_orm_stores_by_the_general_rules(
    runs: list[tuple[dt.datetime | None, int, tuple[tuple[str, int], ...], int]],
    zone: str,
    prices: SpanPrices,
    directory: StaticDirectory,
) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    records = [record(i, *run) for i, run in enumerate(runs)]
    checker = checks.Checker(directory, prices, tz)
    fast = stored_by(write_fast, records, tz, checker)
    assert fast == stored_by(write_through_orm, records, tz, checker)


@pytest.mark.django_db
def test_a_record_the_checker_refuses_gets_no_rows_and_its_reason(
    prices: SpanPrices, directory: StaticDirectory
) -> None:
    tz = zoneinfo.ZoneInfo("Asia/Hong_Kong")
    start = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)
    good, unpriced = record(1, start, 3600, (("h800", 8),)), record(2, start, 60, (("x9", 1),))
    checker = checks.Checker(directory, prices, tz)
    made = rows.RowMaker(tz, checker.problem, source="s", postgres=False)
    built, rejected = fast_rows(made, [unpriced, good], 10, "2026-03-02 02:00:00")
    assert [row[:3] for row in built.records] == [(10, "aisc", "1")]
    assert built.charges == [(10, "p2026a-001", "h800", "h800", "2026-03", "2026-03-02", 28800)]
    [(index, message)] = rejected
    assert index == 0
    assert "x9" in message
    assert {row[rows.RECORD.columns.index("account")] for row in built.records} == {"p2026a-001"}
