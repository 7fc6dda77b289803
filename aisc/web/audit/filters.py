"""Filters shared by the audit page and the audit API.

A verb filter is a prefix (`grants.` finds every grants row). Verbs follow `app.noun.verb`;
rows written before accounts and allocations adopted it keep their earlier names, because a row
is never rewritten (the hash chain covers the verb). `EARLIER_NAMES` maps each renamed verb to
its earlier name, so filtering by the name now also finds those rows, and `aisc audit verify`
still passes over them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from aisc.core.allocations.lifecycle import TRANSITIONS as ALLOCATION_STEPS
from aisc.web.audit.models import AuditEvent

EARLIER_NAMES: dict[str, str] = {
    "accounts.api_token.create": "api_token.create",
    "accounts.api_token.revoke": "api_token.revoke",
    "accounts.api_token.revoke_all": "api_token.revoke_all",
    "accounts.membership.accept": "membership.accept",
    "accounts.membership.change_role": "membership.change_role",
    "accounts.membership.decline": "membership.decline",
    "accounts.membership.invite": "membership.invite",
    "accounts.membership.remove": "membership.remove",
    "accounts.organisation.create": "organisation.create",
    "accounts.organisation.update": "organisation.update",
    "accounts.user.create": "user.create",
    "accounts.user.set_roles": "user.set_roles",
    "accounts.user.update_profile": "user.update_profile",
    "allocations.allocation.create": "allocation.create",
    "allocations.allocation.members": "allocation.members",
    "allocations.allocation.release": "allocation.release",
    "allocations.change.decide": "allocation.change.decide",
    "allocations.change.request": "allocation.change.request",
    "allocations.slurm.apply": "slurm.apply",
}

EARLIER_NAMES |= {
    f"allocations.allocation.{step}": f"allocation.{step}"
    for steps in ALLOCATION_STEPS.values()
    for step in steps
}


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
        earlier = [old for new, old in EARLIER_NAMES.items() if new.startswith(f.verb)]
        qs = qs.filter(Q(verb__startswith=f.verb) | Q(verb__in=earlier))
    if f.object_type:
        qs = qs.filter(object_type__iexact=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs
