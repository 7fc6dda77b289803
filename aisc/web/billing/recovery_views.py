"""Recoveries in the portal: the list with the secretariat's form to open one, and each recovery's
invoice page, where finance records payments and a write-off is proposed and approved. Views
parse, authorise, call one do_* action and render; a refused form comes back with what was typed
and the refusal beside its field (422)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.billing import payments, recoveries
from aisc.web.billing.forms import PaymentForm, RecoveryForm, WriteOffForm
from aisc.web.billing.models import Recovery
from aisc.web.billing.receivable_views import record_payment
from aisc.web.grants.models import Award
from aisc.web.grants.views.page import attempt, refuse, user_of


def _list(request: HttpRequest, user: User, form: RecoveryForm | None = None) -> HttpResponse:
    found = Recovery.objects.select_related("award", "organisation")
    rows = [(r, payments.owed(r)) for r in found[:500]]
    context = {
        "rows": rows,
        "form": form or RecoveryForm(),
        "can_open": authz.can(user, "billing.recovery.open"),
    }
    return render(request, "billing/recoveries.html", context, status=422 if form else 200)


@login_required
def recovery_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "billing.recoveries.view")
    return _list(request, user)


@login_required
@require_POST
def open_recovery(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "billing.recovery.open")
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        return _list(request, user, form)
    award = get_object_or_404(Award, pk=int(form.cleaned_data["award"]))
    try:
        found = recoveries.do_open_recovery(
            acting_user=user,
            award=award,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except AiscError as exc:
        refuse(request, exc, form)
        return _list(request, user, form)
    messages.success(
        request, _("Recovery %(number)s invoiced to the organisation.") % {"number": found.number}
    )
    return redirect("billing:recovery", found.pk)


def _detail(
    request: HttpRequest, user: User, pk: int, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    found = get_object_or_404(
        Recovery.objects.select_related(
            "award", "organisation", "opened_by", "write_off_proposed_by", "written_off_by"
        ),
        pk=pk,
    )
    authz.require(user, "billing.recovery.view", found)
    context: dict[str, Any] = {
        "recovery": found,
        "owed": payments.owed(found),
        "payments": found.payments.select_related("recorded_by"),
        "can_pay": authz.can(user, "billing.payment.record"),
        "can_write_off": authz.can(user, "billing.recovery.write_off"),
        "is_proposer": found.write_off_proposed_by_id == user.pk,
        "payment_form": PaymentForm(),
        "write_off_form": WriteOffForm(),
        **(bound or {}),
    }
    return render(request, "billing/recovery.html", context, status=422 if bound else 200)


@login_required
def recovery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, user_of(request), pk)


def _recovery(user: User, pk: int, action: str) -> Recovery:
    found = get_object_or_404(Recovery, pk=pk)
    authz.require(user, action, found)
    return found


@login_required
@require_POST
def pay_recovery(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = _recovery(user, pk, "billing.payment.record")
    recorded, form = record_payment(request, user, found)
    if recorded:
        return redirect("billing:recovery", pk)
    return _detail(request, user, pk, {"payment_form": form})


@login_required
@require_POST
def propose_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = _recovery(user, pk, "billing.recovery.write_off")
    form = WriteOffForm(request.POST)
    if (
        form.is_valid()
        and attempt(
            request,
            lambda: recoveries.do_propose_write_off(
                acting_user=user, recovery=found, reason=form.cleaned_data["write_off_reason"]
            ),
            _("Write-off proposed; a second person approves it."),
            form,
        )
        is not None
    ):
        return redirect("billing:recovery", pk)
    return _detail(request, user, pk, {"write_off_form": form})


@login_required
@require_POST
def decide_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = _recovery(user, pk, "billing.recovery.write_off")
    approve = request.POST.get("approve") == "1"
    attempt(
        request,
        lambda: recoveries.do_decide_write_off(acting_user=user, recovery=found, approve=approve),
        _("Write-off approved.") if approve else _("Write-off rejected."),
    )
    return redirect("billing:recovery", pk)
