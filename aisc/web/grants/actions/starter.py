"""Starter grants, the fast lane (aisc.core.grants.starter): the secretariat sets a programme's
terms on a call; an applicant's request is decided by the system in the same transaction as its
submission. An approval goes down the path every award takes (the award, its one tranche, the
award_approved event that creates the allocation and posts the commitment, the release that
reaches Slurm); a refusal is stored as a rejected application naming the rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.catalogue.chips import CHIPS
from aisc.core.errors import AiscError, RuleViolation
from aisc.core.grants import caps, eligibility, request, starter, subsidy, tranches
from aisc.core.grants.workflow import (
    AWARD_TRANSITIONS,
    ApplicationStatus,
    AwardStatus,
    CallStatus,
)
from aisc.core.units import Money
from aisc.web.accounts.models import Organisation, User, VerificationStatus
from aisc.web.audit.record import record
from aisc.web.catalogue.capacity import offered_chips
from aisc.web.grants import caps as scheme_caps
from aisc.web.grants import events, notifications, pricing, verbs
from aisc.web.grants.actions.awards import release_tranche
from aisc.web.grants.actions.decisions import AwardPlan, committed, create_award, project_code
from aisc.web.grants.actions.lifecycle import move
from aisc.web.grants.actions.obligations import final_reports_owed
from aisc.web.grants.models import Application, Award, Call, Decision, Scheme
from aisc.web.grants.starter_models import StarterProgramme

TITLE_LENGTH = 200  # Application.title's column
ONE_TRANCHE = (tranches.TrancheSpec(Decimal(1), tranches.AT_START),)


@transaction.atomic
def do_create_starter_programme(
    *, acting_user: User | None, call: Call, terms: starter.Terms
) -> StarterProgramme:
    """Turn an open or draft call without applications into a starter-grant programme."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if StarterProgramme.objects.filter(call=call).exists():
        raise RuleViolation(gettext_noop("this call already has a starter programme"), field="call")
    if call.applications.exists():
        raise RuleViolation(
            gettext_noop("a call that already has applications cannot become a starter programme"),
            field="call",
        )
    starter.check_terms(terms, call.scheme.max_rate)
    programme = StarterProgramme.objects.create(
        call=call,
        chips=list(terms.chips),
        gpu_hours=terms.gpu_hours,
        months=terms.months,
        per_org_per_year=terms.per_org_per_year,
        subsidy_rate=terms.subsidy_rate,
        created_by=acting_user,
    )
    record(acting_user, verbs.STARTER_PROGRAMME_CREATE, programme, after=programme.facts())
    return programme


@dataclass(frozen=True)
class StarterRequest:
    organisation: Organisation
    chip: str
    title: str
    summary: str = ""
    lay_summary: str = ""
    lay_summary_zh: str = ""
    title_zh: str = ""  # shown on the Chinese grantee list; the English title when blank


def granted_this_year(scheme: Scheme, organisation: Organisation, year: int) -> int:
    """Starter grants the organisation holds from the scheme's programmes, awarded this year
    (a cancelled one still counts: it was given)."""
    return Award.objects.filter(
        organisation=organisation,
        application__call__scheme=scheme,
        application__call__starter_programme__isnull=False,
        created_at__year=year,
    ).count()


def _check_input(programme: StarterProgramme, ask: StarterRequest) -> None:
    """Input that is wrong, not a refusal: nothing is stored."""
    call = programme.call
    if call.status != CallStatus.OPEN:
        raise RuleViolation(gettext_noop("this programme is not open for requests"), field="call")
    eligibility.check_eligible(ask.organisation.kind, call.scheme.eligible_kinds)
    if ask.chip not in CHIPS:
        raise RuleViolation(
            gettext_noop("unknown chip %(chip)s; known chips: %(known)s"),
            field="chip",
            params={"chip": ask.chip, "known": ", ".join(CHIPS)},
        )
    if not ask.title.strip():
        raise RuleViolation(gettext_noop("a project title is required"), field="title")
    if len(ask.title.strip()) > TITLE_LENGTH:
        raise RuleViolation(gettext_noop("the title is at most 200 characters"), field="title")
    if len(ask.title_zh.strip()) > TITLE_LENGTH:
        raise RuleViolation(
            gettext_noop("the Chinese title is at most 200 characters"), field="title_zh"
        )


