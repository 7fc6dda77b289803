"""The public call page publishes how long applicants waited from submission to the committee's
decision: the median and the 90th percentile over the call's decided applications (a deferral
is not a decision)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.billing.annual import annual_report
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.decision_times import for_call
from aisc.web.grants.models import Application, Call, Decision

pytestmark = pytest.mark.django_db


def test_a_call_without_decisions_says_so(call: Call) -> None:
    Call.objects.filter(pk=call.pk).update(status="open")
    assert for_call(call) is None
    page = Client().get(reverse("grants:call", args=[call.code])).content.decode()
    assert "No application of this call has been decided yet." in page


def test_the_call_page_publishes_the_median_and_p90_of_the_first_real_decision(
    reviewed: Application, committee: User, call: Call
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="defer", members_present=[committee]),
    )
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="reject", members_present=[committee]),
    )
    submitted = timezone.now() - dt.timedelta(days=12, hours=12)
    Application.objects.filter(pk=reviewed.pk).update(submitted_at=submitted)
    deferral = Decision.objects.get(outcome="defer")
    Decision.objects.filter(pk=deferral.pk).update(decided_at=submitted + dt.timedelta(days=3))
    found = for_call(call)
    assert found is not None
    assert found.count == 1
    assert found.median_days == found.p90_days == Decimal("12.5")
    Call.objects.filter(pk=call.pk).update(status="open")
    page = Client().get(reverse("grants:call", args=[call.code])).content.decode()
    assert "median 12.5 days, 90% decided within 12.5 days (1 decisions)" in page


def test_the_figures_read_in_chinese(
    reviewed: Application, committee: User, call: Call, make_user: Callable[..., User]
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="reject", members_present=[committee]),
    )
    Call.objects.filter(pk=call.pk).update(status="open")
    client = Client()
    client.cookies["django_language"] = "zh-hant"
    page = client.get(reverse("grants:call", args=[call.code])).content.decode()
    assert "由提交至委員會決定" in page


def test_the_annual_report_gives_each_calls_decision_times(
    reviewed: Application, committee: User, call: Call
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="reject", members_present=[committee]),
    )
    reviewed.refresh_from_db()
    assert reviewed.submitted_at is not None
    figures = annual_report(timezone.localtime(reviewed.submitted_at).year)
    found = for_call(call)
    assert found is not None
    assert figures["decision_times"] == {
        call.code: {
            "decisions": 1,
            "median_days": str(found.median_days),
            "p90_days": str(found.p90_days),
        }
    }
