"""The organisation verification lifecycle: its one table and the rule on submission."""

from __future__ import annotations

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.grants.workflow import transition
from aisc.core.organisations import (
    ORGANISATION_TRANSITIONS,
    OrganisationStatus,
    check_may_submit,
    check_refusal_reason,
)

S = OrganisationStatus


def test_the_table_names_every_state_and_only_a_verified_organisation_is_final() -> None:
    assert set(ORGANISATION_TRANSITIONS) == set(S)
    assert [s for s, nxt in ORGANISATION_TRANSITIONS.items() if not nxt] == [S.VERIFIED]


def test_a_pending_organisation_is_verified_or_refused_and_a_refused_one_comes_back() -> None:
    assert transition(ORGANISATION_TRANSITIONS, S.PENDING, S.VERIFIED, what="x") == S.VERIFIED
    assert transition(ORGANISATION_TRANSITIONS, S.PENDING, S.REFUSED, what="x") == S.REFUSED
    assert transition(ORGANISATION_TRANSITIONS, S.REFUSED, S.PENDING, what="x") == S.PENDING


def test_a_verified_organisation_cannot_be_refused_afterwards() -> None:
    with pytest.raises(InvalidTransition):
        transition(ORGANISATION_TRANSITIONS, S.VERIFIED, S.REFUSED, what="the organisation")


@pytest.mark.parametrize("status", [S.PENDING, S.REFUSED])
def test_it_refuses_submission_for_an_organisation_not_yet_verified(status: S) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_may_submit(status)
    assert caught.value.field == "organisation"
    assert "verified" in caught.value.message


def test_a_verified_organisation_may_submit() -> None:
    check_may_submit(S.VERIFIED)


def test_a_refusal_without_a_reason_is_refused_and_a_reason_is_kept_trimmed() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_refusal_reason("   ")
    assert caught.value.field == "reason"
    assert check_refusal_reason("  no document \n") == "no document"
