"""Alerts at 80 % and 100 % of released GPU-hours and of the subsidy cap, each level sent once.

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
from aisc.web.billing import ledger
from aisc.web.billing.models import AlertState, UsageCharge
from aisc.web.billing.projects import Directory, Project

GPU_HOURS = "gpu_hours"
SUBSIDY_CAP = "subsidy_cap"


def used_gpu_hours(codes: Sequence[str]) -> dict[str, Decimal]:
    rows = (
        UsageCharge.objects.filter(project_code__in=codes)
        .values("project_code")
        .annotate(seconds=Sum("gpu_seconds"))
    )
    return {r["project_code"]: Decimal(r["seconds"]) / Decimal(3600) for r in rows}


def check_usage(codes: Sequence[str], directory: Directory) -> list[tuple[str, str, int]]:
    """After an ingest: GPU-hours used against the hours released so far."""
    projects = []
    for code in codes:
        try:
            projects.append(directory.get(code))
        except NotFound:
            continue
    limited = [p for p in projects if p.released_gpu_hours is not None]
    used = used_gpu_hours([p.code for p in limited])
    sent = []
    for project in limited:
        assert project.released_gpu_hours is not None
        sent += _raise(
            project, GPU_HOURS, used.get(project.code, Decimal(0)), project.released_gpu_hours
        )
    return sent


def check_cap(projects: Iterable[Project]) -> list[tuple[str, str, int]]:
    """After a close: subsidy disbursed against the award's cap."""
    balances = ledger.balances(f"{accounts.Kind.DISBURSED}:")
    sent = []
    for project in projects:
        if project.terms is None or project.award is None:
            continue
        a = project.award
        used = balances.get(accounts.disbursed(a.scheme, a.call, a.project), Decimal(0))
        sent += _raise(project, SUBSIDY_CAP, used, project.terms.cap)
    return sent


def _raise(
    project: Project, measure: str, used: Decimal, limit: Decimal
) -> list[tuple[str, str, int]]:
    state, _ = AlertState.objects.get_or_create(project_code=project.code, measure=measure)
    levels = new_levels(state.level, used, limit)
    if not levels:
        return []
    state.level = levels[-1]
    state.updated_at = timezone.now()
    state.save(update_fields=["level", "updated_at"])
    _mail(project, measure, levels[-1], used, limit)
    return [(project.code, measure, levels[-1])]


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
        notify.send(user, SUBJECTS[measure] % context, "billing/mail/alert.txt", context)
