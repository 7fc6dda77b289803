"""Every catalogue page and API endpoint x every role: who gets in, and nobody else.

The tables below list every route of the app; a test compares them with the URL resolver and
the API schema, so a new route without an entry here fails."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from aisc.web.accounts.models import Role, User
from aisc.web.catalogue.models import Node, RateCard
from aisc.web.demo import DemoReport

ROLES = [None, "applicant", *Role.ALL]
EVERYONE = set(ROLES)
OPS_VIEW: set[str | None] = {
    Role.OPERATOR,
    Role.FINANCE,
    Role.SECRETARIAT,
    Role.AUDITOR,
    Role.ADMIN,
}
RATE_EDIT: set[str | None] = {Role.FINANCE, Role.OPERATOR, Role.ADMIN}
OPS_EDIT: set[str | None] = {Role.OPERATOR, Role.ADMIN}

# (method, path, body, roles allowed); NODE is replaced by a real node id.
API: list[tuple[str, str, dict[str, Any] | None, set[str | None]]] = [
    ("get", "/api/v1/catalogue/chips", None, EVERYONE),
    ("get", "/api/v1/catalogue/prices", None, EVERYONE),
    (
        "post",
        "/api/v1/catalogue/exchange",
        {"gpu_hours": "1", "from_chip": "h800", "to_chip": "br104"},
        EVERYONE,
    ),
    ("get", "/api/v1/catalogue/equivalent?pflops=1300", None, EVERYONE),
    ("post", "/api/v1/estimate", {"params": 7e9, "tokens": 1e12, "chip": "h800"}, EVERYONE),
    ("get", "/api/v1/catalogue/capacity", None, OPS_VIEW),
    ("get", "/api/v1/catalogue/clusters", None, OPS_VIEW),
    (
        "post",
        "/api/v1/catalogue/rate-cards",
        {"chip": "a100", "valid_from": "2030-01-01", "price": "1"},
        RATE_EDIT,
    ),
    (
        "post",
        "/api/v1/catalogue/exchange-rates",
        {"chip": "br104", "valid_from": "2030-01-01", "factor": "0.5"},
        OPS_EDIT,
    ),
    ("post", "/api/v1/catalogue/nodes/NODE/state", {"state": "idle"}, OPS_EDIT),
]
PAGES: list[tuple[str, str, set[str | None]]] = [
    ("get", "/catalogue/", OPS_VIEW),
    ("post", "/catalogue/nodes/NODE/state", OPS_EDIT),
    ("get", "/catalogue/prices/", EVERYONE),
    ("get", "/catalogue/exchange/", EVERYONE),
    ("get", "/catalogue/estimate/", EVERYONE),
    ("get", "/catalogue/chips/", EVERYONE),
]


@pytest.fixture
def as_role(
    centre: DemoReport,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
    client: Client,
) -> Callable[[str | None, bool], Client]:
    RateCard.objects.filter(chip_id="a100").delete()  # so the new a100 card fits

    def make(role: str | None, api: bool) -> Client:
        if role is None:
            return client
        user = make_user() if role == "applicant" else make_user(role)
        if api:
            return api_client(user)
        client.force_login(user)
        return client

    return make


def node_path(path: str) -> str:
    return path.replace("NODE", str(Node.objects.get(name="h800-01").pk))


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), API, ids=[f"{m} {p}" for m, p, _, _ in API]
)
def test_each_api_route_admits_exactly_its_roles(
    as_role: Callable[[str | None, bool], Client],
    role: str | None,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    allowed: set[str | None],
) -> None:
    client = as_role(role, True)
    kwargs: dict[str, Any] = (
        {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    )
    response = getattr(client, method)(node_path(path), **kwargs)
    if role in allowed:
        assert response.status_code in {200, 201}, response.content
    else:
        assert response.status_code in {401, 403}, response.content


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_each_page_admits_exactly_its_roles(
    as_role: Callable[[str | None, bool], Client],
    role: str | None,
    method: str,
    path: str,
    allowed: set[str | None],
) -> None:
    client = as_role(role, False)
    data = {"state": "idle"} if method == "post" else None
    response = getattr(client, method)(node_path(path), data)
    if role in allowed:
        assert response.status_code in {200, 302}
        if method == "get":
            assert response.status_code == 200
    elif role is None:
        assert response.status_code == 302
        assert "/accounts/login" in response["Location"]
    else:
        assert response.status_code == 403


def test_the_tables_cover_every_catalogue_route(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    api_paths = {p for p in schema if p.startswith(("/api/v1/catalogue", "/api/v1/estimate"))}
    listed = {p.replace("NODE", "{node_id}").split("?")[0] for _, p, _, _ in API}
    assert api_paths == listed
    resolver = get_resolver()
    catalogue = next(p for p in resolver.url_patterns if str(p.pattern) == "catalogue/")
    assert isinstance(catalogue, URLResolver)
    routes = {"/catalogue/" + str(p.pattern) for p in catalogue.url_patterns}
    assert routes == {p.replace("NODE", "<int:node_id>") for _, p, _ in PAGES}
