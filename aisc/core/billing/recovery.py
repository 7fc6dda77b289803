"""Clawback: the secretariat claims back subsidy disbursed on an award (cancelled for missed
obligations, or ineligible use found by an audit). One lifecycle, one transition table, moved
only through `aisc.core.grants.workflow.transition`.

A recovery is invoiced to the organisation, paid in one or more parts, or what is left of it is
written off — proposed by one person and approved by another.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

from aisc.core.billing.settlement import MORE_THAN_ZERO
from aisc.core.errors import RuleViolation


class RecoveryStatus(StrEnum):
    INVOICED = "invoiced"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    WRITE_OFF_PROPOSED = "write_off_proposed"
    WRITTEN_OFF = "written_off"


R = RecoveryStatus

# A payment may arrive while a write-off waits for approval: the proposal then lapses, and the
# rest can be proposed again. A second part-payment keeps a recovery partly paid.
RECOVERY_TRANSITIONS: Mapping[RecoveryStatus, frozenset[RecoveryStatus]] = {
    R.INVOICED: frozenset({R.PARTLY_PAID, R.PAID, R.WRITE_OFF_PROPOSED}),
    R.PARTLY_PAID: frozenset({R.PARTLY_PAID, R.PAID, R.WRITE_OFF_PROPOSED}),
    R.WRITE_OFF_PROPOSED: frozenset({R.INVOICED, R.PARTLY_PAID, R.PAID, R.WRITTEN_OFF}),
    R.PAID: frozenset(),
    R.WRITTEN_OFF: frozenset(),
}
# Open: something is still owed, so payments and write-off proposals are taken.
OPEN: frozenset[RecoveryStatus] = frozenset({R.INVOICED, R.PARTLY_PAID, R.WRITE_OFF_PROPOSED})


class RecoveryTooLarge(RuleViolation):
    """Carries the figures as attributes too, for callers that reason about them."""

    def __init__(self, amount: Decimal, recoverable: Decimal, project: str) -> None:
        super().__init__(
            "HK$%(amount)s is more than the HK$%(recoverable)s of subsidy disbursed on award "
            "%(project)s that is not already being recovered",
            field="amount",
            params={"amount": amount, "recoverable": recoverable, "project": project},
        )
        self.amount = amount
        self.recoverable = recoverable
        self.project = project


def recoverable(disbursed: Decimal, claimed_unsettled: Decimal) -> Decimal:
    """What may still be claimed: the subsidy disbursed (net of recoveries already paid) less what
    open recoveries already claim."""
    return max(disbursed - claimed_unsettled, Decimal(0))


def check_recovery(amount: Decimal, available: Decimal, project: str, reason: str) -> Decimal:
    if not reason.strip():
        raise RuleViolation("give the reason for the recovery", field="reason")
    if amount <= 0:
        raise RuleViolation(MORE_THAN_ZERO, field="amount", params={"amount": amount})
    if amount > available:
        raise RecoveryTooLarge(amount, available, project)
    return amount


def after_payment(owed_after: Decimal) -> RecoveryStatus:
    return R.PAID if owed_after <= 0 else R.PARTLY_PAID


def after_rejected_write_off(paid: Decimal) -> RecoveryStatus:
    return R.PARTLY_PAID if paid > 0 else R.INVOICED


def check_approver(proposer_id: int | None, approver_id: int) -> None:
    """Four eyes: the person who proposed a write-off cannot approve it."""
    if proposer_id == approver_id:
        raise RuleViolation(
            "a write-off is approved by a second person, not the one who proposed it",
            field="approver",
        )
