"""API: the worker's state and the dead letters, which operators retry or discard."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import time.

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from aisc.web.accounts import authz
from aisc.web.backoffice import outbox_actions as actions
from aisc.web.outbox import health
from aisc.web.outbox.models import OutboxMessage, State

router = Router(tags=["outbox"])


class MessageOut(Schema):
    id: int
    kind: str
    state: str
    payload: Any
    created_at: dt.datetime
    attempts: int
    dead_at: dt.datetime | None
    last_error: str


class WorkerOut(Schema):
    name: str
    host: str
    pid: int
    started_at: dt.datetime
    beat_at: dt.datetime


class StatusOut(Schema):
    workers: list[WorkerOut]
    heartbeat_age_s: float | None
    depth: int
    lag_s: float
    dead_letters: int


@router.get("/status", response=StatusOut)
def status(request: HttpRequest) -> dict[str, Any]:
    authz.require(request.user, "outbox.view")
    return {
        "workers": health.running_workers(),
        "heartbeat_age_s": health.worker_heartbeat_age(),
        "depth": health.outbox_depth(),
        "lag_s": health.outbox_lag(),
        "dead_letters": health.dead_letter_count(),
    }


@router.get("/dead-letters", response=list[MessageOut])
@paginate(page_size=100)
def dead_letters(request: HttpRequest) -> QuerySet[OutboxMessage]:
    authz.require(request.user, "outbox.view")
    return OutboxMessage.objects.filter(state=State.DEAD).order_by("dead_at", "id")


@router.post("/dead-letters/{message_id}/retry", response=MessageOut)
def retry(request: HttpRequest, message_id: int) -> OutboxMessage:
    user = authz.acting_user(request)
    authz.require(user, "outbox.message.retry")
    return actions.do_retry_dead_letter(message_id, acting_user=user)


@router.post("/dead-letters/{message_id}/discard", response=MessageOut)
def discard(request: HttpRequest, message_id: int) -> OutboxMessage:
    user = authz.acting_user(request)
    authz.require(user, "outbox.message.discard")
    return actions.do_discard_dead_letter(message_id, acting_user=user)
