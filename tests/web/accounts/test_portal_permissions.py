"""Every accounts portal URL × every role × another organisation's objects (and another user's
token): refused with 403 or 404, or sent to log in, unless the role is entitled to it.

The URLs come from aisc.web.accounts.urls itself, so a new page without a row in PAGES fails."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from aisc.adapters.files import default_store
from aisc.web.accounts import urls
from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    RegistrationDocument,
    Role,
    User,
)
from tests.fixtures.grants import ROLES

EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
ADMIN = frozenset({Role.ADMIN})
READERS = frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.OPERATOR})
PUBLIC = "public"  # anonymous visitors too

# url name -> (method, roles entitled to it on another organisation's objects, or PUBLIC).
PAGES: dict[str, tuple[str, frozenset[str] | str]] = {
    "login": ("get", PUBLIC),
    "logout": ("post", PUBLIC),
    "password_reset": ("get", PUBLIC),
    "password_reset_done": ("get", PUBLIC),
    "password_reset_confirm": ("get", PUBLIC),
    "password_reset_complete": ("get", PUBLIC),
    "tokens": ("get", EVERYONE),
    "revoke_token": ("post", NOBODY),  # another user's token: nobody, not even an admin
    "profile": ("get", EVERYONE),
    "invitations": ("get", EVERYONE),  # one's own invitations only
    # "My organisations" lists one's own memberships, none for most staff: open to everyone
    # signed in; it shows only the user's own memberships.
    "organisations": ("get", EVERYONE),
    "organisation": ("get", READERS | {Role.AUDITOR, Role.ADMIN}),
    "organisation_edit": ("get", ADMIN),
    "invite_member": ("post", ADMIN),
    "change_member_role": ("post", ADMIN),
    "remove_member": ("post", ADMIN),
    "signup": ("get", PUBLIC),
    "verify_email": ("get", PUBLIC),  # a dead link answers 400, saying why
    # Registering or asking to join concerns the person's own organisation: anyone signed in.
    "register_organisation": ("get", EVERYONE),
    "join": ("post", EVERYONE),
    "answer_join_request": ("post", ADMIN),
    "add_document": ("post", ADMIN),
    "registration_document": ("get", frozenset({Role.SECRETARIAT, Role.AUDITOR, Role.ADMIN})),
    "verify_organisation": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "staff": ("get", ADMIN),
    "staff_edit": ("get", ADMIN),
    "reset_two_factor": ("post", ADMIN),
    "two_factor": ("get", EVERYONE),  # one's own second factor only
}


@dataclass
class Theirs:
    org: Organisation
    admin: User
    member: Membership
    token: ApiToken
    request: Invitation
    document: RegistrationDocument


@pytest.fixture
def theirs(
    make_org: Callable[..., Organisation], make_user: Callable[..., User], files_dir: Path
) -> Theirs:
    org = make_org(name_en="Secret Lab", status="pending")
    admin = make_user(org=org, membership="admin", email="boss@secret.hk")
    member = make_user(org=org, email="member@secret.hk")
    token = do_create_api_token(acting_user=admin, name="their token", days=1).token
    asker = make_user(email="asker@elsewhere.hk")
    request = Invitation.objects.create(
        organisation=org, user=asker, email=asker.email, role="member", kind="request"
    )
    key = default_store().save("cert.pdf", io.BytesIO(b"%PDF-1.4"), "application/pdf")
    document = RegistrationDocument.objects.create(
        organisation=org, name="cert.pdf", key=key, content_type="application/pdf", size=8
    )
    return Theirs(org, admin, member.memberships.get(), token, request, document)


def page_urls() -> list[tuple[str, str]]:
    return sorted((p.name or "", str(p.pattern)) for p in urls.urlpatterns)


def url_for(pattern: str, theirs: Theirs) -> str:
    ids = {
        "org_id": str(theirs.org.pk),
        "membership_id": str(theirs.member.pk),
        "token_id": str(theirs.token.pk),
        "user_id": str(theirs.admin.pk),
        "uidb64": "MQ",
        "token": "not-a-token",
        "invitation_id": str(theirs.request.pk),
        "document_id": str(theirs.document.pk),
    }
    path = re.sub(r"<(?:int:)?(\w+)>", lambda m: ids[m.group(1)], pattern)
    return "/accounts/" + path


def test_every_page_has_a_rule() -> None:
    assert {name for name, _ in page_urls()} == set(PAGES)


@pytest.mark.parametrize(("name", "pattern"), page_urls())
def test_no_role_reaches_another_organisations_page_without_a_rule(
    name: str, pattern: str, theirs: Theirs, clients: dict[str, Client]
) -> None:
    method, allowed = PAGES[name]
    url = url_for(pattern, theirs)
    for role, client in clients.items():
        sid = transaction.savepoint()
        response = getattr(client, method)(url, {"role": "admin"} if method == "post" else {})
        transaction.savepoint_rollback(sid)
        if allowed == PUBLIC or role in allowed:
            assert response.status_code not in {401, 403, 404}, (role, response.status_code)
        else:
            assert response.status_code in {403, 404}, (role, response.status_code)
            assert "member@secret.hk" not in response.content.decode()
    assert Membership.objects.get(pk=theirs.member.pk).role == "member"
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("name", "pattern"),
    [(n, p) for n, p in page_urls() if PAGES[n][1] != PUBLIC],
)
def test_an_anonymous_visitor_is_sent_to_log_in(name: str, pattern: str, theirs: Theirs) -> None:
    method = PAGES[name][0]
    response = getattr(Client(), method)(url_for(pattern, theirs), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_admin_of_the_organisation_reaches_every_page_of_it(
    theirs: Theirs, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(theirs.admin)
    for name in ("organisation", "organisation_edit"):
        pattern = next(p for n, p in page_urls() if n == name)
        assert client.get(url_for(pattern, theirs)).status_code == 200
    page = client.get(f"/accounts/organisations/{theirs.org.pk}/").content.decode()
    assert "member@secret.hk" in page
    assert f"/members/{theirs.member.pk}/remove/" in page


def test_a_plain_member_sees_the_members_but_no_management_controls(
    theirs: Theirs, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(theirs.member.user)
    page = client.get(f"/accounts/organisations/{theirs.org.pk}/").content.decode()
    assert "boss@secret.hk" in page
    assert "/remove/" not in page
    assert f"/organisations/{theirs.org.pk}/edit/" not in page
    assert client.get(f"/accounts/organisations/{theirs.org.pk}/edit/").status_code == 403
    response = client.post(
        f"/accounts/organisations/{theirs.org.pk}/members/{theirs.member.pk}/role/",
        {"role": "admin"},
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=theirs.member.pk).role == "member"


def test_a_membership_is_found_only_through_its_own_organisation(
    theirs: Theirs,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    mine = make_org(name_en="My Own Lab")
    me = make_user(org=mine, membership="admin")
    client = logged_in(me)
    url = f"/accounts/organisations/{mine.pk}/members/{theirs.member.pk}/remove/"
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=theirs.member.pk).exists()


@pytest.mark.parametrize("name", ["invite_member", "change_member_role", "remove_member"])
def test_the_member_actions_refuse_a_get(
    name: str, theirs: Theirs, logged_in: Callable[[User], Client]
) -> None:
    pattern = next(p for n, p in page_urls() if n == name)
    assert logged_in(theirs.admin).get(url_for(pattern, theirs)).status_code == 405
