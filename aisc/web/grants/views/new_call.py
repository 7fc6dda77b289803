"""The secretariat opens a new call: budget drawn from what the fund has left, default rubric
and checklist (the scheme's four criteria)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.grants import actions
from aisc.web.grants.forms import DATE
from aisc.web.grants.models import Scheme
from aisc.web.grants.views.page import refuse, user_of


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


@login_required
def new_call(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.call.manage")
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = actions.do_create_call(acting_user=user, **form.cleaned_data)
            actions.do_open_call(acting_user=user, call=call)
            messages.success(request, _("Call opened."))
            return redirect("grants:home")
        except AiscError as exc:
            refuse(request, exc, form)
    return render(
        request, "grants/new_call.html", {"form": form}, status=422 if form.errors else 200
    )
