"""The operators' page of the worker: running workers, the queue, and the dead letters."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.backoffice import outbox_actions as actions
from aisc.web.i18n import explain
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
    done = _("Message %(id)d is queued again.")
    return _act(request, "outbox.message.retry", actions.do_retry_dead_letter, message_id, done)


@login_required
@require_POST
def discard(request: HttpRequest, message_id: int) -> HttpResponse:
    done = _("Message %(id)d is discarded.")
    return _act(request, "outbox.message.discard", actions.do_discard_dead_letter, message_id, done)


def _act(
    request: HttpRequest,
    permission: str,
    action: Callable[..., object],
    message_id: int,
    done: str,
) -> HttpResponse:
    """An operator's action on one dead letter: the refusal or the outcome flashed, then back."""
    user = authz.acting_user(request)
    authz.require(user, permission)
    try:
        action(message_id, acting_user=user)
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, done % {"id": message_id})
    return redirect("outbox:overview")
