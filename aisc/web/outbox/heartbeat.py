"""The heartbeat of an `aisc worker` process: a row it creates, renews and marks stopped.

Each beat also renews the leases of the messages the worker holds, so a long delivery keeps its
claim while the worker lives, and loses it only when the worker dies.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import secrets

from django.db.models import F
from django.utils import timezone

from aisc.web.outbox import dispatch
from aisc.web.outbox.models import OutboxMessage, State, WorkerHeartbeat

# Rows of workers stopped longer ago than this are removed when a worker starts.
KEEP_STOPPED = dt.timedelta(days=7)
# A worker silent this long died without stopping (kill -9, a lost host): it is marked stopped
# at its last beat when another worker starts, and no longer listed as running.
SILENT = dt.timedelta(minutes=10)


def start(now: dt.datetime | None = None) -> WorkerHeartbeat:
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(stopped_at__lt=now - KEEP_STOPPED).delete()
    WorkerHeartbeat.objects.filter(stopped_at__isnull=True, beat_at__lt=now - SILENT).update(
        stopped_at=F("beat_at")
    )
    host, pid = platform.node(), os.getpid()
    return WorkerHeartbeat.objects.create(
        name=f"{host}:{pid}:{secrets.token_hex(3)}", host=host, pid=pid, started_at=now, beat_at=now
    )


def beat(name: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(name=name).update(beat_at=now)
    OutboxMessage.objects.filter(claimed_by=name, state=State.PENDING).update(
        claimed_until=now + dispatch.LEASE
    )


def stop(name: str, now: dt.datetime | None = None) -> int:
    """Mark the worker stopped and give back what it still holds; returns how many claims."""
    released = dispatch.release(name)
    WorkerHeartbeat.objects.filter(name=name).update(stopped_at=now or timezone.now())
    return released
