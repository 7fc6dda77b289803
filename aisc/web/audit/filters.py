"""Filters shared by the audit page and the audit API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from aisc.web.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    verb: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def apply_filter(qs: QuerySet[AuditEvent], f: AuditFilter) -> QuerySet[AuditEvent]:
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    if f.verb:
        qs = qs.filter(verb__startswith=f.verb)
    if f.object_type:
        qs = qs.filter(object_type__iexact=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs
