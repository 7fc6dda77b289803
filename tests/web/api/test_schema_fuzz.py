"""Schemathesis over the whole OpenAPI document (issue 15 item 12): every operation, called with
generated and mutated input through the real WSGI application, with the bearer token of each of
several roles. No answer may be a server error or break the document: a status it does not list,
another content type, a body or header that does not match its schema.

Bounded for CI: a few examples per operation and role, derandomized so that a failure reproduces.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import Organisation, User
from aisc.web.wsgi import application

ROLES = ("applicant", "reviewer", "secretariat", "finance", "auditor")
# A longer local run: AISC_FUZZ_EXAMPLES=200.
EXAMPLES_PER_OPERATION = int(os.environ.get("AISC_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def world(files_dir: object, price: object, inventory: object, story: Any, settings: Any) -> None:
    """A funded story of another organisation behind the API, so that some generated ids find
    objects. The rate limits are lifted: the fuzzer sends more requests a minute with one token
    than a script may. It runs in the SQLite stage only: the same server code, half the CI time."""
    if connection.vendor != "sqlite":
        pytest.skip("the fuzzer runs in the SQLite stage (scripts/run-tests)")
    settings.AISC_RATES = {**settings.AISC_RATES, "api": "100000/min"}


@pytest.fixture
def bearers(
    make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> dict[str, str]:
    """A token per role; the applicant administers an organisation of its own."""
    people = {
        role: make_user(org=make_org(name_en="My Lab"), membership="admin")
        if role == "applicant"
        else make_user(role)
        for role in ROLES
    }
    return {
        role: do_create_api_token(acting_user=user, name="fuzz", days=1).secret
        for role, user in people.items()
    }


# The document as the server serves it (no database is read to serve it).
document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@document.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_breaks_the_document(
    case: Any, bearers: dict[str, str]
) -> None:
    """Each generated request is sent once per role (the same input, five identities)."""
    for secret in bearers.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
