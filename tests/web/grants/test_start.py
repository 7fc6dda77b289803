"""Starting an application from /grants/: for the applicant's organisation, or, for a member of
several, the one they pick on the form; never for an organisation they do not belong to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, User
from aisc.web.grants.models import Application, Call


@pytest.fixture
def consultant(
    org: Organisation, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> tuple[User, Organisation]:
    """A member of two organisations; the second sorts first by name."""
    user = make_user(org=org, email="consultant@example.hk")
    other = make_org(name_en="Aberdeen Labs")
    Membership.objects.create(user=user, organisation=other, role="member")
    return user, other


def test_a_member_of_one_organisation_applies_for_it_without_choosing(
    call: Call, applicant: User, org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    assert 'name="organisation"' not in client.get("/grants/").content.decode()
    response = client.post(f"/grants/calls/{call.pk}/start", {"title": "Solo"})
    application = Application.objects.get(title="Solo")
    assert response["Location"] == f"/grants/applications/{application.pk}/edit"
    assert application.organisation_id == org.pk


def test_a_member_of_several_picks_the_organisation_on_the_form(
    call: Call,
    consultant: tuple[User, Organisation],
    org: Organisation,
    logged_in: Callable[[User], Client],
) -> None:
    user, other = consultant
    client = logged_in(user)
    page = client.get("/grants/").content.decode()
    assert 'name="organisation"' in page
    assert page.index("Aberdeen Labs") < page.index("Harbour University")
    client.post(f"/grants/calls/{call.pk}/start", {"title": "For Harbour", "organisation": org.pk})
    client.post(
        f"/grants/calls/{call.pk}/start", {"title": "For Aberdeen", "organisation": other.pk}
    )
    assert Application.objects.get(title="For Harbour").organisation_id == org.pk
    assert Application.objects.get(title="For Aberdeen").organisation_id == other.pk


def test_without_a_choice_the_first_organisation_by_name_is_used(
    call: Call, consultant: tuple[User, Organisation], logged_in: Callable[[User], Client]
) -> None:
    user, other = consultant
    logged_in(user).post(f"/grants/calls/{call.pk}/start", {"title": "Default"})
    assert Application.objects.get(title="Default").organisation_id == other.pk


def test_picking_an_organisation_one_does_not_belong_to_is_refused(
    call: Call,
    applicant: User,
    make_org: Callable[..., Organisation],
    logged_in: Callable[[User], Client],
) -> None:
    stranger = make_org(name_en="Not Mine")
    client = logged_in(applicant)
    response = client.post(
        f"/grants/calls/{call.pk}/start", {"title": "Sneaky", "organisation": stranger.pk}
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


@pytest.mark.parametrize("given", ["99999", "harbour"])
def test_an_organisation_that_does_not_exist_is_not_found(
    call: Call, applicant: User, logged_in: Callable[[User], Client], given: str
) -> None:
    response = logged_in(applicant).post(
        f"/grants/calls/{call.pk}/start", {"title": "Ghost", "organisation": given}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_an_untitled_start_gets_a_placeholder_title_to_edit_later(
    call: Call, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    logged_in(applicant).post(f"/grants/calls/{call.pk}/start", {"title": "  "})
    assert Application.objects.get().title == "Untitled project"
