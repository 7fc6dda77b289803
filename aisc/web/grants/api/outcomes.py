"""API /api/v1/grants for an award's outcomes: its outputs (declared, changed or withdrawn while
their report awaits its decision, or imported from a BibTeX or CSL-JSON file, with a dry run that
says what would be added and skipped), its KPIs and the values reports give, and the follow-up
survey. Objects come from the one visibility queryset per type (grants.queries.visible_*): 404
when not there; then the action's rule (403); the do_* action refuses bad input (422)."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile

from aisc.core.grants import outputs, survey
from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.grants import actions, queries
from aisc.web.grants.actions.outputs import output_fields, preview_import
from aisc.web.grants.citations import uploaded_text
from aisc.web.grants.models import Award, FollowUpSurvey, Kpi, Output, Report

router = Router(tags=["grants"])


class OutputFields(Schema):
    title: str
    doi: str = ""
    url: str = ""
    licence: str = ""
    reference: str = ""
    # How many people, or the amount raised in HK$ (text as typed: "1,200" is read as 1200).
    quantity: str = ""


class OutputIn(OutputFields):
    kind: str
    report: int | None = None


class OutputOut(Schema):
    id: int
    award: str
    report: int | None
    kind: str
    title: str
    doi: str
    url: str
    licence: str
    reference: str
    quantity: Decimal | None
    created_at: dt.datetime


class PublicationOut(Schema):
    title: str
    doi: str
    url: str


class ImportOut(Schema):
    saved: bool
    added: list[PublicationOut]
    skipped: list[PublicationOut]
    ids: list[int]


class KpiIn(Schema):
    name: str
    target: str
    unit: str = ""


class KpiValueIn(Schema):
    value: str


class KpiOut(Schema):
    id: int
    name: str
    target: Decimal
    unit: str
    values: list[dict[str, Any]]


class SurveyIn(Schema):
    revenue: str
    users: str
    jobs: str


class SurveyOut(Schema):
    due_on: dt.date
    reminders_sent: int
    answered_at: dt.datetime | None
    revenue: Decimal | None
    users: int | None
    jobs: int | None


def _award(request: HttpRequest, award_id: int, rule: str | None = None) -> tuple[User, Award]:
    """The acting user and the award, if they see it (404), and may act on it by `rule` (403)."""
    user = authz.acting_user(request)
    award = queries.one_visible(queries.visible_awards(user), award_id)
    if rule is not None:
        authz.require(user, rule, award)
    return user, award


def _output(output: Output) -> dict[str, Any]:
    return {
        **output_fields(output),
        "id": output.pk,
        "report": output.report_id,
        "quantity": output.quantity,
        "created_at": output.created_at,
    }


def _kpi(kpi: Kpi) -> dict[str, Any]:
    values = [
        {"report": v.report_id, "value": str(v.value)}
        for v in kpi.values.order_by("report__submitted_at")
    ]
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "target": kpi.target,
        "unit": kpi.unit,
        "values": values,
    }


def _report_of(user: User, award: Award, report_id: int | None) -> Report | None:
    """The award's report the body names, among those the user sees (404 otherwise)."""
    if report_id is None:
        return None
    return queries.one_visible(queries.visible_reports(user).filter(award=award), report_id)


@router.get("/awards/{award_id}/outputs", response=list[OutputOut])
def list_outputs(request: HttpRequest, award_id: int) -> list[dict[str, Any]]:
    user, award = _award(request, award_id)
    return [_output(o) for o in queries.visible_outputs(user).filter(award=award)]


@router.post("/awards/{award_id}/outputs", response={201: OutputOut})
def add_output(request: HttpRequest, award_id: int, body: OutputIn) -> Status[dict[str, Any]]:
    user, award = _award(request, award_id, "grants.output.declare")
    report = _report_of(user, award, body.report)
    fields = body.dict(exclude={"report"})
    output = actions.do_add_output(acting_user=user, award=award, report=report, **fields)
    return Status(201, _output(output))


