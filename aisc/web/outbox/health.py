"""What /readyz and /metrics read about the worker and the outbox: cheap queries, no writes.

worker_heartbeat_age()  seconds since the newest beat of a running worker (None: none runs)
outbox_depth()          messages waiting to be delivered (pending, due or not)
outbox_lag()            seconds the oldest due, pending message has waited past its due time
dead_letter_count()     messages that failed AISC_OUTBOX_MAX_ATTEMPTS times and wait for an
                        operator (retry or discard)
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min
from django.utils import timezone

from aisc.web.outbox.models import OutboxMessage, State, WorkerHeartbeat


def worker_heartbeat_age(now: dt.datetime | None = None) -> float | None:
    now = now or timezone.now()
    newest = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).aggregate(at=Max("beat_at"))
    return None if newest["at"] is None else max((now - newest["at"]).total_seconds(), 0.0)


def outbox_depth() -> int:
    return OutboxMessage.objects.filter(state=State.PENDING).count()


def outbox_lag(now: dt.datetime | None = None) -> float:
    now = now or timezone.now()
    oldest = OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now).aggregate(
        at=Min("next_attempt_at")
    )
    return 0.0 if oldest["at"] is None else (now - oldest["at"]).total_seconds()


def dead_letter_count() -> int:
    return OutboxMessage.objects.filter(state=State.DEAD).count()


def running_workers(now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    """Workers not stopped that beat in the last ten minutes (heartbeat.SILENT)."""
    from aisc.web.outbox.heartbeat import SILENT

    since = (now or timezone.now()) - SILENT
    return list(
        WorkerHeartbeat.objects.filter(stopped_at__isnull=True, beat_at__gte=since).order_by(
            "started_at"
        )
    )
