"""Who may do what in the grants domain; imported from GrantsConfig.ready. Deny by default.

Applicants act for their organisation; reviewers see only applications assigned to them and free
of conflicts; the secretariat screens, assigns and handles reports; the committee decides and
publishes. Auditors see everything through the `.view` rule of authz; admins do anything.
"""

from __future__ import annotations

from typing import Any

from aisc.core.grants.workflow import ReviewStatus
from aisc.web.accounts.authz import has_roles, member_of, rule
from aisc.web.accounts.models import Role, User
from aisc.web.grants.conflicts import conflict_of
from aisc.web.grants.models import Application, Award, Kpi, Output, Report, Review

STAFF = (Role.SECRETARIAT, Role.COMMITTEE)


def reviewer_blocked(user: User, application: Application) -> str | None:
    """Why this reviewer may not open the application, or None when they may."""
    review = application.reviews.filter(reviewer=user).first()
    if review is None:
        return "you are not assigned to this application"
    if review.status == ReviewStatus.CONFLICTED:
        return f"conflict of interest declared: {review.conflict_reason}"
    conflict = conflict_of(user, application)
    return f"conflict of interest: {conflict}" if conflict else None


def _org_of(obj: Any) -> int | None:
    if isinstance(obj, Application | Award):
        return obj.organisation_id
    if isinstance(obj, Report | Output | Kpi):
        return obj.award.organisation_id
    return None


def can_view_application(user: User, obj: Any) -> bool:
    """Membership in queries.visible_applications, the one rule (lists filter by it)."""
    from aisc.web.grants.queries import visible_applications

    if obj is None:
        return True
    return visible_applications(user).filter(pk=obj.pk).exists()


def can_create_application(user: User, obj: Any) -> bool:
    if obj is None:
        return user.memberships.exists()
    return member_of(user, obj.pk)


rule("grants.call.view")(lambda user, obj: True)
rule("grants.call.manage")(has_roles(Role.SECRETARIAT))
rule("grants.scheme.view")(has_roles(*STAFF))
rule("grants.scheme.manage")(has_roles(Role.SECRETARIAT))
rule("grants.related_group.manage")(has_roles(Role.SECRETARIAT))
rule("grants.call.publish")(has_roles(Role.COMMITTEE))
rule("grants.application.create")(can_create_application)
rule("grants.application.view")(can_view_application)
rule("grants.application.edit")(lambda user, obj: obj is not None and member_of(user, _org_of(obj)))
rule("grants.application.screen")(has_roles(Role.SECRETARIAT))
rule("grants.application.decide")(has_roles(Role.COMMITTEE))
rule("grants.ranking.view")(has_roles(*STAFF))
rule("grants.review.assign")(has_roles(Role.SECRETARIAT))
rule("grants.review.submit")(
    lambda user, obj: isinstance(obj, Review) and obj.reviewer_id == user.pk
)
rule("grants.review.list")(has_roles(Role.REVIEWER))
# The reviewer on their own assignment, or the secretariat recording a conflict others found.
rule("grants.review.declare_conflict")(
    lambda user, obj: (
        isinstance(obj, Review) and (obj.reviewer_id == user.pk or user.has_role(Role.SECRETARIAT))
    )
)


def can_view_award(user: User, obj: Any) -> bool:
    """Membership in queries.visible_awards, the one rule (the usage page filters by it)."""
    from aisc.web.grants.queries import AWARD_READERS, visible_awards

    if obj is None:  # the lists of every award
        return user.has_role(*AWARD_READERS)
    return visible_awards(user).filter(pk=obj.pk).exists()


rule("grants.award.view")(can_view_award)
rule("grants.report.submit")(lambda user, obj: obj is not None and member_of(user, _org_of(obj)))
rule("grants.report.decide")(has_roles(Role.SECRETARIAT))
rule("grants.award.waive")(has_roles(Role.SECRETARIAT))
rule("grants.award.cancel")(has_roles(Role.SECRETARIAT))
# Outcomes (issue 18): the award's organisation declares outputs, reports KPI values and answers
# the follow-up survey; the secretariat or the committee agrees KPIs at award time.
rule("grants.output.declare")(lambda user, obj: obj is not None and member_of(user, _org_of(obj)))
rule("grants.kpi.report")(lambda user, obj: obj is not None and member_of(user, _org_of(obj)))
rule("grants.survey.answer")(lambda user, obj: obj is not None and member_of(user, _org_of(obj)))
rule("grants.kpi.agree")(has_roles(*STAFF))
