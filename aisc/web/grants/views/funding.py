"""Double funding on the application page: the applicant declares other public funding for the
same work; the secretariat records a decision on each declaration and on each earlier award
flagged as a likely overlap. Views parse, authorise, call one do_* action, and go back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.grants import actions, queries
from aisc.web.grants.actions.funding import likely_overlaps
from aisc.web.grants.forms import FundingCheckForm, FundingDeclarationForm
from aisc.web.grants.models import Application, Award, FundingDeclaration
from aisc.web.grants.views.page import attempt, refuse_form, user_of


def _act(
    request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], object], done: str
) -> None:
    """A form posted from the application page: its errors, or the action's refusal, become
    messages there; success says `done`."""
    if not form.is_valid():
        refuse_form(request, form)
        return
    attempt(request, lambda: action(form.cleaned_data), done)


def funding_context(user: User, application: Application) -> dict[str, Any]:
    """What the application page shows about other funding, and the forms the user may use."""
    screening = authz.can(user, "grants.application.screen", application)
    return {
        "declarations": application.funding_declarations.select_related("decided_by"),
        "can_declare": authz.can(user, "grants.application.edit", application),
        "declaration_form": FundingDeclarationForm(),
        "overlaps": likely_overlaps(application) if screening else [],
        "can_check_funding": screening,
    }


@login_required
@require_POST
def declare(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.edit", application)
    _act(
        request,
        FundingDeclarationForm(request.POST),
        lambda data: actions.do_declare_funding(acting_user=user, application=application, **data),
        _("Funding declared."),
    )
    return redirect("grants:application", application.pk)


@login_required
@require_POST
def check_declaration(request: HttpRequest, declaration_id: int) -> HttpResponse:
    user = user_of(request)
    found = get_object_or_404(FundingDeclaration, pk=declaration_id)
    authz.require(user, "grants.application.screen", found.application)
    _act(
        request,
        FundingCheckForm(request.POST),
        lambda data: actions.do_check_declaration(acting_user=user, declaration=found, **data),
        _("Decision on the declared funding recorded."),
    )
    return redirect("grants:application", found.application_id)


@login_required
@require_POST
def check_overlap(request: HttpRequest, application_id: int, award_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.screen", application)
    award = get_object_or_404(Award, pk=award_id)
    _act(
        request,
        FundingCheckForm(request.POST),
        lambda data: actions.do_check_overlap(
            acting_user=user, application=application, award=award, **data
        ),
        _("Decision on the likely overlap recorded."),
    )
    return redirect("grants:application", application.pk)
