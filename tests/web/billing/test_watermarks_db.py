"""Charges are append-only; a close records a watermark instead of writing to its charges; usage
totals always equal the charges' sums."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.web.billing.closing import billed
from aisc.web.billing.ingest.metered import used_gpu_hours
from aisc.web.billing.models import (
    BillingPeriod,
    Statement,
    UsageCharge,
    UsageRecord,
    UsageTotal,
)
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db
Run = Callable[..., Any]


def charge_sums() -> dict[tuple[str, str], int]:
    rows = UsageCharge.objects.values("project_code", "chip").annotate(s=Sum("gpu_seconds"))
    return {(r["project_code"], r["chip"]): r["s"] for r in rows}


def totals() -> dict[tuple[str, str], int]:
    return {(t.project_code, t.chip): t.gpu_seconds for t in UsageTotal.objects.all()}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE billing_usagecharge SET gpu_seconds = 0",
        "DELETE FROM billing_usagecharge",
        "DELETE FROM billing_usagerecord",
    ],
)
def test_the_database_refuses_to_change_charges_or_delete_usage(ingest_text: Run, sql: str) -> None:
    ingest_text(sacct_line("1"))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(UsageCharge.objects.values_list("gpu_seconds", flat=True)) == [8 * 3600]
    assert UsageRecord.objects.count() == 1


def test_closing_a_month_records_its_watermark_and_leaves_the_charges_as_they_were(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1"), sacct_line("2", start="2026-04-02T10:00:00"))
    before = list(UsageCharge.objects.order_by("id").values_list())
    march = close("2026-03")
    assert march.charges_through == UsageCharge.objects.order_by("-id").first().pk  # type: ignore[union-attr]
    assert list(UsageCharge.objects.order_by("id").values_list()) == before
    by_month = {c.month: billed.period_of(c) for c in UsageCharge.objects.all()}
    assert by_month == {"2026-03": "2026-03", "2026-04": None}  # April's job waits for April


def test_a_correction_adds_delta_rows_and_keeps_the_totals(ingest_text: Run) -> None:
    ingest_text(sacct_line("1", state="RUNNING", elapsed="02:00:00"))
    ingest_text(sacct_line("1", state="COMPLETED", elapsed="00:30:00"))
    assert sorted(UsageCharge.objects.values_list("gpu_seconds", flat=True)) == [
        -8 * 5400,
        8 * 7200,
    ]
    assert totals() == {("p2026a-001", "h800"): 8 * 1800}
    assert used_gpu_hours("p2026a-001") == {"h800": 4}


def test_a_job_moved_to_another_account_leaves_nothing_on_the_first(ingest_text: Run) -> None:
    ingest_text(sacct_line("1", state="RUNNING"))
    ingest_text(sacct_line("1", state="COMPLETED", account="tenant-kc"))
    assert {k: v for k, v in charge_sums().items() if v} == {("tenant-kc", "h800"): 8 * 3600}
    assert totals() == charge_sums()


def close_if_allowed(close: Run, month: str) -> None:
    closed = set(BillingPeriod.objects.filter(state="closed").values_list("month", flat=True))
    if month in closed:
        return
    earlier = UsageCharge.objects.filter(billed.unbilled(), month__lt=month).exclude(
        month__in=closed
    )
    if earlier.exists():  # an earlier month with usage is still open: refused, nothing kept
        with pytest.raises(RuleViolation, match="is still open"):
            close(month, now=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    else:
        close(month, now=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))


STATES = ["RUNNING", "COMPLETED"]
STEP = st.one_of(
    st.tuples(
        st.just("read"),
        st.integers(1, 4),  # job
        st.sampled_from(STATES),
        st.integers(0, 40),  # hours run so far
        st.sampled_from(["p2026a-001", "tenant-kc"]),
    ),
    st.tuples(st.just("close"), st.sampled_from(["2026-03", "2026-04", "2026-05"])),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(STEP, max_size=12))
def test_usage_is_billed_once_and_totals_follow_every_correction(
    ingest_text: Run, close: Run, steps: list[tuple[Any, ...]]
) -> None:
    """Jobs start 30 March (so runs cross into April and May); readings and closes in any order.
    Whatever happens, every GPU-second on record is billed at most once, the part billed plus the
    part unbilled is what the jobs' last readings say, and the totals equal the charges."""
    with transaction.atomic():
        for step in steps:
            if step[0] == "read":
                _, job, state, hours, account = step
                line = sacct_line(
                    str(job), account, "2026-03-30T20:00:00", f"{hours:02d}:00:00", state
                )
                ingest_text(line)
            else:
                close_if_allowed(close, step[1])
        total = sum(charge_sums().values())
        on_statements = sum(Statement.objects.values_list("gpu_seconds", flat=True))
        unbilled = UsageCharge.objects.filter(billed.unbilled()).aggregate(s=Sum("gpu_seconds"))
        assert on_statements + (unbilled["s"] or 0) == total
        recorded = sum(8 * r.elapsed_seconds for r in UsageRecord.objects.all())
        assert total == recorded
        assert totals() == charge_sums()
        transaction.set_rollback(True)