@router.put("/outputs/{output_id}", response=OutputOut)
def update_output(request: HttpRequest, output_id: int, body: OutputFields) -> dict[str, Any]:
    user = authz.acting_user(request)
    output = queries.one_visible(queries.visible_outputs(user), output_id)
    authz.require(user, "grants.output.declare", output)
    return _output(actions.do_update_output(acting_user=user, output=output, **body.dict()))


@router.delete("/outputs/{output_id}", response={204: None})
def withdraw_output(request: HttpRequest, output_id: int) -> Status[None]:
    user = authz.acting_user(request)
    output = queries.one_visible(queries.visible_outputs(user), output_id)
    authz.require(user, "grants.output.declare", output)
    actions.do_withdraw_output(acting_user=user, output=output)
    return Status(204, None)


@router.post("/awards/{award_id}/outputs/import", response=ImportOut)
def import_publications(
    request: HttpRequest,
    award_id: int,
    format: Form[str],
    file: File[UploadedFile],
    report: Form[int | None] = None,
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    """Multipart `format` (bibtex or csl-json) and `file` (UTF-8, at most 2 MB); `dry_run`
    answers what would be added and skipped, saving nothing. One bad entry refuses the file."""
    user, award = _award(request, award_id, "grants.output.declare")
    declared_on = _report_of(user, award, report)
    text = uploaded_text(file)
    preview = preview_import(award, format, text)
    saved: list[Output] = []
    if not dry_run:
        saved = actions.do_import_publications(
            acting_user=user, award=award, fmt=format, text=text, report=declared_on
        )
    return {
        "saved": not dry_run,
        "added": [_publication(p) for p in preview.added],
        "skipped": [_publication(p) for p in preview.skipped],
        "ids": [o.pk for o in saved],
    }


def _publication(checked: outputs.Output) -> dict[str, str]:
    return {"title": checked.title, "doi": checked.doi, "url": checked.url}


@router.get("/awards/{award_id}/kpis", response=list[KpiOut])
def list_kpis(request: HttpRequest, award_id: int) -> list[dict[str, Any]]:
    user, award = _award(request, award_id)
    return [_kpi(k) for k in queries.visible_kpis(user).filter(award=award)]


@router.post("/awards/{award_id}/kpis", response={201: KpiOut})
def agree_kpi(request: HttpRequest, award_id: int, body: KpiIn) -> Status[dict[str, Any]]:
    user, award = _award(request, award_id, "grants.kpi.agree")
    return Status(201, _kpi(actions.do_agree_kpi(acting_user=user, award=award, **body.dict())))


@router.put("/reports/{report_id}/kpis/{kpi_id}", response=KpiOut)
def report_kpi(
    request: HttpRequest, report_id: int, kpi_id: int, body: KpiValueIn
) -> dict[str, Any]:
    user = authz.acting_user(request)
    report = queries.one_visible(queries.visible_reports(user), report_id)
    kpi = queries.one_visible(queries.visible_kpis(user), kpi_id)
    authz.require(user, "grants.kpi.report", report)
    actions.do_report_kpi(acting_user=user, report=report, kpi=kpi, value=body.value)
    return _kpi(kpi)


def _survey(award: Award) -> dict[str, Any]:
    found = FollowUpSurvey.objects.filter(award=award).first()
    if found is None:  # not yet opened by the worker: when it falls due, and nothing else
        found = FollowUpSurvey(award=award, due_on=survey.due_on(award.end_date))
    return {
        "due_on": found.due_on,
        "reminders_sent": found.reminders_sent,
        "answered_at": found.answered_at,
        "revenue": found.revenue,
        "users": found.users,
        "jobs": found.jobs,
    }


@router.get("/awards/{award_id}/survey", response=SurveyOut)
def get_survey(request: HttpRequest, award_id: int) -> dict[str, Any]:
    return _survey(_award(request, award_id)[1])


@router.put("/awards/{award_id}/survey", response=SurveyOut)
def answer_survey(request: HttpRequest, award_id: int, body: SurveyIn) -> dict[str, Any]:
    user, award = _award(request, award_id, "grants.survey.answer")
    actions.do_answer_survey(acting_user=user, award=award, **body.dict())
    return _survey(award)
