"""Starter grants through the portal and the API, in English and 繁體中文: the request form
decides on the spot and lands on the status page; a refusal shows its rule in the user's
language; the applicant's queue lists the decision; the programme's public page publishes its
decision times apart, in minutes; the secretariat sets a programme through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.grants.models import Application, Award, StarterProgramme
from aisc.web.queues.read import applicant_queue

pytestmark = pytest.mark.usefixtures("embedded_cluster")

API = "/api/v1/grants/starter"


def form(programme: StarterProgramme, org: Organisation, **changes: str) -> dict[str, Any]:
    fields = {
        "programme": str(programme.pk),
        "organisation": str(org.pk),
        "chip": "br104",
        "title": "Speech on BR104",
        "summary": "",
        "lay_summary": "",
        "lay_summary_zh": "",
    }
    return {**fields, **changes}  # fmt: skip


def test_the_portal_decides_a_request_at_once_and_shows_the_grant(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    page = client.get("/grants/starter/").content.decode()
    assert "s2026: Starter grants 2026" in page
    response = client.post("/grants/starter/", form(programme, org))
    application = Application.objects.get()
    assert response["Location"] == f"/grants/starter/{application.pk}/"
    status = client.get(response["Location"]).content.decode()
    assert 'data-status="approved"' in status
    award = Award.objects.get(application=application)
    assert f"/allocations/{award.project_code}/" in status
    assert "500 GPU-hours on br104" in status
    assert "Billed at 80% subsidy." in status
    assert client.get(f"/allocations/{award.project_code}/").status_code == 200


def test_a_refusal_shows_its_rule_in_traditional_chinese(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    for chip in ("br104", "h800", "br104"):
        client.post("/grants/starter/", form(programme, org, chip=chip))
    refused = Application.objects.get(status="rejected")
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/grants/starter/{refused.pk}/").content.decode()
    assert 'data-rule="yearly_limit"' in page
    assert "已達每年上限" in page
    assert "已拒絕" in page
    listing = client.get("/grants/starter/").content.decode()
    assert "入門資助" in listing


def test_bad_input_stays_on_the_form_naming_the_field_and_stores_nothing(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    response = client.post("/grants/starter/", form(programme, org, title=" "))
    assert response.status_code == 422
    assert not Application.objects.exists()


def test_someone_elses_request_answers_404_on_the_page_and_the_api(
    programme: StarterProgramme,
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    client: Client,
) -> None:
    client.force_login(applicant)
    client.post("/grants/starter/", form(programme, org))
    mine = Application.objects.get()
    client.force_login(make_user(org=make_org(), membership="admin"))
    assert client.get(f"/grants/starter/{mine.pk}/").status_code == 404
    assert client.get(f"{API}/requests/{mine.pk}").status_code == 404


def test_the_api_decides_and_reports_the_rule_and_the_decision_time(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    body = {"programme": "s2026", "organisation": org.pk, "chip": "h800", "title": "LLM eval"}
    made = client.post(f"{API}/requests", body, content_type="application/json")
    assert made.status_code == 201, made.content
    out = made.json()
    assert (out["status"], out["rule"], out["award"]) == ("approved", "", "ps2026-001")
    assert 0 <= out["decision_seconds"] < 60
    assert client.get(f"{API}/requests/{out['id']}").json()["award"] == "ps2026-001"
    wrong = client.post(f"{API}/requests", {**body, "chip": "zz9"},
                        content_type="application/json")  # fmt: skip
    assert wrong.status_code in {400, 422}
    assert wrong.json()["error"]["field"] == "chip"
    other = client.post(f"{API}/requests", {**body, "chip": "h100"},
                        content_type="application/json")  # fmt: skip
    assert other.json()["rule"] == "chip_not_in_programme"


def test_the_open_programmes_are_public_and_only_the_secretariat_sets_one(
    programme: StarterProgramme,
    applicant: User,
    call: Any,
    make_user: Callable[..., User],
    client: Client,
) -> None:
    listed = client.get(f"{API}/programmes").json()
    assert [(p["call"], p["chips"]) for p in listed] == [("s2026", ["h800", "br104"])]
    body = {"call": call.code, "chips": ["h800"], "gpu_hours": "200", "months": 2,
            "per_org_per_year": 1, "subsidy_rate": "0.70"}  # fmt: skip
    client.force_login(applicant)
    assert (
        client.post(f"{API}/programmes", body, content_type="application/json").status_code == 403
    )
    client.force_login(make_user(Role.SECRETARIAT))
    bad = client.post(f"{API}/programmes", {**body, "months": 9}, content_type="application/json")
    assert bad.json()["error"]["field"] == "months"
    made = client.post(f"{API}/programmes", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert StarterProgramme.objects.count() == 2


def test_the_applicants_queue_lists_the_decision_with_its_reason(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    body = {
        "programme": "s2026",
        "organisation": org.pk,
        "chip": "h100",
        "title": "Speech on BR104",
    }
    client.post(f"{API}/requests", body, content_type="application/json")
    client.post("/grants/starter/", form(programme, org))
    texts = [(i.text, i.detail) for i in applicant_queue(applicant, programme.call.opens_on).items]
    assert ("Starter grant approved: Speech on BR104", "") in texts
    refused = [d for t, d in texts if t == "Starter grant refused: Speech on BR104"]
    assert refused == ["this programme offers starter grants on h800, br104, not h100"]


def test_the_programme_page_publishes_its_decision_times_apart_in_minutes(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    client.post("/grants/starter/", form(programme, org))
    page = Client().get("/calls/s2026/").content.decode()
    assert "counted apart from the calls the committee decides: median 0.0 minutes" in page
    assert "(1 decisions)" in page
    assert 'id="ask-starter"' in page
