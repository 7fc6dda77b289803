"""The grants API end to end, with the roles of the portal."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.test import Client

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants.models import Application, Call
from tests.fixtures.grants import SCORES, complete_fields
from tests.fixtures.pages import as_client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/grants{url}", body, content_type="application/json")


def jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}


def test_the_whole_flow_runs_through_the_api(
    call: Call,
    org: Organisation,
    applicant: User,
    secretariat: User,
    committee: User,
    reviewers: list[User],
    make_user: Callable[..., User],
) -> None:
    me = as_client(applicant)
    created = post(me, "/applications", {"call": call.pk, "organisation": org.pk, "title": "LLM"})
    assert created.status_code == 201, created.content
    app_id = created.json()["id"]
    patched = me.patch(
        f"/api/v1/grants/applications/{app_id}",
        jsonable(complete_fields()),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["missing"] == ["financial_proof"]
    estimate = patched.json()["estimate"]
    assert estimate["requested_gpu_hours"] == 16 * 6 * 730
    assert estimate["gpu_hours"] > 0
    refused = post(me, f"/applications/{app_id}/submit", {})
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "financial_proof")
    pdf = io.BytesIO(b"%PDF-1.7 statements")
    pdf.name = "statements.pdf"
    uploaded = me.post(
        f"/api/v1/grants/applications/{app_id}/documents", {"kind": "financial_proof", "file": pdf}
    )
    assert uploaded.status_code == 201, uploaded.content
    assert post(me, f"/applications/{app_id}/submit", {}).json()["status"] == "submitted"

    sec = as_client(secretariat)
    answers = dict.fromkeys(call.checklist_codes(), True)
    screened = post(sec, f"/applications/{app_id}/screen", {"outcome": "pass", "answers": answers})
    assert screened.json()["status"] == "in_review"
    review_ids = []
    for reviewer in reviewers:
        got = post(sec, f"/applications/{app_id}/reviewers", {"reviewer": reviewer.pk})
        assert got.status_code == 201
        review_ids.append(got.json()["id"])
    colleague = make_user("reviewer", org=org)
    conflict = post(sec, f"/applications/{app_id}/reviewers", {"reviewer": colleague.pk})
    assert conflict.status_code == 422
    assert conflict.json()["error"]["field"] == "reviewer"
    assert "conflict of interest" in conflict.json()["error"]["message"]

    first = as_client(reviewers[0])
    assert first.get(f"/api/v1/grants/applications/{app_id}/reviews").json()[0]["scores"] == {}
    post(first, f"/reviews/{review_ids[0]}/submit", {"scores": SCORES, "comments": {}})
    second = as_client(reviewers[1])
    before = second.get(f"/api/v1/grants/applications/{app_id}/reviews").json()
    assert [r["reviewer_id"] for r in before] == [reviewers[1].pk]  # not the other's scores yet
    post(second, f"/reviews/{review_ids[1]}/submit", {"scores": SCORES, "comments": {}})
    after = second.get(f"/api/v1/grants/applications/{app_id}/reviews").json()
    assert len(after) == 2

    chair = as_client(committee)
    ranking = chair.get(f"/api/v1/grants/calls/{call.pk}/ranking").json()
    assert ranking[0]["application_id"] == app_id
    assert ranking[0]["score"] == "73.00"
    decision = {
        "outcome": "approve_in_part",
        "members_present": [committee.pk],
        "gpus": 8,
        "subsidy_rate": "0.70",
        "conditions": "Quarterly progress reports.",
    }
    award = post(chair, f"/applications/{app_id}/decision", decision)
    assert award.status_code == 200, award.content
    assert award.json()["gpu_hours"] == "35040.00"
    assert post(sec, f"/calls/{call.pk}/close", {}).json()["status"] == "closed"
    assert post(chair, f"/calls/{call.pk}/publish", {}).json()["status"] == "published"
    grantees = Client().get("/api/v1/grants/grantees").json()
    assert [(g["title_en"], g["gpu_hours"], g["subsidy_percent"]) for g in grantees] == [
        ("LLM", "35040.00", "70")
    ]


def test_a_reviewer_with_a_conflict_finds_the_application_neither_by_id_nor_in_the_list(
    reviewed: Application, reviewers: list[User]
) -> None:
    reviewers[0].declared_relationships = "Harbour University"
    reviewers[0].save()
    client = as_client(reviewers[0])
    response = client.get(f"/api/v1/grants/applications/{reviewed.pk}")
    assert response.status_code == 404
    assert "Cantonese LLM" not in response.content.decode()
    listed = client.get("/api/v1/grants/applications")
    assert "Cantonese LLM" not in listed.content.decode()


def test_a_forbidden_upload_is_refused_and_the_draft_kept(
    draft: Application, applicant: User
) -> None:
    exe = io.BytesIO(b"MZ\x90\x00")
    exe.name = "tool.exe"
    response = as_client(applicant).post(
        f"/api/v1/grants/applications/{draft.pk}/documents", {"kind": "other", "file": exe}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file"
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.gpus) == ("draft", "Cantonese LLM", 16)


def test_bad_numbers_through_the_api_name_the_field(draft: Application, applicant: User) -> None:
    response = as_client(applicant).patch(
        f"/api/v1/grants/applications/{draft.pk}",
        {"parameters": -5, "months": 3},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "parameters"
    draft.refresh_from_db()
    assert draft.months == 6
