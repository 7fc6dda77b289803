"""The secretariat opens a new call (budget drawn from what the fund has left; the rubric and
screening checklist start from the defaults and can be edited), and edits a call's rubric and
checklist until reviews and screening have used them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.forms import DATE
from aisc.web.grants.models import Call, Scheme
from aisc.web.grants.scheme_forms import criteria_formsets, rows_of
from aisc.web.grants.views.page import attempt, user_of


class CallForm(forms.Form):
    scheme = forms.ModelChoiceField(label=gettext_lazy("Scheme"), queryset=Scheme.objects.all())
    code = forms.SlugField(label=gettext_lazy("Code (e.g. c2027a)"), max_length=50)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200)
    title_zh = forms.CharField(
        label=gettext_lazy("Title (Chinese)"), max_length=200, required=False
    )
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), widget=DATE)
    period_start = forms.DateField(label=gettext_lazy("Consumption period starts"), widget=DATE)
    period_end = forms.DateField(label=gettext_lazy("Consumption period ends"), widget=DATE)
    budget = forms.DecimalField(label=gettext_lazy("Budget (HK$)"), max_digits=16, decimal_places=2)


def _all_valid(form: forms.Form | None, formsets: dict[str, Any]) -> bool:
    # Validate every part (no short-circuit) so each shows its own errors at once.
    results = [f.is_valid() for f in formsets.values()]
    return all(results) and (form is None or form.is_valid())


def _open_call(user: User, data: dict[str, Any], formsets: dict[str, Any]) -> Call:
    call = actions.do_create_call(
        acting_user=user,
        rubric=rows_of(formsets["rubric"]),
        checklist=rows_of(formsets["checklist"]),
        **data,
    )
    return actions.do_open_call(acting_user=user, call=call)


@login_required
def new_call(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.call.manage")
    form = CallForm(request.POST or None)
    formsets = criteria_formsets(request.POST or None)
    if request.method == "POST" and _all_valid(form, formsets):
        done = attempt(
            request,
            lambda: _open_call(user, form.cleaned_data, formsets),
            _("Call opened."),
            form,
            formsets,
        )
        if done is not None:
            return redirect("grants:home")
    context = {"form": form, **formsets}
    return render(request, "grants/new_call.html", context, status=_status(request, form, formsets))


def _status(request: HttpRequest, form: forms.Form | None, formsets: dict[str, Any]) -> int:
    refused = any(f.errors for f in [form] if f is not None) or any(
        f.non_form_errors() or any(f.errors) for f in formsets.values()
    )
    return 422 if request.method == "POST" and refused else 200


@login_required
def call_criteria(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.call.manage", call)
    formsets = criteria_formsets(request.POST or None, call)
    if request.method == "POST" and _all_valid(None, formsets):
        done = attempt(
            request,
            lambda: actions.do_set_call_criteria(
                acting_user=user,
                call=call,
                criteria=rows_of(formsets["rubric"]),
                checklist=rows_of(formsets["checklist"]),
            ),
            _("Rubric and checklist saved."),
            formsets=formsets,
        )
        if done is not None:
            return redirect("grants:home")
    context = {"call": call, **formsets}
    return render(
        request, "grants/call_criteria.html", context, status=_status(request, None, formsets)
    )
