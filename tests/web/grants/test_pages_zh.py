"""Grants pages in Traditional Chinese: each page a role uses renders with its headings from the
zh-Hant catalogue (the same text Django's gettext gives, never the English), and the data an
applicant typed shows as typed."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from django.test import Client
from django.utils import translation

from aisc.core.grants.rubric import DEFAULT_RUBRIC
from aisc.web.accounts.models import User

from .scenario import Story

GUIDANCE = import_module("aisc.web.grants.migrations.0016_rubric_guidance_zh")


def chinese(text: str) -> str:
    with translation.override("zh-hant"):
        translated = translation.gettext(text)
    assert translated != text, f"no zh-Hant text for {text!r}"
    return translated


def zh_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hant"
    return client


PAGES = [
    # (who, url pattern, English headings the page must carry in Chinese)
    ("owner", "/grants/", ("AI Subsidy Scheme", "Calls")),
    ("owner", "/grants/awards/{award}/", ("Compute", "Period", "Subsidy")),
    ("secretariat", "/grants/applications/{application}/", ("Status", "Request", "Summary")),
    ("committee", "/grants/calls/{call}/ranking", ("Ranked list", "Score (mean)")),
    ("secretariat", "/grants/schemes/", ("Schemes", "New scheme")),
]


@pytest.mark.parametrize(("who", "pattern", "headings"), PAGES)
def test_each_grants_page_speaks_chinese(
    story: Story,
    make_user: Callable[..., User],
    who: str,
    pattern: str,
    headings: tuple[str, ...],
) -> None:
    user = story.application.created_by if who == "owner" else make_user(who)
    url = pattern.format(award=story.award.pk, application=story.application.pk, call=story.call.pk)
    response = zh_client(user).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hant">' in page
    for heading in headings:
        assert chinese(heading) in page, heading


def test_the_applicants_words_are_shown_as_typed_on_a_chinese_page(
    story: Story, make_user: Callable[..., User]
) -> None:
    page = zh_client(make_user("secretariat")).get(f"/grants/applications/{story.application.pk}/")
    text = page.content.decode()
    assert "Secret project" in text
    assert "Continued pre-training of a Cantonese 7B model." in text


def test_the_edit_page_of_a_draft_speaks_chinese(draft: object, applicant: User) -> None:
    page = zh_client(applicant).get(f"/grants/applications/{draft.pk}/edit")  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.content.decode()
    assert chinese("Edit application") in text
    assert chinese("Your draft is saved each time you change a field.") in text


def test_switching_back_to_english_shows_english_again(story: Story) -> None:
    client = zh_client(story.application.created_by)
    assert chinese("Calls") in client.get("/grants/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get("/grants/").content.decode()
    assert '<html lang="en">' in page
    assert chinese("Calls") not in page


def test_a_calls_review_criteria_are_explained_in_chinese_on_its_public_page(
    story: Story,
) -> None:
    client = Client()
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/calls/{story.call.code}/").content.decode()
    for criterion in DEFAULT_RUBRIC:
        assert criterion.guidance_zh in page
        assert criterion.guidance not in page


def test_the_migration_gives_unchanged_default_guidance_its_chinese_and_nothing_else() -> None:
    default = DEFAULT_RUBRIC[0]
    stored = [
        {"code": default.code, "guidance": default.guidance},
        {"code": default.code, "guidance": "Our own words"},
        {"code": default.code, "guidance": default.guidance, "guidance_zh": "自訂"},
    ]
    assert GUIDANCE.with_chinese(stored) == [
        {"code": default.code, "guidance": default.guidance, "guidance_zh": default.guidance_zh},
        stored[1],
        stored[2],
    ]
