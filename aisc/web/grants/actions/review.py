"""Screening by the secretariat, reviewer assignment, conflicts, and scored reviews."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import eligibility, rubric
from aisc.core.grants.workflow import (
    APPLICATION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ApplicationStatus,
    ReviewStatus,
)
from aisc.web.accounts.models import Role, User
from aisc.web.audit.record import record
from aisc.web.grants import notifications, verbs
from aisc.web.grants.actions.lifecycle import move_and_record
from aisc.web.grants.conflicts import conflict_of
from aisc.web.grants.models import Application, Review

SCREENING_OUTCOMES = {
    "pass": ApplicationStatus.IN_REVIEW,
    "return": ApplicationStatus.RETURNED,
    "reject": ApplicationStatus.INELIGIBLE,
}
REVIEWABLE = frozenset({ApplicationStatus.IN_REVIEW, ApplicationStatus.DEFERRED})


@transaction.atomic
def do_screen(
    *,
    acting_user: User,
    application: Application,
    outcome: str,
    answers: dict[str, bool],
    message: str = "",
) -> Application:
    """Pass (every checklist item met), return for completion, or reject as ineligible; the
    last two carry a message to the applicant."""
    if outcome not in SCREENING_OUTCOMES:
        raise RuleViolation(
            gettext_noop("the outcome must be pass, return or reject"), field="outcome"
        )
    if outcome == "pass":
        eligibility.check_checklist(application.call.checklist_codes(), answers)
    elif not message.strip():
        raise RuleViolation(gettext_noop("tell the applicant why, in a message"), field="message")
    screening = {code: bool(answers.get(code)) for code in application.call.checklist_codes()}
    move_and_record(
        acting_user,
        application,
        APPLICATION_TRANSITIONS,
        SCREENING_OUTCOMES[outcome],
        verbs.APPLICATION_SCREEN,
        what="the application",
        changes={"screening": screening, "screening_message": message.strip()},
        audit={"screening": screening, "message": message},
    )
    notifications.status_changed(application)
    return application


@transaction.atomic
def do_assign_reviewer(*, acting_user: User, application: Application, reviewer: User) -> Review:
    if application.state not in REVIEWABLE:
        raise RuleViolation(
            gettext_noop("only an application in review can get reviewers"), field="status"
        )
    if not reviewer.has_role(Role.REVIEWER):
        raise RuleViolation(f"{reviewer.email} is not a reviewer", field="reviewer")
    conflict = conflict_of(reviewer, application)
    if conflict is not None:
        raise RuleViolation(f"conflict of interest: {conflict}", field="reviewer")
    if application.reviews.filter(reviewer=reviewer).exists():
        raise RuleViolation(f"{reviewer.email} is already assigned", field="reviewer")
    review = Review.objects.create(
        application=application, reviewer=reviewer, assigned_by=acting_user
    )
    record(acting_user, verbs.REVIEW_ASSIGN, review, after={"reviewer": reviewer.email})
    notifications.reviewer_assigned(review)
    return review


@transaction.atomic
def do_declare_conflict(*, acting_user: User, review: Review, reason: str) -> Review:
    """A conflict of interest on an assignment, declared by the reviewer (whenever it is found,
    even when a conflict the system computes already hides the application from them) or
    recorded by the secretariat when others found it. The reviewer loses access at once, and
    the application goes back on the secretariat's queue for a replacement reviewer."""
    if not reason.strip():
        raise RuleViolation(gettext_noop("say what the conflict is"), field="reason")
    by_reviewer = acting_user is not None and acting_user.pk == review.reviewer_id
    move_and_record(
        acting_user,
        review,
        REVIEW_TRANSITIONS,
        ReviewStatus.CONFLICTED,
        verbs.REVIEW_DECLARE_CONFLICT if by_reviewer else verbs.REVIEW_RECORD_CONFLICT,
        what="the review",
        changes={
            "conflict_reason": reason.strip(),
            "conflict_declared_by": acting_user,
            "conflict_declared_at": timezone.now(),
        },
        audit={"reason": reason.strip(), "reviewer": review.reviewer.email},
    )
    return review


@transaction.atomic
def do_submit_review(
    *, acting_user: User, review: Review, scores: dict[str, int], comments: dict[str, str]
) -> Review:
    application = review.application
    if application.state not in REVIEWABLE:
        raise RuleViolation(gettext_noop("this application is no longer in review"), field="status")
    conflict = conflict_of(review.reviewer, application)
    if conflict is not None:
        raise RuleViolation(f"conflict of interest: {conflict}", field="reviewer")
    criteria = application.call.criteria()
    total = rubric.weighted_total(criteria, scores)
    unknown = sorted(set(comments) - {c.code for c in criteria})
    if unknown:
        raise RuleViolation(f"not a criterion of this rubric: {unknown[0]}", field=unknown[0])
    move_and_record(
        acting_user,
        review,
        REVIEW_TRANSITIONS,
        ReviewStatus.SUBMITTED,
        verbs.REVIEW_SUBMIT,
        what="the review",
        changes={
            "scores": dict(scores),
            "comments": {code: text.strip() for code, text in comments.items()},
            "total": total,
            "submitted_at": timezone.now(),
        },
        audit={"total": total, "scores": dict(scores)},
    )
    return review
