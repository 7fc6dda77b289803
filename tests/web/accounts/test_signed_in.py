"""aisc.web.accounts.signed_in: the session's user, roles and TOTP device in one statement, and
every rule of Django's and django-otp's reads kept: a changed password, an inactive user, a
backend no longer configured, a device of someone else or unconfirmed (on SQLite and on
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.web.accounts.models import Role, User
from aisc.web.accounts.sessions import SessionStore
from aisc.web.accounts.signed_in import SignedInMiddleware, user_with_device

pytestmark = pytest.mark.django_db


class OwnRulesBackend(ModelBackend):
    """A backend with its own get_user (as single sign-on's): read its own way."""

    def get_user(self, user_id: int) -> Any:
        return User.objects.filter(pk=user_id).first()


def values(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def signed_in(user: User, device: Any = None, backend: str | None = None) -> str:
    """The cookie of a browser signed in as `user`, verified by `device` when one is given."""
    client = Client()
    client.force_login(user, backend=backend)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def request_with(cookie: str) -> tuple[dict[str, Any], HttpRequest, int]:
    """What a view sees through the portal's session and sign-in middleware, the request, and
    the queries the view's look at the user took (the session's read among them)."""
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        seen.update(
            user=user,
            verified=user.is_verified(),
            device=user.otp_device,
            roles=user.role_codes() if user.is_authenticated else frozenset(),
        )
        return HttpResponse()

    handler = SessionMiddleware(AuthenticationMiddleware(SignedInMiddleware(view)))
    request = RequestFactory().get("/dashboard/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = cookie
    with CaptureQueriesContext(connection) as queries:
        handler(request)
    return seen, request, len(queries)


def assert_verified(seen: dict[str, Any], user: User, device: Any) -> None:
    assert seen["user"] == user
    assert seen["device"] == device
    assert seen["verified"]


def test_the_portal_reads_who_is_signed_in_with_this_middleware() -> None:
    assert "aisc.web.accounts.signed_in.SignedInMiddleware" in settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE


def test_the_user_the_roles_and_the_device_come_in_one_query_as_the_orm_reads_them(
    make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    admin = make_user(Role.ADMIN, Role.FINANCE, full_name="陳大文", time_zone="Asia/Hong_Kong")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    with django_assert_num_queries(1):
        user, found = user_with_device(admin.pk, device.pk)
        assert user is not None
        assert found is not None
        assert user.role_codes() == {Role.ADMIN, Role.FINANCE}
        assert found.user == user

    assert values(user) == values(User.objects.get(pk=admin.pk))
    assert values(found) == values(TOTPDevice.objects.get(pk=device.pk))
    assert not user._state.adding
    assert not found._state.adding


def test_a_device_of_another_user_or_none_at_all_comes_back_as_none(
    make_user: Callable[..., User],
) -> None:
    owner, other = make_user(Role.ADMIN), make_user()
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)

    assert user_with_device(other.pk, device.pk)[1] is None
    assert user_with_device(owner.pk, None)[1] is None
    assert user_with_device(owner.pk, None)[0] == owner
    assert user_with_device(10**9, device.pk) == (None, None)


def test_a_verified_administrator_is_read_with_the_session_in_two_queries(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(Role.ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    seen, _, queries = request_with(signed_in(admin, device))

    assert_verified(seen, admin, device)
    assert seen["roles"] == {Role.ADMIN}
    assert queries == 2  # the session, then the user with roles and device


def test_a_password_changed_elsewhere_ends_the_session(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    cookie = signed_in(admin, device)
    admin.set_password("another long passphrase 42")
    admin.save()

    seen, _, _ = request_with(cookie)

    assert not seen["user"].is_authenticated
    assert not seen["verified"]
    assert SessionStore(cookie).load() == {}  # flushed, as Django's check does


def test_an_inactive_user_or_a_backend_no_longer_configured_signs_nobody_in(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    cookie = signed_in(user)
    assert request_with(cookie)[0]["user"] == user

    with override_settings(AUTHENTICATION_BACKENDS=["axes.backends.AxesStandaloneBackend"]):
        assert not request_with(cookie)[0]["user"].is_authenticated
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not request_with(cookie)[0]["user"].is_authenticated


@pytest.mark.parametrize("whose", ["another user's", "unconfirmed"])
def test_a_device_not_the_users_or_unconfirmed_does_not_verify_and_is_forgotten(
    make_user: Callable[..., User], whose: str
) -> None:
    admin, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    owner, confirmed = (other, True) if whose == "another user's" else (admin, False)
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=confirmed)
    cookie = signed_in(admin, device)

    seen, request, _ = request_with(cookie)

    assert seen["user"] == admin
    assert not seen["verified"]
    assert DEVICE_ID_SESSION_KEY not in request.session


def test_a_recovery_code_and_another_backend_are_read_the_libraries_own_way(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(Role.ADMIN)
    codes = StaticDevice.objects.create(user=admin, name="backup", confirmed=True)
    assert_verified(request_with(signed_in(admin, codes))[0], admin, codes)

    backend = f"{OwnRulesBackend.__module__}.{OwnRulesBackend.__qualname__}"
    with override_settings(AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, backend]):
        device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
        seen, _, _ = request_with(signed_in(admin, device, backend=backend))
    assert_verified(seen, admin, device)
