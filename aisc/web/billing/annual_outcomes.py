"""The annual report's sections beyond money: GPU-hours awarded per chip, the centre's
utilisation, outcomes (totals of people and follow-on funding) and KPIs, and overdue
obligations (definitions in aisc/web/billing/annual.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from aisc.core.grants.kpis import share_of_target
from aisc.core.grants.outputs import OutputKind
from aisc.core.grants.workflow import AwardStatus
from aisc.core.units import CENT
from aisc.web.billing.models import UsageCharge
from aisc.web.billing.money import gpu_hours
from aisc.web.catalogue.models import IN_SERVICE, Node
from aisc.web.grants.actions.obligations import obligation_of
from aisc.web.grants.models import Award, FollowUpSurvey, Kpi, Output

TOTALLED = (OutputKind.PEOPLE_HIRED, OutputKind.PEOPLE_TRAINED, OutputKind.FOLLOW_ON_FUNDING)


def utilisation(year: int) -> dict[str, Any]:
    """GPU-hours metered in the year's months (every project, awarded or commercial) over the GPUs
    of the nodes in service today x the hours of the months the centre metered usage in (node
    counts of the past are not kept), per partition and for the centre."""
    rows = (
        UsageCharge.objects.filter(month__startswith=f"{year:04d}-")
        .values("partition", "month")
        .annotate(seconds=Sum("gpu_seconds"))
    )
    used: dict[str, int] = defaultdict(int)
    months: set[str] = set()
    for row in rows:
        used[row["partition"]] += int(row["seconds"])
        months.add(row["month"])
    hours = sum(calendar.monthrange(year, int(m[5:7]))[1] * 24 for m in months)
    gpus: dict[str, int] = defaultdict(int)
    for node in Node.objects.filter(state__in=IN_SERVICE).select_related("node_type", "partition"):
        gpus[node.partition.name] += node.node_type.gpus
    partitions = {}
    for name in sorted(set(used) | set(gpus)):
        capacity = gpus.get(name, 0) * hours
        partitions[name] = _share(gpu_hours(used.get(name, 0)), capacity)
    total = _share(gpu_hours(sum(used.values())), sum(gpus.values()) * hours)
    return {"months_metered": len(months), "centre": total, "by_partition": partitions}


def _share(used: Decimal, capacity: int) -> dict[str, str]:
    share = (used / capacity).quantize(Decimal("0.0001")) if capacity else None
    return {
        "gpu_hours_used": str(used),
        "capacity_gpu_hours": str(capacity),
        "utilisation": "" if share is None else str(share),
    }


def gpu_hours_awarded_by_chip(awards: list[Award]) -> dict[str, str]:
    per_chip: dict[str, Decimal] = defaultdict(Decimal)
    for award in awards:
        per_chip[award.chip] += award.gpu_hours
    return {chip: str(hours) for chip, hours in sorted(per_chip.items())}


def overdue_obligations(year: int, today: dt.date | None = None) -> list[dict[str, str]]:
    """Final reports due on or before the year's end (or today, when earlier) and, on the day the
    report is produced, neither delivered nor waived; longest overdue first."""
    today = today or timezone.localdate()
    cutoff = min(dt.date(year, 12, 31), today)
    awards = (
        Award.objects.filter(status=AwardStatus.ACTIVE)
        .select_related("organisation", "application__call__scheme")
        .prefetch_related("reports")
    )
    late = []
    for award in awards:
        owed = obligation_of(award)
        if owed.overdue_on(cutoff):
            late.append((owed.due, award.project_code, award.organisation.name_en))
    return [
        {
            "award": code,
            "organisation": name,
            "due": due.isoformat(),
            "days_overdue": str((cutoff - due).days),
        }
        for due, code, name in sorted(late)
    ]


def kpis(year: int) -> list[dict[str, str]]:
    """Every KPI of an award running in the year, with the latest value reported by the year's
    end and how far it has come towards its target."""
    end = dt.date(year, 12, 31)
    running = Kpi.objects.filter(
        award__start_date__lte=end, award__end_date__gte=dt.date(year, 1, 1)
    ).select_related("award")
    rows = []
    for kpi in running.order_by("award__project_code", "pk"):
        latest = (
            kpi.values.filter(report__submitted_at__year__lte=year)
            .order_by("-report__submitted_at")
            .first()
        )
        value = None if latest is None else latest.value
        share = None if value is None else share_of_target(value, kpi.target)
        rows.append(
            {
                "award": kpi.award.project_code,
                "kpi": kpi.name,
                "unit": kpi.unit,
                "target": str(kpi.target),
                "value": "" if value is None else str(value),
                "share_of_target": "" if share is None else str(share),
            }
        )
    return rows


def output_totals(year: int) -> dict[str, str]:
    """People hired and trained, and follow-on funding raised (HK$), declared in the year."""
    sums = (
        Output.objects.filter(created_at__year=year, kind__in=TOTALLED)
        .values("kind")
        .annotate(total=Sum("quantity"))
    )
    found = {row["kind"]: row["total"] for row in sums}
    # SQLite sums a whole total without its scale; the quantize gives both databases 2 places.
    return {kind: str(Decimal(found.get(kind) or 0).quantize(CENT)) for kind in TOTALLED}


def follow_up_surveys(year: int) -> dict[str, Any]:
    """Return on the investment: the follow-up surveys answered in the year, summed."""
    totals = FollowUpSurvey.objects.filter(answered_at__year=year).aggregate(
        answered=Count("pk"), revenue=Sum("revenue"), users=Sum("users"), jobs=Sum("jobs")
    )
    return {
        "answered": totals["answered"],
        "revenue": str(Decimal(totals["revenue"] or 0).quantize(CENT)),
        "users": int(totals["users"] or 0),
        "jobs": int(totals["jobs"] or 0),
    }