@transaction.atomic
def do_apply_starter(
    *, acting_user: User, programme: StarterProgramme, ask: StarterRequest
) -> Application:
    """Submit and decide at once; returns the application, approved (with its award) or
    rejected (its screening names the rule)."""
    # One decision at a time per programme, so two requests cannot both pass a yearly limit.
    programme = (
        StarterProgramme.objects.select_for_update()
        .select_related("call__scheme")
        .get(pk=programme.pk)
    )
    _check_input(programme, ask)
    today = timezone.localdate()
    terms = programme.terms()
    application = Application.objects.create(
        call=programme.call, organisation=ask.organisation, created_by=acting_user,
        status=ApplicationStatus.SUBMITTED, title=ask.title.strip(),
        title_zh=ask.title_zh.strip(), summary=ask.summary,
        lay_summary=ask.lay_summary, lay_summary_zh=ask.lay_summary_zh, chip=ask.chip, gpus=1,
        months=terms.months, preferred_start=today, submitted_at=timezone.now(),
    )  # fmt: skip
    record(acting_user, verbs.APPLICATION_SUBMIT, application, after=_facts(application))
    standing = starter.Standing(
        verified=ask.organisation.status == VerificationStatus.VERIFIED,
        obligations=tuple(final_reports_owed(ask.organisation)),
        granted_this_year=granted_this_year(programme.call.scheme, ask.organisation, today.year),
    )
    refused = starter.refusal(terms, standing, ask.chip, offered_chips(), today)
    if refused is None:
        try:
            with transaction.atomic():
                _approve(application, programme)
        except AiscError as exc:
            refused = starter.limits_refusal(exc)
    if refused is not None:
        _refuse(application, refused)
    notifications.status_changed(application)
    return application


def _approve(application: Application, programme: StarterProgramme) -> None:
    call = Call.objects.select_for_update().get(pk=programme.call_id)
    scheme = Scheme.objects.select_for_update().get(pk=call.scheme_id)
    start = application.preferred_start
    assert start is not None
    request.check_period(start, programme.months, (call.period_start, call.period_end))
    price = pricing.list_price(application.chip, start)
    cost = subsidy.subsidy_cost(programme.gpu_hours, price, programme.subsidy_rate)
    subsidy.check_commitment(cost, Money(call.budget), committed(call))
    adding = caps.Totals(cost.amount, programme.gpu_hours)
    caps.check(scheme_caps.breaches(scheme, application.organisation, adding), "")
    before, after = move(
        application, starter.STARTER_TRANSITIONS, ApplicationStatus, ApplicationStatus.APPROVED,
        what="the application",
    )  # fmt: skip
    application.save(update_fields=["status"])
    Decision.objects.create(application=application, outcome="approve", decided_by=None)
    now = timezone.now()
    plan = AwardPlan(
        {
            "organisation": application.organisation, "project_code": project_code(call),
            "chip": application.chip, "gpus": 1, "months": programme.months,
            "gpu_hours": programme.gpu_hours, "start_date": start,
            "end_date": request.period_end(start, programme.months), "list_price": price,
            "subsidy_rate": programme.subsidy_rate, "subsidy_cap": cost.amount,
            "committed_amount": cost.amount, "published_at": now,
        },
        ONE_TRANCHE,
    )  # fmt: skip
    award = create_award(application, plan)
    record(
        None, verbs.APPLICATION_DECIDE, application, before={"status": before},
        after={"status": after, "award": award.project_code, "starter": True,
               "decision_seconds": decision_seconds(application)},
    )  # fmt: skip
    record(
        None, verbs.AWARD_APPROVE, award,
        after={"gpu_hours": award.gpu_hours, "committed_amount": award.committed_amount},
    )  # fmt: skip
    events.award_approved.publish(events.AwardApproved(award, None))
    # Nothing to publish later: a starter grant is public, and active, from its decision.
    move(award, AWARD_TRANSITIONS, AwardStatus, AwardStatus.ACTIVE, what="the award")
    award.save(update_fields=["status"])
    release_tranche(None, award.tranches.get(seq=1), now)


def _refuse(application: Application, refused: starter.Refusal) -> None:
    before, after = move(
        application, starter.STARTER_TRANSITIONS, ApplicationStatus, ApplicationStatus.REJECTED,
        what="the application",
    )  # fmt: skip
    error = refused.error
    application.screening = {
        "starter_rule": refused.rule.value,
        "template": error.template,
        "params": {k: str(v) for k, v in error.params.items()},
        "field": error.field or "",
    }
    application.screening_message = error.message
    application.save(update_fields=["status", "screening", "screening_message"])
    Decision.objects.create(
        application=application, outcome="reject", decided_by=None, notes=error.message
    )
    record(
        None, verbs.APPLICATION_DECIDE, application, before={"status": before},
        after={"status": after, "starter": True, "rule": refused.rule.value,
               "reason": error.message, "decision_seconds": decision_seconds(application)},
    )  # fmt: skip


def decision_seconds(application: Application) -> float | None:
    """Submission to decision, from the stored decision (now, while it is being made)."""
    if application.submitted_at is None:
        return None
    decision = application.decisions.order_by("decided_at").first()
    decided: dt.datetime = decision.decided_at if decision is not None else timezone.now()
    return round((decided - application.submitted_at).total_seconds(), 3)


def _facts(application: Application) -> dict[str, Any]:
    return {
        "status": application.status,
        "call": application.call.code,
        "chip": application.chip,
        "title": application.title,
        "starter": True,
    }
