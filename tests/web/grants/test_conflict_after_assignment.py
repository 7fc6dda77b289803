"""A conflict of interest found after a reviewer was assigned (issue 15): a tie with the applicant
declared on the reviewer's profile since hides the application from the reviewer, who must still
be able to declare the conflict on the assignment formally. The rule: the reviewer declares on
their own assignment from their queue (a page that shows nothing of the hidden application); the
secretariat records a conflict others found. Either way the reviewer loses access, the
declaration is kept and audited, and the application goes back on the secretariat's queue for
another reviewer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.core.errors import InvalidTransition
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions, queries
from aisc.web.grants.models import Application, Review

pytestmark = pytest.mark.django_db


def sees(user: User, application: Application, client: Client, api: Client) -> tuple[bool, ...]:
    """(list, portal page, API detail, API list): one rule, four ways of asking it."""
    client.force_login(user)
    api_list = api.get("/api/v1/grants/applications").json()["items"]
    return (
        queries.visible_applications(user).filter(pk=application.pk).exists(),
        client.get(f"/grants/applications/{application.pk}/").status_code == 200,
        api.get(f"/api/v1/grants/applications/{application.pk}").status_code == 200,
        application.pk in [a["id"] for a in api_list],
    )


def tie_with_applicant(reviewer: User, application: Application) -> None:
    """A relationship with the applicant organisation, declared on the profile after the
    assignment: grants.conflicts.conflict_of holds from now on."""
    reviewer.declared_relationships = application.organisation.name_en
    reviewer.save(update_fields=["declared_relationships"])


def dashboard(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def assigned(in_review: Application, secretariat: User, reviewers: list[User]) -> Review:
    return actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )


@pytest.fixture
def api(reviewers: list[User], api_client: Callable[[User], Client]) -> Client:
    """The assigned reviewer's API client."""
    return api_client(reviewers[0])


def test_a_reviewer_with_a_tie_found_later_declares_from_the_queue_without_seeing_it(
    assigned: Review, reviewers: list[User], secretariat: User, client: Client, api: Client
) -> None:
    reviewer, application = reviewers[0], assigned.application
    assert sees(reviewer, application, client, api) == (True, True, True, True)
    tie_with_applicant(reviewer, application)
    assert sees(reviewer, application, client, api) == (False, False, False, False)
    queue = dashboard(client, reviewer)
    assert f"/grants/reviews/{assigned.pk}/conflict" in queue
    assert application.title not in queue
    page = client.get(f"/grants/reviews/{assigned.pk}/conflict")
    assert page.status_code == 200
    assert application.title not in page.content.decode()
    # Until it is declared the secretariat sees the conflict that nobody declared.
    assert f"/grants/reviews/{assigned.pk}/conflict" in dashboard(client, secretariat)
    client.force_login(reviewer)
    declared = client.post(f"/grants/reviews/{assigned.pk}/conflict", {"reason": "My old lab"})
    assert declared.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.status, assigned.conflict_reason) == ("conflicted", "My old lab")
    assert (assigned.conflict_declared_by, assigned.conflict_declared_at is not None) == (
        reviewer,
        True,
    )
    event = AuditEvent.objects.get(verb="grants.review.declare_conflict")
    assert (event.actor_id, event.object_id, (event.after or {})["reason"]) == (
        reviewer.pk,
        str(assigned.pk),
        "My old lab",
    )
    assert sees(reviewer, application, client, api) == (False, False, False, False)
    assert f"/grants/reviews/{assigned.pk}/conflict" not in dashboard(client, reviewer)
    staff_queue = dashboard(client, secretariat)
    assert f"Reviewers to assign: {application.title}" in staff_queue
    assert f"/grants/reviews/{assigned.pk}/conflict" not in staff_queue


