"""`aisc worker` advances the embedded cluster to now every AISC_EMBEDDED_ADVANCE_SECONDS
(default 60) and meters what that advance ended and what runs, so the demo shows live usage.
Billing's own `billing.ingest` also reads the cluster (reader `embedded`) from its watermark every
AISC_USAGE_INGEST_MINUTES, which catches anything an interrupted run left unmetered; records read
twice change nothing. With AISC_CLUSTER=slurm there is no embedded cluster and the task does
nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from aisc.web import worker_tasks
from aisc.web.billing.ingest import sources
from aisc.web.billing.ingest.batches import IngestReport
from aisc.web.cluster import service, usage
from aisc.web.cluster.models import EmbeddedJob


def meter(
    jobs: list[EmbeddedJob], now: dt.datetime, tz: zoneinfo.ZoneInfo, label: str
) -> IngestReport | None:
    """Meter these jobs through billing's sacct path now; None when there is nothing to meter."""
    if not jobs:
        return None
    reading = sources.Reading(label, usage.sacct_text(jobs, now, tz), "sacct")
    return sources.ingest_reading(reading, usage.CLUSTER, tz)


def advance_and_meter() -> str:
    if settings.AISC_CLUSTER != "embedded":
        return "AISC_CLUSTER is not embedded: nothing to advance"
    moved = service.advance()
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    report = meter(moved.ended + moved.running, moved.now, tz, f"embedded:{moved.now.isoformat()}")
    metered = 0 if report is None else report.inserted + report.corrected
    return f"{moved.describe()}; {metered} usage records new or corrected"


ADVANCE_SECONDS = float(settings.AISC_EMBEDDED_ADVANCE_SECONDS)
worker_tasks.register("cluster.advance", ADVANCE_SECONDS, advance_and_meter)
