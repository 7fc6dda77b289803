"""The NUL character (U+0000) is refused by one rule (aisc.core.text) wherever text enters, in
the same words and in the user's language: beside a form's field on the form shown again with
what was typed, in the API's error body naming the field or parameter, and on a page naming the
query parameter with a link to the same address without it. A NUL in a path is a 404."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.core.text import nul_in, without_nul
from aisc.web.accounts.models import User

pytestmark = pytest.mark.django_db
RULE = {"en": "Null characters are not allowed.", "zh-hant": "不允許空（null）字元。"}
NAMED = {"en": "The parameter “q” of this address", "zh-hant": "此網址的參數「q」"}


def test_the_rule_finds_the_innermost_field_and_gives_the_text_back_without_the_nul() -> None:
    assert nul_in({"a": {"b": ["x", "y\x00"]}}) == (True, "b")
    assert nul_in({"a\x00": 1}) == (True, None)
    assert nul_in({"a": [1, 2.5, None]}) == (False, None)
    assert without_nul("Har\x00bour") == "Harbour"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_form_refuses_it_beside_the_field_and_keeps_what_was_typed(language: str) -> None:
    client = Client(headers={"Accept-Language": language})
    form = {"email": "ada@example.org", "full_name": "Ada\x00 Lovelace", "language": "en",
            "password": "x", "password_again": "x"}  # fmt: skip
    response = client.post("/accounts/signup/", form)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert RULE[language] in page
    assert 'value="ada@example.org"' in page
    assert not User.objects.filter(email="ada@example.org").exists()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_query_parameter_is_refused_naming_it_with_a_link_that_keeps_the_rest(
    language: str, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    response = client.get(
        "/accounts/organisations/",
        {"q": "Harbour\x00", "sort": "name"},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert RULE[language] in page
    assert NAMED[language] in page
    assert 'href="/accounts/organisations/?q=Harbour&sort=name"' in page
    assert client.get("/accounts/organisations/?q=Harbour&sort=name").status_code == 200


def test_the_api_refuses_it_in_a_query_naming_the_parameter_in_the_users_language(
    applicant: User, api_client: Callable[[User], Client]
) -> None:
    client = api_client(applicant)
    response = client.get(
        "/api/v1/grants/calls", {"status": "open\x00"}, headers={"Accept-Language": "zh-hant"}
    )
    assert response.status_code == 422
    assert json.loads(response.content)["error"] == {
        "code": "invalid",
        "message": RULE["zh-hant"],
        "field": "status",
    }


def test_a_path_holding_it_names_nothing(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    assert client.get("/allocations/a%00b/").status_code == 404
    assert client.get("/api/v1/allocations/p2026a%00001").status_code == 404
