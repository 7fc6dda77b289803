from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.audit.record import record


@pytest.fixture
def events(db: None, make_user: Callable[..., User]) -> User:
    actor = make_user(email="actor@example.hk")
    with transaction.atomic():
        record(actor, "application.submit", None, object_type="Application", object_id="7")
        record(None, "call.open", None, object_type="Call", object_id="3")
    return actor


def test_it_lets_auditors_filter_by_actor_and_verb(
    events: User, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user("auditor"))
    page = client.get("/audit/", {"actor": "actor@", "verb": "application"}).content.decode()
    assert "application.submit" in page
    assert "call.open" not in page


def test_it_denies_the_audit_log_to_an_applicant(
    events: User, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(applicant).get("/audit/").status_code == 403


def test_it_serves_audit_events_to_auditors_over_the_api(
    events: User, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    body = api_client(make_user("auditor")).get("/api/v1/audit/events?object_type=Call").json()
    assert body["count"] == 1
    assert body["items"][0]["verb"] == "call.open"
