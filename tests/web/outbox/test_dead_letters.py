"""Operators list, retry and discard dead letters in the portal, the API and the CLI; audited.
Every page and endpoint × every role: refused unless the role is entitled to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify
from aisc.web.outbox import dispatch
from aisc.web.outbox.models import OutboxMessage, State
from tests.fixtures.grants import ROLES
from tests.web.api_matrix import endpoints_under, url_with

pytestmark = pytest.mark.django_db
runner = CliRunner()
OPERATORS = frozenset({Role.OPERATOR, Role.ADMIN})
READERS = OPERATORS | {Role.AUDITOR}
PREFIX = "/api/v1/outbox"
ENDPOINTS: dict[tuple[str, str], frozenset[str]] = {
    ("get", "/status"): READERS,
    ("get", "/dead-letters"): READERS,
    ("post", "/dead-letters/{message_id}/retry"): OPERATORS,
    ("post", "/dead-letters/{message_id}/discard"): OPERATORS,
}
PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "/outbox/": ("get", READERS),
    "/outbox/{message_id}/retry": ("post", OPERATORS),
    "/outbox/{message_id}/discard": ("post", OPERATORS),
}


@pytest.fixture
def dead(settings: Any) -> OutboxMessage:
    """A mail whose server refused it every time: a dead letter after the one allowed attempt."""
    settings.AISC_OUTBOX_MAX_ATTEMPTS = 1
    with transaction.atomic():
        message = dispatch.enqueue("test.unhandled", {"to": "ada@example.hk"})
    assert dispatch.drain() == (0, 1)
    message.refresh_from_db()
    assert message.state == State.DEAD
    return message


def person(make_user: Callable[..., User], role: str) -> User:
    return make_user(*([] if role == "applicant" else [role]))


def test_every_endpoint_of_the_outbox_api_has_a_row_in_the_matrix() -> None:
    assert set(endpoints_under(PREFIX)) == set(ENDPOINTS)


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_and_admins_act_on_dead_letters_and_auditors_only_read(
    role: str,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
    dead: OutboxMessage,
) -> None:
    user = person(make_user, role)
    client = api_client(user)
    for (method, path), allowed in ENDPOINTS.items():
        url = url_with(PREFIX, path, {"message_id": dead.pk})
        response = getattr(client, method)(url, content_type="application/json")
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (role, method, path, response.content)
        OutboxMessage.objects.filter(pk=dead.pk).update(state=State.DEAD)
    web = Client()
    web.force_login(user)
    for path, (method, allowed) in PAGES.items():
        response = getattr(web, method)(path.replace("{message_id}", str(dead.pk)))
        if role in allowed:
            assert response.status_code in {200, 302}, (role, path)
        else:
            assert response.status_code == 403, (role, path)
        OutboxMessage.objects.filter(pk=dead.pk).update(state=State.DEAD)


def test_an_operator_retries_a_dead_letter_through_the_api_and_it_is_delivered(
    make_user: Callable[..., User], api_client: Callable[[User], Client], dead: OutboxMessage
) -> None:
    operator = make_user(Role.OPERATOR, email="op@example.hk")
    client = api_client(operator)
    listed = client.get(f"{PREFIX}/dead-letters").json()
    assert [(m["id"], m["state"], m["attempts"]) for m in listed["items"]] == [(dead.pk, "dead", 1)]
    assert "no handler registered" in listed["items"][0]["last_error"]
    status = client.get(f"{PREFIX}/status").json()
    assert status["dead_letters"] == 1
    body = client.post(f"{PREFIX}/dead-letters/{dead.pk}/retry").json()
    assert (body["state"], body["attempts"]) == ("pending", 0)
    delivered: list[dict[str, Any]] = []
    dispatch.handler("test.unhandled")(delivered.append)
    try:
        assert dispatch.drain() == (1, 0)
    finally:
        dispatch._handlers.pop("test.unhandled")
    assert delivered == [{"to": "ada@example.hk"}]
    event = AuditEvent.objects.get(verb="outbox.message.retry")
    assert event.before is not None
    assert event.after is not None
    assert (event.actor, event.object_id) == (operator, str(dead.pk))
    assert (event.before["state"], event.after["state"]) == ("dead", "pending")
    assert verify() is None


def test_a_message_that_is_not_a_dead_letter_cannot_be_retried_or_discarded(
    make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    with transaction.atomic():
        pending = dispatch.enqueue("test.unhandled", {})
    client = api_client(make_user(Role.OPERATOR))
    response = client.post(f"{PREFIX}/dead-letters/{pending.pk}/discard")
    assert response.status_code == 409
    assert response.json()["error"]["message"].startswith(
        "state: an outbox message cannot go from pending to discarded"
    )
    assert client.post(f"{PREFIX}/dead-letters/999999/retry").status_code == 404
    assert not AuditEvent.objects.filter(verb__startswith="outbox.").exists()


def test_the_operator_page_lists_dead_letters_and_discards_one(
    make_user: Callable[..., User], dead: OutboxMessage
) -> None:
    web = Client()
    web.force_login(make_user(Role.OPERATOR))
    page = web.get("/outbox/").content.decode()
    assert f'data-message="{dead.pk}"' in page
    assert 'data-figure="heartbeat-age">no worker running' in page
    response = web.post(f"/outbox/{dead.pk}/discard", follow=True)
    assert f"Message {dead.pk} is discarded." in response.content.decode()
    dead.refresh_from_db()
    assert dead.state == State.DISCARDED
    assert AuditEvent.objects.filter(verb="outbox.message.discard").count() == 1
    again = web.post(f"/outbox/{dead.pk}/discard", follow=True).content.decode()
    assert "cannot go from discarded to discarded" in again


def test_the_cli_lists_retries_and_discards_dead_letters_as_the_system(
    dead: OutboxMessage,
) -> None:
    listed = runner.invoke(app, ["outbox", "dead-letters", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [m["id"] for m in json.loads(listed.output)] == [dead.pk]
    retried = runner.invoke(app, ["outbox", "retry", str(dead.pk)])
    assert retried.output.strip() == f"message {dead.pk} queued again"
    refused = runner.invoke(app, ["outbox", "discard", str(dead.pk)])
    assert refused.exit_code == 1
    assert "cannot go from pending to discarded" in refused.output
    assert "Traceback" not in refused.output
    OutboxMessage.objects.filter(pk=dead.pk).update(state=State.DEAD, dead_at=timezone.now())
    discarded = runner.invoke(app, ["outbox", "discard", str(dead.pk), "--json"])
    assert json.loads(discarded.output)["state"] == "discarded"
    events = AuditEvent.objects.filter(verb__startswith="outbox.").order_by("id")
    assert [(e.verb, e.actor_label) for e in events] == [
        ("outbox.message.dead_letter", "system"),
        ("outbox.message.retry", "system"),
        ("outbox.message.discard", "system"),
    ]
    empty = runner.invoke(app, ["outbox", "dead-letters"])
    assert empty.output.strip() == "no dead letters"
    status = runner.invoke(app, ["outbox", "status"])
    assert "dead letters: 0" in status.output


def test_a_message_becoming_a_dead_letter_is_audited_as_the_system(dead: OutboxMessage) -> None:
    row = AuditEvent.objects.get(verb="outbox.message.dead_letter")
    assert (row.actor_id, row.actor_label) == (None, "system")
    assert (row.object_type, row.object_id) == ("OutboxMessage", str(dead.pk))
    assert row.before == {"kind": "test.unhandled", "state": "pending", "attempts": 1}
    after = row.after or {}
    assert after["state"] == "dead"
    assert "no handler registered" in after["last_error"]
    assert verify() is None


def test_a_failure_that_leaves_attempts_writes_no_audit_row(settings: Any) -> None:
    settings.AISC_OUTBOX_MAX_ATTEMPTS = 2
    with transaction.atomic():
        dispatch.enqueue("test.unhandled", {"to": "ada@example.hk"})
    assert dispatch.drain() == (0, 1)
    assert not AuditEvent.objects.filter(verb="outbox.message.dead_letter").exists()


def test_a_worker_whose_claim_was_taken_over_neither_kills_the_message_nor_audits(
    settings: Any,
) -> None:
    settings.AISC_OUTBOX_MAX_ATTEMPTS = 1
    with transaction.atomic():
        dispatch.enqueue("test.unhandled", {"to": "ada@example.hk"})
    claimed = dispatch.claim("worker-a", timezone.now())
    assert claimed is not None
    OutboxMessage.objects.filter(pk=claimed.pk).update(claimed_by="worker-b")
    assert dispatch.record_outcome(claimed, "worker-a", "SMTPServerDisconnected: gone") is False
    assert OutboxMessage.objects.get(pk=claimed.pk).state == State.PENDING
    assert not AuditEvent.objects.filter(verb="outbox.message.dead_letter").exists()
