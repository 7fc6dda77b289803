"""The organisation API: org admins manage their members and invitations, members read, staff read
every organisation; refusals name the field and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, User
from aisc.web.audit.models import AuditEvent
from tests.fixtures.pages import as_client

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/organisations"


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(f"{PREFIX}{url}", body or {}, content_type="application/json")


def test_a_member_lists_only_their_own_organisations(
    applicant: User, org: Organisation, make_org: Callable[..., Organisation]
) -> None:
    make_org(name_en="Someone Else")
    listed = as_client(applicant).get(PREFIX).json()
    assert [o["name_en"] for o in listed["items"]] == ["Harbour University"]


def test_staff_list_every_organisation(
    org: Organisation, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    make_org(name_en="Someone Else")
    for role in ("secretariat", "finance", "auditor"):
        listed = as_client(make_user(role)).get(PREFIX).json()
        assert listed["count"] == 2, role


def test_a_user_of_no_organisation_lists_none(make_user: Callable[..., User], org: Any) -> None:
    assert as_client(make_user()).get(PREFIX).json()["items"] == []


def test_an_org_admin_edits_the_organisation_and_it_is_audited(
    applicant: User, org: Organisation
) -> None:
    response = send(as_client(applicant), "patch", f"/{org.pk}", {"contact_phone": "+852 1234"})
    assert (response.status_code, response.json()["contact_phone"]) == (200, "+852 1234")
    event = AuditEvent.objects.get(verb="accounts.organisation.update")
    assert event.after is not None
    assert event.after["contact_phone"] == "+852 1234"


def test_a_bad_organisation_field_is_refused_naming_it_and_nothing_changes(
    applicant: User, org: Organisation
) -> None:
    response = send(as_client(applicant), "patch", f"/{org.pk}", {"kind": "charity"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    org.refresh_from_db()
    assert org.kind == "university"


def test_an_org_admin_invites_a_new_person_who_shows_as_an_invitation(
    applicant: User, org: Organisation
) -> None:
    me = as_client(applicant)
    created = send(me, "post", f"/{org.pk}/members", {"email": "New@Example.hk", "role": "member"})
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0,
        "email": "new@example.hk",
        "role": "member",
        "status": "invited",
    }
    invitations = me.get(f"{PREFIX}/{org.pk}/invitations").json()
    assert [i["email"] for i in invitations] == ["new@example.hk"]
    members = me.get(f"{PREFIX}/{org.pk}/members").json()
    assert [m["email"] for m in members] == ["applicant@example.hk"]  # not before accepting
    assert AuditEvent.objects.filter(verb="accounts.membership.invite", actor=applicant).exists()


def test_a_bad_invitation_is_refused_naming_the_field(applicant: User, org: Organisation) -> None:
    me = as_client(applicant)
    bad_mail = send(me, "post", f"/{org.pk}/members", {"email": "not-an-address"})
    assert (bad_mail.status_code, bad_mail.json()["error"]["field"]) == (422, "email")
    bad_role = send(me, "post", f"/{org.pk}/members", {"email": "a@b.hk", "role": "owner"})
    assert (bad_role.status_code, bad_role.json()["error"]["field"]) == (422, "role")
    missing = send(me, "post", f"/{org.pk}/members", {"role": "member"})
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "email")
    assert org.memberships.count() == 1


def test_an_org_admin_changes_a_role_and_removes_a_member(
    applicant: User, org: Organisation, make_user: Callable[..., User]
) -> None:
    other = make_user(org=org)
    membership = Membership.objects.get(user=other, organisation=org)
    me = as_client(applicant)
    promoted = send(me, "patch", f"/{org.pk}/members/{membership.pk}", {"role": "admin"})
    assert (promoted.status_code, promoted.json()["role"]) == (200, "admin")
    removed = send(me, "delete", f"/{org.pk}/members/{membership.pk}")
    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_be_demoted_through_the_api(
    applicant: User, org: Organisation
) -> None:
    mine = Membership.objects.get(user=applicant, organisation=org)
    response = send(
        as_client(applicant), "patch", f"/{org.pk}/members/{mine.pk}", {"role": "member"}
    )
    assert (response.status_code, response.json()["error"]["field"]) == (422, "role")
    assert "keeps at least one admin" in response.json()["error"]["message"]
    mine.refresh_from_db()
    assert mine.role == "admin"


def test_a_membership_of_another_organisation_is_not_found_through_mine(
    applicant: User,
    org: Organisation,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    theirs = make_org(name_en="Their Lab")
    stranger = make_user(org=theirs)
    membership = Membership.objects.get(user=stranger)
    response = send(as_client(applicant), "delete", f"/{org.pk}/members/{membership.pk}")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_plain_member_reads_members_but_may_not_manage_them(
    applicant: User, org: Organisation, make_user: Callable[..., User]
) -> None:
    plain = as_client(make_user(org=org))
    assert plain.get(f"{PREFIX}/{org.pk}/members").status_code == 200
    refused = send(plain, "post", f"/{org.pk}/members", {"email": "x@y.hk"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert org.memberships.count() == 2


def test_an_unknown_organisation_is_not_found(applicant: User, org: Organisation) -> None:
    response = as_client(applicant).get(f"{PREFIX}/999999")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
