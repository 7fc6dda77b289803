"""Mail for applicants on every status change, for reviewers on assignment, and for grantees on
publication and report decisions. Mail leaves through aisc.web.notify (the outbox), which honours
each user's choice of a daily digest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aisc.web import notify

if TYPE_CHECKING:
    from aisc.web.accounts.models import User
    from aisc.web.grants.models import Application, Award, FollowUpSurvey, Report, Review


def _send(user: User, subject: str | Promise, template: str, context: dict[str, Any]) -> None:
    notify.send(user, subject, f"grants/mail/{template}", context)


def status_changed(application: Application) -> None:
    _send(
        application.created_by,
        _("Your application changed status"),
        "status_changed.txt",
        {"application": application},
    )


def reviewer_assigned(review: Review) -> None:
    _send(
        review.reviewer,
        _("You have an application to review"),
        "reviewer_assigned.txt",
        {"review": review, "application": review.application},
    )


def award_published(award: Award) -> None:
    _send(
        award.application.created_by,
        _("Your award has been published"),
        "award_published.txt",
        {"award": award},
    )


def report_decided(report: Report) -> None:
    _send(
        report.submitted_by,
        _("Your report was reviewed"),
        "report_decided.txt",
        {"report": report},
    )


def survey_reminder(found: FollowUpSurvey, number: int) -> None:
    _send(
        found.award.application.created_by,
        _("Follow-up survey: what did your project return?"),
        "survey_reminder.txt",
        {"survey": found, "award": found.award, "number": number},
    )
