"""Each kind of error maps to one status and the one error body, naming the field where known."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from ninja import NinjaAPI
from ninja.errors import HttpError

from aisc.core.errors import (
    AiscError,
    InsufficientBalance,
    InvalidTransition,
    NotFound,
    RuleViolation,
)
from aisc.web.accounts.authz import Refused
from aisc.web.api import errors


@pytest.fixture(scope="module")
def api() -> NinjaAPI:
    """A bare API with the project's handlers installed: the mapping itself, no endpoint."""
    bare = NinjaAPI(urls_namespace="errors-test")
    errors.install(bare)
    return bare


def answer(api: NinjaAPI, exc: Exception) -> tuple[int, dict[str, object]]:
    response = api.on_exception(RequestFactory().get("/"), exc)
    return response.status_code, json.loads(response.content)["error"]


@pytest.mark.parametrize(
    ("exc", "status", "code", "field"),
    [
        (RuleViolation("too big", field="gpus"), 422, "rule_violation", "gpus"),
        (NotFound("no chip zz", field="chip"), 404, "not_found", "chip"),
        (InvalidTransition("from open to draft"), 409, "invalid_transition", None),
        (
            InsufficientBalance("fund exhausted", field="amount"),
            409,
            "insufficient_balance",
            "amount",
        ),
        (AiscError("plain"), 422, "error", None),
    ],
)
def test_domain_errors_keep_their_message_and_field(
    api: NinjaAPI, exc: AiscError, status: int, code: str, field: str | None
) -> None:
    assert answer(api, exc) == (status, {"code": code, "message": exc.message, "field": field})


def test_a_refusal_with_a_reason_says_it_and_names_the_field(api: NinjaAPI) -> None:
    status, body = answer(api, Refused("reviewer: conflict of interest", field="reviewer"))
    assert (status, body["message"], body["field"]) == (
        403,
        "reviewer: conflict of interest",
        "reviewer",
    )


def test_a_plain_refusal_says_nothing_about_why(api: NinjaAPI) -> None:
    assert answer(api, PermissionDenied("grants.application.view")) == (
        403,
        {"code": "forbidden", "message": "you may not do this", "field": None},
    )


def test_a_missing_object_and_an_http_error_use_the_same_body(api: NinjaAPI) -> None:
    assert answer(api, Http404("Application 9")) == (
        404,
        {"code": "not_found", "message": "not found", "field": None},
    )
    assert answer(api, HttpError(429, "slow down")) == (
        429,
        {"code": "http_error", "message": "slow down", "field": None},
    )
