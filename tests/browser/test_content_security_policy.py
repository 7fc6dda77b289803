"""Pages under the strict Content-Security-Policy in Chromium: the portal's own scripts (static
files) still run, and the API docs' Swagger UI still renders, with no violation on the console
(the `page` fixture fails a test on any)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_language_menu_switches_at_once_through_htmx(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    csp = page.context.request.get(f"{live_url}/accounts/login/").headers
    assert "script-src 'self'" in csp["content-security-policy"]
    page.get_by_label("Language").select_option("zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("登入")


def test_the_api_docs_render_their_operations(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/api/v1/docs")
    expect(page.get_by_text("aisc API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/me").first).to_be_visible()


def test_an_inline_script_is_refused_by_the_browser(browser_page_refusals: list[str]) -> None:
    assert any("inline script" in text for text in browser_page_refusals)


@pytest.fixture
def browser_page_refusals(browser: object, live_url: str) -> list[str]:
    """A page outside the watched fixture, made to try an inline script: Chromium must refuse
    it under the policy the server sent."""
    from tests.browser.conftest import new_context

    context = new_context(browser, viewport={"width": 800, "height": 600})  # type: ignore[arg-type]
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto(f"{live_url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'document.title = \"ran\"'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    context.close()
    return seen


def test_the_public_pages_and_the_live_estimate_ask_no_other_host(
    page: Page, live_url: str
) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    for path in ["/", "/calls/", "/catalogue/prices/", "/catalogue/chips/", "/accounts/login/"]:
        page.goto(f"{live_url}{path}")
    page.goto(f"{live_url}/catalogue/estimate/")
    page.locator("#id_params").fill("7e9")
    page.locator("#id_tokens").fill("1e12")
    expect(page.locator("#estimate-result [data-key=gpu_hours]")).to_be_visible()
    assert any("/static/vendor/htmx" in url for url in asked), "htmx is served from here"
    assert any("/catalogue/estimate/?" in url for url in asked), "the estimate came by htmx"
    elsewhere = [
        url for url in asked if not url.startswith(live_url) and not url.startswith("data:")
    ]
    assert elsewhere == []
