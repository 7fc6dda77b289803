"""The security probe's bad input, replayed through the API: an exchange rate of 1e20, a page
number of twenty digits, null in a PATCH. Each is refused with the one error body naming the
field; none is stored, none is a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, Role, User
from aisc.web.catalogue.models import ExchangeRate, RateCard
from aisc.web.grants.models import Application
from tests.web.catalogue.conftest import centre  # noqa: F401 - the demo catalogue

JSON = "application/json"
HUGE_PAGE = "99999999999999999999"


def as_user(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.usefixtures("centre")
def test_an_exchange_rate_of_1e20_is_refused_and_the_pages_keep_working(
    make_user: Callable[..., User],
) -> None:
    operator = as_user(make_user(Role.OPERATOR))
    body = {"chip": "br104", "valid_from": "2026-02-01", "factor": 1e20}
    response = operator.post("/api/v1/catalogue/exchange-rates", json.dumps(body), JSON)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "rule_violation",
        "message": "Ensure that there are no more than 8 digits in total.",
        "field": "factor",
    }
    assert not ExchangeRate.objects.filter(valid_from="2026-02-01").exists()
    assert Client().get("/catalogue/exchange/").status_code == 200
    assert Client().get("/catalogue/prices/").status_code == 200


@pytest.mark.parametrize(
    ("price", "rule"),
    [
        ("1e20", "no more than 10 digits in total"),
        ("18.005", "no more than 2 decimal places"),
        ("NaN", "finite number"),
    ],
)
@pytest.mark.usefixtures("centre")
def test_a_rate_card_price_out_of_its_column_is_refused_naming_the_rule(
    make_user: Callable[..., User], price: str, rule: str
) -> None:
    finance = as_user(make_user(Role.FINANCE))
    cards = RateCard.objects.count()
    body = {"chip": "h800", "valid_from": "2026-07-01", "price": price}
    response = finance.post("/api/v1/catalogue/rate-cards", json.dumps(body), JSON)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "price"
    assert rule in response.json()["error"]["message"]
    assert RateCard.objects.count() == cards


def test_a_page_of_twenty_digits_is_a_400_on_every_paginated_list(
    client: Client, make_user: Callable[..., User]
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paginated = [
        path
        for path, item in document["paths"].items()
        if "get" in item
        and "{" not in path
        and any(p["name"] == "page" for p in item["get"].get("parameters", []))
    ]
    assert len(paginated) >= 4
    staff = as_user(make_user(Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.SECRETARIAT))
    for path in paginated:
        response = staff.get(f"{path}?page={HUGE_PAGE}")
        assert response.status_code == 400, path
        assert response.json()["error"] == {
            "code": "bad_request",
            "message": "must be between 1 and 100000",
            "field": "page",
        }
        assert staff.get(f"{path}?page=100000").status_code == 200, path


def patch_targets(org: Organisation, applicant: User, draft: Application) -> dict[str, str]:
    membership = Membership.objects.get(user=applicant, organisation=org)
    return {
        "/api/v1/organisations/{org_id}": f"/api/v1/organisations/{org.pk}",
        "/api/v1/organisations/{org_id}/members/{membership_id}": (
            f"/api/v1/organisations/{org.pk}/members/{membership.pk}"
        ),
        "/api/v1/grants/applications/{application_id}": (f"/api/v1/grants/applications/{draft.pk}"),
    }


def test_null_for_any_field_of_any_patch_is_refused_or_taken_never_a_crash(
    files_dir: Any, price: Any, inventory: Any, draft: Application, applicant: User, org: Any
) -> None:
    client = as_user(applicant)
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    targets = patch_targets(org, applicant, draft)
    patches = {path: item["patch"] for path, item in document["paths"].items() if "patch" in item}
    assert set(patches) == set(targets), "a new PATCH operation: add it to patch_targets"
    for path, operation in patches.items():
        ref = operation["requestBody"]["content"][JSON]["schema"]["$ref"]
        fields = schemas[ref.rsplit("/", 1)[1]]["properties"]
        for field in fields:
            response = client.patch(targets[path], json.dumps({field: None}), JSON)
            assert response.status_code in (200, 422), (path, field, response.content)
            if response.status_code == 422:
                assert response.json()["error"]["field"] == field, (path, field)
