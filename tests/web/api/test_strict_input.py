"""The API reads its input strictly and refuses in the one error shape, naming the field: text
with a NUL character (PostgreSQL neither stores nor compares it: a lookup by it was a 500), a
NaN, a body that is not a JSON object (a PATCH of `[]` was taken as no change), a field the
operation does not have (it was dropped without a word), a body that is not JSON (the message
says where). The portal's side of the NUL rule is tests/web/portal/test_nul_rule.py."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants.models import StarterProgramme

JSON = "application/json"
Api = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def error_of(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith(JSON)  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]  # type: ignore[no-any-return]


def test_text_with_a_nul_is_refused_naming_its_field_even_where_it_names_something(
    make_user: Callable[..., User], api_client: Api
) -> None:
    secretariat = api_client(make_user(Role.SECRETARIAT))
    body = {"call": "s2026\x00", "gpu_hours": 500, "months": 3, "chips": ["h800"],
            "per_org_per_year": 1, "subsidy_rate": 0.7}  # fmt: skip
    response = secretariat.post("/api/v1/grants/starter/programmes", json.dumps(body), JSON)
    error = error_of(response, 422)
    assert (error["code"], error["field"]) == ("invalid", "call")
    assert error["message"] == "Null characters are not allowed."
    assert not StarterProgramme.objects.exists()
    response = secretariat.post(
        "/api/v1/grants/starter/programmes",
        json.dumps(body),
        JSON,
        headers={"Accept-Language": "zh-hant"},
    )
    assert error_of(response, 422)["message"] == "不允許空（null）字元。"


def test_a_nul_in_a_query_is_refused_naming_the_parameter_and_in_a_path_is_a_404(
    applicant: User, api_client: Api
) -> None:
    client = api_client(applicant)
    error = error_of(client.get("/api/v1/grants/calls", {"status": "open\x00"}), 422)
    assert error["field"] == "status"
    assert error_of(client.get("/api/v1/allocations/p2026a%00001"), 404)["code"] == "not_found"


def test_a_body_that_is_not_an_object_is_refused_not_taken_as_no_change(
    org: Organisation, applicant: User, api_client: Api
) -> None:
    client = api_client(applicant)
    for body in ("[]", '"x"', "1", "null"):
        response = client.patch(f"/api/v1/organisations/{org.pk}", body, JSON)
        error = error_of(response, 400)
        assert error["message"] == "the request body must be a JSON object ({...})"
    assert not AuditEvent.objects.filter(verb="accounts.organisation.update").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"name_en": NaN}', "the request body is not JSON: NaN is not a JSON number"),
        (
            '{"name_en": "x",}',
            "the request body is not JSON: Expecting property name enclosed in "
            "double quotes (line 1, column 17)",
        ),
    ],
)
def test_a_body_that_is_not_json_says_where(
    org: Organisation, applicant: User, api_client: Api, body: str, message: str
) -> None:
    response = api_client(applicant).patch(f"/api/v1/organisations/{org.pk}", body, JSON)
    assert error_of(response, 400) == {"code": "bad_request", "message": message, "field": None}


def test_a_field_the_operation_lacks_is_refused_in_a_nested_router_too(
    programme: StarterProgramme, org: Organisation, applicant: User, api_client: Api
) -> None:
    body = {"programme": "s2026", "organisation": org.pk, "chip": "br104", "title": "Try",
            "lay_sumary_zh": "typo"}  # fmt: skip
    response = api_client(applicant).post("/api/v1/grants/starter/requests", json.dumps(body), JSON)
    error = error_of(response, 422)
    assert (error["field"], error["message"]) == ("lay_sumary_zh", "Extra inputs are not permitted")
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["StarterIn"]
    assert schema["additionalProperties"] is False
