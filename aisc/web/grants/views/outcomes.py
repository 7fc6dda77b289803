"""An award's outcomes in the portal: the grantee declares, edits and withdraws outputs on a
report that awaits its decision, imports publications from a file (preview, then confirm),
reports KPI values and answers the follow-up survey; the secretariat or the committee agrees
KPIs. Each page parses, authorises, calls one do_* action and goes back to the award; a refused
form is shown again with what was typed (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aisc.core.errors import AiscError
from aisc.core.grants import survey
from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.grants import actions, queries
from aisc.web.grants.actions.kpis import OPEN_TO_KPIS
from aisc.web.grants.actions.outputs import preview_import
from aisc.web.grants.actions.survey import ENDED
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.forms_outcomes import (
    ImportConfirmForm,
    ImportForm,
    KindForm,
    KpiForm,
    KpiValueForm,
    OutputForm,
    SurveyForm,
)
from aisc.web.grants.models import Award
from aisc.web.grants.views.page import attempt, refuse, user_of

GET_POST = require_http_methods(["GET", "POST"])


def outcome_context(user: User, award: Award) -> dict[str, Any]:
    """What the award page offers about outcomes to this user (the actions decide the rest)."""
    due = survey.due_on(award.end_date)
    return {
        "can_declare": authz.can(user, "grants.output.declare", award),
        "can_agree_kpi": authz.can(user, "grants.kpi.agree", award)
        and award.status in OPEN_TO_KPIS,
        "survey_open": authz.can(user, "grants.survey.answer", award)
        and award.status in ENDED
        and due <= centre_today(),
        "survey_due": due,
    }


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    award: Award,
    act: Callable[[], object],
    done: str,
    page: dict[str, Any],
) -> HttpResponse:
    """GET shows the form; a valid POST runs the action and goes back to the award; a refusal
    (the form's or the action's) shows the form again, as typed, with the reason beside it."""
    refused = False
    if request.method == "POST":
        refused = not form.is_valid() or attempt(request, act, done, form) is None
        if not refused:
            return redirect("grants:award", award.pk)
    context = {"form": form, "award": award, **page}
    return render(request, "grants/outcome_form.html", context, status=422 if refused else 200)


@login_required
@GET_POST
def new_output(request: HttpRequest, report_id: int) -> HttpResponse:
    user = user_of(request)
    report = queries.one_visible(queries.visible_reports(user), report_id)
    authz.require(user, "grants.output.declare", report)
    chosen = KindForm(request.POST if request.method == "POST" else request.GET)
    kind = chosen.cleaned_data["kind"] if chosen.is_valid() else OutputKind.PUBLICATION
    form = OutputForm(request.POST or None, kind=kind)
    if request.method == "POST" and not chosen.is_valid():
        # Declaring another kind than the one posted would record what nobody asked for.
        page = {"heading": _("Declare an output"), "kind_form": chosen, "submit": _("Declare")}
        context = {"form": OutputForm(kind=kind), "award": report.award, **page}
        return render(request, "grants/outcome_form.html", context, status=422)
    return _form_page(
        request,
        form,
        report.award,
        lambda: actions.do_add_output(
            acting_user=user, award=report.award, kind=kind, report=report, **form.values()
        ),
        _("Output declared."),
        {
            "heading": _("Declare an output"),
            "kind_form": KindForm(initial={"kind": kind}),
            "kind": kind,
            "submit": _("Declare"),
        },
    )


@login_required
@GET_POST
def edit_output(request: HttpRequest, output_id: int) -> HttpResponse:
    user = user_of(request)
    output = queries.one_visible(queries.visible_outputs(user), output_id)
    authz.require(user, "grants.output.declare", output)
    initial = {
        "title": output.title,
        "doi": output.doi,
        "url": output.url,
        "licence": output.licence,
        "reference": output.reference,
        "quantity": "" if output.quantity is None else f"{output.quantity.normalize():f}",
    }
    form = OutputForm(request.POST or None, initial=initial, kind=output.kind)
    return _form_page(
        request,
        form,
        output.award,
        lambda: actions.do_update_output(acting_user=user, output=output, **form.values()),
        _("Output saved."),
        {"heading": output.get_kind_display(), "submit": _("Save")},
    )


@login_required
@GET_POST
def withdraw_output(request: HttpRequest, output_id: int) -> HttpResponse:
    user = user_of(request)
    output = queries.one_visible(queries.visible_outputs(user), output_id)
    authz.require(user, "grants.output.declare", output)
    award = output.award
    if request.method == "POST":
        try:
            actions.do_withdraw_output(acting_user=user, output=output)
        except AiscError as exc:
            refuse(request, exc)
        else:
            return redirect("grants:award", award.pk)
    return render(request, "grants/confirm_withdraw_output.html", {"output": output})


@login_required
@GET_POST
def import_publications(request: HttpRequest, report_id: int) -> HttpResponse:
    """Step 1 (a file) shows what would be added and skipped; step 2 (the confirmation, which
    carries the file's text) imports it. A refused file saves nothing, at either step."""
    user = user_of(request)
    report = queries.one_visible(queries.visible_reports(user), report_id)
    authz.require(user, "grants.output.declare", report)
    award = report.award
    context: dict[str, Any] = {"award": award, "report": report}
    if request.method == "POST" and "text" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if confirm.is_valid():
            data = confirm.cleaned_data
            done = attempt(
                request,
                lambda: actions.do_import_publications(
                    acting_user=user,
                    award=award,
                    report=report,
                    fmt=data["format"],
                    text=data["text"],
                ),
                _("Publications imported."),
            )
            if done is not None:
                return redirect("grants:award", award.pk)
        form = ImportForm(initial={"format": request.POST.get("format")})
        return render(
            request, "grants/import_publications.html", {**context, "form": form}, status=422
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fmt, text = form.cleaned_data["format"], form.cleaned_data["file"]
        try:
            preview = preview_import(award, fmt, text)
        except AiscError as exc:
            refuse(request, exc, form)
        else:
            confirm = ImportConfirmForm(initial={"format": fmt, "text": text})
            context |= {"preview": preview, "confirm": confirm}
    status = 422 if form.errors else 200
    return render(
        request, "grants/import_publications.html", {**context, "form": form}, status=status
    )


def _award_form(
    request: HttpRequest,
    award_id: int,
    rule: str,
    form_class: type[forms.Form],
    act: Callable[[User, Award, dict[str, Any]], object],
    page: dict[str, Any],
) -> HttpResponse:
    """A form about the award as a whole (a KPI, the survey), for those `rule` lets use it."""
    user = user_of(request)
    award = queries.one_visible(queries.visible_awards(user), award_id)
    authz.require(user, rule, award)
    form = form_class(request.POST or None)
    return _form_page(
        request, form, award, lambda: act(user, award, form.cleaned_data), page["done"], page
    )


@login_required
@GET_POST
def agree_kpi(request: HttpRequest, award_id: int) -> HttpResponse:
    return _award_form(
        request,
        award_id,
        "grants.kpi.agree",
        KpiForm,
        lambda user, award, data: actions.do_agree_kpi(acting_user=user, award=award, **data),
        {"heading": _("Agree a KPI"), "submit": _("Agree"), "done": _("KPI agreed.")},
    )


@login_required
@GET_POST
def report_kpi(request: HttpRequest, report_id: int) -> HttpResponse:
    user = user_of(request)
    report = queries.one_visible(queries.visible_reports(user), report_id)
    authz.require(user, "grants.kpi.report", report)
    kpis = queries.visible_kpis(user).filter(award=report.award)
    form = KpiValueForm(request.POST or None, initial=request.GET.dict(), kpis=kpis)
    return _form_page(
        request,
        form,
        report.award,
        lambda: actions.do_report_kpi(
            acting_user=user,
            report=report,
            kpi=form.cleaned_data["kpi"],
            value=form.cleaned_data["value"],
        ),
        _("KPI value reported."),
        {"heading": _("Report a KPI value"), "submit": _("Report")},
    )


@login_required
@GET_POST
def answer_survey(request: HttpRequest, award_id: int) -> HttpResponse:
    return _award_form(
        request,
        award_id,
        "grants.survey.answer",
        SurveyForm,
        lambda user, award, data: actions.do_answer_survey(acting_user=user, award=award, **data),
        {
            "heading": _("Follow-up survey"),
            "submit": _("Send the answer"),
            "done": _("Survey answered."),
        },
    )
