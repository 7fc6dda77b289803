"""Receivables in the portal: what each organisation owes with its ageing, payments recorded
against a statement, and reminders sent. Views parse, authorise, call one do_* action, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.billing.settlement import NAMES
from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.accounts.models import Organisation, User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.billing import payments, receivables
from aisc.web.billing.closing.figures import statement_figures
from aisc.web.billing.forms import PaymentForm
from aisc.web.billing.ledger import reports
from aisc.web.billing.models import Statement
from aisc.web.grants.views.page import attempt, refuse, user_of


@login_required
def receivables_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "billing.receivables.view")
    debtors, overall = receivables.debtors(centre_today())
    context = {
        "debtors": debtors,
        "overall": overall,
        "buckets": NAMES,
        "rows": reports.receivables(),
        "can_remind": authz.can(user, "billing.receivable.remind"),
    }
    return render(request, "billing/receivables.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "billing.receivable.remind")
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    try:
        sent = receivables.do_send_reminder(acting_user=user, organisation=organisation)
    except AiscError as exc:
        refuse(request, exc)
    else:
        messages.success(
            request,
            _("Reminder sent to %(n)s member(s) of %(organisation)s.")
            % {"n": sent, "organisation": organisation},
        )
    return redirect("billing:receivables")


def record_payment(
    request: HttpRequest, user: User, document: payments.Document
) -> tuple[bool, PaymentForm]:
    """The payment form posted against a statement or a recovery invoice: whether it was
    recorded, and the form (bound, with any refusal beside its field) to show again if not."""
    form = PaymentForm(request.POST)
    recorded = (
        form.is_valid()
        and attempt(
            request,
            lambda: payments.do_record_payment(
                acting_user=user, document=document, **form.cleaned_data
            ),
            _("Payment recorded."),
            form,
        )
        is not None
    )
    return recorded, form


def statement_page(
    request: HttpRequest, user: User, statement: Statement, form: forms.Form | None = None
) -> HttpResponse:
    context = {
        "statement": statement,
        "figures": statement_figures(statement),
        "owed": payments.owed(statement),
        "payments": statement.payments.select_related("recorded_by"),
        "can_pay": authz.can(user, "billing.payment.record"),
        "payment_form": form or PaymentForm(),
    }
    return render(request, "billing/statement.html", context, status=422 if form else 200)


@login_required
@require_POST
def pay_statement(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    statement = get_object_or_404(Statement.objects.select_related("period", "organisation"), pk=pk)
    authz.require(user, "billing.payment.record", statement)
    recorded, form = record_payment(request, user, statement)
    if recorded:
        return redirect("billing:statement", pk)
    return statement_page(request, user, statement, form)
