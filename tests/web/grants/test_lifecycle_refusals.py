"""Every grants action refuses a move its transition table does not have: the error names the
status field and both states, and nothing is saved, audited or mailed.

Each case drives an object to a state through the do_* actions themselves (the fixtures), then
asks for a move the table (aisc.core.grants.workflow) lacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aisc.core.errors import AiscError, InvalidTransition
from aisc.core.grants.workflow import APPLICATION_TRANSITIONS, ApplicationStatus
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Award, Call, Decision, Report, Review
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.grants import SCORES, attach


def unchanged(attempt: Callable[[], object]) -> AiscError:
    """Run a refused action; prove it wrote no audit row and queued no mail; return the error."""
    rows, mails = AuditEvent.objects.count(), OutboxMessage.objects.count()
    with pytest.raises(AiscError) as refused:
        attempt()
    assert AuditEvent.objects.count() == rows
    assert OutboxMessage.objects.count() == mails
    return refused.value


def reloaded(application: Application) -> str:
    return Application.objects.get(pk=application.pk).status


def decide(committee: User, application: Application, outcome: str) -> Decision:
    return actions.do_decide(
        acting_user=committee,
        application=application,
        decision=DecisionInput(outcome=outcome, members_present=[committee]),
    )


# --- applications -------------------------------------------------------------------------


def test_it_refuses_to_submit_an_application_twice(submitted: Application, applicant: User) -> None:
    error = unchanged(
        lambda: actions.do_submit_application(acting_user=applicant, application=submitted)
    )
    assert isinstance(error, InvalidTransition)
    assert error.field == "status"
    assert "from submitted to submitted" in error.message
    assert reloaded(submitted) == "submitted"


@pytest.mark.parametrize("outcome", ["pass", "return", "reject"])
def test_it_refuses_to_screen_an_application_twice(
    in_review: Application, secretariat: User, outcome: str
) -> None:
    answers = dict.fromkeys(in_review.call.checklist_codes(), True)
    error = unchanged(
        lambda: actions.do_screen(
            acting_user=secretariat,
            application=in_review,
            outcome=outcome,
            answers=answers,
            message="again",
        )
    )
    assert (type(error), error.field) == (InvalidTransition, "status")
    assert "cannot move from in_review" in error.message
    assert reloaded(in_review) == "in_review"


def test_it_refuses_to_screen_a_draft(draft: Application, secretariat: User) -> None:
    answers = dict.fromkeys(draft.call.checklist_codes(), True)
    error = unchanged(
        lambda: actions.do_screen(
            acting_user=secretariat, application=draft, outcome="pass", answers=answers
        )
    )
    assert "from draft to in_review" in error.message
    assert "allowed: submitted, withdrawn" in error.message


@pytest.mark.parametrize(
    ("outcome", "field", "message"),
    [
        ("approve", "outcome", "needs at least one submitted review to be approved"),
        ("approve_in_part", "outcome", "needs at least one submitted review to be approved"),
        ("reject", "status", "from submitted to rejected"),
        ("defer", "status", "from submitted to deferred"),
    ],
)
def test_it_refuses_to_decide_an_application_not_yet_in_review(
    submitted: Application, committee: User, outcome: str, field: str, message: str
) -> None:
    error = unchanged(lambda: decide(committee, submitted, outcome))
    assert error.field == field
    assert message in error.message
    assert reloaded(submitted) == "submitted"
    assert not Award.objects.filter(application=submitted).exists()


@pytest.mark.parametrize("outcome", ["approve", "reject", "defer"])
def test_it_refuses_a_second_decision_on_a_rejected_application(
    reviewed: Application, committee: User, outcome: str
) -> None:
    decide(committee, reviewed, "reject")
    error = unchanged(lambda: decide(committee, reviewed, outcome))
    assert isinstance(error, InvalidTransition)
    assert "nothing (final state)" in error.message
    assert reloaded(reviewed) == "rejected"


def test_a_deferred_application_comes_back_to_a_later_decision(
    reviewed: Application, committee: User
) -> None:
    decide(committee, reviewed, "defer")
    assert reloaded(reviewed) == "deferred"
    decide(committee, reviewed, "approve")
    assert reloaded(reviewed) == "approved"
    assert Award.objects.filter(application=reviewed).count() == 1


def test_an_approved_application_cannot_be_decided_again(
    reviewed: Application, committee: User
) -> None:
    decide(committee, reviewed, "approve")
    award = Award.objects.get(application=reviewed)
    error = unchanged(lambda: decide(committee, reviewed, "reject"))
    assert "from approved to rejected" in error.message
    assert Award.objects.get(application=reviewed).committed_amount == award.committed_amount


@pytest.mark.parametrize("final", ["rejected", "withdrawn"])
def test_a_closed_application_cannot_be_withdrawn(
    reviewed: Application, applicant: User, committee: User, final: str
) -> None:
    if final == "rejected":
        decide(committee, reviewed, "reject")
    else:
        actions.do_withdraw_application(acting_user=applicant, application=reviewed)
    error = unchanged(
        lambda: actions.do_withdraw_application(acting_user=applicant, application=reviewed)
    )
    assert (type(error), error.field) == (InvalidTransition, "status")
    assert reloaded(reviewed) == final


def test_an_ineligible_application_is_final(submitted: Application, secretariat: User) -> None:
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="reject",
        answers={},
        message="Not a Hong Kong entity.",
    )
    assert APPLICATION_TRANSITIONS[ApplicationStatus.INELIGIBLE] == frozenset()
    error = unchanged(
        lambda: actions.do_withdraw_application(
            acting_user=submitted.created_by, application=submitted
        )
    )
    assert "from ineligible to withdrawn" in error.message


@pytest.mark.parametrize("state", ["submitted", "in_review"])
def test_an_application_past_draft_cannot_be_edited_and_keeps_its_values(
    state: str, request: pytest.FixtureRequest, applicant: User
) -> None:
    application: Application = request.getfixturevalue(state)
    error = unchanged(
        lambda: actions.do_update_application(
            acting_user=applicant, application=application, title="Changed after submission"
        )
    )
    assert error.field == "status"
    assert f"that is {state} can no longer be edited" in error.message
    assert Application.objects.get(pk=application.pk).title == "Cantonese LLM"


def test_a_returned_application_is_edited_and_submitted_again(
    submitted: Application, secretariat: User, applicant: User
) -> None:
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="return",
        answers={},
        message="Add the ethics plan.",
    )
    actions.do_update_application(
        acting_user=applicant, application=submitted, ethics_assessment="Reviewed by our board."
    )
    actions.do_submit_application(acting_user=applicant, application=submitted)
    verbs = list(
        AuditEvent.objects.filter(object_type="Application", object_id=str(submitted.pk))
        .order_by("id")
        .values_list("verb", "after__status")
    )
    assert verbs[-3:] == [
        ("grants.application.screen", "returned"),
        ("grants.application.update", None),
        ("grants.application.submit", "submitted"),
    ]


# --- calls --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "attempt", "message"),
    [
        ((), "open", "from open to open"),
        ((), "publish", "from open to published"),
        (("close",), "close", "from closed to closed"),
        (("close",), "open", "from closed to open"),
        (("close", "publish"), "close", "from published to closed"),
        (("close", "publish"), "publish", "allowed: nothing (final state)"),
    ],
)
def test_a_call_moves_only_along_its_table(
    call: Call, secretariat: User, steps: tuple[str, ...], attempt: str, message: str
) -> None:
    verbs: dict[str, Callable[..., Call]] = {
        "open": actions.do_open_call,
        "close": actions.do_close_call,
        "publish": actions.do_publish_results,
    }
    for step in steps:
        verbs[step](acting_user=secretariat, call=call)
    status = Call.objects.get(pk=call.pk).status
    error = unchanged(lambda: verbs[attempt](acting_user=secretariat, call=call))
    assert (type(error), error.field) == (InvalidTransition, "status")
    assert message in error.message
    assert Call.objects.get(pk=call.pk).status == status


def test_a_closed_call_takes_no_new_application_and_no_submission(
    call: Call, draft: Application, applicant: User, secretariat: User
) -> None:
    actions.do_close_call(acting_user=secretariat, call=call)
    error = unchanged(
        lambda: actions.do_create_application(
            acting_user=applicant, call=call, organisation=draft.organisation, title="Late"
        )
    )
    assert (error.field, error.message) == ("call", "this call is not open for applications")
    attach(draft, applicant)
    draft.refresh_from_db()
    error = unchanged(
        lambda: actions.do_submit_application(acting_user=applicant, application=draft)
    )
    assert (error.field, error.message) == ("call", "this call is no longer open for submissions")
    assert reloaded(draft) == "draft"


def test_publishing_a_call_activates_only_its_approved_awards(
    reviewed: Application, committee: User, secretariat: User, call: Call
) -> None:
    decide(committee, reviewed, "approve")
    assert Award.objects.get(application=reviewed).status == "approved"
    actions.do_close_call(acting_user=secretariat, call=call)
    actions.do_publish_results(acting_user=committee, call=call)
    award = Award.objects.get(application=reviewed)
    assert award.status == "active"
    assert award.published_at is not None
    published = AuditEvent.objects.get(verb="grants.award.publish")
    assert (published.before, published.after) == ({"status": "approved"}, {"status": "active"})


# --- reviews ------------------------------------------------------------------------------


@pytest.fixture
def review(in_review: Application, secretariat: User, reviewers: list[User]) -> Review:
    return actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )


def test_a_submitted_review_cannot_be_submitted_again_or_become_conflicted(
    review: Review, reviewers: list[User]
) -> None:
    actions.do_submit_review(acting_user=reviewers[0], review=review, scores=SCORES, comments={})
    again = unchanged(
        lambda: actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={}
        )
    )
    assert "from submitted to submitted" in again.message
    conflict = unchanged(
        lambda: actions.do_declare_conflict(acting_user=reviewers[0], review=review, reason="x")
    )
    assert "from submitted to conflicted" in conflict.message
    assert Review.objects.get(pk=review.pk).total is not None


def test_a_conflicted_review_cannot_be_submitted(review: Review, reviewers: list[User]) -> None:
    actions.do_declare_conflict(acting_user=reviewers[0], review=review, reason="My former student")
    error = unchanged(
        lambda: actions.do_submit_review(
            acting_user=reviewers[0], review=review, scores=SCORES, comments={}
        )
    )
    assert "from conflicted to submitted" in error.message
    stored = Review.objects.get(pk=review.pk)
    assert (stored.status, stored.conflict_reason, stored.scores) == (
        "conflicted",
        "My former student",
        {},
    )


def test_a_conflict_without_a_reason_is_refused_naming_the_field(
    review: Review, reviewers: list[User]
) -> None:
    error = unchanged(
        lambda: actions.do_declare_conflict(acting_user=reviewers[0], review=review, reason="  ")
    )
    assert (error.field, error.message) == ("reason", "say what the conflict is")
    assert Review.objects.get(pk=review.pk).status == "assigned"


def test_a_review_of_a_decided_application_is_refused(
    review: Review, reviewers: list[User], committee: User
) -> None:
    actions.do_submit_review(acting_user=reviewers[0], review=review, scores=SCORES, comments={})
    decide(committee, review.application, "reject")
    late = actions.do_assign_reviewer
    error = unchanged(
        lambda: late(acting_user=committee, application=review.application, reviewer=reviewers[1])
    )
    assert (error.field, error.message) == (
        "status",
        "only an application in review can get reviewers",
    )


# --- reports ------------------------------------------------------------------------------


@pytest.fixture
def report(story: Any) -> Report:
    report: Report = story.report
    return report


def test_an_accepted_report_can_be_neither_accepted_nor_returned_again(
    report: Report, secretariat: User
) -> None:
    actions.do_accept_report(acting_user=secretariat, report=report)
    again = unchanged(lambda: actions.do_accept_report(acting_user=secretariat, report=report))
    assert "from accepted to accepted" in again.message
    back = unchanged(
        lambda: actions.do_return_report(acting_user=secretariat, report=report, message="redo")
    )
    assert "from accepted to returned" in back.message
    assert Report.objects.get(pk=report.pk).status == "accepted"


def test_a_returned_report_is_revised_in_place_not_duplicated(
    report: Report, secretariat: User, story: Any
) -> None:
    actions.do_return_report(acting_user=secretariat, report=report, message="Add the loss curve.")
    owner = report.submitted_by
    revised = actions.do_submit_report(
        acting_user=owner, award=story.award, kind="progress", text="M1 with the loss curve"
    )
    assert revised.pk == report.pk
    assert (revised.status, revised.text) == ("submitted", "M1 with the loss curve")
    assert story.award.reports.count() == 1
    row = AuditEvent.objects.filter(verb="grants.report.submit").order_by("-id").first()
    assert row is not None
    assert (row.before, row.after) == (
        {"status": "returned"},
        {"status": "submitted", "kind": "progress"},
    )


def test_a_report_needs_a_message_to_be_returned(report: Report, secretariat: User) -> None:
    error = unchanged(
        lambda: actions.do_return_report(acting_user=secretariat, report=report, message=" ")
    )
    assert (error.field, error.message) == (
        "message",
        "tell the grantee what to change, in a message",
    )
    assert Report.objects.get(pk=report.pk).status == "submitted"


def test_an_accepted_final_report_completes_the_award_which_then_takes_no_report(
    story: Any, secretariat: User
) -> None:
    actions.do_accept_report(acting_user=secretariat, report=story.report)
    final = actions.do_submit_report(
        acting_user=story.report.submitted_by, award=story.award, kind="final", text="Done."
    )
    actions.do_accept_report(acting_user=secretariat, report=final)
    award = Award.objects.get(pk=story.award.pk)
    assert award.status == "completed"
    assert not award.tranches.filter(released_at__isnull=True).exists()
    error = unchanged(
        lambda: actions.do_submit_report(
            acting_user=story.report.submitted_by, award=award, kind="final", text="Again"
        )
    )
    assert (error.field, error.message) == (
        "award",
        "reports are due only on an active (published) award",
    )


@pytest.mark.parametrize(
    ("kind", "text", "field", "message"),
    [
        ("interim", "text", "kind", "the kind must be progress or final"),
        ("progress", "  ", "text", "the report is empty"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(
    story: Any, kind: str, text: str, field: str, message: str
) -> None:
    count = story.award.reports.count()
    error = unchanged(
        lambda: actions.do_submit_report(
            acting_user=story.report.submitted_by, award=story.award, kind=kind, text=text
        )
    )
    assert (error.field, error.message) == (field, message)
    assert story.award.reports.count() == count


def test_a_second_report_of_a_kind_still_awaiting_a_decision_is_refused(
    story: Any, secretariat: User
) -> None:
    """A double submission would otherwise be accepted twice and release two tranches."""
    owner = story.report.submitted_by
    error = unchanged(
        lambda: actions.do_submit_report(
            acting_user=owner, award=story.award, kind="progress", text="M1 again"
        )
    )
    assert (error.field, error.message) == (
        "kind",
        "a progress report is already waiting for the secretariat's decision",
    )
    assert story.award.reports.count() == 1
    actions.do_accept_report(acting_user=secretariat, report=story.report)
    later = actions.do_submit_report(
        acting_user=owner, award=story.award, kind="progress", text="M2"
    )
    assert later.pk != story.report.pk
    assert story.award.reports.count() == 2
