"""The language menu: an htmx request gets 204 with HX-Refresh and the cookie; a plain form post
(no script) gets Django's redirect back, as before."""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def test_an_htmx_choice_is_answered_with_a_refresh_and_the_language_cookie(client: Client) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hant", "next": "/calls/"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"


def test_a_choice_posted_without_script_redirects_to_the_page_it_came_from(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/calls/"})
    assert response.status_code == 302
    assert response["Location"] == "/calls/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"


def test_the_menu_refuses_a_get(client: Client) -> None:
    assert client.get("/i18n/setlang/").status_code == 405
