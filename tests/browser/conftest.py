"""Browser fixtures: Playwright for Python driving Debian's chromium against the live server.

Reuse them in any app's browser tests; mark the module
    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
(the live server needs committed data; the roles and chips that migrations seed, which the flush
after each committing test removes, are seeded again by tests/conftest.py's
reference_data_seeded).
    def test_x(page: Page, live_url: str) -> None: page.goto(live_url + "/")
`login(page, email)` signs in through the real form, and for staff who need one, through the
second factor too (setting up an authenticator from the key the page shows, or entering the code
of the one they have). Never `playwright install`: the browser is
/usr/bin/chromium (scripts/ensure-chromium installs Debian's package when missing).
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from aisc.devtools.databases import scratch_database

CHROMIUM = Path(os.environ.get("AISC_CHROMIUM", "/usr/bin/chromium"))
# Quiet, headless and offline: no GPU, no sandbox (CI runs as root), nothing fetched in the
# background. Playwright gives every launch a fresh temporary user-data-dir of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

# Playwright's sync API keeps an event loop in this thread; the ORM calls that tests make to set
# up data would otherwise be refused as "called from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/ensure-chromium (never playwright install)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def watched(context: BrowserContext) -> Iterator[Page]:
    """A page whose Content-Security-Policy violations fail the test: Chromium reports each one
    on the console ("Refused to execute inline script ..."), and every browser test then proves
    that what it used still works under the policy."""
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], f"CSP violations: {refused}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page in a context of its own (no cookies shared between tests)."""
    yield from watched(new_context(browser, viewport={"width": 1280, "height": 800}))


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page with touch, as a visitor on a mobile browser sees the portal."""
    yield from watched(new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True))


@pytest.fixture
def live_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def demo_people(transactional_db: Any) -> list[tuple[str, str, str]]:
    """The demo organisations and one user per role; returns (role, email, password)."""
    from aisc.web.demo import DemoReport
    from aisc.web.demo.people import load

    report = DemoReport()
    load(report)
    return report.logins


def authenticator_code(key: bytes, email: str) -> str:
    """The code an authenticator app shows now, or for the next time step when this person's
    device already accepted the current one (a code is accepted once: django-otp's last_t)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email=email).first()
    now = int(time.time()) // 30
    step = now if device is None else max(now, device.last_t + 1)
    while step > now + 1:  # the device accepts one step of drift; later ones need waiting
        time.sleep(1)
        now = int(time.time()) // 30
    return f"{totp(key, drift=step - now):06d}"


def set_up_authenticator(page: Page) -> None:
    """On the set-up page: reads the key the page shows, enters its current code (a new device
    has accepted none yet) and continues past the recovery codes, shown once."""
    from django_otp.oath import totp

    text = page.locator("[data-secret]").inner_text().replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    page.get_by_role("textbox", name="Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("link", name="Continue").click()


def pass_second_factor(page: Page, email: str) -> None:
    """Sets up an authenticator from the key the page shows, or enters the current code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if page.locator("[data-secret]").count():
        set_up_authenticator(page)
        return
    key = TOTPDevice.objects.get(user__email=email, confirmed=True).bin_key
    page.get_by_role("textbox", name="Code").fill(authenticator_code(key, email))
    page.get_by_role("button", name="Verify").click()


@pytest.fixture
def login(live_url: str) -> Callable[[Page, str, str], None]:
    def sign_in(page: Page, email: str, password: str) -> None:
        page.goto(f"{live_url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/dashboard/$|/accounts/two-factor/"))
        if "/accounts/two-factor/" in page.url:
            pass_second_factor(page, email)
        page.wait_for_url(f"{live_url}/dashboard/")

    return sign_in


@pytest.fixture
def demo_centre(transactional_db: Any) -> dict[str, Any]:
    """The demo's people, catalogue, allocations and grants (not its simulated cluster and
    billing, which take long and add no kind of page)."""
    return load_walk_centre()


def load_walk_centre() -> dict[str, Any]:
    """The browser walk's centre (also the data of benchmarks/portal_pages.py): the draft and
    the application in review its pages open, and the applicant's and admin's log-ins."""
    from aisc.web.accounts.models import Membership
    from aisc.web.demo import DemoReport
    from aisc.web.demo_load import LOADERS
    from aisc.web.grants.models import Application

    report = DemoReport()
    for loader in LOADERS[:4]:
        loader(report)
    draft = Application.objects.filter(status="draft").order_by("pk").first()
    reviewed = Application.objects.filter(status="in_review").order_by("pk").first()
    assert draft is not None
    assert reviewed is not None
    member = Membership.objects.filter(organisation=draft.organisation).first()
    assert member is not None
    password = {email: pw for _, email, pw in report.logins}
    return {
        "draft": draft.pk,
        "reviewed": reviewed.pk,
        "applicant": (member.user.email, password[member.user.email]),
        "admin": ("admin@aisc.demo", password["admin@aisc.demo"]),
    }


# The production server's tests (test_production_server.py, test_reverse_proxy.py) start
# `aisc serve` as the unit does, on one PostgreSQL database migrated once for both.
@pytest.fixture(scope="session")
def unit_database() -> Iterator[str]:
    server = os.environ.get("AISC_TEST_POSTGRES_URL")
    if not server:
        pytest.fail("AISC_TEST_POSTGRES_URL is unset: scripts/run-tests browser starts PostgreSQL")
    with scratch_database(server, "aisc_unit") as url:
        yield url
