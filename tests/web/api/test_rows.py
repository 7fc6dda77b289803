"""aisc.web.api.rows: the read API's lists written out from rows answer the very bytes that
django-ninja writes through their schemas (an administrator and an applicant; a full and a bare
application, allocations with and without usage and dedicated nodes), page by page, with the same
content type, and the OpenAPI document still names the schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.allocations import pages
from aisc.web.allocations.api import AllocationOut, _row
from aisc.web.grants import actions, queries
from aisc.web.grants.api.schemas import ApplicationOut
from aisc.web.grants.models import Application, Call
from tests.fixtures.allocations import use

pytestmark = pytest.mark.django_db


def through_schema(schema: type[Schema], objects: list[Any], count: int) -> bytes:
    """What ninja writes for a page of these objects: each validated by the schema, dumped."""
    items = [schema.model_validate(o).model_dump() for o in objects]
    return json.dumps({"items": items, "count": count}, cls=NinjaJSONEncoder).encode()


def caller(user: User) -> Client:
    secret = do_create_api_token(acting_user=user, name="rows", days=1).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_lists_of_applications_and_allocations_are_the_bytes_ninja_writes(
    files_dir: Any,
    price: Any,
    inventory: None,
    submitted: Application,
    call: Call,
    org: Organisation,
    applicant: User,
    make_user: Callable[..., User],
    make_allocation: Callable[..., Any],
) -> None:
    actions.do_create_application(acting_user=applicant, call=call, organisation=org, title="Bare")
    use(make_allocation("com-a"), 7)
    make_allocation("com-b", hours=20, dedicated=("h800-02",))
    for user in (make_user(Role.ADMIN), applicant):
        lists_of(user)


def lists_of(user: User) -> None:
    client = caller(user)
    visible = list(queries.visible_applications(user))
    assert visible, "applications for this caller"
    for page, objects in ((1, visible[:50]), (2, visible[50:100])):
        answer = client.get(f"/api/v1/grants/applications?page={page}")
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/json; charset=utf-8"
        assert answer.content == through_schema(ApplicationOut, objects, len(visible))

    allocations = list(pages.visible_to(user))
    assert allocations, "allocations for this caller"
    budgets = pages.budgets_of(allocations)
    rows = [_row(a, budgets[a.project_code]) for a in allocations]
    assert any(row["budgets"] for row in rows)
    answer = client.get("/api/v1/allocations")
    assert answer.status_code == 200
    assert answer.content == through_schema(AllocationOut, rows, len(rows))


def test_a_bad_page_is_refused_as_before_and_the_document_names_the_schemas(
    make_user: Callable[..., User],
) -> None:
    client = caller(make_user(Role.ADMIN))
    for path in ("/api/v1/grants/applications", "/api/v1/allocations"):
        assert client.get(f"{path}?page=0").status_code == 422
        assert client.get(f"{path}?page=100001").json()["error"]["field"] == "page"

    document = client.get("/api/v1/openapi.json").json()
    for path, schema in (
        ("/api/v1/grants/applications", "ApplicationOut"),
        ("/api/v1/allocations", "AllocationOut"),
    ):
        ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        paged = document["components"]["schemas"][ok["schema"]["$ref"].rsplit("/", 1)[1]]
        assert set(paged["properties"]) == {"items", "count"}
        assert paged["properties"]["items"]["items"]["$ref"].endswith(f"/{schema}")


def test_every_api_path_still_resolves_to_the_api_and_the_portal_to_its_pages() -> None:
    # The API's patterns come first in the URL map (aisc.web.urls): nothing of the portal's
    # may answer for them, nor they for the portal's.
    from django.urls import resolve

    from aisc.web.api_v1 import api

    document = api.get_openapi_schema()
    for template in document["paths"]:
        path = re.sub(r"\{[^}]+\}", "1", template)
        assert resolve(path).namespace == "api", path
    for page in ("/", "/grantees/", "/dashboard/", "/allocations/", "/admin/", "/healthz"):
        assert resolve(page).namespace != "api", page
