"""The portal's capacity plan: staff who see capacity plan a typed scenario or the centre as
configured; a bad scenario is refused naming the field; grantees get 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.allocations.models import Allocation
from aisc.web.grants.models import Application

pytestmark = pytest.mark.django_db
URL = "/allocations/capacity/plan/"
SCENARIO = """
start = "2026-01"
[shape]
median_h = 4
max_h = 24
[[inventory]]
chip = "h800"
nodes = 2
from = "2026-01"
[[mix]]
chip = "h800"
count = 3
nodes = 1
months = 2
"""


@pytest.fixture
def committee_client(make_user: Callable[..., User], logged_in: Callable[[User], Client]) -> Client:
    return logged_in(make_user(Role.COMMITTEE))


def test_a_committee_member_plans_a_typed_scenario_and_sees_it_saturate(
    committee_client: Client,
) -> None:
    assert "Scenario (TOML)" in committee_client.get(URL).content.decode()
    response = committee_client.post(URL, {"scenario": SCENARIO, "months": 2, "seeds": 2})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd data-key="saturation_month">2026-01</dd>' in page  # 3 busy nodes' work on 2
    assert "<svg" in page
    assert page.count("<td>h800</td>") == 2


def test_a_bad_scenario_is_refused_naming_the_field_and_the_rule(committee_client: Client) -> None:
    bad = SCENARIO.replace('chip = "h800"\nnodes = 2', 'chip = "h900"\nnodes = 2')
    refused = committee_client.post(URL, {"scenario": bad, "months": 2, "seeds": 1})
    assert refused.status_code == 422
    assert "inventory[0].chip: unknown chip &#x27;h900&#x27;" in refused.content.decode()
    response = committee_client.post(URL, {"scenario": "start =", "months": 2, "seeds": 1})
    assert response.status_code == 422
    assert "scenario: " in response.content.decode()
    response = committee_client.post(URL, {"scenario": "", "months": 99, "seeds": 1})
    assert response.status_code == 422
    assert "Ensure this value is less than or equal to 36" in response.content.decode()


def test_an_empty_scenario_plans_the_centre_as_configured(
    allocation: Allocation, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    operator = logged_in(make_user(Role.OPERATOR))
    page = operator.post(URL, {"scenario": "", "months": 2, "seeds": 1}).content.decode()
    assert "<td>h800</td>" in page
    assert "<td>br104</td>" in page
    assert 'data-key="fits"' in page


def test_a_grantee_may_not_plan_capacity(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    grantee = logged_in(make_user())
    assert grantee.get(URL).status_code == 403


def test_the_plan_page_speaks_traditional_chinese(committee_client: Client) -> None:
    page = committee_client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "容量規劃" in page
    assert "情境（TOML）" in page


def test_fits_in_capacity_plans_the_centre_without_and_with_the_application(
    in_review: Application,
    inventory: None,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    """16 H800 GPUs asked on a centre of 16 H800 GPUs in service with nothing else running: it
    fits only up to the target utilisation (0.9 x 16 = 14.4 GPUs), so it does not fit."""
    client = logged_in(make_user(Role.COMMITTEE))
    page = client.get(f"/allocations/capacity/fits/{in_review.pk}/").content.decode()
    assert 'data-fits="no"' in page
    assert "16 h800 GPUs from" in page
    assert "14.4 GPUs free" in page
    in_review.gpus = 8
    in_review.save()
    page = client.get(f"/allocations/capacity/fits/{in_review.pk}/").content.decode()
    assert 'data-fits="yes"' in page
    assert 'data-key="wait"' in page
    decision = client.get(f"/grants/applications/{in_review.pk}/").content.decode()
    assert f"/allocations/capacity/fits/{in_review.pk}/" in decision


def test_an_application_without_gpus_cannot_be_planned(
    in_review: Application, inventory: None, committee_client: Client
) -> None:
    in_review.gpus = None
    in_review.save()
    page = committee_client.get(f"/allocations/capacity/fits/{in_review.pk}/").content.decode()
    assert "the application names no chip in service, no GPUs or no months" in page
