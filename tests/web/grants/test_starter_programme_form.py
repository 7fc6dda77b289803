"""The secretariat sets a starter-grant programme from the portal: the same action and checks as
the API (chips offered, GPU-hours, months, grants per organisation a year, a subsidy rate at most
the scheme's maximum), each refusal beside its field in English and 繁體中文, a refused form
coming back with what was typed, nothing saved; only the secretariat reaches the page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants.models import Application, Call, StarterProgramme
from tests.fixtures.pages import as_client

PAGE = "/grants/starter/programmes/"


def terms(call: Call, **changes: Any) -> dict[str, Any]:
    fields = {
        "call": str(call.pk),
        "chips": ["h800", "br104"],
        "gpu_hours": "500",
        "months": "3",
        "per_org_per_year": "2",
        "subsidy_rate": "0.70",
    }
    return {**fields, **changes}


def test_the_secretariat_sets_a_programme_and_the_page_lists_it(
    call: Call, secretariat: User
) -> None:
    client = as_client(secretariat)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No starter-grant programme yet." in page.content.decode()
    assert f'value="{call.pk}"' in page.content.decode()  # the call is offered
    response = client.post(PAGE, terms(call))
    assert response.status_code == 302
    assert response["Location"] == PAGE
    programme = StarterProgramme.objects.get(call=call)
    assert programme.chips == ["h800", "br104"]
    assert (programme.gpu_hours, programme.months, programme.per_org_per_year) == (
        Decimal(500),
        3,
        2,
    )
    assert (programme.subsidy_rate, programme.created_by) == (Decimal("0.70"), secretariat)
    event = AuditEvent.objects.get(verb="grants.starter_programme.create")
    assert event.actor == secretariat
    listing = client.get(PAGE).content.decode()
    assert f'data-row="programme" data-call="{call.code}"' in listing
    assert "Starter-grant programme set." in listing
    assert f'value="{call.pk}"' not in listing  # a call has one programme: no longer offered


@pytest.mark.parametrize(
    ("field", "typed", "rule"),
    [
        ("subsidy_rate", "0.90", "at most the scheme&#x27;s maximum 0.70 (got 0.90)"),
        ("gpu_hours", "9000", "at most 5840 GPU-hours (got 9000)"),
        ("months", "7", "a starter grant runs 1 to 6 months (got 7)"),
        ("per_org_per_year", "0", "1 to 12 starter grants a year (got 0)"),
        ("chips", [], "offer at least one chip"),
    ],
)
def test_terms_outside_the_rules_are_refused_beside_their_field_keeping_what_was_typed(
    field: str, typed: Any, rule: str, call: Call, secretariat: User
) -> None:
    posted = terms(call, **{"per_org_per_year": "11", field: typed})
    response = as_client(secretariat).post(PAGE, posted)
    assert response.status_code == 422
    html = response.content.decode()
    assert rule in html
    assert list(response.context["form"].errors) == [field]
    for name in ("gpu_hours", "months", "per_org_per_year", "subsidy_rate"):
        assert f'name="{name}" value="{posted[name]}"' in html  # nothing typed is lost
    checked = re.findall(r'name="chips" value="(\w+)"[^>]*checked', html)
    assert sorted(checked) == sorted(posted["chips"])
    assert not StarterProgramme.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.starter_programme.create").exists()


def test_a_call_with_applications_is_refused_naming_the_call(
    call: Call, secretariat: User, draft: Application
) -> None:
    response = as_client(secretariat).post(PAGE, terms(call))
    assert response.status_code == 422
    assert response.context["form"].errors["call"] == [
        "a call that already has applications cannot become a starter programme"
    ]
    assert not StarterProgramme.objects.exists()


def test_the_page_and_its_refusals_read_in_traditional_chinese(
    call: Call, secretariat: User
) -> None:
    client = as_client(secretariat)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": PAGE})
    page = client.get(PAGE).content.decode()
    assert "入門資助計劃" in page
    assert "提供的晶片" in page
    refused = client.post(PAGE, terms(call, months="9")).content.decode()
    assert "入門資助為期 1 至 6 個月" in refused


def test_the_grants_home_links_the_secretariat_to_its_programmes(
    call: Call, secretariat: User, applicant: User
) -> None:
    assert PAGE in as_client(secretariat).get("/grants/").content.decode()
    assert PAGE not in as_client(applicant).get("/grants/").content.decode()


@pytest.mark.parametrize("who", ["applicant", "committee"])
def test_only_the_secretariat_sets_programmes(
    who: str, call: Call, applicant: User, committee: User
) -> None:
    client = as_client({"applicant": applicant, "committee": committee}[who])
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, terms(call)).status_code == 403
    assert not StarterProgramme.objects.exists()
