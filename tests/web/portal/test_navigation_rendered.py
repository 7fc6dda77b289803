"""The menu bar and the dashboard's tiles are rendered once per language and menu
(portal/templatetags/navigation.py): whoever asks, in whichever language, on whichever page,
each page shows what the partials render afresh from that request's own navigation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.test import Client
from django.test.client import RequestFactory
from django.utils import translation

from aisc.web.accounts.models import Role, User
from aisc.web.portal import context as portal_context
from aisc.web.portal.templatetags import navigation

pytestmark = pytest.mark.django_db
MENU = re.compile(r'<ul class="nav">\s*(.*?)\s*</ul>\s*</nav>', re.S)
TILES = re.compile(r'<ul class="tiles">\s*(.*?)\s*</ul>', re.S)


def afresh(name: str, response: Any, language: str) -> str:
    context = response.context
    items = context["nav_items"]
    shown = {"nav_items": items, "nav_groups": portal_context.grouped(items)}
    with translation.override(language):
        html: str = get_template(f"partials/{name}.html").render(shown)
    return html.strip()


def shown(pattern: re.Pattern[str], html: str) -> str:
    found = pattern.search(html)
    assert found is not None
    return found.group(1)


def test_each_person_page_and_language_gets_its_own_menu_and_tiles(
    make_user: Callable[..., User],
) -> None:
    people = [make_user(Role.ADMIN), make_user(Role.FINANCE), make_user()]
    menus = set()
    for _ in range(2):  # the second round is served from what the first rendered
        for person in people:
            for language in ("en", "zh-hant"):
                client = Client()
                client.force_login(person)
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                for path in ("/dashboard/", "/billing/statements/", "/"):
                    response = client.get(path)
                    if response.status_code != 200:
                        continue
                    html = response.content.decode()
                    menu = shown(MENU, html)
                    assert menu == afresh("nav_menu", response, language), (person, path)
                    menus.add(menu)
                    if path == "/dashboard/":
                        assert shown(TILES, html) == afresh("nav_tiles", response, language)
    # Three people, two languages, a page current or not: menus that differ were told apart.
    assert len(menus) >= 8


def test_the_current_page_is_marked_in_the_menu_it_is_served() -> None:
    factory = RequestFactory()
    for path, current in (("/calls/", "/calls/"), ("/grantees/", "/grantees/")):
        request = factory.get(path)
        context = portal_context.navigation(request)
        html = navigation.rendered("nav_menu", template_context(context))
        assert f'<a href="{current}" aria-current="page">' in html
        assert html.count('aria-current="page"') == 1


def test_the_kept_menus_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "LIMIT", 2)
    monkeypatch.setattr(navigation, "_rendered", {})
    factory = RequestFactory()
    for path in ("/", "/calls/", "/grantees/", "/catalogue/prices/"):
        navigation.rendered(
            "nav_menu", template_context(portal_context.navigation(factory.get(path)))
        )
        assert 1 <= len(navigation._rendered) <= 2


def template_context(values: dict[str, Any]) -> Context:
    return Context(values)
