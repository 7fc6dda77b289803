"""Conflict-of-interest checks between a reviewer and an application, from stored facts."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from aisc.core.grants.conflicts import OrgRef, find_conflict
from aisc.core.grants.workflow import ApplicationStatus, ReviewStatus
from aisc.web.accounts.models import User
from aisc.web.grants.models import Application, Review

REVIEWABLE = (ApplicationStatus.IN_REVIEW, ApplicationStatus.DEFERRED)


def conflict_of(reviewer: User, application: Application) -> str | None:
    org = application.organisation
    return find_conflict(
        reviewer_org_ids=reviewer.memberships.values_list("organisation_id", flat=True),
        declared=reviewer.declared_relationships,
        applicant=OrgRef(pk=org.pk, code=org.registration_code, names=(org.name_en, org.name_zh)),
    )


def hidden_assignments(user: User) -> QuerySet[Review]:
    """The user's open assignments whose application a conflict now hides from them (found after
    the assignment: a membership accepted since, a tie declared since): the reviewer's queue
    offers to declare each, which is the one thing they can still do with it."""
    from aisc.web.grants.queries import visible_applications

    return (
        Review.objects.filter(reviewer=user, status=ReviewStatus.ASSIGNED)
        .exclude(application__in=visible_applications(user))
        .order_by("assigned_at")
    )


def undeclared_conflicts(applications: QuerySet[Application]) -> list[Review]:
    """Open assignments on these applications (in review) where a conflict of interest now
    stands that nobody has declared: the secretariat records them."""
    open_reviews = Review.objects.filter(
        application__in=applications.filter(status__in=REVIEWABLE), status=ReviewStatus.ASSIGNED
    ).select_related("application__organisation", "reviewer")
    return [
        r for r in open_reviews.order_by("assigned_at") if conflict_of(r.reviewer, r.application)
    ]


def reviewers_to_replace(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Applications in review with a conflict declared after their newest assignment: the
    conflicted reviewer needs a replacement."""
    later = Review.objects.filter(
        application=OuterRef("application"), assigned_at__gt=OuterRef("conflict_declared_at")
    )
    declared = Review.objects.filter(
        application=OuterRef("pk"),
        status=ReviewStatus.CONFLICTED,
        conflict_declared_at__isnull=False,
    ).filter(~Exists(later))
    return applications.filter(status__in=REVIEWABLE).filter(Exists(declared))
