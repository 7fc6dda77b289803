"""Creating users through the manager (the CLI's createadmin and the invitations use it), and a
token revoked twice from the portal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts import actions
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_user_without_an_email_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="email: is required"):
        User.objects.create_user(email="", password="x")
    assert not User.objects.exists()


def test_an_email_is_stored_in_lower_case_and_the_password_hashed() -> None:
    user = User.objects.create_user(email="Mixed.Case@Example.HK", password="a-long-pass-99")
    assert user.email == "mixed.case@example.hk"
    assert user.password != "a-long-pass-99"
    assert user.check_password("a-long-pass-99")


def test_a_superuser_is_staff_and_holds_the_admin_role() -> None:
    admin = User.objects.create_superuser(email="root@aisc.hk", password="a-long-pass-99")
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert admin.has_role(Role.ADMIN)


def test_revoking_a_revoked_token_from_the_portal_changes_nothing(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    token = actions.do_create_api_token(acting_user=applicant, name="ci", days=30).token
    client = logged_in(applicant)
    first = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    revoked_at = token.revoked_at
    second = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert (first.status_code, second.status_code) == (302, 302)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at is not None
    assert AuditEvent.objects.filter(verb="accounts.api_token.revoke").count() == 1


def test_nobody_revokes_another_users_token(
    applicant: User, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    token = actions.do_create_api_token(acting_user=applicant, name="ci", days=30).token
    response = logged_in(make_user()).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
