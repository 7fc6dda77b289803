"""The operator page of the embedded cluster: use per node group, running and pending jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aisc.web.accounts import authz
from aisc.web.cluster import pages


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "cluster.view")
    return render(request, "cluster/overview.html", {"o": pages.overview()})
