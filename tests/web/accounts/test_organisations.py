"""Organisation admins edit their organisation and manage its members; every change is audited."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.web.accounts import actions, invitations
from aisc.web.accounts.models import Membership, Organisation, Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify
from aisc.web.outbox.dispatch import drain

pytestmark = pytest.mark.django_db
BASE = "http://testserver/"


def last_audit(verb: str) -> AuditEvent:
    event = AuditEvent.objects.filter(verb=verb).order_by("-id").first()
    assert event is not None, f"no audit row for {verb}"
    return event


def test_an_org_admin_edits_the_organisation_and_the_change_is_audited(
    applicant: User, org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    url = f"/accounts/organisations/{org.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name_en": "Harbour University of Science",
            "name_zh": "海港科技大學",
            "kind": "university",
            "registration_code": "HU-1",
            "contact_email": "it@harbour.example.hk",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_zh == "海港科技大學"
    event = last_audit("accounts.organisation.update")
    assert event.actor == applicant
    assert event.before is not None
    assert event.after is not None
    assert event.before["name_en"] == "Harbour University"
    assert event.after["name_en"] == "Harbour University of Science"
    assert verify() is None


def test_a_plain_member_may_see_but_not_edit_the_organisation(
    make_user: Callable[..., User], org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(org=org, membership="member"))
    page = client.get(f"/accounts/organisations/{org.pk}/")
    assert page.status_code == 200
    assert b"Invite a member" not in page.content
    assert client.get(f"/accounts/organisations/{org.pk}/edit/").status_code == 403
    assert client.post(f"/accounts/organisations/{org.pk}/invite/", {}).status_code == 403


def test_an_outsider_may_not_see_the_organisation(
    make_user: Callable[..., User], org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(make_user()).get(f"/accounts/organisations/{org.pk}/").status_code == 403


def test_a_taken_registration_code_is_refused_on_its_field_and_nothing_changes(
    applicant: User, org: Organisation, make_org: Callable[..., Organisation]
) -> None:
    make_org(registration_code="TAKEN-1")
    with pytest.raises(RuleViolation) as caught:
        actions.do_update_organisation(
            acting_user=applicant, organisation=org, name_en="New", registration_code="TAKEN-1"
        )
    assert caught.value.field == "registration_code"
    org.refresh_from_db()
    assert org.name_en == "Harbour University"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "pirate ship"}, "kind"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"name_en": ""}, "name_en"),
        ({"owner": "me"}, "owner"),
    ],
)
def test_bad_organisation_fields_are_refused_naming_the_field(
    applicant: User, org: Organisation, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        actions.do_update_organisation(acting_user=applicant, organisation=org, **changes)
    assert caught.value.field == field
    assert not AuditEvent.objects.filter(verb="accounts.organisation.update").exists()


def test_inviting_someone_new_creates_the_user_and_mails_a_set_password_link(
    applicant: User, org: Organisation, client: Client
) -> None:
    invitation = invitations.do_invite_member(
        acting_user=applicant,
        organisation=org,
        email=" New.Person@Example.HK ",
        full_name="New Person",
        base_url=BASE,
    )
    user = invitation.user
    assert user.email == "new.person@example.hk"
    assert not user.has_usable_password()
    assert invitation.role == "member"
    assert not Membership.objects.filter(user=user).exists()  # not until they accept
    assert last_audit("accounts.membership.invite").after == {
        "email": "new.person@example.hk",
        "organisation": org.pk,
        "role": "member",
        "accepted": None,
        "kind": "invitation",
    }
    drain()
    [sent] = mail.outbox
    assert sent.to == ["new.person@example.hk"]
    assert sent.subject == "You are invited to AISC"
    assert "http://testserver/accounts/invitations/" in sent.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", str(sent.body))
    assert link is not None
    # The link works: following it lets the new person choose a password and log in.
    landing = client.get(link.group(1), follow=True)
    assert landing.status_code == 200
    form_url = landing.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "a-long-new-pass-99", "new_password2": "a-long-new-pass-99"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-99")


def test_inviting_someone_known_asks_them_to_accept_and_adds_them_only_when_they_do(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    known = make_user(email="known@example.hk")
    invitations.do_invite_member(
        acting_user=applicant,
        organisation=org,
        email="known@example.hk",
        role="admin",
        base_url=BASE,
    )
    assert not Membership.objects.filter(user=known, organisation=org).exists()
    drain()
    [asked] = mail.outbox
    assert asked.subject == "You are invited to an organisation on AISC"
    assert "/accounts/reset/" not in asked.body
    assert "http://testserver/accounts/invitations/" in asked.body
    client = logged_in(known)
    page = client.get("/accounts/invitations/").content.decode()
    assert org.name_en in page
    invitation = known.invitations.get()
    answered = client.post(
        "/accounts/invitations/", {"invitation": invitation.pk, "answer": "accept"}
    )
    assert answered.status_code == 302
    assert Membership.objects.get(user=known, organisation=org).role == "admin"
    assert last_audit("accounts.membership.accept").actor == known
    assert verify() is None


def test_a_declined_invitation_makes_no_member(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    known = make_user(email="known@example.hk")
    invitation = invitations.do_invite_member(
        acting_user=applicant, organisation=org, email="known@example.hk", base_url=BASE
    )
    client = logged_in(known)
    client.post("/accounts/invitations/", {"invitation": invitation.pk, "answer": "decline"})
    assert not Membership.objects.filter(user=known, organisation=org).exists()
    invitation.refresh_from_db()
    assert invitation.accepted is False
    # nobody else answers it, and it is answered only once
    with pytest.raises(RuleViolation, match="not open to you"):
        invitations.do_answer_invitation(acting_user=known, invitation=invitation, accept=True)
    stranger = make_user()
    other = invitations.do_invite_member(
        acting_user=applicant, organisation=org, email="third@example.hk", base_url=BASE
    )
    with pytest.raises(RuleViolation, match="not open to you"):
        invitations.do_answer_invitation(acting_user=stranger, invitation=other, accept=True)
    assert (
        logged_in(stranger)
        .post("/accounts/invitations/", {"invitation": other.pk, "answer": "accept"})
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("not-an-email", "member", "email"), ("a@example.hk", "owner", "role")],
)
def test_a_bad_invitation_is_refused_naming_the_field(
    applicant: User, org: Organisation, email: str, role: str, field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        invitations.do_invite_member(
            acting_user=applicant, organisation=org, email=email, role=role, base_url=BASE
        )
    assert caught.value.field == field
    assert not User.objects.filter(email=email).exists()


def test_inviting_an_existing_member_again_is_refused(applicant: User, org: Organisation) -> None:
    with pytest.raises(RuleViolation, match="already a member"):
        invitations.do_invite_member(
            acting_user=applicant, organisation=org, email=applicant.email, base_url=BASE
        )


def test_the_invite_form_shows_the_refusal_on_the_email_field(
    applicant: User, org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    response = logged_in(applicant).post(
        f"/accounts/organisations/{org.pk}/invite/", {"email": applicant.email, "role": "member"}
    )
    # 422 as every refused form of the portal (it was 200, as if the invitation had gone).
    assert response.status_code == 422
    page = response.content.decode()
    assert "this person is already a member" in page
    assert f'value="{applicant.email}"' in page


def test_the_invite_form_invites_and_redirects(
    applicant: User, org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    response = logged_in(applicant).post(
        f"/accounts/organisations/{org.pk}/invite/", {"email": "x@example.hk", "role": "member"}
    )
    assert response.status_code == 302
    assert org.invitations.filter(email="x@example.hk", answered_at__isnull=True).exists()
    assert not Membership.objects.filter(organisation=org, user__email="x@example.hk").exists()


def test_an_admin_changes_a_members_role_and_removes_a_member(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    member = make_user(org=org)
    membership = Membership.objects.get(user=member)
    client = logged_in(applicant)
    base = f"/accounts/organisations/{org.pk}/members/{membership.pk}"
    assert client.post(f"{base}/role/", {"role": "admin"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert last_audit("accounts.membership.change_role").before == {
        "user": member.email,
        "organisation": org.pk,
        "role": "member",
    }
    assert client.post(f"{base}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert last_audit("accounts.membership.remove").object_id == str(membership.pk)


def test_the_last_admin_can_be_neither_demoted_nor_removed(
    applicant: User, org: Organisation, logged_in: Callable[[User], Client]
) -> None:
    membership = Membership.objects.get(user=applicant)
    with pytest.raises(RuleViolation, match="at least one admin") as caught:
        actions.do_change_member_role(acting_user=applicant, membership=membership, role="member")
    assert caught.value.field == "role"
    with pytest.raises(RuleViolation, match="at least one admin"):
        actions.do_remove_member(acting_user=applicant, membership=membership)
    response = logged_in(applicant).post(
        f"/accounts/organisations/{org.pk}/members/{membership.pk}/remove/", follow=True
    )
    assert "an organisation keeps at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_bad_role_in_the_member_form_is_reported(
    applicant: User,
    org: Organisation,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    membership = Membership.objects.get(user=make_user(org=org))
    response = logged_in(applicant).post(
        f"/accounts/organisations/{org.pk}/members/{membership.pk}/role/",
        {"role": "owner"},
        follow=True,
    )
    assert "Choose a role." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "member"


def test_my_organisations_lists_the_users_memberships(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).get("/accounts/organisations/").content.decode()
    assert "Harbour University" in page


def test_a_member_of_staff_with_no_organisation_sees_an_empty_list_not_a_refusal(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    staff = make_user(Role.SECRETARIAT)
    response = logged_in(staff).get("/accounts/organisations/")
    assert response.status_code == 200
    assert "No organisations to show." in response.content.decode()  # there are none yet
    assert 'href="/accounts/organisations/"' not in response.content.decode()  # not in the menu


def test_asking_again_while_an_invitation_or_a_request_is_open_answers_the_open_one(
    applicant: User, org: Organisation, make_user: Callable[..., User]
) -> None:
    known = make_user(email="known@example.hk")
    invitation = invitations.do_invite_member(
        acting_user=applicant, organisation=org, email="known@example.hk", base_url=BASE
    )
    asked = invitations.do_request_membership(
        acting_user=known, registration_code=" hu-1 ", base_url=BASE
    )
    again = invitations.do_invite_member(
        acting_user=applicant, organisation=org, email="known@example.hk", base_url=BASE
    )
    assert asked.pk == again.pk == invitation.pk
    assert AuditEvent.objects.filter(verb="accounts.membership.invite").count() == 1
    assert not AuditEvent.objects.filter(verb="accounts.membership.request").exists()
