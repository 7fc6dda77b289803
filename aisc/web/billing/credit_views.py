"""The secretariat's credit view: every award's budget stage, use, projected exhaustion, expired
hours and subsidy written off (billing.credit_status)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aisc.web.accounts import authz
from aisc.web.billing.credit_status import credit_rows, thresholds
from aisc.web.grants.views.page import user_of


@login_required
def credit_list(request: HttpRequest) -> HttpResponse:
    authz.require(user_of(request), "billing.credit.view")
    warn, stop = thresholds()
    rows = credit_rows(timezone.localdate())
    return render(request, "billing/credit.html", {"rows": rows, "warn": warn, "stop": stop})
