"""The worker's periodic usage ingest: from a stored watermark (less an overlap) up to now, through
the configured cluster's reader. Slurm's `sacct` is replaced by a script on PATH that prints a
saved answer (or fails), so the real adapter, parser and ingest run."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum

from aisc.core.errors import RuleViolation
from aisc.web import worker_tasks
from aisc.web.accounts.models import Organisation
from aisc.web.allocations.models import Allocation
from aisc.web.billing.ingest import periodic, sources
from aisc.web.billing.models import IngestCursor, UsageCharge, UsageRecord
from aisc.web.catalogue.models import RateCard
from aisc.web.outbox.models import TaskRun
from tests.web.billing.conftest import HEADER

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)  # 12:00 in Hong Kong
EVERY = dt.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def tenant(make_org: Callable[..., Organisation], settings: Any) -> Allocation:
    """A commercial tenant on the real directory, and an H800 card at HK$20 (domain-facts §4.2)."""
    settings.AISC_CLUSTER = "slurm"
    RateCard.objects.create(chip_id="h800", valid_from=dt.date(2026, 1, 1), price=20)
    return Allocation.objects.create(
        project_code="tenant-kc",
        organisation=make_org(name_en="Kowloon Cloud Ltd"),
        parent_account="commercial",
        subsidised=False,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )


class FakeSacct:
    """A `sacct` on PATH: prints `answer` (UTC times, as under the adapter's TZ=UTC) or fails."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.args_file = folder / "sacct.args"
        self.answer_file = folder / "sacct.out"
        self.script = folder / "sacct"
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        self.answer()

    def answer(self, *lines: str) -> None:
        self.answer_file.write_text("\n".join([HEADER, *lines]) + "\n")
        self._write(f'cat "{self.answer_file}"')

    def fail(self, message: str) -> None:
        self._write(f'echo "{message}" >&2; exit 1')

    def _write(self, action: str) -> None:
        self.script.write_text(f'#!/bin/sh\necho "$@" > "{self.args_file}"\n{action}\n')
        self.script.chmod(self.script.stat().st_mode | stat.S_IEXEC)

    def window(self) -> tuple[str, str]:
        args = self.args_file.read_text().split()
        start = next(a for a in args if a.startswith("--starttime="))
        end = next(a for a in args if a.startswith("--endtime="))
        return start.split("=", 1)[1], end.split("=", 1)[1]


@pytest.fixture
def sacct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSacct:
    return FakeSacct(tmp_path, monkeypatch)


def job(
    job_id: str, state: str = "COMPLETED", elapsed: str = "01:00:00", start: str = "02:00:00"
) -> str:
    """One H800 job of the tenant on 10 March 2026; `start` is UTC, as sacct prints it here."""
    when = f"2026-03-10T{start}"
    return (
        f"{job_id}|aisc|tenant-kc|alice|h800|{state}|{when}|{when}|{elapsed}|"
        "gres/gpu:h800=2,gres/gpu=2"
    )


def snapshot() -> list[tuple[Any, ...]]:
    """Charges summed per job, month and day (corrections add delta rows)."""
    return list(
        UsageCharge.objects.values_list("record__job_id", "record__state", "month", "day")
        .annotate(seconds=Sum("gpu_seconds"))
        .order_by("record__job_id", "month", "day")
    )


def test_the_ingest_is_a_worker_task_every_configured_number_of_minutes() -> None:
    task = next(t for t in worker_tasks.registered() if t.name == periodic.TASK)
    assert task.every == dt.timedelta(minutes=15)  # AISC_USAGE_INGEST_MINUTES, default 15
    assert task.fn is periodic.ingest_due


def test_the_first_run_reads_from_the_start_of_the_local_month_and_sets_the_watermark(
    sacct: FakeSacct,
) -> None:
    sacct.answer(job("101"))
    detail = periodic.ingest_due(NOW)
    # 1 March 00:00 in Hong Kong is 28 February 16:00 UTC; sacct is asked in UTC
    assert sacct.window() == ("2026-02-28T16:00:00", "2026-03-10T04:00:00")
    assert periodic.watermark("slurm") == NOW
    assert "read 1 job records, 1 new, 0 corrected, 0 unchanged, 0 rejected" in detail
    # the job ran 02:00 to 03:00 UTC: 10:00 to 11:00 on 10 March in Hong Kong, 2 GPUs
    assert snapshot() == [("101", "COMPLETED", "2026-03", dt.date(2026, 3, 10), 2 * 3600)]


def test_each_later_run_reads_from_the_watermark_less_the_overlap(sacct: FakeSacct) -> None:
    periodic.ingest_due(NOW)
    periodic.ingest_due(NOW + EVERY)
    assert sacct.window() == ("2026-03-10T03:00:00", "2026-03-10T04:15:00")
    assert dt.timedelta(hours=1) == periodic.OVERLAP
    assert periodic.watermark("slurm") == NOW + EVERY
    periodic.ingest_due(NOW + 2 * EVERY)
    assert sacct.window() == ("2026-03-10T03:15:00", "2026-03-10T04:30:00")


def test_a_running_job_is_read_again_and_corrected_until_it_ends(sacct: FakeSacct) -> None:
    sacct.answer(job("202", state="RUNNING", elapsed="00:30:00"))
    periodic.ingest_due(NOW)
    sacct.answer(job("202", state="RUNNING", elapsed="00:45:00"))
    assert "1 corrected" in periodic.ingest_due(NOW + EVERY)
    sacct.answer(job("202", state="COMPLETED", elapsed="01:10:00"))
    assert "1 corrected" in periodic.ingest_due(NOW + 2 * EVERY)
    assert snapshot() == [("202", "COMPLETED", "2026-03", dt.date(2026, 3, 10), 2 * 4200)]


def test_running_the_same_window_again_changes_nothing(sacct: FakeSacct) -> None:
    sacct.answer(job("301"), job("302", elapsed="02:00:00"), job("303", state="RUNNING"))
    periodic.ingest_due(NOW)
    before = (snapshot(), UsageRecord.objects.count())
    IngestCursor.objects.filter(source=periodic.watermark_key("slurm")).delete()
    periodic.ingest_due(NOW)  # the very same window and answer: resumes past its end
    sacct.answer(job("303", state="RUNNING"), job("302", elapsed="02:00:00"), job("301"))
    detail = periodic.ingest_due(NOW)  # the same jobs, other text: read afresh
    assert "0 new, 0 corrected, 3 unchanged" in detail
    assert (snapshot(), UsageRecord.objects.count()) == before


def test_a_failing_sacct_leaves_the_watermark_and_reports_the_error_as_the_outcome(
    sacct: FakeSacct,
) -> None:
    periodic.ingest_due(NOW)
    sacct.fail("sacct: error: Invalid user id")
    task = next(t for t in worker_tasks.registered() if t.name == periodic.TASK)
    TaskRun.objects.create(name=task.name, due_at=NOW)
    outcome = worker_tasks.run_one(task)  # as `aisc worker` runs it, at the real time
    assert outcome.ok is False
    assert outcome.detail.startswith("SlurmCommandFailed: Slurm refused `sacct --allusers")
    assert "Invalid user id" in outcome.detail
    assert TaskRun.objects.get(name=periodic.TASK).last_error == outcome.detail
    assert periodic.watermark("slurm") == NOW
    sacct.answer(job("401"))
    periodic.ingest_due(NOW + 2 * EVERY)
    assert sacct.window() == ("2026-03-10T03:00:00", "2026-03-10T04:30:00")  # nothing skipped
    assert periodic.watermark("slurm") == NOW + 2 * EVERY
    assert [row[0] for row in snapshot()] == ["401"]


def test_a_rejected_line_goes_to_the_rejects_and_the_rest_is_ingested(sacct: FakeSacct) -> None:
    stranger = job("502").replace("tenant-kc", "stranger")
    sacct.answer(job("501"), stranger)
    detail = periodic.ingest_due(NOW)
    assert "1 new, 0 corrected, 0 unchanged, 1 rejected" in detail
    assert [row[0] for row in snapshot()] == ["501"]


def test_an_idle_embedded_cluster_reads_no_records_and_keeps_its_own_watermark(
    settings: Any,
) -> None:
    settings.AISC_CLUSTER = "embedded"
    assert sources.reader_for("embedded") is sources.read_embedded
    detail = periodic.ingest_due(NOW)
    assert detail.startswith("embedded 2026-03-01T00:00:00+08:00 to 2026-03-10T04:00:00+00:00")
    assert "read 0 job records" in detail
    assert periodic.watermark("embedded") == NOW
    assert periodic.watermark("slurm") is None
    assert UsageRecord.objects.count() == 0


def test_a_cluster_kind_without_a_reader_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as err:
        sources.reader_for("cloud")
    assert err.value.field == "cluster"
    assert "no usage reader for cluster kind 'cloud' (known: embedded, slurm)" in err.value.message


def test_a_new_usage_source_plugs_in_with_one_registry_line(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_embedded(since: dt.datetime, until: dt.datetime, tz: Any) -> sources.Reading:
        return sources.Reading(
            "embedded:test", "\n".join([HEADER, job("601")]), "sacct", sources.UTC
        )

    monkeypatch.setitem(sources.READERS, "embedded", read_embedded)
    settings.AISC_CLUSTER = "embedded"
    periodic.ingest_due(NOW)
    assert [row[0] for row in snapshot()] == ["601"]
