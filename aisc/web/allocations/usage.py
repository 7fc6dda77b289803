"""GPU-hours used per chip, from billing's metering once it is on main.

The hook: `aisc.web.billing.usage.used_gpu_hours(project_code) -> dict[str, Decimal]` (shared
decision). Until the billing app provides it, nothing is known to be used, and the grantee page
says "used: not yet metered" rather than showing a zero that looks like a measurement.
"""

from __future__ import annotations

import importlib
from decimal import Decimal


def metering_available() -> bool:
    try:
        importlib.import_module("aisc.web.billing.usage")
    except ModuleNotFoundError:
        return False
    return True


def used_gpu_hours(project_code: str) -> dict[str, Decimal]:
    if not metering_available():
        return {}
    billing = importlib.import_module("aisc.web.billing.usage")
    result: dict[str, Decimal] = billing.used_gpu_hours(project_code)
    return result
