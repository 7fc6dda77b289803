"""Money coming back to the centre: payments against what an organisation owes, and recoveries of
subsidy from an award.

A recovery invoice makes the organisation owe the amount (its receivable) against the award's
`recovery:` account, which holds what is claimed back and not yet settled. A payment moves the
receivable into cash; when it pays a recovery, the same entry moves the paid part from the
recovery account back out of the award's `disbursed:` account, so the fund's remaining
(appropriated − disbursed) grows by exactly what came back, and no sooner. A write-off clears the
unpaid rest from both the receivable and the recovery account and leaves `disbursed:` as it was:
the money did not come back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts
from aisc.core.ledger.entries import Entry, make_entry, posting
from aisc.core.ledger.flows import AwardRef


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise RuleViolation(
            "amount: must be more than zero (got %(amount)s)",
            field="amount",
            params={"amount": amount},
        )
    return amount


def _recovery_account(award: AwardRef) -> str:
    return accounts.recovery(award.scheme, award.call, award.project)


def recovery_invoice(
    organisation: str, award: AwardRef, amount: Decimal, at: dt.datetime, key: str
) -> Entry:
    _positive(amount)
    return make_entry(
        key,
        f"recovery invoice to {organisation} on {award.project}",
        at,
        [
            posting(accounts.receivable(organisation), amount),
            posting(_recovery_account(award), -amount),
        ],
    )


def payment(
    organisation: str,
    amount: Decimal,
    at: dt.datetime,
    key: str,
    recovery: AwardRef | None = None,
) -> Entry:
    """Cash in, the organisation owes that much less; paying a recovery also returns the amount
    from the award's disbursed subsidy to the fund."""
    _positive(amount)
    postings = [
        posting(accounts.CASH, amount),
        posting(accounts.receivable(organisation), -amount),
    ]
    if recovery is not None:
        postings += [
            posting(_recovery_account(recovery), amount),
            posting(accounts.disbursed(recovery.scheme, recovery.call, recovery.project), -amount),
        ]
    return make_entry(key, f"payment from {organisation}", at, postings)


def recovery_write_off(
    organisation: str, award: AwardRef, amount: Decimal, at: dt.datetime, key: str
) -> Entry:
    _positive(amount)
    return make_entry(
        key,
        f"write-off of recovery from {organisation} on {award.project}",
        at,
        [
            posting(_recovery_account(award), amount),
            posting(accounts.receivable(organisation), -amount),
        ],
    )
