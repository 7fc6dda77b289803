"""Issue 16's new organisation, in a real browser: a person signs up, confirms the address
through the mailed link and registers the organisation with its registration document; the
secretariat finds it in its queue, reads the document's name and verifies it; the founder logs in
and sees it verified. (Submission before verification is refused: tests/web/grants.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from aisc.web.outbox.dispatch import drain

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "a-long-new-pass-99"


def mailed_link(pattern: str) -> str:
    drain()
    found = re.search(pattern, str(mail.outbox[-1].body))
    assert found is not None, mail.outbox[-1].body
    return found.group(1)


def test_a_new_organisation_signs_up_registers_and_is_verified_from_the_secretariat_queue(
    page: Page,
    live_url: str,
    demo_people: list[tuple[str, str, str]],
    login: Callable[[Page, str, str], None],
    files_dir: Any,
) -> None:
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Sign up").first.click()
    page.locator("#id_email").fill("founder@kowloon-robotics.example.hk")
    page.locator("#id_full_name").fill("Chan Siu Ming")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#signup-sent")).to_contain_text("founder@kowloon-robotics.example.hk")

    page.goto(live_url + mailed_link(r"https?://[^/\s]+(/accounts/verify/\S+)"))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Your address is confirmed.")).to_be_visible()

    page.locator("#register-organisation").click()
    page.locator("#id_name_en").fill("Kowloon Robotics Ltd")
    page.locator("#id_kind").select_option("startup")
    page.locator("#id_registration_code").fill("BR-7788")
    page.locator("#id_document").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 ok"}
    )
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("#verification")).to_have_text("Waiting for verification")
    org_page = page.url

    secretariat = next(email for role, email, _ in demo_people if role == "secretariat")
    password = next(pw for role, _, pw in demo_people if role == "secretariat")
    page.context.clear_cookies()
    login(page, secretariat, password)
    page.get_by_role("link", name="Organisation to verify: Kowloon Robotics Ltd").click()
    expect(page.locator("#registration-documents")).to_contain_text("certificate.pdf")
    page.get_by_role("button", name="Verify: it may submit applications").click()
    expect(page.get_by_text("The organisation is verified.")).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Email").fill("founder@kowloon-robotics.example.hk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(org_page)
    expect(page.locator("#verification")).to_have_text("Verified")
