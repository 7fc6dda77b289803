"""Expired GPU-hours onto the ledger: on allocations' `credit_expired` (subscribed in
BillingConfig.ready()), the subsidy the hours would have drawn leaves the award's commitment for
its `expired:` account, in the expiring transaction.

The hours of the award's chip are valued at the list price fixed at approval, hours of another
chip (after an exchange) at that chip's list price on the day they expire; both at the award's
subsidy rate, and never more than the commitment still undisbursed.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from aisc.core.allocations.credit import expired_subsidy
from aisc.core.ledger import accounts, flows
from aisc.web.allocations.events import CreditExpired
from aisc.web.billing.ledger import book
from aisc.web.billing.ledger.fund import award_ref
from aisc.web.catalogue.prices import list_price


def undisbursed(ref: flows.AwardRef) -> Decimal:
    """The award's commitment (net of earlier write-offs) less the subsidy disbursed."""
    commitment = accounts.commitment(ref.scheme, ref.call, ref.project)
    disbursed = accounts.disbursed(ref.scheme, ref.call, ref.project)
    held = book.balances(commitment).get(commitment, Decimal(0))
    return held - book.balances(disbursed).get(disbursed, Decimal(0))


def value(event: CreditExpired) -> Decimal:
    award = event.allocation.award
    assert award is not None  # only awards' allocations follow the credit lifecycle
    day = timezone.localdate(event.at)
    hours_value = sum(
        (
            hours * (award.list_price if chip == award.chip else list_price(chip, day))
            for chip, hours in event.gpu_hours.items()
        ),
        Decimal(0),
    )
    ref = award_ref(award)
    return expired_subsidy(hours_value, award.subsidy_rate, undisbursed(ref))


def on_credit_expired(event: CreditExpired) -> None:
    amount = value(event)
    if amount > 0:
        book.post(
            [
                flows.write_off_expired(
                    award_ref(event.allocation.award), amount, event.at, event.key
                )
            ]
        )
