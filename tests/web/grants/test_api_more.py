"""The rest of the grants API: withdrawal, my reviews, conflicts, awards and reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants.models import Application, Call
from tests.fixtures.pages import as_client

from .scenario import funded_story


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"/api/v1/grants{url}", body or {}, content_type="application/json")


def test_an_applicant_withdraws_through_the_api(submitted: Application, applicant: User) -> None:
    response = post(as_client(applicant), f"/applications/{submitted.pk}/withdraw")
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    again = post(as_client(applicant), f"/applications/{submitted.pk}/withdraw")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")


def test_a_reviewer_lists_their_reviews_and_declares_a_conflict(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    review = post(
        as_client(secretariat),
        f"/applications/{in_review.pk}/reviewers",
        {"reviewer": reviewers[0].pk},
    ).json()
    me = as_client(reviewers[0])
    mine = me.get("/api/v1/grants/reviews/mine").json()
    assert [r["id"] for r in mine] == [review["id"]]
    declared = post(me, f"/reviews/{review['id']}/conflict", {"reason": "My former student"})
    assert declared.json()["status"] == "conflicted"
    opened = me.get(f"/api/v1/grants/applications/{in_review.pk}")
    assert opened.status_code == 404  # closed to them, as to anyone who may not see it
    assert me.get("/api/v1/grants/applications").json()["items"] == []


def test_a_grantee_reads_the_award_and_reports_and_the_secretariat_decides(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    org = make_org()
    story = funded_story(call, org, make_user)
    grantee = as_client(story.application.created_by)
    award = grantee.get(f"/api/v1/grants/awards/{story.award.pk}").json()
    assert [(t["seq"], t["released_at"] is not None) for t in award["tranches"]] == [
        (1, True),
        (2, False),
    ]
    sec = as_client(make_user("secretariat"))
    returned = post(sec, f"/reports/{story.report.pk}/return", {"message": "Add GPU use."})
    assert returned.json()["status"] == "returned"
    revised = post(grantee, f"/awards/{story.award.pk}/reports", {"kind": "progress", "text": "2"})
    assert (revised.status_code, revised.json()["id"]) == (201, story.report.pk)
    accepted = post(sec, f"/reports/{story.report.pk}/accept")
    assert accepted.json()["status"] == "accepted"
    after = grantee.get(f"/api/v1/grants/awards/{story.award.pk}").json()
    assert all(t["released_at"] for t in after["tranches"])


def test_the_calls_list_and_detail_show_the_rubric(call: Call, applicant: User) -> None:
    me = as_client(applicant)
    listed = me.get("/api/v1/grants/calls").json()["items"]
    assert [c["code"] for c in listed] == ["c2026a"]
    detail = me.get(f"/api/v1/grants/calls/{call.pk}").json()
    assert sum(c["weight"] for c in detail["rubric"]) == 100


def test_an_applicant_lists_only_their_organisations_applications(
    draft: Application,
    applicant: User,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    mine = as_client(applicant).get("/api/v1/grants/applications").json()["items"]
    assert [a["id"] for a in mine] == [draft.pk]
    theirs = as_client(make_user(org=make_org())).get("/api/v1/grants/applications").json()
    assert theirs["items"] == []