def test_the_application_leaves_the_queue_once_another_reviewer_is_assigned(
    assigned: Review,
    reviewers: list[User],
    secretariat: User,
    client: Client,
    make_user: Callable[..., User],
) -> None:
    actions.do_assign_reviewer(
        acting_user=secretariat, application=assigned.application, reviewer=reviewers[1]
    )
    actions.do_declare_conflict(acting_user=reviewers[0], review=assigned, reason="A co-author")
    # A conflict declared after the newest assignment: on the queue, though one review is open.
    assert "Reviewer to replace after a declared conflict" in dashboard(client, secretariat)
    third = make_user("reviewer", email="rev3@aisc.hk")
    actions.do_assign_reviewer(
        acting_user=secretariat, application=assigned.application, reviewer=third
    )
    assert "Reviewer to replace after a declared conflict" not in dashboard(client, secretariat)


def test_the_secretariat_records_a_conflict_found_by_others(
    assigned: Review, reviewers: list[User], secretariat: User, client: Client, api: Client
) -> None:
    application = assigned.application
    assert sees(reviewers[0], application, client, api) == (True,) * 4
    client.force_login(secretariat)
    page = client.get(f"/grants/applications/{application.pk}/")
    assert f"/grants/reviews/{assigned.pk}/conflict" in page.content.decode()
    form = client.get(f"/grants/reviews/{assigned.pk}/conflict")
    assert application.title in form.content.decode()
    refused = client.post(f"/grants/reviews/{assigned.pk}/conflict", {"reason": ""})
    assert refused.status_code == 422
    done = client.post(
        f"/grants/reviews/{assigned.pk}/conflict", {"reason": "Co-author, told by the chair"}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == f"/grants/applications/{application.pk}/"
    event = AuditEvent.objects.get(verb="grants.review.record_conflict")
    assert (event.actor_id, (event.after or {})["reviewer"]) == (secretariat.pk, reviewers[0].email)
    assigned.refresh_from_db()
    assert assigned.conflict_declared_by == secretariat
    assert sees(reviewers[0], application, client, api) == (False, False, False, False)
    assert f"Reviewers to assign: {application.title}" in dashboard(client, secretariat)


def test_the_api_takes_a_declaration_on_an_assignment_the_conflict_hides(
    assigned: Review, reviewers: list[User], api_client: Callable[[User], Client]
) -> None:
    reviewer = reviewers[0]
    tie_with_applicant(reviewer, assigned.application)
    api = api_client(reviewer)
    assert api.get(f"/api/v1/grants/reviews/{assigned.pk}").status_code == 404
    answer = api.post(
        f"/api/v1/grants/reviews/{assigned.pk}/conflict",
        {"reason": "My old lab"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "conflicted"
    again = api.post(
        f"/api/v1/grants/reviews/{assigned.pk}/conflict",
        {"reason": "My old lab"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_nobody_else_can_declare_on_an_assignment_nor_learn_it_exists(
    assigned: Review,
    reviewers: list[User],
    applicant: User,
    client: Client,
    api_client: Callable[[User], Client],
) -> None:
    for outsider in (reviewers[1], applicant):
        client.force_login(outsider)
        assert client.get(f"/grants/reviews/{assigned.pk}/conflict").status_code == 404
        assert (
            client.post(f"/grants/reviews/{assigned.pk}/conflict", {"reason": "x"}).status_code
            == 404
        )
        answer = api_client(outsider).post(
            f"/api/v1/grants/reviews/{assigned.pk}/conflict",
            {"reason": "x"},
            content_type="application/json",
        )
        assert answer.status_code == 404
    assigned.refresh_from_db()
    assert assigned.status == "assigned"


def test_a_submitted_review_cannot_be_turned_into_a_conflict(
    assigned: Review, reviewers: list[User]
) -> None:
    scores = {"alignment": 8, "compute": 7, "technical": 8, "financial": 6}
    actions.do_submit_review(acting_user=reviewers[0], review=assigned, scores=scores, comments={})
    with pytest.raises(InvalidTransition):
        actions.do_declare_conflict(acting_user=reviewers[0], review=assigned, reason="Late")
