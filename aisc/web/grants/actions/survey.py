"""The follow-up survey 12 months after an award ends: the worker's task opens it when it falls
due and mails reminders through the outbox (on the day, 30 and 60 days after, while unanswered);
the grantee answers with revenue, users and jobs (aisc.core.grants.survey)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import survey
from aisc.core.grants.workflow import AwardStatus
from aisc.web.accounts.models import User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.grants import notifications, verbs
from aisc.web.grants.models import Award, FollowUpSurvey

SURVEY_TASK = "grants.survey_reminders"
SURVEY_EVERY_SECONDS = 3600
ENDED = (AwardStatus.ACTIVE, AwardStatus.COMPLETED)


@transaction.atomic
def do_send_survey_reminders(today: dt.date | None = None) -> list[str]:
    """The worker's task: open each survey that has fallen due and send the reminder its day
    calls for; run twice on one day, it sends nothing the second time. Returns "code #n" lines."""
    today = today or centre_today()
    ended = Award.objects.filter(status__in=ENDED, end_date__lt=today).select_related(
        "application__created_by"
    )
    sent = []
    for award in ended:
        due = survey.due_on(award.end_date)
        if due > today:
            continue
        found, _ = FollowUpSurvey.objects.select_for_update().get_or_create(
            award=award, defaults={"due_on": due}
        )
        number = survey.reminder_to_send(found.due_on, today, found.reminders_sent)
        if found.answered_at is not None or number is None:
            continue
        found.reminders_sent = number
        found.save(update_fields=["reminders_sent"])
        notifications.survey_reminder(found, number)
        record(None, verbs.SURVEY_REMIND, found, after={"award": award.project_code, "n": number})
        sent.append(f"{award.project_code} #{number}")
    return sent


@transaction.atomic
def do_answer_survey(
    *,
    acting_user: User,
    award: Award,
    revenue: str,
    users: str,
    jobs: str,
    today: dt.date | None = None,
) -> FollowUpSurvey:
    """Answered once it has fallen due; answered again, the new figures replace the old (both in
    the audit row)."""
    due = survey.due_on(award.end_date)
    if award.status not in ENDED or due > (today or centre_today()):
        raise RuleViolation(
            gettext_noop("the follow-up survey opens on %(due)s, 12 months after the award ends"),
            field="award",
            params={"due": due.isoformat()},
        )
    answer = survey.check_answer(revenue, users, jobs)
    found, _ = FollowUpSurvey.objects.select_for_update().get_or_create(
        award=award, defaults={"due_on": due}
    )
    before = None
    if found.answered_at is not None:
        before = {"revenue": str(found.revenue), "users": found.users, "jobs": found.jobs}
    found.revenue, found.users, found.jobs = answer.revenue, answer.users, answer.jobs
    found.answered_by, found.answered_at = acting_user, timezone.now()
    found.save()
    after = {"revenue": str(answer.revenue), "users": answer.users, "jobs": answer.jobs}
    record(acting_user, verbs.SURVEY_ANSWER, found, before=before, after=after)
    return found
