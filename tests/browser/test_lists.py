"""Lists in the browser: a filter narrows the list in place through htmx (no page load), the
address follows so the filtered list can be bookmarked, and a column header sorts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
Login = Callable[[Page, str, str], None]


def test_a_filter_narrows_the_applications_in_place_and_the_address_follows(
    page: Page, live_url: str, demo_centre: dict[str, Any], login: Login
) -> None:
    login(page, *demo_centre["applicant"])
    page.goto(f"{live_url}/grants/")
    rows = page.locator("#applications tbody tr")
    before = rows.count()
    page.evaluate("window.__stayed = true")  # gone if the page were loaded again
    page.get_by_label("Status", exact=True).select_option("draft")
    expect(page).to_have_url(re.compile(r"/grants/\?.*status=draft"))
    expect(rows.first.locator(".tag")).to_have_text("Draft")
    assert page.evaluate("window.__stayed === true"), "the list was swapped in, not reloaded"
    assert rows.count() <= before
    page.get_by_label("Status", exact=True).select_option("")
    expect(rows).to_have_count(before)
    page.get_by_role("link", name="Project", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text(re.compile("Project"))
    titles = page.locator("#applications tbody tr td:first-child").all_inner_texts()
    assert titles == sorted(titles)
