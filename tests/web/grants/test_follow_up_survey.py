"""The follow-up survey 12 months after an award ends: the worker's task opens it and mails the
grantee reminders through the outbox on the due day and 30 and 60 days after, once each, in the
grantee's language, until it is answered; the answer (revenue, users, jobs) is checked, audited,
and counted in the annual report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web import worker_tasks
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.actions.survey import SURVEY_TASK
from aisc.web.grants.models import Award, FollowUpSurvey
from aisc.web.notify import mailing
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.grants import Mails

pytestmark = pytest.mark.django_db
SUBJECT = "Follow-up survey: what did your project return?"


def ended(award: Award, on: dt.date) -> Award:
    Award.objects.filter(pk=award.pk).update(end_date=on)
    award.refresh_from_db()
    return award


def test_reminders_go_on_the_due_day_and_30_and_60_days_after_once_each(
    active: Award, applicant: User, sent: Mails
) -> None:
    award = ended(active, dt.date(2026, 3, 31))
    due = dt.date(2027, 3, 31)
    assert actions.do_send_survey_reminders(due - dt.timedelta(days=1)) == []
    assert not FollowUpSurvey.objects.exists()
    code = award.project_code
    assert actions.do_send_survey_reminders(due) == [f"{code} #1"]
    assert actions.do_send_survey_reminders(due) == []  # the same day again: nothing
    assert actions.do_send_survey_reminders(due + dt.timedelta(days=29)) == []
    assert actions.do_send_survey_reminders(due + dt.timedelta(days=30)) == [f"{code} #2"]
    assert actions.do_send_survey_reminders(due + dt.timedelta(days=90)) == [f"{code} #3"]
    assert actions.do_send_survey_reminders(due + dt.timedelta(days=365)) == []
    assert [s for _, s in sent() if s == SUBJECT] == [SUBJECT] * 3
    assert all(to == applicant.email for to, s in sent() if s == SUBJECT)
    assert AuditEvent.objects.filter(verb="grants.survey.remind").count() == 3
    assert FollowUpSurvey.objects.get(award=award).due_on == due


def test_the_reminder_speaks_the_grantees_language(active: Award, applicant: User) -> None:
    applicant.language = "zh-hant"
    applicant.save()
    ended(active, dt.date(2026, 3, 31))
    actions.do_send_survey_reminders(dt.date(2027, 3, 31))
    mail = OutboxMessage.objects.filter(kind=mailing.KIND).latest("id").payload
    assert "後續調查" in mail["subject"]
    assert "2027-03-31" in mail["body"]


def test_an_answered_survey_gets_no_more_reminders_and_counts_in_the_annual_report(
    active: Award, applicant: User
) -> None:
    from aisc.web.billing.annual import annual_report

    award = ended(active, dt.date(2025, 1, 15))
    found = actions.do_answer_survey(
        acting_user=applicant, award=award, revenue="1,250,000.50", users="12000", jobs="7"
    )
    assert (found.revenue, found.users, found.jobs) == (Decimal("1250000.50"), 12000, 7)
    assert actions.do_send_survey_reminders() == []
    again = actions.do_answer_survey(
        acting_user=applicant, award=award, revenue="1300000", users="12500", jobs="8"
    )
    assert again.jobs == 8
    change = AuditEvent.objects.filter(verb="grants.survey.answer").order_by("pk").last()
    assert change is not None
    assert change.before == {"revenue": "1250000.50", "users": 12000, "jobs": 7}
    year = timezone.localdate().year
    assert annual_report(year)["follow_up_surveys"] == {
        "answered": 1,
        "revenue": "1300000.00",
        "users": 12500,
        "jobs": 8,
    }
    assert annual_report(year - 1)["follow_up_surveys"]["answered"] == 0


def test_a_survey_not_yet_due_or_a_bad_answer_is_refused_naming_the_field(
    active: Award, applicant: User
) -> None:
    award = ended(active, dt.date(2026, 6, 30))
    with pytest.raises(RuleViolation, match="opens on 2027-06-30") as err:
        actions.do_answer_survey(
            acting_user=applicant,
            award=award,
            revenue="0",
            users="0",
            jobs="0",
            today=dt.date(2027, 6, 29),
        )
    assert err.value.field == "award"
    with pytest.raises(RuleViolation) as err:
        actions.do_answer_survey(
            acting_user=applicant,
            award=award,
            revenue="-1",
            users="0",
            jobs="0",
            today=dt.date(2027, 7, 1),
        )
    assert err.value.field == "revenue"
    assert not FollowUpSurvey.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.survey.answer").exists()


def test_the_worker_runs_the_survey_task_on_its_schedule() -> None:
    task = next(t for t in worker_tasks.registered() if t.name == SURVEY_TASK)
    assert task.every == dt.timedelta(hours=1)
