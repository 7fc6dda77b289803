"""Every page in the navigation reads in Traditional Chinese: an administrator (who is shown every
entry) opens each in zh-Hant and in English; each heading and each navigation label is Chinese, and
differs from the English one. A page added to NAV is checked without touching this file."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.portal.navigation import NAV

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def in_language(user: User, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def heading(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found is not None, "the page has no <h1>"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


def nav_items(client: Client) -> list[dict[str, str]]:
    response = client.get("/")
    assert response.status_code == 200
    items: list[dict[str, str]] = response.context["nav_items"]
    return items


def test_the_administrator_is_shown_every_navigation_entry(admin: User) -> None:
    shown = nav_items(in_language(admin, "en"))
    assert [str(item["label"]) for item in shown] == [str(item.label) for item in NAV]


def test_every_navigation_label_is_chinese_in_zh_hant(admin: User) -> None:
    english = [str(item["label"]) for item in nav_items(in_language(admin, "en"))]
    chinese = [str(item["label"]) for item in nav_items(in_language(admin, "zh-hant"))]
    untranslated = [zh for en, zh in zip(english, chinese, strict=True) if en == zh]
    assert untranslated == []
    assert all(CJK.search(label) for label in chinese), chinese


def test_every_page_in_the_navigation_has_a_chinese_heading_in_zh_hant(admin: User) -> None:
    english, chinese = in_language(admin, "en"), in_language(admin, "zh-hant")
    urls = sorted({item["url"] for item in nav_items(english)})
    problems = []
    for url in urls:
        en_page, zh_page = english.get(url), chinese.get(url)
        if (en_page.status_code, zh_page.status_code) != (200, 200):
            problems.append(f"{url}: status {en_page.status_code}/{zh_page.status_code}")
            continue
        en_heading, zh_heading = (
            heading(en_page.content.decode()),
            heading(zh_page.content.decode()),
        )
        if en_heading == zh_heading or not CJK.search(zh_heading):
            problems.append(f"{url}: {en_heading!r} reads {zh_heading!r} in zh-Hant")
        if 'lang="zh-hant"' not in zh_page.content.decode().lower():
            problems.append(f"{url}: the page does not declare lang=zh-hant")
    assert problems == []
    assert len(urls) >= 15
