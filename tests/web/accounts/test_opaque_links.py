"""Opaque ids in the URLs opened without a login (issue 15, "sequential ids ... let someone count
objects"). The public pages and their CSV and JSON exports name calls by code and awards by
project code (both published); the only login-free URLs that named a database row were the mailed
password-reset (set-password) link and the address-verification link, which carried the account's
id. They now carry its random public id; links mailed before keep working until they expire."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail, signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aisc.web.accounts import actions, signup
from aisc.web.accounts.models import User
from aisc.web.outbox.dispatch import drain

NEW_PASSWORD = "another-long-pass-42"
PUBLIC_PAGES = ("/", "/calls/", "/grantees/", "/impact/", "/grantees.csv", "/grantees.json")
PUBLIC_PAGES_MORE = ("/impact.csv", "/impact.json", "/catalogue/prices/")


def reset_path(body: str) -> str:
    found = re.search(r"https?://[^/]+(/accounts/reset/(\S+)/(\S+)/)", body)
    assert found is not None, body
    return found.group(1)


def set_new_password(client: Client, path: str) -> int:
    form_url = client.get(path)["Location"]  # Django moves the token into the session
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    return int(done.status_code)


@pytest.mark.django_db
def test_the_reset_link_names_the_account_by_its_public_id_and_works(
    applicant: User, client: Client, mailoutbox: list[Any]
) -> None:
    client.post("/accounts/password-reset/", {"email": applicant.email})
    path = reset_path(mailoutbox[0].body)
    uid = path.split("/")[3]
    assert uid == applicant.public_id.hex
    assert urlsafe_base64_encode(force_bytes(applicant.pk)) not in path
    assert set_new_password(client, path) == 302
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_reset_link_mailed_before_public_ids_still_works_until_it_expires(
    applicant: User, client: Client
) -> None:
    legacy = urlsafe_base64_encode(force_bytes(applicant.pk))
    token = default_token_generator.make_token(applicant)
    assert set_new_password(client, f"/accounts/reset/{legacy}/{token}/") == 302
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "uid",
    [
        "5f0c6a3e9d2b4c1a8e7f6b5a4c3d2e1f",
        "not-an-id",
        "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA",
        "_w",
        "0" * 40,
    ],
)
def test_a_reset_link_naming_nobody_is_the_invalid_link_page(
    applicant: User, client: Client, uid: str
) -> None:
    token = default_token_generator.make_token(applicant)
    page = client.get(f"/accounts/reset/{uid}/{token}/")
    assert page.status_code == 200
    assert not page.context["validlink"]


@pytest.mark.django_db
def test_the_set_password_link_for_a_new_account_uses_the_public_id(applicant: User) -> None:
    link = actions.set_password_link(applicant, "https://aisc.example.hk")
    assert f"/accounts/reset/{applicant.public_id.hex}/" in link


@pytest.mark.django_db
def test_the_verification_link_carries_the_public_id_not_the_database_id(client: Client) -> None:
    form = {
        "email": "wong@startup.example.hk",
        "full_name": "Wong Ka Ho",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "language": "en",
    }
    client.post("/accounts/signup/", form)
    drain()
    found = re.search(r"http://testserver/accounts/verify/(\S+)/", str(mail.outbox[-1].body))
    assert found is not None
    user = User.objects.get(email="wong@startup.example.hk")
    payload = signing.loads(found.group(1), salt=signup.SALT)
    assert payload == {"u": user.public_id.hex, "e": user.email}
    assert signup.user_of_link(found.group(1)) == user


@pytest.mark.django_db
def test_a_verification_link_mailed_before_public_ids_still_names_its_account(
    applicant: User,
) -> None:
    legacy = signing.dumps({"u": applicant.pk, "e": applicant.email}, salt=signup.SALT)
    assert signup.user_of_link(legacy) == applicant


@pytest.mark.django_db
def test_no_public_page_or_export_links_to_a_database_id(
    price: object, inventory: object, story: Any, client: Client
) -> None:
    """Every href, action and src of the public pages, and the exports' columns: codes only."""
    assert client.get("/grantees.json").json()["grantees"], "the story publishes an award"
    for path in PUBLIC_PAGES + PUBLIC_PAGES_MORE:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        links = re.findall(r'(?:href|action|src)="([^"]+)"', body)
        numbered = [x for x in links if re.search(r"/\d+(/|$)", x)]
        assert numbered == [], (path, numbered)
        assert not re.search(r'"(id|pk|[a-z_]+_id)":', body), path
        if path.endswith(".csv"):
            header = body.splitlines()[0].lstrip("\ufeff").split(",")
            assert not [c for c in header if c == "id" or c.endswith("_id")], header


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


# transaction=True alone, as the suite's other transactional tests: a serialized rollback
# re-inserts content types that a flush before it may have recreated under other ids.
@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_account_its_own_random_public_id() -> None:
    before = [("accounts", "0008_user_time_zone")]
    try:
        old = migrate(before).loader.project_state(before).apps.get_model("accounts", "User")
        made = [old.objects.create(email=f"old{n}@example.hk", password="!") for n in range(3)]
        migrate([("accounts", "0011_user_public_id_unique")])
        ids = list(
            User.objects.filter(pk__in=[u.pk for u in made]).values_list("public_id", flat=True)
        )
    finally:  # every app back at its latest migration, whatever stepping back unapplied
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert len(ids) == 3
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert len(set(ids)) == 3
