"""API /api/v1/grants/starter: the open programmes (public), a programme set by the secretariat,
a request decided on the spot, and its outcome (the same rules as the portal's pages)."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from aisc.core.grants.starter import Terms
from aisc.web.accounts import authz
from aisc.web.accounts.models import Organisation
from aisc.web.catalogue.chipcodes import ChipCode
from aisc.web.grants import actions, queries
from aisc.web.grants.models import Call, StarterProgramme
from aisc.web.grants.starter_outcome import open_programmes, outcome

router = Router(tags=["grants"])


class ProgrammeIn(Schema):
    call: str  # the call's code
    chips: list[ChipCode]
    gpu_hours: Decimal
    months: int
    per_org_per_year: int
    subsidy_rate: Decimal


class ProgrammeOut(Schema):
    call: str
    chips: list[str]
    gpu_hours: Decimal
    months: int
    per_org_per_year: int
    subsidy_rate: Decimal


class StarterIn(Schema):
    programme: str  # the programme's call code
    organisation: int
    chip: ChipCode
    title: str
    title_zh: str = ""
    summary: str = ""
    lay_summary: str = ""
    lay_summary_zh: str = ""


class StarterOut(Schema):
    id: int
    programme: str
    organisation: int
    chip: str
    title: str
    title_zh: str
    status: str
    rule: str
    message: str
    decision_seconds: float | None
    award: str | None
    gpu_hours: Decimal | None
    end_date: dt.date | None


@router.get("/programmes", response=list[ProgrammeOut], auth=None)
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    return [p.facts() for p in open_programmes()]


@router.post("/programmes", response={201: ProgrammeOut})
def create_programme(request: HttpRequest, body: ProgrammeIn) -> Status[dict[str, Any]]:
    user = authz.acting_user(request)
    authz.require(user, "grants.call.manage")
    call = get_object_or_404(Call, code=body.call)
    terms = Terms(body.gpu_hours, body.months, tuple(body.chips), body.per_org_per_year,
                  body.subsidy_rate)  # fmt: skip
    programme = actions.do_create_starter_programme(acting_user=user, call=call, terms=terms)
    return Status(201, programme.facts())


@router.post("/requests", response={201: StarterOut})
def ask(request: HttpRequest, body: StarterIn) -> Status[dict[str, Any]]:
    user = authz.acting_user(request)
    programme = get_object_or_404(StarterProgramme, call__code=body.programme)
    organisation = get_object_or_404(Organisation, pk=body.organisation)
    authz.require(user, "grants.application.create", organisation)
    starter = actions.StarterRequest(
        organisation=organisation, chip=body.chip, title=body.title, summary=body.summary,
        lay_summary=body.lay_summary, lay_summary_zh=body.lay_summary_zh, title_zh=body.title_zh,
    )  # fmt: skip
    application = actions.do_apply_starter(acting_user=user, programme=programme, ask=starter)
    return Status(201, outcome(application).as_dict())


@router.get("/requests/{application_id}", response=StarterOut)
def get_request(request: HttpRequest, application_id: int) -> dict[str, Any]:
    user = authz.acting_user(request)
    application = queries.visible_application(user, application_id)
    get_object_or_404(StarterProgramme, call=application.call)
    return outcome(application).as_dict()
