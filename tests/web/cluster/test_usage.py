"""The embedded cluster's jobs are metered through the sacct path: parsed as `sacct --parsable2`
text, ingested with the key (cluster, job id, submit), running jobs corrected until they end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aisc.adapters.slurm.usage import parse_sacct
from aisc.web.allocations.models import Allocation
from aisc.web.billing.ingest import periodic, sources
from aisc.web.billing.models import UsageRecord
from aisc.web.cluster import service, usage
from aisc.web.cluster.models import EmbeddedJob
from tests.web.cluster.conftest import EPOCH, HK, HOUR

pytestmark = pytest.mark.django_db

Job = Callable[..., EmbeddedJob]


def test_a_job_renders_as_a_sacct_line_the_slurm_parser_reads_back(
    make_allocation: Callable[..., Allocation], job: Job
) -> None:
    make_allocation()
    stored = job(gpus=4, hours=26, limit_hours=30)
    service.advance(EPOCH + 27 * HOUR)
    stored.refresh_from_db()
    text = usage.sacct_text([stored], EPOCH + 27 * HOUR, HK)
    assert text.splitlines()[1].split("|")[8] == "1-02:00:00"
    parsed = parse_sacct(text, "ignored", HK)
    assert parsed.rejects == []
    (record,) = parsed.records
    assert (record.cluster, record.job_id, record.account, record.user) == (
        "embedded",
        str(stored.pk),
        "com-a",
        "alice",
    )
    assert (record.submit, record.start, record.elapsed_seconds) == (EPOCH, EPOCH, 26 * 3600)
    assert (record.state, record.partition, record.gpus) == ("COMPLETED", "h800", (("h800", 4),))


def test_a_running_job_is_metered_so_far_and_corrected_once_it_ends(
    make_allocation: Callable[..., Allocation], job: Job
) -> None:
    make_allocation()
    stored = job(gpus=2, hours=3, limit_hours=4)
    now = EPOCH + HOUR
    moved = service.advance(now)
    first = sources.meter(moved.ended + moved.running, now, HK, "test:1")
    assert first is not None
    assert first.inserted == 1
    record = UsageRecord.objects.get()
    assert (record.cluster, record.job_id, record.state) == ("embedded", str(stored.pk), "RUNNING")
    assert record.elapsed_seconds == 3600
    later = EPOCH + 5 * HOUR
    moved = service.advance(later)
    second = sources.meter(moved.ended + moved.running, later, HK, "test:2")
    assert second is not None
    assert second.corrected == 1
    record = UsageRecord.objects.get()
    assert (record.state, record.elapsed_seconds) == ("COMPLETED", 3 * 3600)
    assert sources.meter([], later, HK, "test:3") is None


def test_the_embedded_reader_lists_the_jobs_that_ran_in_the_window(
    make_allocation: Callable[..., Allocation], job: Job
) -> None:
    make_allocation()
    early = job(gpus=8, hours=1)
    late = job(gpus=8, hours=1, at=EPOCH + 10 * HOUR)
    job(gpus=8, hours=1, at=EPOCH + 30 * HOUR)  # submitted after the window
    service.advance(EPOCH + 20 * HOUR)
    assert usage.started_between(EPOCH, EPOCH + 20 * HOUR) == [early, late]
    assert usage.started_between(EPOCH + 2 * HOUR, EPOCH + 20 * HOUR) == [late]
    reading = sources.reader_for("embedded")(EPOCH + 9 * HOUR, EPOCH + 20 * HOUR, HK)
    assert (reading.kind, reading.times_tz) == ("sacct", None)  # local times, as sacct prints
    assert reading.label.startswith("embedded:")
    # Only the job that started in the window, read from the job ids column: a small id such as
    # 8 also appears elsewhere in the text, in the GPU counts (gpu=8).
    assert [line.split("|")[0] for line in reading.text.splitlines()[1:]] == [str(late.pk)]


def test_billings_periodic_ingest_meters_the_embedded_cluster_from_its_watermark(
    make_allocation: Callable[..., Allocation], job: Job, settings: Any
) -> None:
    settings.AISC_CLUSTER = "embedded"
    make_allocation()
    done = job(gpus=2, hours=1)
    running = job(gpus=4, hours=10, limit_hours=12, at=EPOCH + 2 * HOUR)
    now = EPOCH + 3 * HOUR
    service.advance(now)
    detail = periodic.ingest_due(now)
    assert "read 2 job records, 2 new" in detail
    records = dict(UsageRecord.objects.values_list("job_id", "state"))
    assert records == {str(done.pk): "COMPLETED", str(running.pk): "RUNNING"}
    assert set(UsageRecord.objects.values_list("cluster", flat=True)) == {usage.CLUSTER}


def test_elapsed_times_print_as_sacct_prints_them() -> None:
    assert usage._elapsed(59) == "00:00:59"
    assert usage._elapsed(3 * 86_400 + 3661) == "3-01:01:01"
