"""The portal in a real browser: languages, navigation by role, keyboard use, a phone screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.portal.navigation import NAV
from tests.browser.conftest import PHONE

# Serialized rollback restores the staff roles (seeded by a migration) that a flush removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
Login = Callable[[Page, str, str], None]


def nav_labels(page: Page) -> list[str]:
    """Every entry of the menu, those inside a closed group too, in order on screen."""
    return [text.strip() for text in page.locator("header nav a").all_text_contents()]


def test_the_home_page_reads_in_english_then_in_chinese_and_the_choice_is_remembered(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("AI Supercomputing Centre")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hant")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("人工智能超算中心")
    # Another page, and a fresh visit to the first: still Chinese.
    page.goto(f"{live_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登入")
    page.goto(f"{live_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_label("語言")).to_have_value("zh-hant")


def test_each_demo_role_sees_its_own_navigation(
    page: Page, demo_people: list[tuple[str, str, str]], login: Login, live_url: str
) -> None:
    seen: dict[str, list[str]] = {}
    for role, email, password in demo_people:
        login(page, email, password)
        user = User.objects.get(email=email)
        expected = [
            str(i.label)
            for i in NAV
            if i.public or any(authz.can(user, action) for action in i.actions)
        ]
        assert nav_labels(page) == expected, role
        seen[role] = nav_labels(page)
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
    # The roles differ where they should: only auditors and admins read the audit log.
    assert "Audit log" in seen["auditor"]
    assert "Audit log" in seen["admin"]
    assert "Audit log" not in seen["reviewer"]
    assert "Audit log" not in seen["applicant (HKU-DEMO)"]
    assert len(seen["admin"]) == len(NAV)


def test_a_keyboard_user_skips_to_content_and_logs_in_without_a_mouse(
    page: Page, demo_people: list[tuple[str, str, str]], live_url: str
) -> None:
    _, email, password = demo_people[0]
    page.goto(f"{live_url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, "the focused skip link is on screen"
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # From the top of a fresh page, Tab forward to the "Log in" link, then use it.
    page.goto(f"{live_url}/")
    login_link = page.get_by_role("link", name="Log in")
    for _ in range(10):
        page.keyboard.press("Tab")
        if login_link.evaluate("el => el === document.activeElement"):
            break
    expect(login_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email")).to_be_focused()  # autofocus
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_on_a_phone_the_page_fits_the_screen_and_login_works(
    phone_page: Page, demo_people: list[tuple[str, str, str]], login: Login, live_url: str
) -> None:
    page = phone_page
    page.goto(f"{live_url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    _, email, password = demo_people[-1]
    login(page, email, password)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("link", name="Dashboard").first).to_be_visible()


def test_each_menu_group_opens_within_the_screen_at_every_width_in_both_languages(
    page: Page, demo_people: list[tuple[str, str, str]], login: Login, live_url: str
) -> None:
    # On a phone in Chinese an applicant's second group sits right of the middle of the bar; at
    # 1024 px in English the last group ends near the edge: a menu anchored to its group's left
    # ran past the screen's edge and scrolled the page sideways.
    _, email, password = next(p for p in demo_people if p[1] == "applicant@aisc.demo")
    login(page, email, password)
    for language in ("en", "zh-hant"):
        with page.expect_navigation():
            page.locator("#language-select").select_option(language)
        for width in (PHONE["width"], 700, 1024):
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            groups = page.locator(".site-nav details.dropdown > summary")
            assert groups.count() >= 2
            for summary in groups.all():
                summary.click()
                menu = summary.locator("xpath=following-sibling::ul")
                expect(menu).to_be_visible()
                left, right = menu.evaluate(
                    "ul => [ul.getBoundingClientRect().left, ul.getBoundingClientRect().right]"
                )
                where = f"{language} {width}px {summary.inner_text()}: {left}..{right}"
                assert left >= 0, where
                assert right <= width, where
                assert page.evaluate("document.documentElement.scrollWidth") <= width, where
                summary.click()
