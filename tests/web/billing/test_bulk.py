"""Bulk writes of usage (executemany on SQLite, COPY on PostgreSQL) and the keyed lookup."""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest

from aisc.web.billing.ingest import stored
from aisc.web.billing.models import UsageCharge, UsageRecord
from tests.web.billing.conftest import sacct_line

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
Ingest = Callable[..., Any]


def test_a_stored_time_is_read_back_as_an_aware_utc_time() -> None:
    want = dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert stored.aware("2026-03-01 01:30:00") == want
    assert stored.aware(dt.datetime(2026, 3, 1, 1, 30)) == want
    assert stored.aware(want.astimezone(HK)) == want


@pytest.mark.django_db
def test_records_and_charges_written_in_bulk_read_back_through_the_orm(
    ingest_text: Ingest,
) -> None:
    ingest_text(sacct_line("1", start="2026-03-31T23:30:00", elapsed="01:00:00"))
    record = UsageRecord.objects.get()
    assert record.submit == dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)
    assert (record.gpus, record.final, record.state) == ("h800=8", True, "COMPLETED")
    assert list(
        UsageCharge.objects.order_by("month").values_list(
            "record_id", "month", "day", "gpu_seconds"
        )
    ) == [
        (record.pk, "2026-03", dt.date(2026, 3, 31), 8 * 1800),
        (record.pk, "2026-04", dt.date(2026, 4, 1), 8 * 1800),
    ]


@pytest.mark.django_db
def test_ids_continue_after_the_stored_ones_and_the_orm_can_still_insert(
    ingest_text: Ingest,
) -> None:
    ingest_text(sacct_line("1"), sacct_line("2"))
    ingest_text(sacct_line("3"))
    ids = list(UsageRecord.objects.order_by("job_id").values_list("pk", flat=True))
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    # After explicit ids, PostgreSQL's sequence was moved past them: an ORM insert still works.
    orm = UsageRecord.objects.create(
        cluster="aisc", job_id="9", submit=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        elapsed_seconds=0, account="p2026a-001", user="u", partition="h800", state="PENDING",
        gpus="", source="orm",
    )  # fmt: skip
    assert orm.pk > ids[-1]


@pytest.mark.django_db
def test_the_same_job_id_on_two_clusters_or_submit_times_is_two_records(
    ingest_text: Ingest,
) -> None:
    first = sacct_line("5")
    other_cluster = first.replace("|aisc|", "|other|")
    resubmitted = sacct_line("5", start="2026-03-09T10:00:00")
    report = ingest_text(first, other_cluster, resubmitted)
    assert report.inserted == 3
    again = ingest_text(resubmitted, other_cluster, first)
    assert (again.inserted, again.unchanged) == (0, 3)
    assert UsageRecord.objects.filter(job_id="5").count() == 3


@pytest.mark.django_db
def test_stored_keys_finds_only_the_clusters_records() -> None:
    UsageRecord.objects.create(
        cluster="aisc", job_id="7", submit=dt.datetime(2026, 3, 1, 1, tzinfo=dt.UTC),
        elapsed_seconds=60, account="p", user="u", partition="h800", state="COMPLETED",
        gpus="h800=1", source="test",
    )  # fmt: skip
    [(row_id, job_id, submit)] = stored.stored_keys("aisc", ["7", "8"])
    assert (job_id, submit) == ("7", dt.datetime(2026, 3, 1, 1, tzinfo=dt.UTC))
    assert row_id == UsageRecord.objects.get().pk
    assert stored.stored_keys("other", ["7"]) == []
    assert stored.stored_keys("aisc", []) == []


def test_dense_numeric_ids_are_read_as_ranges_per_length_and_the_rest_one_by_one() -> None:
    ranges, others = stored.dense_ranges(["100", "101", "105", "99", "98", "12_3", "007", "0"])
    assert sorted(ranges) == [("0", "0"), ("100", "105"), ("98", "99")]
    assert sorted(others) == ["007", "12_3"]  # an array task and a zero-padded id: not numbers
    # ids of one length far apart would make a range read what lies between: probed one by one
    assert stored.dense_ranges(["1000", "9000"]) == ([], ["1000", "9000"])


@pytest.mark.django_db
def test_stored_keys_finds_every_stored_id_whatever_its_shape(ingest_text: Ingest) -> None:
    ids = ["100", "101", "1000", "12_3", "007", "99"]
    ingest_text(*(sacct_line(job) for job in ids))
    found = {job_id for _, job_id, _ in stored.stored_keys("aisc", ["100", "12_3", "007", "99"])}
    # "1000" sorts between "100" and "101" as text: the range returns it too, the caller's key
    # set leaves it out; nothing asked for is missed
    assert {"100", "12_3", "007", "99"} <= found <= set(ids)
