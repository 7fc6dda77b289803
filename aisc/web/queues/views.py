"""The dashboard: the sections of work the user's roles and memberships give them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aisc.web.accounts import authz
from aisc.web.accounts.models import Membership, User
from aisc.web.compiled import Compiled
from aisc.web.queues.read import queues_for

# Asked on every dashboard of a user without queues or roles: compiled once (aisc.web.compiled).
a_membership = Compiled(
    lambda user_id: Membership.objects.filter(user_id=user_id).values("pk")[:1], int
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "portal.dashboard.view")
    assert isinstance(request.user, User)
    queues = queues_for(request.user, timezone.localdate())
    # An account with neither is new: the page leads it to an organisation. One with a role
    # whose work has no queue here (the admin's) is told only that nothing waits.
    user = request.user
    unattached = not queues and not user.role_codes() and not a_membership(user.pk)
    return render(request, "portal/dashboard.html", {"queues": queues, "unattached": unattached})
