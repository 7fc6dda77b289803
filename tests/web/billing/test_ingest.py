from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from aisc.web.audit.models import AuditEvent
from aisc.web.billing.closing import billed
from aisc.web.billing.ingest.batches import source_key
from aisc.web.billing.models import IngestCursor, RejectedLine, UsageCharge, UsageRecord
from tests.web.billing.conftest import HEADER, sacct_line

pytestmark = pytest.mark.django_db

Ingest = Callable[..., Any]


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    records = list(
        UsageRecord.objects.order_by("job_id").values_list(
            "cluster", "job_id", "submit", "elapsed_seconds", "state", "gpus"
        )
    )
    # summed per job, month, chip and billing period: corrections add delta rows
    sums: dict[tuple[Any, ...], int] = {}
    for c in UsageCharge.objects.select_related("record"):
        slot = (c.record.job_id, c.month, c.chip)
        key = (*slot, billed.period_of(c))
        sums[key] = sums.get(key, 0) + c.gpu_seconds
    charges = sorted(
        ((*key[:3], seconds, key[3]) for key, seconds in sums.items() if seconds),
        key=lambda row: (row[0], row[1], row[2], row[4] or ""),
    )
    return records, charges


def test_it_stores_one_record_and_its_charge_per_job(ingest_text: Ingest) -> None:
    report = ingest_text(sacct_line("1"), sacct_line("2", elapsed="00:30:00"))
    assert (report.inserted, report.corrected, report.unchanged) == (2, 0, 0)
    records, charges = snapshot()
    assert [r[1] for r in records] == ["1", "2"]
    assert charges == [
        ("1", "2026-03", "h800", 8 * 3600, None),
        ("2", "2026-03", "h800", 8 * 1800, None),
    ]
    event = AuditEvent.objects.get(verb="billing.usage.ingest")
    assert event.after is not None
    assert event.after["inserted"] == 2


def test_ingesting_the_same_window_twice_changes_nothing(ingest_text: Ingest) -> None:
    lines = [sacct_line(str(i)) for i in range(1, 6)]
    ingest_text(*lines)
    before = snapshot()
    again = ingest_text(*reversed(lines))  # other text, so read afresh, not resumed
    assert (again.resumed_at, again.unchanged, again.inserted) == (0, 5, 0)
    assert snapshot() == before


def test_a_running_job_is_corrected_until_it_ends(ingest_text: Ingest) -> None:
    ingest_text(sacct_line("7", state="RUNNING", elapsed="01:00:00"))
    ingest_text(sacct_line("7", state="RUNNING", elapsed="02:00:00"))
    report = ingest_text(sacct_line("7", state="COMPLETED", elapsed="03:00:00"))
    assert report.corrected == 1
    late = ingest_text(sacct_line("7", state="RUNNING", elapsed="09:00:00"))
    assert late.unchanged == 1
    records, charges = snapshot()
    assert len(records) == 1
    assert records[0][3:5] == (3 * 3600, "COMPLETED")
    assert charges == [("7", "2026-03", "h800", 8 * 3 * 3600, None)]


def test_a_job_across_a_month_boundary_is_charged_in_both_months(ingest_text: Ingest) -> None:
    ingest_text(sacct_line("8", start="2026-03-31T23:00:00", elapsed="03:00:00"))
    _, charges = snapshot()
    assert charges == [
        ("8", "2026-03", "h800", 8 * 3600, None),
        ("8", "2026-04", "h800", 8 * 2 * 3600, None),
    ]
    day = UsageCharge.objects.get(month="2026-04").day
    assert day.isoformat() == "2026-04-01"


def test_unknown_accounts_and_chips_are_rejected_and_the_rest_is_kept(ingest_text: Ingest) -> None:
    report = ingest_text(
        sacct_line("1"),
        sacct_line("2", account="nobody"),
        sacct_line("3", gpus="gres/gpu:mi300x=8,gres/gpu=8"),
        "broken|line",
        sacct_line("4", elapsed="-01:00:00"),
        sacct_line("5"),
    )
    assert report.inserted == 2
    messages = sorted((r.line_no, r.message) for r in report.rejects)
    assert messages[0] == (3, "account: unknown account 'nobody'")
    assert messages[1][0] == 4
    assert "mi300x" in messages[1][1]
    assert messages[2][0] == 5
    assert messages[3] == (6, "elapsed: must not be negative (got '-01:00:00')")
    assert RejectedLine.objects.count() == 4
    assert set(UsageRecord.objects.values_list("job_id", flat=True)) == {"1", "5"}


