"""The operators' page of the worker: running workers, the queue, and the dead letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.backoffice import outbox_actions as actions
from aisc.web.outbox import health


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "outbox.view")
    context = {
        "workers": health.running_workers(),
        "heartbeat_age": health.worker_heartbeat_age(),
        "depth": health.outbox_depth(),
        "lag": health.outbox_lag(),
        "dead": actions.dead_letters(),
        "can_retry": authz.can(request.user, "outbox.message.retry"),
        "can_discard": authz.can(request.user, "outbox.message.discard"),
    }
    return render(request, "outbox/overview.html", context)


@login_required
@require_POST
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    user = authz.acting_user(request)
    authz.require(user, "outbox.message.retry")
    try:
        actions.do_retry_dead_letter(message_id, acting_user=user)
    except AiscError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message %(id)d is queued again.") % {"id": message_id})
    return redirect("outbox:overview")


@login_required
@require_POST
def discard(request: HttpRequest, message_id: int) -> HttpResponse:
    user = authz.acting_user(request)
    authz.require(user, "outbox.message.discard")
    try:
        actions.do_discard_dead_letter(message_id, acting_user=user)
    except AiscError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message %(id)d is discarded.") % {"id": message_id})
    return redirect("outbox:overview")
