"""`aisc worker` advances the embedded cluster to now every AISC_EMBEDDED_ADVANCE_SECONDS
(default 60) and meters what ended and what runs, so the demo shows live usage. With
AISC_CLUSTER=slurm there is no embedded cluster and the task does nothing."""

from __future__ import annotations

import os
import zoneinfo

from django.conf import settings

from aisc.web import worker_tasks
from aisc.web.cluster import service, usage


def advance_and_meter() -> str:
    if settings.AISC_CLUSTER != "embedded":
        return "AISC_CLUSTER is not embedded: nothing to advance"
    moved = service.advance()
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    report = usage.ingest_jobs(
        moved.ended + moved.running, moved.now, tz, f"embedded:{moved.now.isoformat()}"
    )
    metered = 0 if report is None else report.inserted + report.corrected
    return f"{moved.describe()}; {metered} usage records new or corrected"


ADVANCE_SECONDS = float(os.environ.get("AISC_EMBEDDED_ADVANCE_SECONDS", "60"))
worker_tasks.register("cluster.advance", ADVANCE_SECONDS, advance_and_meter)
