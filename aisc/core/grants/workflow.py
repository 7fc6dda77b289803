"""The lifecycles of the grants domain; each has ONE transition table and is moved only here.

Every do_* action in aisc.web.grants asks `transition` before it saves, so an edge missing from
these tables cannot happen anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from aisc.core.errors import InvalidTransition, RuleViolation


class CallStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    INELIGIBLE = "ineligible"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    APPROVED_IN_PART = "approved_in_part"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


class ReviewStatus(StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    CONFLICTED = "conflicted"


class AwardStatus(StrEnum):
    APPROVED = "approved"  # decided, not yet published
    ACTIVE = "active"  # published; compute is being used
    COMPLETED = "completed"  # final report accepted
    CANCELLED = "cancelled"


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


A = ApplicationStatus

CALL_TRANSITIONS: Mapping[CallStatus, frozenset[CallStatus]] = {
    CallStatus.DRAFT: frozenset({CallStatus.OPEN}),
    CallStatus.OPEN: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset({CallStatus.PUBLISHED}),
    CallStatus.PUBLISHED: frozenset(),
}

APPLICATION_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    A.DRAFT: frozenset({A.SUBMITTED, A.WITHDRAWN}),
    A.SUBMITTED: frozenset({A.RETURNED, A.INELIGIBLE, A.IN_REVIEW, A.WITHDRAWN}),
    A.RETURNED: frozenset({A.SUBMITTED, A.WITHDRAWN}),
    A.INELIGIBLE: frozenset(),
    A.IN_REVIEW: frozenset({A.APPROVED, A.APPROVED_IN_PART, A.REJECTED, A.DEFERRED, A.WITHDRAWN}),
    # A deferred application comes back to a later meeting of the committee.
    A.DEFERRED: frozenset({A.APPROVED, A.APPROVED_IN_PART, A.REJECTED, A.WITHDRAWN}),
    A.APPROVED: frozenset({A.WITHDRAWN}),
    A.APPROVED_IN_PART: frozenset({A.WITHDRAWN}),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}

REVIEW_TRANSITIONS: Mapping[ReviewStatus, frozenset[ReviewStatus]] = {
    ReviewStatus.ASSIGNED: frozenset({ReviewStatus.SUBMITTED, ReviewStatus.CONFLICTED}),
    ReviewStatus.SUBMITTED: frozenset(),
    ReviewStatus.CONFLICTED: frozenset(),
}

AWARD_TRANSITIONS: Mapping[AwardStatus, frozenset[AwardStatus]] = {
    AwardStatus.APPROVED: frozenset({AwardStatus.ACTIVE, AwardStatus.CANCELLED}),
    AwardStatus.ACTIVE: frozenset({AwardStatus.COMPLETED, AwardStatus.CANCELLED}),
    AwardStatus.COMPLETED: frozenset(),
    AwardStatus.CANCELLED: frozenset(),
}

REPORT_TRANSITIONS: Mapping[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.SUBMITTED: frozenset({ReportStatus.ACCEPTED, ReportStatus.RETURNED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.ACCEPTED: frozenset(),
}

# Outcomes a committee may record, and the application status each one leads to.
DECISION_OUTCOMES: Mapping[str, ApplicationStatus] = {
    "approve": A.APPROVED,
    "approve_in_part": A.APPROVED_IN_PART,
    "reject": A.REJECTED,
    "defer": A.DEFERRED,
}
FUNDED: frozenset[ApplicationStatus] = frozenset({A.APPROVED, A.APPROVED_IN_PART})
# An applicant may still edit the application in these states (drafts save as you go).
EDITABLE: frozenset[ApplicationStatus] = frozenset({A.DRAFT, A.RETURNED})
# Submitted and waiting for a decision: screening, review, or a decision put off to a later
# meeting. A call's results are published only once none of its applications is here.
UNDECIDED: frozenset[ApplicationStatus] = frozenset({A.SUBMITTED, A.IN_REVIEW, A.DEFERRED})


def check_publishable(undecided: int) -> None:
    """Refuse to publish a call's results while `undecided` of its applications await a decision."""
    if undecided:
        raise RuleViolation(
            "%(undecided)s application(s) of this call are still undecided; decide them first",
            field="status",
            params={"undecided": undecided},
        )


S = TypeVar("S", bound=StrEnum)


def can_move(table: Mapping[S, frozenset[S]], current: S, target: S) -> bool:
    return target in table[current]


def transition(table: Mapping[S, frozenset[S]], current: S, target: S, *, what: str) -> S:
    """Return `target` when the table has the edge, else raise InvalidTransition naming both."""
    if not can_move(table, current, target):
        allowed = ", ".join(sorted(table[current])) or "nothing (final state)"
        raise InvalidTransition(
            "%(what)s cannot move from %(current)s to %(target)s; allowed: %(allowed)s",
            field="status",
            params={
                "what": what,
                "current": current.value,
                "target": target.value,
                "allowed": allowed,
            },
        )
    return target
