import pytest

from aisc.core.errors import InvalidTransition
from aisc.core.grants import workflow as wf
from aisc.core.grants.workflow import ApplicationStatus as A

TABLES = [
    (wf.CALL_TRANSITIONS, wf.CallStatus),
    (wf.APPLICATION_TRANSITIONS, wf.ApplicationStatus),
    (wf.REVIEW_TRANSITIONS, wf.ReviewStatus),
    (wf.AWARD_TRANSITIONS, wf.AwardStatus),
    (wf.REPORT_TRANSITIONS, wf.ReportStatus),
]


@pytest.mark.parametrize(("table", "enum"), TABLES)
def test_every_state_has_one_row_in_its_table(table: object, enum: type) -> None:
    assert set(table) == set(enum)  # type: ignore[call-overload]


def test_it_lets_a_draft_be_submitted() -> None:
    assert wf.transition(wf.APPLICATION_TRANSITIONS, A.DRAFT, A.SUBMITTED, what="x") is A.SUBMITTED


def test_it_refuses_to_approve_an_application_that_was_never_reviewed() -> None:
    with pytest.raises(InvalidTransition, match="from draft to approved") as err:
        wf.transition(wf.APPLICATION_TRANSITIONS, A.DRAFT, A.APPROVED, what="the application")
    assert err.value.field == "status"
    assert "allowed: submitted, withdrawn" in err.value.message


def test_it_says_a_final_state_allows_nothing() -> None:
    with pytest.raises(InvalidTransition, match="nothing"):
        wf.transition(wf.APPLICATION_TRANSITIONS, A.REJECTED, A.APPROVED, what="x")


def test_every_decision_outcome_is_reachable_from_review() -> None:
    for target in wf.DECISION_OUTCOMES.values():
        assert wf.can_move(wf.APPLICATION_TRANSITIONS, A.IN_REVIEW, target)


def test_only_approvals_count_as_funded() -> None:
    assert {A.APPROVED, A.APPROVED_IN_PART} == wf.FUNDED
    assert A.DRAFT in wf.EDITABLE
    assert A.SUBMITTED not in wf.EDITABLE
