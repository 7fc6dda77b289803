"""The starter grant path in a real browser: an applicant asks on /grants/starter/, the system
decides at once, and the status page shows the grant with its allocation; the same page reads
in 繁體中文."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from aisc.web.grants.models import Award, StarterProgramme
from tests.browser.test_grants_flow import (  # noqa: F401 - the fixture this walk shares
    Login,
    as_user,
    clear_ledger,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def starter_programme(
    demo_people: Any,
    clear_ledger: None,  # noqa: F811 - the imported fixture
    embedded_cluster: Any,
    price: Decimal,
    programme: StarterProgramme,
) -> StarterProgramme:
    """The shared programme (tests/fixtures/grants.py) beside the demo's people."""
    return programme


def test_an_applicant_gets_a_starter_grant_decided_on_the_spot(
    page: Page, live_url: str, login: Login, starter_programme: StarterProgramme
) -> None:
    as_user(page, login, "startup@aisc.demo")
    page.goto(f"{live_url}/grants/starter/")
    page.get_by_label("Chip").select_option("br104")
    page.get_by_role("textbox", name="Project title", exact=True).fill("Speech model on BR104")
    page.get_by_role("button", name="Ask now").click()
    expect(page.locator("#decision")).to_have_attribute("data-status", "approved")
    award = Award.objects.get(application__call=starter_programme.call)
    expect(page.locator("#granted")).to_contain_text("500 GPU-hours on br104")
    expect(page.locator("#allocation-link")).to_have_attribute(
        "href", f"/allocations/{award.project_code}/"
    )
    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hant")
    expect(page.locator("#decision")).to_have_text("已自動批准")
