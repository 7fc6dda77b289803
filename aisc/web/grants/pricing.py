"""The cost of a request or an award to the fund, priced with the centre's rate cards.

List prices come from the catalogue app (aisc.web.catalogue.prices.list_price, effective-dated);
the subsidy is computed against the price in force on the award's start (facts §4.2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.grants.request import requested_gpu_hours
from aisc.core.grants.subsidy import subsidy_cost
from aisc.core.units import Money
from aisc.web.catalogue import prices


def list_price(chip: str, on: dt.date) -> Decimal:
    return prices.list_price(chip, on)


def request_cost(chip: str, gpus: int, months: int, start: dt.date, rate: Decimal) -> Money:
    """GPUs × months × 730 GPU-hours × list price × subsidy rate."""
    return subsidy_cost(requested_gpu_hours(gpus, months), list_price(chip, start), rate)
