"""Chip codes are case-insensitive on the grants entry points: the application form and API,
the starter-grant request and programme, in forms and JSON (aisc/web/catalogue/chipcodes.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.grants.models import Application, Call, StarterProgramme
from tests.fixtures.pages import as_client

STARTER = "/api/v1/grants/starter"


def test_the_application_form_stores_a_chip_typed_in_capitals_in_lower_case(
    draft: Application, applicant: User
) -> None:
    me = as_client(applicant)
    fields = {"title": draft.title, "chip": "H800", "gpus": "16", "months": "6",
              "preferred_start": "2026-04-01", "partial": "1"}  # fmt: skip
    saved = me.post(f"/grants/applications/{draft.pk}/edit", fields)
    assert saved.status_code == 200, saved.content
    draft.refresh_from_db()
    assert draft.chip == "h800"


def test_the_application_api_stores_a_chip_in_capitals_in_lower_case(
    call: Call, org: Organisation, applicant: User
) -> None:
    me = as_client(applicant)
    body = {"call": call.pk, "organisation": org.pk, "title": "LLM", "chip": "H800"}
    created = me.post("/api/v1/grants/applications", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["chip"] == "h800"
    # The centre here offers only h800: a chip it lacks is refused under its lower-case code.
    other = me.patch(
        f"/api/v1/grants/applications/{created.json()['id']}",
        {"chip": "BR104"},
        content_type="application/json",
    )
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "chip"
    assert "does not offer br104" in other.json()["error"]["message"]
    assert Application.objects.get(pk=created.json()["id"]).chip == "h800"


@pytest.mark.usefixtures("embedded_cluster")
def test_a_starter_request_in_capitals_is_decided_on_the_lower_case_chip(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    page = client.post("/grants/starter/", {
        "programme": str(programme.pk), "organisation": str(org.pk), "chip": "BR104",
        "title": "Speech on BR104", "summary": "", "lay_summary": "", "lay_summary_zh": "",
    })  # fmt: skip
    assert page.status_code == 302, page.content
    body = {"programme": "s2026", "organisation": org.pk, "chip": "H800", "title": "LLM eval"}
    made = client.post(f"{STARTER}/requests", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["chip"], made.json()["status"]) == ("h800", "approved")
    assert sorted(Application.objects.values_list("chip", flat=True)) == ["br104", "h800"]


def test_a_programme_offering_chips_in_capitals_offers_the_lower_case_chips(
    call: Call, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(Role.SECRETARIAT))
    body = {"call": call.code, "chips": ["H800", "Br104"], "gpu_hours": "200", "months": 2,
            "per_org_per_year": 1, "subsidy_rate": "0.70"}  # fmt: skip
    made = client.post(f"{STARTER}/programmes", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["chips"] == ["h800", "br104"]
