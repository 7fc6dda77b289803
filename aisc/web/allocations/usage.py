"""GPU-hours used per chip, from billing's metering:
`aisc.web.billing.ingest.metered.used_gpu_hours(project_code) -> dict[str, Decimal]`
(shared decision).

Where billing is not installed, nothing is known to be used, and the grantee page says "not yet
metered" rather than showing a zero that would look like a measurement.
"""

from __future__ import annotations

import importlib
from decimal import Decimal


def metering_available() -> bool:
    try:
        importlib.import_module("aisc.web.billing.ingest.metered")
    except ModuleNotFoundError:
        return False
    return True


def used_gpu_hours(project_code: str) -> dict[str, Decimal]:
    if not metering_available():
        return {}
    billing = importlib.import_module("aisc.web.billing.ingest.metered")
    result: dict[str, Decimal] = billing.used_gpu_hours(project_code)
    return result
