"""Who is signed in, read in one statement: the session's user, the user's staff roles and the
TOTP device that verified the session (django-otp's `user.otp_device`), where Django's
AuthenticationMiddleware and django-otp's OTPMiddleware each compile an ORM query (and
`User.role_codes` runs a third), about 0.7-1 ms of a worker's CPU each on every portal page.

It takes OTPMiddleware's place and keeps what both checks decide, so that a session ends exactly
when it did: the user only through the backend the session names, when that backend is still
configured and lets an inactive user in no more than Django's ModelBackend does; the session's
password hash compared as Django compares it (a password change ends every other session, a
fallback secret cycles the key); the device only when it belongs to the user and is confirmed,
and the session forgets a device that does not. A session signed in through another backend
(single sign-on) or verified by another kind of device is read the two libraries' own way.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.web.accounts.callers import columns, read_role_codes, role_codes_sql
from aisc.web.accounts.models import User

TOTP_LABEL = TOTPDevice._meta.label_lower  # django-otp's persistent id: "<label>/<pk>"


@functools.cache
def signed_in_query(vendor: str) -> str:
    """`vendor` keys the cache (quoting, role codes)."""
    quote = connection.ops.quote_name
    user_id = "u." + quote(str(User._meta.pk.column))
    device_id = "d." + quote(str(TOTPDevice._meta.pk.column))
    owner = "d." + quote(str(TOTPDevice._meta.get_field("user").column))
    user = columns(User, "u", vendor).sql
    device = columns(TOTPDevice, "d", vendor).sql
    # Names from the models' metadata only; the two ids are parameters.
    return (
        f"SELECT {user}, {role_codes_sql(user_id)}, {device} "  # noqa: S608
        f"FROM {quote(User._meta.db_table)} u LEFT JOIN {quote(TOTPDevice._meta.db_table)} d "
        f"ON {device_id} = %s AND {owner} = {user_id} WHERE {user_id} = %s"
    )


def totp_device_id(request: HttpRequest) -> int | bool | None:
    """The id of the TOTP device in the session, None when there is none, False when the session
    names a device of another kind (read django-otp's way)."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    label, _, pk = OTPMiddleware._normalize_persistent_id(str(persistent_id)).rpartition("/")
    if label != TOTP_LABEL or not pk.isdigit():
        return False
    return int(pk)


def user_with_device(user_id: Any, device_id: int | None) -> tuple[User | None, TOTPDevice | None]:
    """The user with this id (its role codes read too) and, when `device_id` is the id of one of
    the user's TOTP devices, that device."""
    user_columns = columns(User, "u", connection.vendor)
    device_columns = columns(TOTPDevice, "d", connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(signed_in_query(connection.vendor), [device_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    width = len(user_columns.attnames)
    user: User = user_columns.instance(User, row[:width])
    user._role_codes = read_role_codes(row[width])
    device_row = row[width + 1 :]
    if device_row[0] is None:
        return user, None
    device: TOTPDevice = device_columns.instance(TOTPDevice, device_row)
    device.user = user
    return user, device


def session_user(request: HttpRequest, user: User | None) -> User | None:
    """Django's check of the session's password hash (django.contrib.auth.get_user): the user,
    or None with the session flushed when the password changed since it was signed in."""
    if user is None:
        return None
    session_hash = request.session.get(HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return None


class SignedInMiddleware(OTPMiddleware):  # type: ignore[misc]  # django-otp is untyped
    """In MIDDLEWARE where OTPMiddleware would be, after AuthenticationMiddleware."""

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        django_user = getattr(request, "user", None)  # AuthenticationMiddleware's, not yet read
        super()._install_lazy_accessors(request)  # request.auser, django-otp's own
        if django_user is not None:
            request.user = SimpleLazyObject(  # type: ignore[assignment]  # as Django's own
                functools.partial(self._read, request, django_user)
            )

    def _read(self, request: HttpRequest, django_user: Any) -> Any:
        try:
            user_id = User._meta.pk.to_python(request.session[SESSION_KEY])
            backend_path = request.session[BACKEND_SESSION_KEY]
        except KeyError:
            user_id, backend_path = None, ""
        device_id = totp_device_id(request)
        if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
            user: Any = AnonymousUser()
            self._init_user_fields(user)
            return user
        backend = load_backend(backend_path)
        if (
            not isinstance(backend, ModelBackend)
            or type(backend).get_user is not ModelBackend.get_user
            or device_id is False
        ):
            # Another backend's rules, or another kind of device: the libraries' own reads.
            return self._verify_user_sync(request, django_user)
        found, device = user_with_device(user_id, device_id or None)
        if found is not None and not backend.user_can_authenticate(found):
            found = None
        user = session_user(request, found) or AnonymousUser()
        self._init_user_fields(user)
        if user.is_authenticated:
            user.otp_device = self._finalize_device(request, user, device)
        return user
