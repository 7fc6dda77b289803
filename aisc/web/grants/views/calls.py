"""Calls: the committee's ranked list against the budget, closing and publishing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aisc.core.grants.workflow import UNDECIDED
from aisc.web.accounts import authz
from aisc.web.grants import actions, queries
from aisc.web.grants.models import Call
from aisc.web.grants.views.page import attempt, user_of


@login_required
def ranking(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.ranking.view", call)
    rows, left = queries.ranking(call)
    context = {
        "call": call,
        "rows": rows,
        "left": left,
        "can_close": authz.can(user, "grants.call.manage", call),
        "can_publish": authz.can(user, "grants.call.publish", call),
    }
    return render(request, "grants/ranking.html", context)


def _confirm(request: HttpRequest, call: Call, what: str) -> HttpResponse:
    """The page that states what the action will do before anyone does it (GET)."""
    undecided = call.applications.filter(status__in=UNDECIDED).count()
    context = {"call": call, "what": what, "undecided": undecided}
    return render(request, "grants/confirm_call.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.call.manage", call)
    if request.method == "GET":
        return _confirm(request, call, "close")
    attempt(request, lambda: actions.do_close_call(acting_user=user, call=call), _("Call closed."))
    return redirect("grants:ranking", call.pk)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.call.publish", call)
    if request.method == "GET":
        return _confirm(request, call, "publish")
    attempt(
        request,
        lambda: actions.do_publish_results(acting_user=user, call=call),
        _("Results published."),
    )
    return redirect("grants:ranking", call.pk)
