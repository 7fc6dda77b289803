"""Every allocations portal URL and API endpoint × every role, against an allocation of another
organisation: refused (403/404, or log in) unless the role is entitled to it, and nothing of the
other organisation leaks. The URLs and endpoints are read from urls.py and the OpenAPI schema, so
a new one without a row here fails."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.allocations import actions, urls
from aisc.web.allocations.models import Allocation, ChangeRequest
from aisc.web.grants.models import Application
from tests.fixtures.grants import ROLES
from tests.web.api_matrix import endpoints_under, url_with

OPERATOR = frozenset({Role.OPERATOR, Role.ADMIN})
READERS = frozenset({Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT, Role.AUDITOR, Role.ADMIN})
CAPACITY = frozenset({Role.OPERATOR, Role.SECRETARIAT, Role.COMMITTEE, Role.AUDITOR, Role.ADMIN})
# The list: staff who read every allocation, and members of an organisation (their own only).
LIST = READERS | {"applicant"}

PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "list": ("get", LIST),
    "apply": ("post", OPERATOR),
    "capacity": ("get", CAPACITY),
    "capacity_plan": ("get", CAPACITY),
    "capacity_fit": ("get", CAPACITY),
    "reservations": ("get", OPERATOR | {Role.AUDITOR}),
    "decide": ("post", OPERATOR),
    "detail": ("get", READERS),
}
PREFIX = "/api/v1/allocations"
ENDPOINTS: dict[tuple[str, str], frozenset[str]] = {
    ("get", ""): LIST,
    ("get", "/capacity"): CAPACITY,
    ("get", "/slurm/plan"): OPERATOR,
    ("get", "/{code}"): READERS,
    ("post", "/{code}/requests"): frozenset({Role.ADMIN}),  # only the holder's org admins
    ("post", "/requests/{request_id}/decision"): OPERATOR,
}


@pytest.fixture
def theirs(
    new_allocation: Callable[..., actions.NewAllocation],
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> tuple[Allocation, ChangeRequest]:
    org = make_org(name_en="Secret Lab")
    owner = make_user(org=org, membership="admin")
    allocation = actions.do_create_allocation(
        new_allocation(organisation=org, project_code="secret-001"), acting_user=None
    )
    change = actions.do_request_change(
        allocation,
        actions.ChangeInput(kind="top_up", reason="more", chip="h800", gpu_hours=Decimal(10)),
        acting_user=owner,
    )
    return allocation, change


def page_urls() -> list[tuple[str, str]]:
    return sorted((p.name or "", str(p.pattern)) for p in urls.urlpatterns)


def page_url(pattern: str, change: ChangeRequest, application: Application | None = None) -> str:
    ids = {"request_id": str(change.pk), "code": "secret-001"}
    ids["application_id"] = str(application.pk if application else 0)
    return "/allocations/" + re.sub(r"<(?:int:|slug:)?(\w+)>", lambda m: ids[m.group(1)], pattern)


def body_for(method: str, path: str) -> dict[str, object]:
    if path.endswith("/requests"):
        return {"kind": "top_up", "reason": "x", "chip": "h800", "gpu_hours": "5"}
    if path.endswith("/decision"):
        return {"approve": False, "note": "no"}
    return {}


def test_every_page_and_endpoint_has_a_rule() -> None:
    assert {name for name, _ in page_urls()} == set(PAGES)
    assert set(endpoints_under(PREFIX)) == set(ENDPOINTS)


@pytest.mark.parametrize(("name", "pattern"), page_urls())
def test_no_role_reaches_another_organisations_allocation_page_without_a_rule(
    name: str,
    pattern: str,
    theirs: tuple[Allocation, ChangeRequest],
    clients: dict[str, Client],
    in_review: Application,
) -> None:
    _, change = theirs
    method, allowed = PAGES[name]
    for role, client in clients.items():
        sid = transaction.savepoint()
        response = getattr(client, method)(page_url(pattern, change, in_review), {"note": "x"})
        transaction.savepoint_rollback(sid)
        if role in allowed:
            assert response.status_code not in {401, 403, 404}, (role, response.status_code)
        else:
            assert response.status_code in {403, 404}, (role, response.status_code)
        if role == "applicant":
            assert "secret-001" not in response.content.decode()
    assert ChangeRequest.objects.get(pk=change.pk).status == "pending"


@pytest.mark.parametrize(("method", "path"), sorted(ENDPOINTS))
def test_no_role_reaches_another_organisations_allocation_endpoint_without_a_rule(
    method: str,
    path: str,
    theirs: tuple[Allocation, ChangeRequest],
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    api_client: Callable[[User], Client],
) -> None:
    _, change = theirs
    url = url_with(PREFIX, path, {"request_id": change.pk, "code": "secret-001"})
    mine = make_org(name_en="My Lab")
    for role in ROLES:
        user = make_user(org=mine, membership="admin") if role == "applicant" else make_user(role)
        client = api_client(user)
        sid = transaction.savepoint()
        call = getattr(client, method)
        response = (
            call(url, body_for(method, path), content_type="application/json")
            if method == "post"
            else call(url)
        )
        transaction.savepoint_rollback(sid)
        if role in ENDPOINTS[(method, path)]:
            assert response.status_code < 400, (role, response.status_code, response.content)
        else:
            assert response.status_code in {403, 404}, (role, response.status_code)
            assert response.json()["error"]["code"] in {"forbidden", "not_found"}
        if role == "applicant":
            assert "secret-001" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_or_told_to_authenticate(
    theirs: tuple[Allocation, ChangeRequest],
) -> None:
    _, change = theirs
    for name, pattern in page_urls():
        method = PAGES[name][0]
        response = getattr(Client(), method)(page_url(pattern, change))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/")
    assert Client().get(PREFIX).status_code == 401


def test_a_member_lists_only_their_own_organisations_allocations(
    allocation: Allocation,
    theirs: tuple[Allocation, ChangeRequest],
    applicant: User,
    api_client: Callable[[User], Client],
    logged_in: Callable[[User], Client],
) -> None:
    body = api_client(applicant).get(PREFIX).json()
    assert [a["project_code"] for a in body["items"]] == [allocation.project_code]
    page = logged_in(applicant).get("/allocations/").content.decode()
    assert allocation.project_code in page
    assert "secret-001" not in page


def test_a_plain_member_reads_the_allocation_but_may_not_ask_for_changes(
    allocation: Allocation,
    make_user: Callable[..., User],
    org: Organisation,
    api_client: Callable[[User], Client],
) -> None:
    member = make_user(org=org, membership="member")
    client = api_client(member)
    assert client.get(f"{PREFIX}/{allocation.project_code}").status_code == 200
    response = client.post(
        f"{PREFIX}/{allocation.project_code}/requests",
        {"kind": "top_up", "reason": "x", "chip": "h800", "gpu_hours": "5"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ChangeRequest.objects.filter(allocation=allocation).exists()


def test_a_staff_member_of_no_organisation_gets_a_refusal_not_an_empty_list(
    make_user: Callable[..., User], api_client: Callable[[User], Client], db: None
) -> None:
    reviewer = make_user(Role.REVIEWER)
    assert api_client(reviewer).get(PREFIX).status_code == 403
