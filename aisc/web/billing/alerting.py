"""Alerts at 80 % and 100 % of released GPU-hours (a tenant's; an award's allocation has its
credit lifecycle, allocations.credit) and of the subsidy cap, each level sent once.

Mail goes to the project's organisation members and to operators, through `aisc.web.notify.send`
(one mail per event, or the user's daily digest). At 100 % of released GPU-hours the Slurm budget
already holds new jobs (the allocation's GrpTRESMins); the mail says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.billing.alerts import new_levels
from aisc.core.errors import NotFound
from aisc.core.ledger import accounts
from aisc.web import notify
from aisc.web.accounts.models import Role, User
from aisc.web.allocations.models import Allocation
from aisc.web.billing.ledger import book
from aisc.web.billing.models import AlertState, UsageTotal
from aisc.web.billing.projects import Directory, Project

GPU_HOURS = "gpu_hours"
SUBSIDY_CAP = "subsidy_cap"


def used_gpu_hours(codes: Sequence[str]) -> dict[str, Decimal]:
    rows = (
        UsageTotal.objects.filter(project_code__in=codes)
        .values("project_code")
        .annotate(seconds=Sum("gpu_seconds"))
    )
    return {r["project_code"]: Decimal(r["seconds"]) / Decimal(3600) for r in rows}


Reading = tuple[Project, Decimal, Decimal]  # (project, used, limit)


def check_usage(codes: Sequence[str], directory: Directory) -> list[tuple[str, str, int]]:
    """After an ingest: GPU-hours used against the hours released so far."""
    projects = []
    for code in codes:
        try:
            projects.append(directory.get(code))
        except NotFound:
            continue
    # Awards' allocations are warned and stopped by their credit lifecycle (allocations.credit).
    followed = set(
        Allocation.objects.filter(award__isnull=False, project_code__in=codes).values_list(
            "project_code", flat=True
        )
    )
    limited = [p for p in projects if p.released_gpu_hours is not None and p.code not in followed]
    used = used_gpu_hours([p.code for p in limited])
    readings = [
        (p, used.get(p.code, Decimal(0)), p.released_gpu_hours or Decimal(0)) for p in limited
    ]
    return _raise(GPU_HOURS, readings)


def check_cap(projects: Iterable[Project]) -> list[tuple[str, str, int]]:
    """After a close: subsidy disbursed against the award's cap."""
    balances = book.balances(f"{accounts.Kind.DISBURSED}:")
    readings = [
        (
            p,
            balances.get(accounts.disbursed(p.award.scheme, p.award.call, p.code), Decimal(0)),
            p.terms.cap,
        )
        for p in projects
        if p.terms is not None and p.award is not None
    ]
    return _raise(SUBSIDY_CAP, readings)


def _raise(measure: str, readings: list[Reading]) -> list[tuple[str, str, int]]:
    """One query for the levels already sent; a write and a mail only where a level is new."""
    sent_before = dict(
        AlertState.objects.filter(
            measure=measure, project_code__in=[p.code for p, _, _ in readings]
        ).values_list("project_code", "level")
    )
    raised = []
    for project, used, limit in readings:
        levels = new_levels(sent_before.get(project.code, 0), used, limit)
        if levels:
            AlertState.objects.update_or_create(
                project_code=project.code,
                measure=measure,
                defaults={"level": levels[-1], "updated_at": timezone.now()},
            )
            _mail(project, measure, levels[-1], used, limit)
            raised.append((project.code, measure, levels[-1]))
    return raised


def recipients(organisation_id: int | None) -> list[User]:
    members = User.objects.filter(is_active=True, memberships__organisation_id=organisation_id or 0)
    operators = User.objects.filter(is_active=True, roles__code=Role.OPERATOR)
    return list((members | operators).distinct().order_by("pk"))


SUBJECTS = {
    GPU_HOURS: _("%(project)s has used %(level)s%% of its released GPU-hours"),
    SUBSIDY_CAP: _("%(project)s has used %(level)s%% of its subsidy cap"),
}


def _mail(project: Project, measure: str, level: int, used: Decimal, limit: Decimal) -> None:
    """Queued in the deciding transaction; each user gets it their way (one mail or digest)."""
    context: dict[str, Any] = {
        "project": project.code,
        "measure": measure,
        "level": level,
        "used": str(used.quantize(Decimal("0.01"))),
        "limit": str(limit),
    }
    for user in recipients(project.organisation_id):
        notify.send(user, SUBJECTS[measure], "billing/mail/alert.txt", context, params=context)
