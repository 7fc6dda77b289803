"""Usage read-outs for other apps: GPU-hours used per chip, for the allocation pages."""

from __future__ import annotations

from decimal import Decimal

from aisc.web.billing.models import UsageTotal
from aisc.web.billing.money import gpu_hours


def used_gpu_hours(project_code: str) -> dict[str, Decimal]:
    """GPU-hours metered so far per chip (billed or not), to four places."""
    rows = UsageTotal.objects.filter(project_code=project_code).order_by("chip")
    return {row.chip: gpu_hours(row.gpu_seconds) for row in rows}
