"""API: browse the audit log (auditors and admins)."""

# No `from __future__ import annotations` here: django-ninja resolves Query[...] and schema
# annotations at import time.

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from aisc.web.accounts import authz
from aisc.web.audit.filters import AuditFilter, apply_filter
from aisc.web.audit.models import AuditEvent

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    actor_label: str
    verb: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    at: dt.datetime
    request_id: str
    client_ip: str | None
    hash: str


class AuditQuery(Schema):
    actor: str | None = None
    verb: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/events", response=list[AuditOut])
@paginate(page_size=100)
def list_events(request: HttpRequest, q: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    authz.require(request.user, "audit.view")
    return apply_filter(AuditEvent.objects.all(), AuditFilter(**q.dict()))
