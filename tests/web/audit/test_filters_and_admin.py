"""The audit log's remaining filters (object id, date range), a bad filter naming its field, and
an admin that can read audit rows but never add, change or delete one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record


@pytest.fixture
def auditor(
    db: None, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> Client:
    with transaction.atomic():
        record(None, "application.submit", None, object_type="Application", object_id="7")
        record(None, "application.submit", None, object_type="Application", object_id="8")
    return api_client(make_user("auditor"))


def ids(client: Client, **query: str) -> list[str]:
    """Object ids of the Application rows the query finds (the API token has a row of its own)."""
    body = client.get("/api/v1/audit/events", {"object_type": "Application", **query}).json()
    return sorted(item["object_id"] for item in body["items"])


def test_it_filters_by_object_id(auditor: Client) -> None:
    assert ids(auditor, object_id="7") == ["7"]


def test_it_filters_by_a_date_range_that_holds_today_and_by_one_that_does_not(
    auditor: Client,
) -> None:
    today = timezone.localdate()
    week = dt.timedelta(days=7)
    around = {"since": str(today - week), "until": str(today + week)}
    assert ids(auditor, **around) == ["7", "8"]
    assert ids(auditor, since=str(today + week)) == []
    assert ids(auditor, until=str(today - week)) == []


def test_a_date_that_is_not_a_date_is_refused_naming_the_field(auditor: Client) -> None:
    response = auditor.get("/api/v1/audit/events", {"since": "last tuesday"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "since"


@pytest.fixture
def admin_site(db: None, make_user: Callable[..., User], client: Client) -> Client:
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_audit_rows(admin_site: Client) -> None:
    with transaction.atomic():
        record(None, "call.open", None, object_type="Call", object_id="3")
    page = admin_site.get("/admin/audit/auditevent/")
    assert page.status_code == 200
    assert "call.open" in page.content.decode()


def test_even_a_superuser_cannot_add_change_or_delete_an_audit_row(admin_site: Client) -> None:
    with transaction.atomic():
        event = record(None, "call.open", None, object_type="Call", object_id="3")
    assert admin_site.get("/admin/audit/auditevent/add/").status_code == 403
    deleted = admin_site.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    changed = admin_site.post(f"/admin/audit/auditevent/{event.pk}/change/", {"verb": "x"})
    assert changed.status_code in {302, 403}  # read-only view: nothing is saved either way
    event.refresh_from_db()
    assert event.verb == "call.open"
    assert AuditEvent.objects.count() == 1
