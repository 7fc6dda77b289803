"""The application page for everyone allowed to see it, with the forms each role acts through:
screening and reviewer assignment (secretariat), scoring (reviewer), decision (committee)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.grants.tranches import AFTER_REPORT, AT_START
from aisc.web.accounts import authz
from aisc.web.accounts.models import Role, User
from aisc.web.grants import actions, caps, queries
from aisc.web.grants.forms import (
    AssignForm,
    ConflictForm,
    DecisionForm,
    ReturnForm,
    ReviewForm,
    ScreeningForm,
)
from aisc.web.grants.models import Application
from aisc.web.grants.views.documents import can_withdraw
from aisc.web.grants.views.funding import funding_context
from aisc.web.grants.views.page import attempt, estimate_context, is_zh, user_of


def _forms(request: HttpRequest, user: User, application: Application) -> dict[str, Any]:
    zh = is_zh(request)
    call = application.call
    forms: dict[str, Any] = {}
    if authz.can(user, "grants.application.screen", application):
        forms["screening_form"] = ScreeningForm(checklist=call.checklist, zh=zh)
    if authz.can(user, "grants.review.assign", application):
        forms["assign_form"] = AssignForm()
        forms["record_conflicts"] = True
    if authz.can(user, "grants.application.decide", application):
        forms["decision_form"] = DecisionForm()
        forms["caps"] = caps.standings(call.scheme, application.organisation)
    own = application.reviews.filter(reviewer=user).first()
    if own is not None and own.status == "assigned":
        forms["own_review"] = own
        forms["review_form"] = ReviewForm(criteria=call.criteria(), zh=zh)
        forms["conflict_form"] = ConflictForm()
    return forms


def _page(
    request: HttpRequest, user: User, application_id: int, posted: dict[str, Any] | None = None
) -> HttpResponse:
    """The application page; `posted` holds forms refused on this request, bound to what was
    typed, so they come back with every value and their errors beside the fields (422)."""
    # Fetched afresh: a refused action rolled its transaction back, not the object in memory.
    application = queries.visible_application(user, application_id)
    context = {
        "application": application,
        "reviews": queries.reviews_visible_to(user, application),
        "aggregate": queries.aggregate_of(application)
        if user.has_role(Role.SECRETARIAT, Role.COMMITTEE, Role.ADMIN, Role.AUDITOR)
        else None,
        "award": queries.visible_awards(user).filter(application=application).first(),
        "criteria": application.call.criteria(),
        "can_edit": authz.can(user, "grants.application.edit", application),
        "can_withdraw": authz.can(user, "grants.application.edit", application)
        and can_withdraw(application),
        **estimate_context(queries.estimate_for(application)),
        **funding_context(user, application),
        **_forms(request, user, application),
        **(posted or {}),
    }
    return render(request, "grants/application.html", context, status=422 if posted else 200)


@login_required
def application_page(request: HttpRequest, application_id: int) -> HttpResponse:
    return _page(request, user_of(request), application_id)


@login_required
@require_POST
def screen(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.screen", application)
    form = ScreeningForm(request.POST, checklist=application.call.checklist, zh=is_zh(request))
    if form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_screen(
                acting_user=user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                answers=form.answers(),
                message=form.cleaned_data["message"],
            ),
            _("Screening recorded."),
            form,
        )
        if done is not None:
            return redirect("grants:application", application.pk)
    return _page(request, user, application.pk, {"screening_form": form})


@login_required
@require_POST
def assign(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.review.assign", application)
    form = AssignForm(request.POST)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        done = attempt(
            request,
            lambda: actions.do_assign_reviewer(
                acting_user=user, application=application, reviewer=reviewer
            ),
            _("Reviewer assigned."),
            form,
        )
        if done is not None:
            return redirect("grants:application", application.pk)
    return _page(request, user, application.pk, {"assign_form": form})


@login_required
@require_POST
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    found = queries.one_visible(queries.visible_reviews(user), review_id)
    authz.require(user, "grants.review.submit", found)
    if "reason" in request.POST:
        conflict = ConflictForm(request.POST)
        if conflict.is_valid():
            declared = attempt(
                request,
                lambda: actions.do_declare_conflict(
                    acting_user=user, review=found, reason=conflict.cleaned_data["reason"]
                ),
                _("Conflict declared; the application is closed to you."),
                conflict,
            )
            if declared is not None:
                return redirect("grants:home")
            if not conflict.errors:  # refused by the review's lifecycle: it may be closed to them
                return redirect("grants:application", found.application_id)
        blank = ReviewForm(criteria=found.application.call.criteria(), zh=is_zh(request))
        posted = {"own_review": found, "review_form": blank, "conflict_form": conflict}
        return _page(request, user, found.application_id, posted)
    call = found.application.call
    form = ReviewForm(request.POST, criteria=call.criteria(), zh=is_zh(request))
    if form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_submit_review(
                acting_user=user, review=found, scores=form.scores(), comments=form.comments()
            ),
            _("Review submitted."),
            form,
        )
        if done is not None:
            return redirect("grants:application", found.application_id)
    posted = {"own_review": found, "review_form": form, "conflict_form": ConflictForm()}
    return _page(request, user, found.application_id, posted)


def _tranche_plan(first: Any) -> list[dict[str, Any]]:
    if first is None or first in (0, 1):
        return [] if first is None else [{"fraction": "1", "condition": AT_START}]
    return [
        {"fraction": str(first), "condition": AT_START},
        {"fraction": str(1 - first), "condition": AFTER_REPORT},
    ]


@login_required
@require_POST
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.decide", application)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision = _decision_of(form.cleaned_data)
        done = attempt(
            request,
            lambda: actions.do_decide(acting_user=user, application=application, decision=decision),
            _("Decision recorded."),
            form,
        )
        if done is not None:
            return redirect("grants:application", application.pk)
    return _page(request, user, application.pk, {"decision_form": form})


def _decision_of(data: dict[str, Any]) -> actions.DecisionInput:
    return actions.DecisionInput(
        outcome=data["outcome"],
        members_present=list(data["members_present"]),
        conflicts_declared=data["conflicts_declared"],
        notes=data["notes"],
        gpus=data["gpus"],
        months=data["months"],
        subsidy_rate=data["subsidy_rate"],
        exceptional_reason=data["exceptional_reason"],
        cap_exception_reason=data["cap_exception_reason"],
        conditions=data["conditions"],
        tranche_plan=_tranche_plan(data["first_tranche"]),
    )


@login_required
@require_POST
def decide_report(request: HttpRequest, report_id: int) -> HttpResponse:
    user = user_of(request)
    report = queries.one_visible(queries.visible_reports(user), report_id)
    authz.require(user, "grants.report.decide", report)
    message = str(ReturnForm(request.POST).data.get("message", ""))
    attempt(
        request,
        lambda: (
            actions.do_accept_report(acting_user=user, report=report)
            if request.POST.get("accept")
            else actions.do_return_report(acting_user=user, report=report, message=message)
        ),
        _("Report decided."),
    )
    return redirect("grants:award", report.award_id)


@login_required
@require_POST
def waive_final_report(request: HttpRequest, award_id: int) -> HttpResponse:
    user = user_of(request)
    award = queries.one_visible(queries.visible_awards(user), award_id)
    authz.require(user, "grants.award.waive", award)
    reason = str(request.POST.get("reason", ""))
    attempt(
        request,
        lambda: actions.do_waive_final_report(acting_user=user, award=award, reason=reason),
        _("Final report waived."),
    )
    return redirect("grants:award", award.pk)
