"""Committee decisions: approve in full or in part, reject, defer; an approval creates the award,
its tranches, commits its cost against the call, and tells the allocations domain (signals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import caps, request, subsidy, tranches
from aisc.core.grants.workflow import (
    APPLICATION_TRANSITIONS,
    DECISION_OUTCOMES,
    FUNDED,
    ApplicationStatus,
    AwardStatus,
    ReviewStatus,
    transition,
)
from aisc.core.units import Money
from aisc.web.accounts.models import Role, User
from aisc.web.audit.record import record
from aisc.web.grants import caps as scheme_caps
from aisc.web.grants import events, notifications, pricing, verbs
from aisc.web.grants.actions.awards import release_tranche
from aisc.web.grants.actions.lifecycle import move
from aisc.web.grants.models import Application, Award, AwardTranche, Call, Decision, Scheme


@dataclass(frozen=True)
class DecisionInput:
    outcome: str  # approve | approve_in_part | reject | defer
    members_present: list[User]
    conflicts_declared: str = ""
    notes: str = ""
    gpus: int | None = None  # approve_in_part: fewer GPUs ...
    months: int | None = None  # ... or fewer months
    subsidy_rate: Decimal | None = None  # default: the scheme's default rate
    exceptional_reason: str = ""
    cap_exception_reason: str = ""  # the exceptional rule, to go over a scheme cap
    conditions: str = ""
    tranche_plan: list[dict[str, Any]] = field(default_factory=list)
    dedicated: bool = False


def committed(call: Call) -> Money:
    """What the call's awards have committed; cancelled awards give their money back."""
    total = (
        Award.objects.filter(application__call=call)
        .exclude(status=AwardStatus.CANCELLED)
        .aggregate(s=Sum("committed_amount"))["s"]
    )
    return Money(total or 0)


def _check_members(members: list[User]) -> None:
    if not members:
        raise RuleViolation(
            gettext_noop("record the committee members present"), field="members_present"
        )
    outsiders = [m.email for m in members if not m.has_role(Role.COMMITTEE)]
    if outsiders:
        raise RuleViolation(f"not a committee member: {outsiders[0]}", field="members_present")


def _awarded_size(application: Application, decision: DecisionInput) -> tuple[int, int]:
    asked = (application.gpus or 0, application.months or 0)
    if decision.outcome == "approve":
        return asked
    gpus = decision.gpus if decision.gpus is not None else asked[0]
    months = decision.months if decision.months is not None else asked[1]
    request.check_bounds({"gpus": gpus, "months": months})
    if gpus > asked[0] or months > asked[1]:
        raise RuleViolation(
            gettext_noop("an approval in part cannot give more than was asked"), field="gpus"
        )
    if (gpus, months) == asked:
        raise RuleViolation(
            gettext_noop("an approval in part gives fewer GPUs or fewer months"), field="gpus"
        )
    return gpus, months


def project_code(call: Call) -> str:
    """p + the call code without its leading c, and a sequence: c2026a -> p2026a-003."""
    stem = call.code[1:] if call.code.startswith("c") else call.code
    seq = Award.objects.filter(application__call=call).count() + 1
    return f"p{stem}-{seq:03d}"


@dataclass(frozen=True)
class AwardPlan:
    """An award checked against every rule, before anything is saved."""

    fields: dict[str, Any]
    tranche_plan: tuple[tranches.TrancheSpec, ...]
    cap_breaches: tuple[caps.Breach, ...] = ()


