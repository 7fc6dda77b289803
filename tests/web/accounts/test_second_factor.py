"""Staff who move money or decide awards sign in with a second factor: an authenticator set up
from a QR code drawn here, a code after the password, single-use recovery codes, an admin's
reset; all audited; API tokens unaffected."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.web.accounts import second_factor, verbs
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.demo import DEMO_TOTP_KEY_BASE32, DemoReport
from aisc.web.demo.people import load as load_people
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]
PAGE = "/accounts/two-factor/"


def log_in(client: Client, user: User) -> str:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return str(client.get(response["Location"]).get("Location", ""))


def code(key: bytes, ahead: int = 0) -> str:
    return f"{totp(key, drift=ahead):06d}"


def shown_key(page: str) -> bytes:
    found = re.search(r"data-secret>([A-Z2-7 ]+)<", page)
    assert found is not None, page
    text = found.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def enrol(client: Client, user: User) -> tuple[bytes, list[str]]:
    """Signs in and sets up the authenticator; returns its key and the recovery codes."""
    log_in(client, user)
    key = shown_key(client.get(PAGE).content.decode())
    page = client.post(PAGE, {"token": code(key), "next": "/dashboard/"}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == second_factor.RECOVERY_CODES, page
    return key, codes


def password_only(user: User) -> Client:
    """Another browser of the same person, past the password and at the second factor."""
    other = Client()
    log_in(other, user)
    return other


@pytest.fixture
def committee(make_user: Callable[..., User]) -> User:
    return make_user(Role.COMMITTEE, email="cora@example.hk")


def test_a_committee_member_is_held_at_the_second_factor_page_after_the_password(
    committee: User, client: Client
) -> None:
    assert log_in(client, committee) == f"{PAGE}?next=%2Fdashboard%2F"
    for held in ("/dashboard/", "/admin/", "/accounts/profile/"):
        assert client.get(held)["Location"].startswith(PAGE), held
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.FINANCE, Role.SECRETARIAT, Role.ADMIN])
def test_each_role_that_moves_money_or_decisions_needs_the_second_factor(
    make_user: Callable[..., User], role: str
) -> None:
    assert second_factor.required_for(make_user(role))


def test_applicants_reviewers_operators_and_auditors_sign_in_with_the_password_alone(
    make_user: Callable[..., User], applicant: User, client: Client
) -> None:
    for person in (
        applicant,
        *(make_user(r) for r in (Role.REVIEWER, Role.OPERATOR, Role.AUDITOR)),
    ):
        assert not second_factor.required_for(person)
    assert log_in(client, applicant) == ""
    assert client.get("/dashboard/").status_code == 200
    # Whoever can open Django's admin needs it, whatever their roles.
    assert second_factor.required_for(make_user(is_staff=True))


def test_anyone_may_turn_it_on_from_the_profile_and_is_then_asked_for_a_code(
    applicant: User, client: Client
) -> None:
    log_in(client, applicant)
    assert 'href="/accounts/two-factor/"' in client.get("/accounts/profile/").content.decode()
    key = shown_key(client.get(PAGE).content.decode())
    client.post(PAGE, {"token": code(key)})
    assert second_factor.enrolled(applicant)
    again = password_only(applicant)
    assert again.get("/dashboard/")["Location"].startswith(PAGE)
    assert again.post(PAGE, {"token": code(key, ahead=1)})["Location"] == "/dashboard/"


def test_enrolment_shows_a_qr_code_drawn_here_and_the_key_then_gives_ten_recovery_codes(
    committee: User, client: Client
) -> None:
    log_in(client, committee)
    page = client.get(PAGE).content.decode()
    assert "<svg" in page
    assert "<path" in page
    assert "http" not in page[page.index("<svg") : page.index("</svg>")].replace(
        "http://www.w3.org/2000/svg", ""
    )
    key = shown_key(page)
    assert shown_key(client.get(PAGE).content.decode()) == key  # a reload keeps the key
    wrong = client.post(PAGE, {"token": "000000" if code(key) != "000000" else "111111"})
    assert "The code does not match the authenticator&#x27;s." in wrong.content.decode()
    assert not second_factor.enrolled(committee)
    done = client.post(PAGE, {"token": code(key), "next": "/dashboard/"}).content.decode()
    assert len(re.findall(r"<li><code>[a-z2-7]{8}</code></li>", done)) == 10
    assert "They will not be shown again." in done
    assert client.get("/dashboard/").status_code == 200
    row = AuditEvent.objects.get(verb=verbs.TWO_FACTOR_ENROL)
    assert (row.actor, row.object_id) == (committee, str(committee.pk))
    assert row.after == {"device": "authenticator", "recovery_codes": 10}


def test_the_next_sign_in_asks_for_the_code_and_refuses_a_wrong_one(
    committee: User, client: Client
) -> None:
    key, _ = enrol(client, committee)
    again = password_only(committee)
    page = again.get(PAGE).content.decode()
    assert "data-secret" not in page  # the key is shown only while setting up
    valid = {code(key, ahead) for ahead in (-1, 0, 1, 2)}
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in valid)
    refused = again.post(PAGE, {"token": wrong})
    assert "That code was not accepted." in refused.content.decode()
    assert again.get("/dashboard/")["Location"].startswith(PAGE)
    # django-otp's throttle: right after a failure even the right code is not checked ...
    too_soon = again.post(PAGE, {"token": code(key, ahead=1)})
    assert "That code was not accepted." in too_soon.content.decode()
    time.sleep(2.1)  # ... until the wait has passed (1 s after one failure, 2 s after two)
    # The step after the enrolment's (a code is accepted once; one step of drift is allowed).
    accepted = again.post(PAGE, {"token": code(key, ahead=1), "next": "/billing/"})
    assert accepted["Location"] == "/billing/"
    assert again.get("/dashboard/").status_code == 200


def test_a_recovery_code_signs_in_once_and_its_use_is_audited(
    committee: User, client: Client
) -> None:
    _, codes = enrol(client, committee)
    first = password_only(committee)
    assert first.post(PAGE, {"token": codes[3].upper()})["Location"] == "/dashboard/"
    row = AuditEvent.objects.get(verb=verbs.TWO_FACTOR_USE_RECOVERY_CODE)
    assert (row.actor, row.after) == (committee, {"recovery_codes_left": 9})
    second = password_only(committee)
    assert "That code was not accepted." in second.post(PAGE, {"token": codes[3]}).content.decode()


def test_new_recovery_codes_replace_the_old_ones(committee: User, client: Client) -> None:
    _, old = enrol(client, committee)
    assert "Recovery codes left: 10" in client.get(PAGE).content.decode()
    page = client.post(PAGE, {"regenerate": "1"}).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert AuditEvent.objects.filter(verb=verbs.TWO_FACTOR_REGENERATE_CODES).count() == 1
    other = password_only(committee)
    assert other.post(PAGE, {"token": old[0]}).status_code == 422  # refused: the page again
    time.sleep(1.1)
    assert other.post(PAGE, {"token": new[0]})["Location"] == "/dashboard/"


def test_an_admin_resets_a_lost_second_factor_and_the_next_sign_in_sets_up_a_new_one(
    committee: User, make_user: Callable[..., User], client: Client
) -> None:
    enrol(client, committee)
    admin = make_user(Role.ADMIN)
    admin_client = Client()
    enrol(admin_client, admin)
    url = f"/accounts/staff/{committee.pk}/two-factor/reset/"
    assert admin_client.post(url)["Location"] == f"/accounts/staff/{committee.pk}/"
    assert not TOTPDevice.objects.filter(user=committee).exists()
    assert second_factor.recovery_codes_left(committee) == 0
    row = AuditEvent.objects.get(verb=verbs.TWO_FACTOR_RESET)
    assert (row.actor, row.object_id) == (admin, str(committee.pk))
    assert row.before == {"devices": ["StaticDevice", "TOTPDevice"]}
    fresh = password_only(committee)
    assert "data-secret" in fresh.get(PAGE).content.decode()


def test_only_an_admin_resets_someone_elses_second_factor(
    committee: User, make_user: Callable[..., User], client: Client
) -> None:
    _, _ = enrol(client, committee)
    response = client.post(f"/accounts/staff/{make_user(Role.FINANCE).pk}/two-factor/reset/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb=verbs.TWO_FACTOR_RESET).exists()


def test_an_unverified_session_is_no_login_for_the_api_but_a_token_still_works(
    committee: User, client: Client, api_client: Callable[[User], Client]
) -> None:
    log_in(client, committee)
    assert client.get("/api/v1/me").status_code == 401
    assert api_client(committee).get("/api/v1/me").status_code == 200


def test_the_second_factor_page_reads_in_chinese(committee: User, client: Client) -> None:
    log_in(client, committee)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "雙重認證登入" in page
    assert "驗證碼" in page


def test_the_demos_staff_use_the_documented_key() -> None:
    load_people(DemoReport())
    key = base64.b32decode(DEMO_TOTP_KEY_BASE32)
    for email in ("committee@aisc.demo", "finance@aisc.demo", "admin@aisc.demo"):
        user = User.objects.get(email=email)
        found = second_factor.do_verify_second_factor(acting_user=user, token=code(key))
        assert isinstance(found, TOTPDevice), email
    assert not second_factor.enrolled(User.objects.get(email="reviewer@aisc.demo"))
