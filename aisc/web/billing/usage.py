"""Usage read-outs for other apps: GPU-hours used per chip, for the allocation pages."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from aisc.web.billing.models import UsageCharge
from aisc.web.billing.money import gpu_hours


def used_gpu_hours(project_code: str) -> dict[str, Decimal]:
    """GPU-hours metered so far per chip (billed or not), to four places."""
    rows = (
        UsageCharge.objects.filter(project_code=project_code)
        .values("chip")
        .annotate(seconds=Sum("gpu_seconds"))
        .order_by("chip")
    )
    return {row["chip"]: gpu_hours(row["seconds"]) for row in rows}
