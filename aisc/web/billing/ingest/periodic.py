"""The worker's usage ingest (`billing.ingest`, every AISC_USAGE_INGEST_MINUTES).

Each run reads the configured cluster (`sources.READERS[AISC_CLUSTER]`) from its watermark, the end
of the last successful read, less OVERLAP, up to now. sacct selects every job active in the window,
so a job still running is read again on every run and corrected until it ends; the overlap also
catches records the accounting daemon writes late. Records read twice change nothing (ingest is
keyed by cluster + job id + submit time). The watermark moves only after the whole window is
ingested: a cluster that cannot be read raises, the worker stores the error as the task's outcome,
and the next run reads from the same place.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from aisc.web.billing.ingest import sources
from aisc.web.billing.models import IngestCursor

TASK = "billing.ingest"
OVERLAP = dt.timedelta(hours=1)
CLUSTER = "aisc"  # the cluster's name where a record carries none (as `aisc usage ingest`)


def watermark_key(kind: str) -> str:
    return f"watermark:{kind}"


def watermark(kind: str) -> dt.datetime | None:
    """The end of the last window read in full from this kind of cluster; None before any."""
    row = IngestCursor.objects.filter(source=watermark_key(kind)).first()
    return dt.datetime.fromisoformat(row.position) if row else None


def window_start(kind: str, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """From the watermark less the overlap; on the very first run, from the start of the current
    local month (earlier usage is loaded once with `aisc usage ingest --since`)."""
    mark = watermark(kind)
    if mark is not None:
        return mark - OVERLAP
    local = now.astimezone(tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def ingest_due(now: dt.datetime | None = None) -> str:
    """Read and ingest the window since the watermark; move the watermark on once it is stored."""
    now = now or timezone.now()
    kind = settings.AISC_CLUSTER
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    since = window_start(kind, now, tz)
    reading = sources.reader_for(kind)(since, now, tz)
    report = sources.ingest_reading(reading, CLUSTER, tz)
    IngestCursor.objects.update_or_create(
        source=watermark_key(kind), defaults={"position": now.isoformat(), "updated_at": now}
    )
    return (
        f"{kind} {since.isoformat()} to {now.isoformat()}: read {report.read} job records, "
        f"{report.inserted} new, {report.corrected} corrected, {report.unchanged} unchanged, "
        f"{len(report.rejects)} rejected"
    )
