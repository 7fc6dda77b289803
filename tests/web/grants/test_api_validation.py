"""The grants API refuses bad input with the one error body, naming the field and the rule, and
a refused call leaves what was saved as it was: malformed JSON types (422 from the schema),
domain rules (422/409 from the actions), and ids that name nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants.models import Application, Award, Report, Review
from tests.fixtures.grants import SCORES

Api = Callable[[User], Client]


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    call = getattr(client, method)
    return call(f"/api/v1/grants{url}", body, content_type="application/json")


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()["error"]
    return body


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"gpus": "sixteen"}, "gpus", "valid integer"),
        ({"preferred_start": "next spring"}, "preferred_start", "valid date"),
        ({"parameters": "7B"}, "parameters", "valid number"),
        ({"no_double_funding": "perhaps"}, "no_double_funding", "valid boolean"),
        ({"gpus": 5000}, "gpus", "between 1 and 3,032"),
        ({"months": 0}, "months", ""),
        ({"chip": "tpu9"}, "chip", "unknown chip 'tpu9'"),
        ({"preferred_start": "2030-01-01"}, "preferred_start", ""),
        ({"title": "  "}, "title", "a project title is required"),
        ({"title": None}, "title", "a project title is required"),
        ({"summary": None}, "summary", "may be empty but not null"),
        ({"no_double_funding": None}, "no_double_funding", "not null"),
        ({"category": "astrology"}, "category", "not a valid choice"),
        ({"precision": "fp128"}, "precision", "not a valid choice"),
        ({"title_zh": "題" * 201}, "title_zh", "at most 200 characters"),
    ],
)
def test_a_bad_change_to_a_draft_is_refused_naming_the_field_and_keeps_the_draft(
    draft: Application,
    applicant: User,
    api_client: Api,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = send(api_client(applicant), "patch", f"/applications/{draft.pk}", body)
    error = error_of(response, 422)
    assert error["field"] == field
    assert message in error["message"]
    stored = Application.objects.get(pk=draft.pk)
    assert (stored.title, stored.gpus, stored.months, stored.chip) == (
        "Cantonese LLM",
        16,
        6,
        "h800",
    )
    assert stored.summary.startswith("Continued pre-training")


def test_a_good_change_saves_only_what_was_sent_and_audits_it(
    draft: Application, applicant: User, api_client: Api
) -> None:
    response = send(api_client(applicant), "patch", f"/applications/{draft.pk}", {"gpus": 8})
    assert response.status_code == 200
    assert (response.json()["gpus"], response.json()["months"]) == (8, 6)
    row = AuditEvent.objects.filter(verb="grants.application.update").get()
    assert (row.before, row.after) == ({"gpus": 16}, {"gpus": 8})


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"organisation": 1, "title": "x"}, 422, "call"),
        ({"call": "first", "organisation": 1, "title": "x"}, 422, "call"),
        ({"call": 999, "organisation": 1, "title": "x"}, 404, None),
    ],
)
def test_a_bad_new_application_is_refused_and_nothing_is_created(
    draft: Application,
    applicant: User,
    org: Organisation,
    api_client: Api,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    body = {**body, "organisation": org.pk} if "organisation" in body else body
    error = error_of(send(api_client(applicant), "post", "/applications", body), status)
    assert error["field"] == field
    assert Application.objects.count() == 1


def test_an_application_for_another_organisation_is_refused(
    draft: Application, applicant: User, make_org: Callable[..., Organisation], api_client: Api
) -> None:
    other = make_org(name_en="Not Mine")
    body = {"call": draft.call_id, "organisation": other.pk, "title": "x"}
    assert error_of(send(api_client(applicant), "post", "/applications", body), 403)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"outcome": "maybe", "answers": {}}, "outcome", "pass, return or reject"),
        ({"outcome": "return", "message": " "}, "message", "tell the applicant why"),
        ({"outcome": "pass", "answers": {}}, None, ""),
        ({"answers": {}}, "outcome", ""),
        ({"outcome": "pass", "answers": {"eligible": "yes please"}}, "eligible", "valid boolean"),
    ],
)
def test_a_bad_screening_is_refused_naming_the_field(
    submitted: Application,
    secretariat: User,
    api_client: Api,
    body: dict[str, Any],
    field: str | None,
    message: str,
) -> None:
    response = send(api_client(secretariat), "post", f"/applications/{submitted.pk}/screen", body)
    error = error_of(response, 422)
    if field is not None:
        assert error["field"] == field
    else:  # a checklist item left unmet is named by its code
        assert error["field"] in submitted.call.checklist_codes()
    assert message in error["message"]
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


def test_assigning_a_user_who_is_not_a_reviewer_is_refused_naming_the_field(
    in_review: Application, secretariat: User, applicant: User, api_client: Api
) -> None:
    url = f"/applications/{in_review.pk}/reviewers"
    error = error_of(send(api_client(secretariat), "post", url, {"reviewer": applicant.pk}), 422)
    assert (error["field"], error["message"]) == (
        "reviewer",
        "applicant@example.hk is not a reviewer",
    )
    assert error_of(send(api_client(secretariat), "post", url, {"reviewer": 99999}), 404)
    assert not Review.objects.exists()


@pytest.fixture
def review(in_review: Application, secretariat: User, reviewers: list[User]) -> Review:
    from aisc.web.grants import actions

    return actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )


@pytest.mark.parametrize(
    ("scores", "comments", "field"),
    [
        ({**SCORES, "alignment": 11}, {}, "alignment"),
        ({k: v for k, v in SCORES.items() if k != "financial"}, {}, "financial"),
        (SCORES, {"charm": "high"}, "charm"),
        ({**SCORES, "alignment": "eight"}, {}, "alignment"),
    ],
)
def test_a_bad_review_is_refused_naming_the_criterion_and_stays_open(
    review: Review,
    reviewers: list[User],
    api_client: Api,
    scores: dict[str, Any],
    comments: dict[str, str],
    field: str,
) -> None:
    body = {"scores": scores, "comments": comments}
    response = send(api_client(reviewers[0]), "post", f"/reviews/{review.pk}/submit", body)
    assert error_of(response, 422)["field"] == field
    stored = Review.objects.get(pk=review.pk)
    assert (stored.status, stored.total) == ("assigned", None)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"outcome": "approve", "members_present": []}, "members_present", "record the committee"),
        ({"outcome": "veto", "members_present": []}, "outcome", "approve, approve_in_part"),
        ({"outcome": "approve", "members_present": [99999]}, "members_present", "99999"),
        ({"outcome": "approve", "subsidy_rate": "0.95"}, "subsidy_rate", ""),
        ({"outcome": "approve_in_part", "gpus": 32}, "gpus", "more than was asked"),
    ],
)
def test_a_bad_decision_is_refused_naming_the_field_and_awards_nothing(
    reviewed: Application,
    committee: User,
    api_client: Api,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    body = {"members_present": [committee.pk], **body}
    response = send(api_client(committee), "post", f"/applications/{reviewed.pk}/decision", body)
    error = error_of(response, 422)
    assert error["field"] == field
    assert message in error["message"]
    assert Application.objects.get(pk=reviewed.pk).status == "in_review"
    assert not Award.objects.exists()


def test_an_unknown_member_among_known_ones_is_refused_not_dropped(
    reviewed: Application, committee: User, api_client: Api
) -> None:
    body = {"outcome": "reject", "members_present": [committee.pk, 99999]}
    response = send(api_client(committee), "post", f"/applications/{reviewed.pk}/decision", body)
    error = error_of(response, 422)
    assert error["field"] == "members_present"
    assert "99999" in error["message"]
    assert Application.objects.get(pk=reviewed.pk).status == "in_review"


def test_a_decision_the_table_does_not_allow_answers_409(
    submitted: Application, committee: User, api_client: Api
) -> None:
    body = {"outcome": "reject", "members_present": [committee.pk]}
    response = send(api_client(committee), "post", f"/applications/{submitted.pk}/decision", body)
    error = error_of(response, 409)
    assert (error["code"], error["field"]) == ("invalid_transition", "status")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "interim", "text": "x"}, "kind"),
        ({"kind": "final"}, "text"),
        ({"text": "x"}, "kind"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(
    story: Any, api_client: Api, body: dict[str, Any], field: str
) -> None:
    owner = story.application.created_by
    response = send(api_client(owner), "post", f"/awards/{story.award.pk}/reports", body)
    assert error_of(response, 422)["field"] == field
    assert Report.objects.count() == 1


def test_returning_a_report_without_a_message_is_refused(
    story: Any, secretariat: User, api_client: Api
) -> None:
    url = f"/reports/{story.report.pk}/return"
    error = error_of(send(api_client(secretariat), "post", url, {"message": ""}), 422)
    assert error["field"] == "message"
    assert Report.objects.get(pk=story.report.pk).status == "submitted"
