"""The embedded cluster's jobs as `sacct --parsable2` text, for the same metering path as a
real Slurm's: billing's reader `embedded` (billing.ingest.sources.READERS) hands this text to
the parser (aisc.adapters.slurm.usage) → ingest → charges, keyed by cluster, job id and submit
time. Running jobs are reported with their elapsed time so far and corrected until they end, as
`sacct` reports them. Times are the portal's local time without an offset, as sacct prints."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db.models import Q

from aisc.adapters.slurm.usage import FIELDS
from aisc.web.cluster.models import EmbeddedJob, JobState

CLUSTER = "embedded"  # the Cluster column of its records
STAMP = "%Y-%m-%dT%H:%M:%S"


def _elapsed(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}-{clock}" if days else clock


def sacct_line(job: EmbeddedJob, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """One job-level line; sacct prints the cluster's local time without an offset."""
    assert job.start_at is not None, "only started jobs have usage"
    end = job.end_at or now
    seconds = max(0, round((end - job.start_at).total_seconds()))
    cells = (
        str(job.pk),
        CLUSTER,
        job.account,
        job.user,
        job.partition,
        job.state,
        job.submit_at.astimezone(tz).strftime(STAMP),
        job.start_at.astimezone(tz).strftime(STAMP),
        _elapsed(seconds),
        f"billing={job.gpus},gres/gpu={job.gpus},gres/gpu:{job.chip}={job.gpus}",
    )
    return "|".join(cells)


def sacct_text(jobs: Iterable[EmbeddedJob], now: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    lines = ["|".join(FIELDS), *(sacct_line(job, now, tz) for job in jobs)]
    return "\n".join(lines) + "\n"


def started_between(since: dt.datetime, until: dt.datetime) -> list[EmbeddedJob]:
    """Jobs that ran at some time in [since, until): what `sacct --starttime --endtime` lists."""
    ran = Q(state__in=[JobState.RUNNING, JobState.COMPLETED, JobState.TIMEOUT])
    overlaps = Q(start_at__lt=until) & (Q(end_at__isnull=True) | Q(end_at__gte=since))
    return list(EmbeddedJob.objects.filter(ran & overlaps).order_by("id"))


def window_text(since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """What `sacct --starttime SINCE --endtime UNTIL` would print for the embedded cluster."""
    return sacct_text(started_between(since, until), until, tz)
