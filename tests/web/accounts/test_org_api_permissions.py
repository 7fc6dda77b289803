"""Every organisation API endpoint × every role × another organisation: no leak.

The endpoints come from the ninja API itself, so a new endpoint without a row in RULES fails here
until someone decides who may use it. Roles are those of the portal's organisation pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, Role, User
from tests.web.api_matrix import endpoints_under, url_with

ROLES = ("applicant", "org_admin", *Role.ALL)
READERS = frozenset(
    {Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.ADMIN}
)
MANAGERS = frozenset({Role.ADMIN})
PREFIX = "/api/v1/organisations"
SECRET = "secret.member@their-lab.hk"
# (method, path) -> roles entitled to it on ANOTHER organisation ("list" = filtered list).
RULES: dict[tuple[str, str], frozenset[str] | str] = {
    ("get", ""): "list",
    ("get", "/{org_id}"): READERS,
    ("patch", "/{org_id}"): MANAGERS,
    ("get", "/{org_id}/members"): READERS,
    ("get", "/{org_id}/invitations"): READERS,
    ("post", "/{org_id}/members"): MANAGERS,
    ("patch", "/{org_id}/members/{membership_id}"): MANAGERS,
    ("delete", "/{org_id}/members/{membership_id}"): MANAGERS,
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("patch", "/{org_id}"): {"contact_phone": "hijacked"},
    ("post", "/{org_id}/members"): {"email": "intruder@example.hk"},
    ("patch", "/{org_id}/members/{membership_id}"): {"role": "admin"},
}


@dataclass
class Theirs:
    org: Organisation
    membership: Membership


@pytest.fixture
def theirs(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Theirs:
    org = make_org(name_en="Their Lab")
    make_user(org=org, membership="admin")
    member = make_user(org=org, email=SECRET)
    return Theirs(org, Membership.objects.get(user=member))


@pytest.fixture
def role_clients(
    make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> dict[str, Client]:
    """One client per role; the applicant and the org admin belong to an organisation of theirs."""
    mine = make_org(name_en="My Lab")
    result = {}
    for role in ROLES:
        if role == "applicant":
            user = make_user(org=mine)
        elif role == "org_admin":
            user = make_user(org=mine, membership="admin")
        else:
            user = make_user(role)
        client = Client()
        client.force_login(user)
        result[role] = client
    return result


def org_endpoints() -> list[tuple[str, str]]:
    return endpoints_under(PREFIX)


def url_for(path: str, theirs: Theirs) -> str:
    ids = {"org_id": theirs.org.pk, "membership_id": theirs.membership.pk}
    return url_with(PREFIX, path, ids)


def test_every_endpoint_has_a_rule() -> None:
    assert set(org_endpoints()) == set(RULES)


@pytest.mark.parametrize(("method", "path"), org_endpoints())
def test_no_role_reaches_another_organisation_without_a_rule(
    method: str, path: str, theirs: Theirs, role_clients: dict[str, Client]
) -> None:
    rule = RULES[(method, path)]
    body = BODIES.get((method, path), {})
    for role, client in role_clients.items():
        sid = transaction.savepoint()
        response = getattr(client, method)(
            url_for(path, theirs), body, content_type="application/json"
        )
        transaction.savepoint_rollback(sid)
        text = response.content.decode()
        if rule == "list":
            assert response.status_code == 200, role
            assert ("Their Lab" in text) == (role in READERS), role
        elif role in rule:
            assert response.status_code not in {401, 403, 404}, f"{role}: {response.status_code}"
        else:
            assert response.status_code in {403, 404}, f"{role}: {response.status_code} {text}"
            assert SECRET not in text
            assert "Their Lab" not in text


def test_anonymous_callers_are_asked_to_authenticate(theirs: Theirs) -> None:
    for method, path in org_endpoints():
        response = getattr(Client(), method)(
            url_for(path, theirs), {}, content_type="application/json"
        )
        assert response.status_code == 401, (method, path)
