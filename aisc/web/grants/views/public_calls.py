"""The public calls: the list (open, upcoming, past) and one page per call with its guidelines,
eligibility, criteria and weights, subsidy rules, deadline and how to apply. No login; a draft
call is never shown (its page answers 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aisc.core.grants.workflow import CallStatus
from aisc.web.accounts import authz
from aisc.web.accounts.models import OrgKind
from aisc.web.accounts.time_zone import centre_today
from aisc.web.grants import decision_times, queries
from aisc.web.grants.models import Call, Scheme, StarterProgramme
from aisc.web.grants.views.page import is_zh


def public_calls() -> QuerySet[Call]:
    return Call.objects.exclude(status=CallStatus.DRAFT).select_related("scheme")


def calls_by_phase(today: dt.date) -> dict[str, list[Call]]:
    """Open now, upcoming (opened for the calendar but not yet taking applications), past."""
    phases: dict[str, list[Call]] = {"open": [], "upcoming": [], "past": []}
    for call in public_calls().order_by("closes_on"):
        if call.status == CallStatus.OPEN and call.opens_on > today:
            phases["upcoming"].append(call)
        elif call.status == CallStatus.OPEN and call.closes_on >= today:
            phases["open"].append(call)
        else:
            phases["past"].append(call)
    return phases


def home(request: HttpRequest) -> HttpResponse:
    """The front door: the scheme, the open and upcoming calls with their dates, key figures."""
    phases = calls_by_phase(centre_today())
    schemes = list(Scheme.objects.order_by("code"))
    figures = {
        "fund": sum((s.fund for s in schemes), Decimal(0)),
        "open_budget": sum((c.budget for c in phases["open"]), Decimal(0)),
        "open_calls": len(phases["open"]),
        "grantees": len(queries.grantees()),
    }
    return render(request, "portal/home.html", {**phases, "figures": figures})


def calls(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/public_calls.html", calls_by_phase(centre_today()))


def call_page(request: HttpRequest, code: str) -> HttpResponse:
    call = public_calls().filter(code=code).first()
    if call is None:
        raise Http404("no such call")
    zh = is_zh(request)
    scheme = call.scheme
    kinds = dict(OrgKind.choices)
    criteria = [
        {
            "name": c.name_zh if zh and c.name_zh else c.name_en,
            "weight": c.weight,
            "guidance": c.guidance_zh if zh and c.guidance_zh else c.guidance,
        }
        for c in call.criteria()
    ]
    checklist = [
        (item.get("label_zh") if zh else None) or item["label_en"] for item in call.checklist
    ]
    context: dict[str, Any] = {
        "call": call,
        "title": (call.title_zh if zh and call.title_zh else call.title_en),
        "scheme_name": (scheme.name_zh if zh and scheme.name_zh else scheme.name_en),
        "eligible": [kinds.get(k, k) for k in scheme.eligible_kinds],
        "checklist": checklist,
        "criteria": criteria,
        "rates": {
            "default": scheme.default_rate * 100,
            "max": scheme.max_rate * 100,
            "exceptional": scheme.exceptional_max_rate * 100,
        },
        "decision_times": decision_times.for_call(call),
        "starter": StarterProgramme.objects.filter(call=call).first(),
        # A visitor is sent to log in; staff who belong to no organisation are not offered a
        # form that refuses them.
        "may_ask_starter": not request.user.is_authenticated
        or authz.can(request.user, "grants.application.create"),
        "is_open": call.status == CallStatus.OPEN
        and call.opens_on <= centre_today() <= call.closes_on,
    }
    return render(request, "grants/public_call.html", context)
