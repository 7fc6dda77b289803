"""aisc.web.accounts.callers: a bearer token, its user and the user's roles in one statement,
read back into the same instances and values the ORM gives (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.test import Client

from aisc.web.accounts import callers, tokens
from aisc.web.accounts.actions import authenticate_token, do_create_api_token
from aisc.web.accounts.models import ApiToken, Role, User


def values(instance: Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_token_its_user_and_the_users_roles_come_in_one_query(
    make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    finance = make_user(Role.FINANCE, Role.AUDITOR, full_name="陳大文", time_zone="Europe/Paris")
    issued = do_create_api_token(acting_user=finance, name="script", days=3)

    with django_assert_num_queries(1):
        found = callers.token_with_user(tokens.digest(issued.secret))
        assert found is not None
        assert found.user.has_role(Role.FINANCE)
        assert found.user.role_codes() == {Role.FINANCE, Role.AUDITOR}

    assert values(found) == values(ApiToken.objects.get(pk=issued.token.pk))
    assert values(found.user) == values(User.objects.get(pk=finance.pk))
    assert not found._state.adding  # saved rows, as the ORM's
    assert not found.user._state.adding


def test_a_user_without_roles_has_none_and_an_unknown_digest_finds_nothing(
    make_user: Callable[..., User],
) -> None:
    applicant = make_user()
    issued = do_create_api_token(acting_user=applicant, name="script", days=3)

    found = callers.token_with_user(tokens.digest(issued.secret))

    assert found is not None
    assert found.user.role_codes() == frozenset()
    assert callers.token_with_user(tokens.digest("aisc_not-a-token")) is None


def test_a_token_found_this_way_still_refuses_an_inactive_owner(
    make_user: Callable[..., User],
) -> None:
    owner = make_user(Role.ADMIN)
    issued = do_create_api_token(acting_user=owner, name="script", days=3)
    User.objects.filter(pk=owner.pk).update(is_active=False)

    assert authenticate_token(issued.secret) is None
    response = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get("/api/v1/me")
    assert response.status_code == 401


def test_an_api_call_asks_once_for_the_caller_and_once_for_the_rate(
    make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    auditor = make_user(Role.AUDITOR)
    issued = do_create_api_token(acting_user=auditor, name="script", days=3)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.get("/api/v1/me")  # the token's first use is written down once

    # /api/v1/me: the caller (token, user, roles), the rate count, the memberships.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert set(response.json()["roles"]) == {Role.AUDITOR}


def test_a_users_roles_are_read_in_one_query_and_follow_a_change(
    make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    reviewer = make_user(Role.REVIEWER)
    fresh = User.objects.get(pk=reviewer.pk)

    with django_assert_num_queries(1):
        assert fresh.role_codes() == {Role.REVIEWER}
        assert fresh.has_role(Role.REVIEWER, Role.ADMIN)  # remembered for the request

    reviewer.roles.add(Role.objects.get(code=Role.COMMITTEE))
    assert User.objects.get(pk=reviewer.pk).role_codes() == {Role.REVIEWER, Role.COMMITTEE}
    assert User(email="unsaved@example.hk").role_codes() == frozenset()
