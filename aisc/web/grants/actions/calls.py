"""Schemes and calls: create, open, close, publish results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.grants import rubric, subsidy
from aisc.core.grants.eligibility import parse_checklist
from aisc.core.grants.workflow import (
    AWARD_TRANSITIONS,
    CALL_TRANSITIONS,
    UNDECIDED,
    AwardStatus,
    CallStatus,
    ReviewStatus,
    check_publishable,
)
from aisc.core.units import Money
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import notifications, verbs
from aisc.web.grants.actions.lifecycle import move_and_record, snapshot
from aisc.web.grants.models import Application, Award, Call, Review, Scheme

CALL_FIELDS = ("code", "title_en", "opens_on", "closes_on", "period_start", "period_end", "budget")


def _check_dates(opens_on: dt.date, closes_on: dt.date, start: dt.date, end: dt.date) -> None:
    if closes_on < opens_on:
        raise RuleViolation("a call must close on or after the day it opens", field="closes_on")
    if end <= start:
        raise RuleViolation("the consumption period must end after it starts", field="period_end")


def other_budgets(scheme: Scheme) -> Money:
    total = scheme.calls.aggregate(s=Sum("budget"))["s"]
    return Money(total or 0)


@transaction.atomic
def do_create_call(
    *,
    acting_user: User | None,
    scheme: Scheme,
    code: str,
    title_en: str,
    opens_on: dt.date,
    closes_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    budget: Decimal,
    **fields: Any,
) -> Call:
    if Call.objects.filter(code=code).exists():
        raise RuleViolation("a call with this code already exists", field="code")
    _check_dates(opens_on, closes_on, period_start, period_end)
    # Lock the scheme row so two calls created at once cannot both spend the same money.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    subsidy.check_call_budget(Money(budget), Money(scheme.fund), other_budgets(scheme))
    call = Call(
        scheme=scheme,
        code=code,
        title_en=title_en,
        opens_on=opens_on,
        closes_on=closes_on,
        period_start=period_start,
        period_end=period_end,
        budget=budget,
        **fields,
    )
    call.rubric = [c.as_dict() for c in rubric.parse_rubric(call.rubric)]
    call.checklist = parse_checklist(call.checklist)
    call.save()
    record(acting_user, verbs.CALL_CREATE, call, after=snapshot(call, CALL_FIELDS))
    return call


@transaction.atomic
def do_set_call_criteria(
    *,
    acting_user: User | None,
    call: Call,
    criteria: list[dict[str, Any]],
    checklist: list[dict[str, Any]],
) -> Call:
    """Replace a call's review rubric and screening checklist. Scores already given were weighed
    against the old rubric and answers already recorded name the old items, so the rubric locks
    at the first submitted review and the checklist at the first screening."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    rows = [c.as_dict() for c in rubric.parse_rubric(criteria)]
    items = parse_checklist(checklist)
    reviewed = Review.objects.filter(application__call=call, status=ReviewStatus.SUBMITTED)
    if rows != [c.as_dict() for c in call.criteria()] and reviewed.exists():
        raise RuleViolation(
            "the rubric cannot change once a review has been submitted", field="rubric"
        )
    answers = Application.objects.filter(call=call).values_list("screening", flat=True)
    if items != parse_checklist(call.checklist) and any(answers):
        raise RuleViolation(
            "the checklist cannot change once an application has been screened", field="checklist"
        )
    before = {"rubric": call.rubric, "checklist": call.checklist}
    call.rubric, call.checklist = rows, items
    call.save(update_fields=["rubric", "checklist"])
    record(
        acting_user,
        verbs.CALL_CRITERIA,
        call,
        before=before,
        after={"rubric": rows, "checklist": items},
    )
    return call


def _move_call(
    acting_user: User | None,
    call: Call,
    target: CallStatus,
    verb: str,
    changes: dict[str, Any] | None = None,
) -> Call:
    move_and_record(
        acting_user, call, CALL_TRANSITIONS, target, verb, what="the call", changes=changes
    )
    return call


@transaction.atomic
def do_open_call(*, acting_user: User | None, call: Call) -> Call:
    return _move_call(acting_user, call, CallStatus.OPEN, verbs.CALL_OPEN)


@transaction.atomic
def do_close_call(*, acting_user: User | None, call: Call) -> Call:
    return _move_call(acting_user, call, CallStatus.CLOSED, verbs.CALL_CLOSE)


@transaction.atomic
def do_publish_results(*, acting_user: User | None, call: Call) -> Call:
    """Publish the call's decided awards: they join the public grantee list and become active.
    Refused while any application of the call still awaits a decision."""
    check_publishable(call.applications.filter(status__in=UNDECIDED).count())
    now = timezone.now()
    _move_call(acting_user, call, CallStatus.PUBLISHED, verbs.CALL_PUBLISH, {"published_at": now})
    for award in Award.objects.filter(application__call=call, status=AwardStatus.APPROVED):
        move_and_record(
            acting_user,
            award,
            AWARD_TRANSITIONS,
            AwardStatus.ACTIVE,
            verbs.AWARD_PUBLISH,
            what="the award",
            changes={"published_at": now},
        )
        notifications.award_published(award)
    return call
