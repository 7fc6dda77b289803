"""Public home page and the signed-in dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aisc.web.accounts import authz


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "portal.dashboard.view")
    return render(request, "portal/dashboard.html")
