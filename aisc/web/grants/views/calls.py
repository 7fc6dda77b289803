"""Calls: the committee's ranked list against the budget, closing and publishing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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


@login_required
@require_POST
def close(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.call.manage", call)
    attempt(request, lambda: actions.do_close_call(acting_user=user, call=call), _("Call closed."))
    return redirect("grants:ranking", call.pk)


@login_required
@require_POST
def publish(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    authz.require(user, "grants.call.publish", call)
    attempt(
        request,
        lambda: actions.do_publish_results(acting_user=user, call=call),
        _("Results published."),
    )
    return redirect("grants:ranking", call.pk)