def test_small_batches_give_the_same_result_as_one_batch(ingest_text: Ingest) -> None:
    lines = [sacct_line(str(i), elapsed=f"0{i % 9}:00:00") for i in range(1, 40)]
    report = ingest_text(*lines, batch_size=7)
    assert report.inserted == 39
    total = sum(UsageCharge.objects.values_list("gpu_seconds", flat=True))
    assert total == sum(8 * (i % 9) * 3600 for i in range(1, 40))


def test_a_rerun_resumes_after_the_last_committed_batch(ingest_text: Ingest) -> None:
    lines = [sacct_line(str(i)) for i in range(1, 11)]
    ingest_text(*lines, batch_size=4)
    again = ingest_text(*lines, batch_size=4)
    assert again.resumed_at == 10
    assert (again.inserted, again.unchanged) == (0, 0)
    assert UsageRecord.objects.count() == 10


def test_a_cpu_only_job_is_recorded_without_charges(ingest_text: Ingest) -> None:
    ingest_text(sacct_line("1", gpus="cpu=4,mem=8G"))
    assert UsageRecord.objects.count() == 1
    assert UsageCharge.objects.count() == 0
    assert Decimal(0) == sum(UsageCharge.objects.values_list("gpu_seconds", flat=True))


def test_a_job_read_twice_in_one_text_is_stored_once_as_its_last_reading(
    ingest_text: Ingest,
) -> None:
    report = ingest_text(
        sacct_line("8", state="RUNNING", elapsed="01:00:00"),
        sacct_line("9"),
        sacct_line("8", state="COMPLETED", elapsed="03:00:00"),
    )
    assert (report.inserted, report.corrected, report.unchanged) == (2, 0, 0)
    records, charges = snapshot()
    assert [r[1::3] for r in records] == [("8", "COMPLETED"), ("9", "COMPLETED")]
    assert charges == [
        ("8", "2026-03", "h800", 8 * 3 * 3600, None),
        ("9", "2026-03", "h800", 8 * 3600, None),
    ]


def test_a_checkpoint_inside_a_batch_resumes_at_the_record_after_it(
    ingest_text: Ingest,
) -> None:
    """Checkpoints count records from the reading's start: one written with other batch sizes
    (here 5, then batches of 4) resumes mid-batch, with nothing before it read again."""
    lines = [sacct_line(str(i)) for i in range(1, 11)]
    source = source_key("test", "\n".join([HEADER, *lines]))
    IngestCursor.objects.create(source=source, position="5")
    report = ingest_text(*lines, batch_size=4)
    assert (report.resumed_at, report.read, report.inserted) == (5, 10, 5)
    assert sorted(UsageRecord.objects.values_list("job_id", flat=True), key=int) == [
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
    assert IngestCursor.objects.get(source=source).position == "10"


def test_in_a_batch_with_a_key_read_twice_a_refused_reading_is_rejected_and_changes_nothing(
    ingest_text: Ingest,
) -> None:
    report = ingest_text(
        sacct_line("8", state="RUNNING", elapsed="01:00:00"),
        sacct_line("9", account="nobody"),
        sacct_line("8", elapsed="03:00:00", gpus="gres/gpu:mi300x=8,gres/gpu=8"),
    )
    assert (report.inserted, report.corrected, report.unchanged) == (1, 0, 0)
    [(unknown, why_unknown), (unpriced, why_unpriced)] = [
        (r.line_no, r.message) for r in report.rejects
    ]
    assert (unknown, why_unknown) == (3, "account: unknown account 'nobody'")
    assert unpriced == 4
    assert "mi300x" in why_unpriced
    records, charges = snapshot()
    assert [r[1::3] for r in records] == [("8", "RUNNING")]
    assert charges == [("8", "2026-03", "h800", 8 * 3600, None)]
