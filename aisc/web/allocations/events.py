"""Events of the allocations app (see aisc.web.events), published inside the acting transaction.

- credit_expired: released GPU-hours of an award's allocation expired unused, at the award's end
  or, beyond the carry-over, at the next tranche's release. Billing writes their subsidy off the
  award's commitment on the ledger, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from aisc.web.allocations.models import Allocation
from aisc.web.events import Event


@dataclass(frozen=True)
class CreditExpired:
    allocation: Allocation
    gpu_hours: dict[str, Decimal]  # chip -> hours expired, each above zero
    key: str  # names the write-off for ever: posting it again is a no-op
    at: dt.datetime


credit_expired: Event[CreditExpired] = Event("allocations.credit.expired", required=("billing",))
