"""Confirm, then act, where money moves: accepting a report (which releases the next tranche, or
sets it to wait for the award's start date) and cancelling an award. GET states the consequence;
the POST of that page acts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aisc.core.grants import tranches
from aisc.web.accounts import authz
from aisc.web.accounts.time_zone import centre_today
from aisc.web.grants import actions
from aisc.web.grants.actions.awards import next_unreleased
from aisc.web.grants.choices import ReportKind
from aisc.web.grants.forms import CancelAwardForm
from aisc.web.grants.queries import one_visible, visible_awards, visible_reports
from aisc.web.grants.views.page import attempt, user_of


@login_required
@require_http_methods(["GET", "POST"])
def accept_report(request: HttpRequest, report_id: int) -> HttpResponse:
    user = user_of(request)
    report = one_visible(visible_reports(user), report_id)
    authz.require(user, "grants.report.decide", report)
    if request.method == "POST":
        attempt(
            request,
            lambda: actions.do_accept_report(acting_user=user, report=report),
            _("Report accepted."),
        )
        return redirect("grants:award", report.award_id)
    award = report.award
    tranche = next_unreleased(award)
    context = {
        "report": report,
        "award": award,
        "tranche": tranche,
        "waits_until": tranches.waits_until(award.start_date, centre_today()),
        "final": report.kind == ReportKind.FINAL,
    }
    return render(request, "grants/confirm_accept_report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cancel_award(request: HttpRequest, award_id: int) -> HttpResponse:
    user = user_of(request)
    award = one_visible(visible_awards(user), award_id)
    authz.require(user, "grants.award.cancel", award)
    form = CancelAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_cancel_award(
                acting_user=user, award=award, reason=form.cleaned_data["reason"]
            ),
            _("Award cancelled."),
            form,
        )
        if done is not None:
            return redirect("grants:award", award.pk)
    unreleased = award.tranches.filter(released_at__isnull=True)
    context = {
        "award": award,
        "form": form,
        "unreleased_hours": sum((t.gpu_hours for t in unreleased), 0),
    }
    status = 422 if form.errors else 200
    return render(request, "grants/confirm_cancel_award.html", context, status=status)
