from collections.abc import Callable
from decimal import Decimal

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application
from aisc.web.grants.rules import reviewer_blocked
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.grants import SCORES, STATUS_MAIL, Mails


def test_screening_passes_only_when_every_item_is_met(
    submitted: Application, secretariat: User
) -> None:
    with pytest.raises(RuleViolation, match="not met: hk_registered") as err:
        actions.do_screen(
            acting_user=secretariat,
            application=submitted,
            outcome="pass",
            answers={"eligible_type": True},
        )
    assert err.value.field == "hk_registered"
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_returned_application_carries_a_message_and_can_be_resubmitted(
    submitted: Application, secretariat: User, applicant: User, sent: Mails
) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_screen(
            acting_user=secretariat, application=submitted, outcome="return", answers={}
        )
    assert err.value.field == "message"
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="return",
        answers={},
        message="Attach last year's audit report.",
    )
    assert submitted.status == "returned"
    assert submitted.screening_message == "Attach last year's audit report."
    actions.do_update_application(acting_user=applicant, application=submitted, team="Six people.")
    actions.do_submit_application(acting_user=applicant, application=submitted)
    assert submitted.status == "submitted"
    assert sent().count(("applicant@example.hk", STATUS_MAIL)) == 3
    returned = OutboxMessage.objects.filter(kind="notify.mail").order_by("id")[1]
    assert "Attach last year's audit report." in returned.payload["body"]


def test_it_rejects_an_ineligible_application_for_good(
    submitted: Application, secretariat: User
) -> None:
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="reject",
        answers={},
        message="Not registered in Hong Kong.",
    )
    assert submitted.status == "ineligible"
    with pytest.raises(RuleViolation, match="pass, return or reject"):
        actions.do_screen(
            acting_user=secretariat, application=submitted, outcome="maybe", answers={}
        )


def test_assigning_a_reviewer_mails_them(
    in_review: Application, secretariat: User, reviewers: list[User], sent: Mails
) -> None:
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    assert review.status == "assigned"
    assert (reviewers[0].email, "You have an application to review") in sent()
    with pytest.raises(RuleViolation, match="already assigned"):
        actions.do_assign_reviewer(
            acting_user=secretariat, application=in_review, reviewer=reviewers[0]
        )


def test_assigning_a_reviewer_with_a_conflict_is_refused(
    in_review: Application,
    secretariat: User,
    make_user: Callable[..., User],
    org: Organisation,
) -> None:
    colleague = make_user("reviewer", org=org)
    with pytest.raises(RuleViolation, match="member of the applicant organisation") as err:
        actions.do_assign_reviewer(
            acting_user=secretariat, application=in_review, reviewer=colleague
        )
    assert err.value.field == "reviewer"
    friend = make_user("reviewer", declared_relationships="Harbour University")
    with pytest.raises(RuleViolation, match="declared a relationship"):
        actions.do_assign_reviewer(acting_user=secretariat, application=in_review, reviewer=friend)
    assert in_review.reviews.count() == 0


def test_only_reviewers_can_be_assigned_and_only_in_review(
    submitted: Application, secretariat: User, reviewers: list[User], committee: User
) -> None:
    with pytest.raises(RuleViolation, match="only an application in review"):
        actions.do_assign_reviewer(
            acting_user=secretariat, application=submitted, reviewer=reviewers[0]
        )
    answers = dict.fromkeys(submitted.call.checklist_codes(), True)
    actions.do_screen(
        acting_user=secretariat, application=submitted, outcome="pass", answers=answers
    )
    with pytest.raises(RuleViolation, match="is not a reviewer"):
        actions.do_assign_reviewer(
            acting_user=secretariat, application=submitted, reviewer=committee
        )


def test_a_review_scores_every_criterion_into_a_weighted_total(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    with pytest.raises(RuleViolation, match="missing: financial") as err:
        actions.do_submit_review(
            acting_user=reviewers[0],
            review=review,
            scores={"alignment": 8, "compute": 7, "technical": 8},
            comments={},
        )
    assert err.value.field == "financial"
    with pytest.raises(RuleViolation, match="not a criterion") as err:
        actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={"vibes": "good"}
        )
    actions.do_submit_review(
        acting_user=reviewers[0], review=review, scores=SCORES, comments={"compute": " Fair. "}
    )
    # 25×8 + 20×7 + 30×8 + 25×6 = 730 → 73.0
    assert review.total == Decimal("73.00")
    assert review.comments == {"compute": "Fair."}
    with pytest.raises(InvalidTransition):
        actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={}
        )


def test_a_declared_conflict_blocks_the_reviewer_from_the_application(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    assert reviewer_blocked(reviewers[0], in_review) is None
    with pytest.raises(RuleViolation) as err:
        actions.do_declare_conflict(acting_user=reviewers[0], review=review, reason=" ")
    assert err.value.field == "reason"
    actions.do_declare_conflict(acting_user=reviewers[0], review=review, reason="Former student")
    assert reviewer_blocked(reviewers[0], in_review) == (
        "conflict of interest declared: Former student"
    )
    with pytest.raises(InvalidTransition):
        actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={}
        )


def test_a_conflict_found_after_assignment_still_blocks_the_review(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    reviewers[0].declared_relationships = "HU-1"
    reviewers[0].save()
    assert reviewer_blocked(reviewers[0], in_review) == (
        "conflict of interest: the reviewer declared a relationship with the applicant organisation"
    )
    with pytest.raises(RuleViolation, match="conflict of interest") as err:
        actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={}
        )
    assert err.value.field == "reviewer"


def test_a_review_is_refused_once_the_application_left_review(
    reviewed: Application, secretariat: User, make_user: Callable[..., User], applicant: User
) -> None:
    late = make_user("reviewer")
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=reviewed, reviewer=late
    )
    actions.do_withdraw_application(acting_user=applicant, application=reviewed)
    with pytest.raises(RuleViolation, match="no longer in review"):
        actions.do_submit_review(acting_user=late, review=review, scores=SCORES, comments={})
    assert reviewer_blocked(make_user("reviewer"), reviewed) == (
        "you are not assigned to this application"
    )
