"""Single sign-on against a real OpenID Connect provider: django-oauth-toolkit in a second Django
process (scripts/oidc-test-provider), reached over HTTP by Chromium and by aisc's server (code
exchange, the provider's signing keys, userinfo). Nothing of the protocol is mocked."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from playwright.sync_api import Page, expect

from aisc.config_sso import parse_oidc
from aisc.web.accounts import verbs
from aisc.web.accounts.models import Invitation, Membership, Organisation, Role, User
from aisc.web.accounts.sso_settings import django_settings
from aisc.web.audit.models import AuditEvent
from tests.oidc_provider import people

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "oidc-test-provider"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider scripts/run-tests started (AISC_TEST_OIDC_URL), or one started here. One
    started here is this process's own, on a free port with its state in this session's temporary
    folder: under pytest-xdist each worker starts one, and with the script's default port and
    folder two workers migrated the same SQLite file at once and one's teardown stopped the
    provider the other was still using."""
    if os.environ.get("AISC_TEST_OIDC_URL"):
        yield os.environ["AISC_TEST_OIDC_URL"]
        return
    env = {
        **os.environ,
        "AISC_TEST_OIDC_PORT": str(free_port()),
        "AISC_TEST_OIDC_DIR": str(tmp_path_factory.mktemp("oidc-provider")),
    }
    script = ["bash", str(SCRIPT)]
    started = subprocess.run([*script, "up"], capture_output=True, text=True, env=env)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([*script, "down"], check=False, env=env)


@pytest.fixture
def harbour(transactional_db: Any) -> Organisation:
    return Organisation.objects.create(
        name_en="Harbour University", kind="university", registration_code="HU-SSO"
    )


@pytest.fixture
def sso(provider: str, settings: Any, harbour: Organisation) -> None:
    """aisc configured as an operator would: the AISC_OIDC_* variables, through Config."""
    env = {
        "AISC_OIDC_CLIENT_ID": people.CLIENT_ID,
        "AISC_OIDC_CLIENT_SECRET": people.CLIENT_SECRET,
        "AISC_OIDC_PROVIDER_NAME": "Harbour ID",
        "AISC_OIDC_AUTHORIZATION_URL": f"{provider}/o/authorize/",
        "AISC_OIDC_TOKEN_URL": f"{provider}/o/token/",
        "AISC_OIDC_USERINFO_URL": f"{provider}/o/userinfo/",
        "AISC_OIDC_JWKS_URL": f"{provider}/o/.well-known/jwks.json",
        "AISC_OIDC_DOMAINS": "harbour.edu.hk=HU-SSO",
    }
    for name, value in django_settings(parse_oidc(env)).items():
        setattr(settings, name, value)


