"""The portal's error pages read in the user's language, in the portal's frame where Django gives
them the request (404, 403), standing alone where it does not (400, 500): Django's own were bare
English ("Not Found", "403 Forbidden") on every page of a Chinese reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from aisc.web.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [("en", "Page not found", "Go to the home page"), ("zh-hant", "找不到頁面", "前往首頁")],
)
def test_a_missing_page_says_so_in_the_readers_language_with_the_portals_menu(
    language: str, title: str, back: str
) -> None:
    response = Client(headers={"Accept-Language": language}).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert back in page
    assert 'class="site-header"' in page


def test_a_page_the_account_may_not_open_says_so_and_leads_back_to_the_dashboard(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user())
    response = client.get("/allocations/", headers={"Accept-Language": "zh-hant"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>不獲准許</h1>" in page
    assert 'href="/dashboard/">前往你的主頁' in page


def test_a_server_error_and_a_bad_request_stand_alone_in_the_readers_language() -> None:
    request = RequestFactory().get("/")
    with translation.override("zh-hant"):
        crashed = defaults.server_error(request).content.decode()
        refused = defaults.bad_request(request, SuspiciousOperation()).content.decode()
    assert "<h1>出了問題</h1>" in crashed
    assert '<html lang="zh-Hant">' in crashed
    assert "<h1>請求無效</h1>" in refused
