"""The monthly centre analytics report by mail: staff who may see the analytics ask for it on
their profile (audited), the worker's task queues the past month's report once per person on the
outbox, in their language; nobody else can ask for it or gets it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web import worker_tasks
from aisc.web.accounts import actions
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import report_mail
from aisc.web.billing.ingest.batches import IngestReport
from aisc.web.billing.models import ReportMail
from aisc.web.outbox.dispatch import drain

from .conftest import HK, sacct_line

pytestmark = pytest.mark.django_db
PROFILE = "/accounts/profile/"


def test_only_staff_who_see_the_analytics_are_offered_the_report_and_the_choice_is_audited(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    applicant = make_user()
    assert "analytics_report_mail" not in logged_in(applicant).get(PROFILE).content.decode()
    with pytest.raises(RuleViolation) as caught:
        actions.do_update_profile(acting_user=applicant, analytics_report_mail=True)
    assert caught.value.field == "analytics_report_mail"
    assert "only staff who may see the centre analytics" in caught.value.message
    finance = make_user(Role.FINANCE)
    client = logged_in(finance)
    page = client.get(PROFILE).content.decode()
    assert "The centre analytics report of each past month by mail" in page
    answer = client.post(
        PROFILE,
        {
            "full_name": "F",
            "language": "en",
            "time_zone": "Asia/Hong_Kong",
            "analytics_report_mail": "on",
        },
    )
    assert answer.status_code == 302
    finance.refresh_from_db()
    assert finance.analytics_report_mail is True
    event = AuditEvent.objects.filter(verb="accounts.user.update_profile").latest("id")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["analytics_report_mail"], event.after["analytics_report_mail"]) == (
        False,
        True,
    )
    client.post(
        PROFILE, {"full_name": "F", "language": "en", "time_zone": "Asia/Hong_Kong"}
    )  # unticked: it stops
    finance.refresh_from_db()
    assert finance.analytics_report_mail is False
    chinese = logged_in(make_user(Role.OPERATOR, language="zh-hant"))
    chinese.cookies["django_language"] = "zh-hant"
    page = chinese.get(PROFILE, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "每月以電郵接收上月的中心分析報告" in page


def test_each_person_who_asked_gets_the_past_months_report_once_in_their_language(
    make_user: Callable[..., User], ingest_text: Callable[..., IngestReport]
) -> None:
    now = timezone.now()
    month = report_mail.past_month(now, HK)
    day = f"{month}-10T10:00:00"
    ingest_text(
        sacct_line("1", start=day, elapsed="02:00:00"),  # 8 GPUs x 2 h
        sacct_line("2", account="tenant-kc", start=day, elapsed="01:00:00"),  # 8 GPUs x 1 h
        sacct_line("3", start=f"{now.astimezone(HK):%Y-%m-%d}T00:00:00", elapsed="00:00:01"),
    )
    finance = make_user(Role.FINANCE, email="finance@example.hk", analytics_report_mail=True)
    make_user(Role.COMMITTEE, email="committee@example.hk", analytics_report_mail=True,
              language="zh-hant")  # fmt: skip
    make_user(Role.OPERATOR)  # did not ask
    make_user(email="former@example.hk", analytics_report_mail=True)  # lost the role since
    [task] = [t for t in worker_tasks.registered() if t.name == report_mail.TASK]
    assert task.every == dt.timedelta(hours=1)
    assert worker_tasks.run_one(task).detail == "2"
    assert worker_tasks.run_one(task).detail == "0"  # the next hour: already sent
    assert set(ReportMail.objects.values_list("user__email", "month")) == {
        ("finance@example.hk", month),
        ("committee@example.hk", month),
    }
    assert drain() == (2, 0)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"finance@example.hk", "committee@example.hk"}
    english = sent["finance@example.hk"]
    assert english.subject == f"AISC centre analytics for {month}"
    assert f"The centre analytics for {month}" in english.body
    assert "GPU-hours by organisation (24.0 in all)" in english.body
    assert "p2026a-001: 16.0" in english.body
    assert "tenant-kc: 8.0" in english.body
    assert "8 GPUs: 2 jobs, wait p50 0.0 h, p95 0.0 h" in english.body
    assert f"/billing/analytics/?start={month}&end={month}" in english.body
    chinese = sent["committee@example.hk"]
    assert chinese.subject == f"AISC 中心分析報告：{month}"
    assert "各機構的 GPU 時數（合共 24.0）" in chinese.body
    # Someone who asks later gets the same month's report at the next run, and only them.
    actions.do_update_profile(acting_user=finance, analytics_report_mail=False)
    late = make_user(Role.SECRETARIAT, analytics_report_mail=True)
    assert report_mail.send_due(now) == 1
    assert ReportMail.objects.filter(user=late, month=month).exists()


def test_the_past_month_is_the_centres_local_month_before_now() -> None:
    assert report_mail.past_month(dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC), HK) == "2026-03"
    assert report_mail.past_month(dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC), HK) == "2026-02"
    assert report_mail.past_month(dt.datetime(2026, 1, 5, tzinfo=dt.UTC), HK) == "2025-12"
