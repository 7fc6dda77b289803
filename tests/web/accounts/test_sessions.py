"""aisc.web.accounts.sessions: Django's database sessions read with one written-out statement;
a live session reads as before, an expired, unknown or signed-out one reads as nothing (on
SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.accounts.sessions import SessionStore


def test_the_portal_uses_this_engine() -> None:
    assert settings.SESSION_ENGINE == "aisc.web.accounts.sessions"


def test_a_live_session_reads_back_what_was_saved(db: Any, django_assert_num_queries: Any) -> None:
    saved = SessionStore()
    saved["answer"] = {"text": "四十二", "n": 42}
    saved.create()

    read = SessionStore(saved.session_key)
    with django_assert_num_queries(1):
        assert read["answer"] == {"text": "四十二", "n": 42}
    assert read.session_key == saved.session_key


def test_an_expired_or_unknown_session_reads_as_nothing_and_forgets_its_key(db: Any) -> None:
    expired = SessionStore()
    expired["answer"] = 42
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    for key in (expired.session_key, "no-such-session-key-at-all-xxxxx"):
        read = SessionStore(key)
        assert read.load() == {}
        assert read.session_key is None


def test_a_signed_out_session_cookie_no_longer_signs_anybody_in(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(cookie)[SESSION_KEY] == str(user.pk)

    client.post("/accounts/logout/")

    copied = Client()
    copied.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert copied.get("/dashboard/").status_code == 302  # to the sign-in page
    assert SessionStore(cookie).load() == {}
