"""The organisations API refuses bad input with the one error body naming the field, and a
refused call leaves the organisation and its members as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, User
from aisc.web.audit.models import AuditEvent

Api = Callable[[User], Client]


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        f"/api/v1/organisations{url}", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name_en": None}, "name_en", "cannot be null"),
        ({"name_en": ""}, "name_en", "cannot be blank"),
        ({"kind": "guild"}, "kind", "not a valid choice"),
        ({"contact_email": "nobody"}, "contact_email", "valid email"),
        ({"registration_code": "x" * 41}, "registration_code", "at most 40 characters"),
        ({"name_en": 42}, "name_en", "valid string"),
        ({"owner": "me"}, "owner", "Extra inputs are not permitted"),  # not a field of it
    ],
)
def test_a_bad_organisation_patch_is_refused_naming_the_field(
    org: Organisation,
    applicant: User,
    api_client: Api,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = send(api_client(applicant), "patch", f"/{org.pk}", body)
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.name_en, stored.kind, stored.registration_code) == (
        "Harbour University",
        "university",
        "HU-1",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field
    assert message in error["message"]
    assert not AuditEvent.objects.filter(verb="accounts.organisation.update").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": "No Address"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "new@example.hk", "role": "owner"}, "role"),
        ({"email": ["a@b.hk"]}, "email"),
    ],
)
def test_a_bad_invitation_is_refused_naming_the_field_and_invites_nobody(
    org: Organisation, applicant: User, api_client: Api, body: dict[str, Any], field: str
) -> None:
    users = User.objects.count()
    response = send(api_client(applicant), "post", f"/{org.pk}/members", body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert User.objects.count() == users
    assert Membership.objects.filter(organisation=org).count() == 1


@pytest.mark.parametrize(("body", "field"), [({}, "role"), ({"role": "chief"}, "role")])
def test_a_bad_role_change_is_refused_naming_the_field(
    org: Organisation,
    applicant: User,
    make_user: Callable[..., User],
    api_client: Api,
    body: dict[str, Any],
    field: str,
) -> None:
    member = make_user(org=org).memberships.get()
    response = send(api_client(applicant), "patch", f"/{org.pk}/members/{member.pk}", body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert Membership.objects.get(pk=member.pk).role == "member"


def test_an_invitation_answers_with_the_address_the_role_and_nothing_of_the_account(
    org: Organisation, applicant: User, api_client: Api
) -> None:
    response = send(
        api_client(applicant), "post", f"/{org.pk}/members",
        {"email": "New@Example.hk", "full_name": "New Person", "role": "admin"},
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "role", "status"}
    assert (body["email"], body["role"], body["status"]) == ("new@example.hk", "admin", "invited")
    invitations = api_client(applicant).get(f"/api/v1/organisations/{org.pk}/invitations").json()
    assert [i["email"] for i in invitations] == ["new@example.hk"]