def sign_in_at_provider(page: Page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Harbour ID").click()
    expect(page.get_by_role("heading", name="Harbour ID")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(people.PASSWORD)
    page.get_by_role("button", name="Sign in to Harbour ID").click()


def test_a_verified_university_address_signs_in_gets_an_account_and_an_invitation(
    page: Page, live_url: str, sso: None, harbour: Organisation
) -> None:
    sign_in_at_provider(page, live_url, "ada")
    page.wait_for_url(f"{live_url}/dashboard/")
    ada = User.objects.get(email="ada@harbour.edu.hk")
    assert ada.full_name == "Ada Lovelace"
    assert not ada.has_usable_password()  # local log-in needs a password reset first
    # The domain's organisation invites; membership waits for her consent.
    invitation = Invitation.objects.get(user=ada)
    assert (invitation.organisation, invitation.accepted) == (harbour, None)
    assert not Membership.objects.filter(user=ada).exists()
    created, invited, signed_in = (
        AuditEvent.objects.get(verb=verb, object_type=kind)
        for verb, kind in (
            (verbs.USER_CREATE, "User"),
            (verbs.MEMBERSHIP_INVITE, "Invitation"),
            (verbs.USER_SSO_LOGIN, "User"),
        )
    )
    assert created.after["email"] == "ada@harbour.edu.hk"  # type: ignore[index]
    assert invited.after["organisation"] == harbour.pk  # type: ignore[index]
    assert signed_in.actor == ada
    assert signed_in.after == {"provider": "Harbour ID", "created": True, "invited_to": harbour.pk}
    # She sees the invitation and accepts it on the portal, as any invitation.
    page.goto(f"{live_url}/accounts/invitations/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You joined the organisation.")).to_be_visible()
    assert Membership.objects.filter(user=ada, organisation=harbour).exists()
    # Again, after logging out: the same account, no new invitation.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Harbour ID").click()  # the provider remembers her
    page.wait_for_url(f"{live_url}/dashboard/")
    assert User.objects.filter(email="ada@harbour.edu.hk").count() == 1
    assert Invitation.objects.filter(user=ada).count() == 1
    last = AuditEvent.objects.filter(verb=verbs.USER_SSO_LOGIN).order_by("-id").first()
    assert last is not None
    assert last.after == {"provider": "Harbour ID", "created": False, "invited_to": None}


def test_an_address_the_provider_has_not_verified_is_refused_with_the_reason(
    page: Page, live_url: str, sso: None
) -> None:
    sign_in_at_provider(page, live_url, "eve")
    page.wait_for_url(f"{live_url}/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text(
        "Your identity provider has not verified the e-mail address eve@harbour.edu.hk"
    )
    assert not User.objects.filter(email="eve@harbour.edu.hk").exists()
    assert not AuditEvent.objects.filter(verb=verbs.USER_SSO_LOGIN).exists()
    # A refused sign-in counts towards the client address's lock-out, as a wrong password does.
    assert AccessAttempt.objects.get(ip_address="127.0.0.1").failures_since_start == 1


def test_an_existing_local_account_outside_the_mapped_domains_is_signed_into_as_it_is(
    page: Page, live_url: str, sso: None, make_user: Any
) -> None:
    ron = make_user(email="ron@ridge.example", full_name="Ronald R.")
    sign_in_at_provider(page, live_url, "ron")
    page.wait_for_url(f"{live_url}/dashboard/")
    ron.refresh_from_db()
    assert ron.full_name == "Ronald R."  # a name already given is kept
    assert not Invitation.objects.filter(user=ron).exists()
    row = AuditEvent.objects.get(verb=verbs.USER_SSO_LOGIN)
    assert (row.actor, row.after["created"]) == (ron, False)  # type: ignore[index]
    assert not AuditEvent.objects.filter(verb=verbs.USER_CREATE).exists()


def test_without_a_provider_the_login_page_offers_only_the_password(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/accounts/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert page.get_by_role("link", name="Sign in with Harbour ID").count() == 0
    assert page.request.get(f"{live_url}/oidc/authenticate/").status == 404


def test_an_address_locked_out_by_wrong_passwords_cannot_sign_in_through_the_provider(
    page: Page, live_url: str, sso: None, make_user: Any
) -> None:
    victim = make_user(email="victim@example.hk")
    for _ in range(5):  # django-axes' limit for one client address (settings.AXES_FAILURE_LIMIT)
        page.goto(f"{live_url}/accounts/login/")
        page.get_by_label("Email").fill(victim.email)
        page.get_by_label("Password").fill("wrong-password-123")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "/oidc/callback/" in r.url else None)
    sign_in_at_provider(page, live_url, "ada")
    page.wait_for_load_state()
    assert answers == [429]
    assert not User.objects.filter(email="ada@harbour.edu.hk").exists()


def test_staff_who_sign_in_through_the_provider_still_give_aiscs_second_factor(
    page: Page, live_url: str, sso: None, make_user: Any
) -> None:
    make_user(Role.FINANCE, email="ron@ridge.example")
    sign_in_at_provider(page, live_url, "ron")
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.goto(f"{live_url}/billing/")
    assert "/accounts/two-factor/" in page.url
