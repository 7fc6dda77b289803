"""The secretariat's screening and assignment forms and a reviewer's declaration of a conflict,
posted from the application page without a browser: every refusal comes back as a message that
names the field and the rule, and the application stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Review
from tests.fixtures.grants import STATUS_MAIL, Mails
from tests.fixtures.pages import as_client, flashed

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def ticked(application: Application, *, leave_out: str = "") -> dict[str, str]:
    codes = application.call.checklist_codes()
    return {f"check_{code}": "on" for code in codes if code != leave_out}


def screen(
    client: Client, application: Application, posted: dict[str, str], follow: bool = False
) -> TestResponse:
    """Without `follow`, the messages stay pending for the page the redirect leads to."""
    return client.post(f"/grants/applications/{application.pk}/screen", posted, follow=follow)


def test_the_secretariat_passes_an_application_to_review_with_every_item_ticked(
    submitted: Application, secretariat: User
) -> None:
    response = screen(as_client(secretariat), submitted, {"outcome": "pass", **ticked(submitted)})
    assert response["Location"] == f"/grants/applications/{submitted.pk}/"
    assert flashed(response) == ["Screening recorded."]
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    assert set(submitted.screening.values()) == {True}


def test_a_pass_with_an_item_unticked_is_refused_naming_that_item(
    submitted: Application, secretariat: User
) -> None:
    first = submitted.call.checklist_codes()[0]
    posted = ticked(submitted, leave_out=first)
    response = screen(as_client(secretariat), submitted, {"outcome": "pass", **posted})
    assert response.status_code == 422
    [refusal] = response.context["screening_form"].errors[f"check_{first}"]
    assert refusal.startswith("every checklist item must be met to pass screening")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert submitted.screening == {}


def test_returning_without_a_message_is_refused_and_with_one_tells_the_applicant(
    submitted: Application, secretariat: User, sent: Mails
) -> None:
    me = as_client(secretariat)
    refused = screen(me, submitted, {"outcome": "return", "message": "  "})
    assert refused.context["screening_form"].errors == {
        "message": ["tell the applicant why, in a message"]
    }
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    returned = screen(me, submitted, {"outcome": "return", "message": "Add the audited accounts."})
    assert flashed(returned) == ["Screening recorded."]
    submitted.refresh_from_db()
    assert (submitted.status, submitted.screening_message) == (
        "returned",
        "Add the audited accounts.",
    )
    assert sent()[-1] == ("applicant@example.hk", STATUS_MAIL)


def test_a_screening_without_an_outcome_says_which_field_is_missing(
    submitted: Application, secretariat: User
) -> None:
    response = screen(as_client(secretariat), submitted, ticked(submitted))
    assert response.context["screening_form"].errors == {"outcome": ["This field is required."]}
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize(
    ("role", "status"),
    [("reviewer", 404), ("committee", 403), ("finance", 404), ("auditor", 403)],
)
def test_only_the_secretariat_may_screen(
    submitted: Application, make_user: Callable[..., User], role: str, status: int
) -> None:
    """403 for staff who see the application; 404 for those who may not even see it."""
    response = screen(
        as_client(make_user(role)), submitted, {"outcome": "pass", **ticked(submitted)}
    )
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_applicant_may_not_screen_their_own_application(
    submitted: Application, applicant: User
) -> None:
    response = screen(as_client(applicant), submitted, {"outcome": "pass", **ticked(submitted)})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_assigning_without_choosing_a_reviewer_says_so_and_assigns_nobody(
    in_review: Application, secretariat: User
) -> None:
    response = as_client(secretariat).post(f"/grants/applications/{in_review.pk}/assign", {})
    assert response.context["assign_form"].errors == {"reviewer": ["This field is required."]}
    assert not in_review.reviews.exists()


def test_assigning_someone_who_is_not_a_reviewer_is_refused_by_the_form(
    in_review: Application, secretariat: User, make_user: Callable[..., User]
) -> None:
    finance = make_user("finance")
    response = as_client(secretariat).post(
        f"/grants/applications/{in_review.pk}/assign", {"reviewer": finance.pk}
    )
    [refusal] = response.context["assign_form"].errors["reviewer"]
    assert refusal.startswith("Select a valid choice.")
    assert not in_review.reviews.exists()


@pytest.fixture
def review(in_review: Application, secretariat: User, reviewers: list[User]) -> Review:
    assigned: Review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    return assigned


def test_a_reviewer_declares_a_conflict_and_the_application_closes_to_them(
    review: Review, reviewers: list[User]
) -> None:
    me = as_client(reviewers[0])
    response = me.post(f"/grants/reviews/{review.pk}", {"reason": " I co-authored with the PI "})
    assert response["Location"] == "/grants/"
    assert flashed(response) == ["Conflict declared; the application is closed to you."]
    review.refresh_from_db()
    assert (review.status, review.conflict_reason) == ("conflicted", "I co-authored with the PI")
    page = me.get(f"/grants/applications/{review.application_id}/")
    assert page.status_code == 404
    assert review.application.title not in me.get("/grants/").content.decode()


def test_a_conflict_without_a_reason_is_refused_naming_the_field_and_the_review_stays_open(
    review: Review, reviewers: list[User]
) -> None:
    response = as_client(reviewers[0]).post(f"/grants/reviews/{review.pk}", {"reason": ""})
    assert response.status_code == 422
    assert response.context["conflict_form"].errors == {"reason": ["This field is required."]}
    review.refresh_from_db()
    assert review.status == "assigned"
    assert review.conflict_reason == ""


def test_declaring_twice_finds_the_review_closed_to_its_conflicted_reviewer(
    review: Review, reviewers: list[User]
) -> None:
    me = as_client(reviewers[0])
    me.post(f"/grants/reviews/{review.pk}", {"reason": "Former student."}, follow=True)
    again = me.post(f"/grants/reviews/{review.pk}", {"reason": "Also a friend."})
    assert again.status_code == 404  # the application and its reviews are closed to them
    review.refresh_from_db()
    assert review.conflict_reason == "Former student."


def test_another_reviewer_may_not_declare_on_someone_elses_review_nor_learn_it_exists(
    review: Review, reviewers: list[User]
) -> None:
    response = as_client(reviewers[1]).post(f"/grants/reviews/{review.pk}", {"reason": "Mine."})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == "assigned"
