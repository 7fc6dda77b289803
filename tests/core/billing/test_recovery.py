"""The recovery lifecycle and its rules: no more than what was disbursed and is not already
claimed, a reason always, write-offs approved by a second person."""

from decimal import Decimal

import pytest

from aisc.core.billing import recovery
from aisc.core.billing.recovery import RECOVERY_TRANSITIONS, RecoveryStatus, RecoveryTooLarge
from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.grants.workflow import transition

D = Decimal
R = RecoveryStatus


def test_what_may_be_recovered_is_the_disbursed_subsidy_less_open_claims() -> None:
    assert recovery.recoverable(D("1000"), D("400")) == D("600")
    assert recovery.recoverable(D("100"), D("400")) == D("0")


def test_a_recovery_up_to_what_is_recoverable_is_taken() -> None:
    assert recovery.check_recovery(D("600"), D("600"), "p1", "audit") == D("600")


def test_it_rejects_a_recovery_larger_than_what_was_disbursed_naming_the_field_and_figures() -> (
    None
):
    with pytest.raises(RecoveryTooLarge) as refused:
        recovery.check_recovery(D("600.01"), D("600.00"), "p2026a-001", "audit")
    assert refused.value.field == "amount"
    assert "HK$600.01 is more than the HK$600.00" in refused.value.message
    assert "p2026a-001" in refused.value.message
    assert (refused.value.amount, refused.value.recoverable) == (D("600.01"), D("600.00"))


def test_it_rejects_a_recovery_without_a_reason() -> None:
    with pytest.raises(RuleViolation) as refused:
        recovery.check_recovery(D("1"), D("10"), "p1", "  ")
    assert refused.value.field == "reason"


def test_it_rejects_a_recovery_of_nothing() -> None:
    with pytest.raises(RuleViolation) as refused:
        recovery.check_recovery(D("0"), D("10"), "p1", "audit")
    assert refused.value.field == "amount"


def test_a_payment_leaves_the_recovery_paid_or_partly_paid() -> None:
    assert recovery.after_payment(D("0")) is R.PAID
    assert recovery.after_payment(D("0.01")) is R.PARTLY_PAID


def test_a_rejected_write_off_returns_to_where_the_payments_left_it() -> None:
    assert recovery.after_rejected_write_off(D("0")) is R.INVOICED
    assert recovery.after_rejected_write_off(D("5")) is R.PARTLY_PAID


def test_the_proposer_cannot_approve_their_own_write_off() -> None:
    with pytest.raises(RuleViolation) as refused:
        recovery.check_approver(7, 7)
    assert refused.value.field == "approver"
    recovery.check_approver(7, 8)


def test_the_table_lets_an_open_recovery_be_paid_or_written_off_and_ends_there() -> None:
    assert transition(RECOVERY_TRANSITIONS, R.INVOICED, R.PAID, what="recovery") is R.PAID
    assert (
        transition(RECOVERY_TRANSITIONS, R.WRITE_OFF_PROPOSED, R.WRITTEN_OFF, what="recovery")
        is R.WRITTEN_OFF
    )
    for final in (R.PAID, R.WRITTEN_OFF):
        with pytest.raises(InvalidTransition):
            transition(RECOVERY_TRANSITIONS, final, R.PARTLY_PAID, what="recovery")
    with pytest.raises(InvalidTransition):
        transition(RECOVERY_TRANSITIONS, R.INVOICED, R.WRITTEN_OFF, what="recovery")
    assert set(RECOVERY_TRANSITIONS) == set(RecoveryStatus)
    assert {R.INVOICED, R.PARTLY_PAID, R.WRITE_OFF_PROPOSED} == recovery.OPEN
