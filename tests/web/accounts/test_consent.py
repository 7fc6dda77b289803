"""Membership by consent (issue 15): adding an existing person to an organisation is an
invitation they accept; the inviter learns nothing of the account; and the conflict-of-interest
rule reads accepted memberships only, so an invitation cannot disqualify a reviewer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, User
from aisc.web.grants import actions as grants
from aisc.web.grants.conflicts import conflict_of
from aisc.web.grants.models import Application

pytestmark = pytest.mark.django_db


def invite(client: Client, org: Organisation, email: str) -> dict[str, object]:
    response = client.post(
        f"/api/v1/organisations/{org.pk}/members",
        {"email": email, "role": "member"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body: dict[str, object] = response.json()
    return body


def test_the_inviter_gets_the_same_answer_for_a_known_account_and_an_unknown_address(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    make_user(email="known@example.hk", full_name="Dr Known Person")
    me = api_client(applicant)
    known = invite(me, org, "known@example.hk")
    unknown = invite(me, org, "unknown@example.hk")
    assert {k: v for k, v in known.items() if k not in {"id", "email"}} == {
        k: v for k, v in unknown.items() if k not in {"id", "email"}
    }
    assert "Known Person" not in str(known)
    again = invite(me, org, "known@example.hk")  # a repeat changes nothing and says nothing
    assert again == known
    pending = me.get(f"/api/v1/organisations/{org.pk}/invitations").json()
    assert "Known Person" not in str(pending)
    members = me.get(f"/api/v1/organisations/{org.pk}/members").json()
    assert [m["email"] for m in members] == [applicant.email]


def test_the_invited_person_accepts_through_the_api_and_only_then_is_a_member(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    known = make_user(email="known@example.hk")
    invite(api_client(applicant), org, "known@example.hk")
    mine = api_client(known)
    [offer] = mine.get("/api/v1/me/invitations").json()
    assert (offer["organisation_id"], offer["role"]) == (org.pk, "member")
    assert not Membership.objects.filter(user=known, organisation=org).exists()
    accepted = mine.post(
        f"/api/v1/me/invitations/{offer['id']}", {"accept": True}, content_type="application/json"
    )
    assert accepted.status_code == 200
    assert Membership.objects.filter(user=known, organisation=org).exists()
    assert mine.get("/api/v1/me/invitations").json() == []
    twice = mine.post(
        f"/api/v1/me/invitations/{offer['id']}", {"accept": True}, content_type="application/json"
    )
    assert twice.status_code == 404


def test_an_invitation_not_yet_accepted_does_not_disqualify_a_reviewer(
    price: object,
    inventory: object,
    in_review: Application,
    applicant: User,
    secretariat: User,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    reviewer = make_user("reviewer", email="rev@example.hk")
    invite(api_client(applicant), in_review.organisation, "rev@example.hk")
    assert conflict_of(reviewer, in_review) is None
    review = grants.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewer
    )
    assert review.reviewer == reviewer
    # accepting makes the conflict real: from then on the rule finds the membership
    offer = reviewer.invitations.get()
    api_client(reviewer).post(
        f"/api/v1/me/invitations/{offer.pk}", {"accept": True}, content_type="application/json"
    )
    assert conflict_of(reviewer, in_review) is not None
