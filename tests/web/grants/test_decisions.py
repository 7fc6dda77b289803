import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import InsufficientBalance, InvalidTransition, RuleViolation
from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.actions.decisions import committed
from aisc.web.grants.events import AwardApproved, TrancheReleased, award_approved, tranche_released
from aisc.web.grants.models import Application, Award


@pytest.fixture
def heard() -> Any:
    got: list[tuple[str, Any]] = []

    def on_award(event: AwardApproved) -> None:
        got.append(("award", event.award.project_code))

    def on_tranche(event: TrancheReleased) -> None:
        got.append(("tranche", event.tranche.seq))

    award_approved.subscribe("test", on_award)
    tranche_released.subscribe("test", on_tranche)
    yield got
    award_approved.unsubscribe("test")
    tranche_released.unsubscribe("test")


def decide(app: Application, committee: User, outcome: str, **kw: Any) -> Award | None:
    actions.do_decide(
        acting_user=committee,
        application=app,
        decision=DecisionInput(outcome=outcome, members_present=[committee], **kw),
    )
    return Award.objects.filter(application=app).first()


def test_approving_in_full_creates_the_award_commits_its_cost_and_releases_tranche_one(
    reviewed: Application, committee: User, heard: list[tuple[str, Any]]
) -> None:
    award = decide(reviewed, committee, "approve", conditions="Quarterly reports.")
    assert award is not None
    # 16 GPUs × 6 months × 730 h = 70,080 GPU-h × HK$20 × 70 % = HK$981,120
    assert award.gpu_hours == Decimal("70080")
    assert award.committed_amount == award.subsidy_cap == Decimal("981120.00")
    assert award.project_code == "p2026a-001"
    assert (award.start_date, award.end_date) == (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert [(t.gpu_hours, t.released_at is not None) for t in award.tranches.all()] == [
        (Decimal("35040.00"), True),
        (Decimal("35040.00"), False),
    ]
    assert heard == [("award", "p2026a-001"), ("tranche", 1)]
    assert committed(reviewed.call).amount == Decimal("981120.00")
    assert reviewed.decisions.get().members_present.get() == committee


def test_approving_in_part_gives_fewer_gpus_or_months(
    reviewed: Application, committee: User
) -> None:
    with pytest.raises(RuleViolation, match="fewer GPUs or fewer months"):
        decide(reviewed, committee, "approve_in_part")
    with pytest.raises(RuleViolation, match="more than was asked"):
        decide(reviewed, committee, "approve_in_part", gpus=32)
    award = decide(reviewed, committee, "approve_in_part", gpus=8, months=4)
    assert award is not None
    assert (award.gpus, award.months, award.gpu_hours) == (8, 4, Decimal("23360"))
    assert reviewed.status == "approved_in_part"


def test_a_subsidy_above_70_percent_needs_a_recorded_reason(
    reviewed: Application, committee: User
) -> None:
    with pytest.raises(RuleViolation, match="exceptional reason") as err:
        decide(reviewed, committee, "approve", subsidy_rate=Decimal("0.85"))
    assert err.value.field == "exceptional_reason"
    reviewed.refresh_from_db()
    assert reviewed.status == "in_review"
    assert not Award.objects.exists()
    award = decide(
        reviewed,
        committee,
        "approve",
        subsidy_rate=Decimal("0.85"),
        exceptional_reason="First Cantonese medical model.",
    )
    assert award is not None
    assert award.subsidy_rate == Decimal("0.85")


def test_an_award_beyond_what_the_call_has_left_is_refused(
    reviewed: Application, committee: User
) -> None:
    call = reviewed.call
    call.budget = Decimal("900000")
    call.save()
    with pytest.raises(InsufficientBalance, match="the call has only") as err:
        decide(reviewed, committee, "approve")
    assert err.value.field == "gpus"


def test_a_decision_records_members_who_are_on_the_committee(
    reviewed: Application, committee: User, secretariat: User
) -> None:
    with pytest.raises(RuleViolation, match="members present"):
        actions.do_decide(
            acting_user=committee,
            application=reviewed,
            decision=DecisionInput(outcome="reject", members_present=[]),
        )
    with pytest.raises(RuleViolation, match="not a committee member"):
        actions.do_decide(
            acting_user=committee,
            application=reviewed,
            decision=DecisionInput(outcome="reject", members_present=[secretariat]),
        )
    with pytest.raises(RuleViolation, match="outcome must be"):
        decide(reviewed, committee, "maybe")


def test_an_application_without_a_submitted_review_cannot_be_approved(
    in_review: Application, committee: User
) -> None:
    with pytest.raises(RuleViolation, match="at least one submitted review"):
        decide(in_review, committee, "approve")


def test_a_deferred_application_comes_back_and_a_rejected_one_does_not(
    reviewed: Application, committee: User
) -> None:
    assert decide(reviewed, committee, "defer", conflicts_declared="None.") is None
    assert reviewed.status == "deferred"
    assert decide(reviewed, committee, "reject") is None
    with pytest.raises(InvalidTransition):
        decide(reviewed, committee, "approve")


def test_a_custom_tranche_plan_must_sum_to_one(reviewed: Application, committee: User) -> None:
    with pytest.raises(RuleViolation, match="sum to 1"):
        decide(reviewed, committee, "approve", tranche_plan=[{"fraction": "0.5"}])
    award = decide(
        reviewed,
        committee,
        "approve",
        tranche_plan=[{"fraction": "0.25", "condition": "at start"}, {"fraction": "0.75"}],
    )
    assert award is not None
    assert [t.gpu_hours for t in award.tranches.all()] == [Decimal("17520.00"), Decimal("52560.00")]


def test_withdrawing_after_approval_cancels_the_award_and_frees_its_money(
    reviewed: Application, committee: User, applicant: User
) -> None:
    award = decide(reviewed, committee, "approve")
    assert award is not None
    actions.do_withdraw_application(acting_user=applicant, application=reviewed)
    award.refresh_from_db()
    assert award.status == "cancelled"
    assert committed(reviewed.call).amount == 0
