"""Schemas of the grants API."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from aisc.web.catalogue.chipcodes import ChipCode


class CallOut(Schema):
    id: int
    code: str
    title_en: str
    title_zh: str
    status: str
    opens_on: dt.date
    closes_on: dt.date
    period_start: dt.date
    period_end: dt.date
    budget: Decimal
    rubric: list[dict[str, Any]]
    checklist: list[dict[str, Any]]


class ApplicationFields(Schema):
    title: str | None = None
    title_zh: str | None = None
    summary: str | None = None
    lay_summary: str | None = None
    lay_summary_zh: str | None = None
    category: str | None = None
    model_type: str | None = None
    parameters: float | None = None
    active_parameters: float | None = None
    training_tokens: float | None = None
    epochs: float | None = None
    seq_len: int | None = None
    precision: str | None = None
    workload: str | None = None
    tokens_served: float | None = None
    chip: ChipCode | None = None
    gpus: int | None = None
    months: int | None = None
    preferred_start: dt.date | None = None
    work_plan: str | None = None
    team: str | None = None
    track_record: str | None = None
    no_double_funding: bool | None = None
    other_public_funding: str | None = None
    ethics_assessment: str | None = None
    societal_benefit: str | None = None


class ApplicationIn(ApplicationFields):
    call: int
    organisation: int
    title: str


class ApplicationOut(ApplicationFields):
    id: int
    call_id: int
    organisation_id: int
    status: str
    screening_message: str
    submitted_at: dt.datetime | None


class ApplicationDetail(ApplicationOut):
    missing: list[str]
    estimate: dict[str, Any] | None
    documents: list[dict[str, Any]]


class ScreenIn(Schema):
    outcome: str
    answers: dict[str, bool] = {}
    message: str = ""


class AssignIn(Schema):
    reviewer: int


class ReviewOut(Schema):
    id: int
    application_id: int
    reviewer_id: int
    status: str
    scores: dict[str, int]
    comments: dict[str, str]
    total: Decimal | None


class ReviewIn(Schema):
    scores: dict[str, int]
    comments: dict[str, str] = {}


class ConflictIn(Schema):
    reason: str


class DecisionIn(Schema):
    outcome: str
    members_present: list[int]
    conflicts_declared: str = ""
    notes: str = ""
    gpus: int | None = None
    months: int | None = None
    subsidy_rate: Decimal | None = None
    exceptional_reason: str = ""
    conditions: str = ""
    tranche_plan: list[dict[str, Any]] = []
    dedicated: bool = False


class TrancheOut(Schema):
    seq: int
    fraction: Decimal
    gpu_hours: Decimal
    condition: str
    released_at: dt.datetime | None


class AwardOut(Schema):
    id: int
    project_code: str
    application_id: int
    organisation_id: int
    chip: str
    gpus: int
    months: int
    gpu_hours: Decimal
    start_date: dt.date
    end_date: dt.date
    list_price: Decimal
    subsidy_rate: Decimal
    subsidy_cap: Decimal
    committed_amount: Decimal
    exceptional_reason: str
    conditions: str
    status: str
    tranches: list[TrancheOut]


class RankedOut(Schema):
    rank: int
    application_id: int
    title: str
    score: Decimal | None
    spread: Decimal | None
    reviews: int
    cost: Decimal
    cumulative: Decimal
    within_budget: bool


class ReportIn(Schema):
    kind: str
    text: str


class ReportOut(Schema):
    id: int
    award_id: int
    kind: str
    status: str
    text: str
    message: str


class ReturnIn(Schema):
    message: str


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