def _plan_award(application: Application, decision: DecisionInput) -> AwardPlan:
    # Lock the call so two decisions at once cannot both spend its last money.
    call = Call.objects.select_for_update().get(pk=application.call_id)
    # And the scheme, so two decisions in different calls cannot both pass a cap.
    scheme = Scheme.objects.select_for_update().get(pk=call.scheme_id)
    rate = decision.subsidy_rate if decision.subsidy_rate is not None else scheme.default_rate
    subsidy.check_rate(scheme.rules(), rate, decision.exceptional_reason)
    plan = (
        tranches.parse_plan(decision.tranche_plan)
        if decision.tranche_plan
        else tranches.DEFAULT_PLAN
    )
    gpus, months = _awarded_size(application, decision)
    start = application.preferred_start
    assert start is not None  # submission made sure of both
    assert application.chip
    request.check_period(start, months, (call.period_start, call.period_end))
    hours = request.requested_gpu_hours(gpus, months)
    price = pricing.list_price(application.chip, start)
    cost = subsidy.subsidy_cost(hours, price, rate)
    subsidy.check_commitment(cost, Money(call.budget), committed(call))
    adding = caps.Totals(cost.amount, hours)
    passed = caps.check(
        scheme_caps.breaches(scheme, application.organisation, adding),
        decision.cap_exception_reason,
    )
    fields = {
        "organisation": application.organisation,
        "project_code": project_code(call),
        "chip": application.chip,
        "gpus": gpus,
        "months": months,
        "gpu_hours": hours,
        "start_date": start,
        "end_date": request.period_end(start, months),
        "list_price": price,
        "subsidy_rate": rate,
        "subsidy_cap": cost.amount,
        "committed_amount": cost.amount,
        "exceptional_reason": decision.exceptional_reason.strip(),
        "cap_exception_reason": decision.cap_exception_reason.strip() if passed else "",
        "conditions": decision.conditions.strip(),
        "dedicated": decision.dedicated,
    }
    return AwardPlan(fields, plan, tuple(passed))


def create_award(application: Application, plan: AwardPlan) -> Award:
    award = Award.objects.create(application=application, **plan.fields)
    parts = tranches.split_hours(award.gpu_hours, plan.tranche_plan)
    for seq, (spec, part) in enumerate(zip(plan.tranche_plan, parts, strict=True), 1):
        AwardTranche.objects.create(
            award=award, seq=seq, fraction=spec.fraction, gpu_hours=part, condition=spec.condition
        )
    return award


@transaction.atomic
def do_decide(*, acting_user: User, application: Application, decision: DecisionInput) -> Decision:
    if decision.outcome not in DECISION_OUTCOMES:
        raise RuleViolation(
            gettext_noop("the outcome must be approve, approve_in_part, reject or defer"),
            field="outcome",
        )
    _check_members(decision.members_present)
    target = DECISION_OUTCOMES[decision.outcome]
    if target in FUNDED and not application.reviews.filter(status=ReviewStatus.SUBMITTED).exists():
        raise RuleViolation(
            gettext_noop("an application needs at least one submitted review to be approved"),
            field="outcome",
        )
    # Every rule is checked before anything changes, so a refusal leaves the object as it was.
    transition(APPLICATION_TRANSITIONS, application.state, target, what="the application")
    plan = _plan_award(application, decision) if target in FUNDED else None
    before, after = move(
        application, APPLICATION_TRANSITIONS, ApplicationStatus, target, what="the application"
    )
    application.save(update_fields=["status"])
    row = Decision.objects.create(
        application=application,
        outcome=decision.outcome,
        decided_by=acting_user,
        conflicts_declared=decision.conflicts_declared.strip(),
        notes=decision.notes.strip(),
    )
    row.members_present.set(decision.members_present)
    audit_after: dict[str, Any] = {
        "status": after,
        "members": [m.email for m in decision.members_present],
    }
    award: Award | None = None
    if plan is not None:
        award = create_award(application, plan)
        audit_after |= {
            "award": award.project_code,
            "committed": award.committed_amount,
            "rate": award.subsidy_rate,
        }
        if plan.cap_breaches:
            audit_after["cap_exception"] = {
                "reason": award.cap_exception_reason,
                "caps": [
                    {
                        "scope": b.scope.value,
                        "name": b.name,
                        "measure": b.measure.value,
                        "cap": b.cap,
                        "after": b.after,
                    }
                    for b in plan.cap_breaches
                ],
            }
    record(
        acting_user,
        verbs.APPLICATION_DECIDE,
        application,
        before={"status": before},
        after=audit_after,
    )
    if award is not None:
        record(
            acting_user,
            verbs.AWARD_APPROVE,
            award,
            after={"gpu_hours": award.gpu_hours, "committed_amount": award.committed_amount},
        )
        events.award_approved.publish(events.AwardApproved(award, acting_user))
        release_tranche(acting_user, award.tranches.order_by("seq")[0], timezone.now())
    notifications.status_changed(application)
    return row
