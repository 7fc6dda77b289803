"""Operators' actions on dead letters: retry (back to pending, due now) or discard. Audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from aisc.core.errors import NotFound
from aisc.core.outbox.lifecycle import MessageState, transition
from aisc.web.audit.record import record
from aisc.web.backoffice import verbs
from aisc.web.outbox.events import DeadLettered
from aisc.web.outbox.models import OutboxMessage, State

if TYPE_CHECKING:
    from aisc.web.accounts.models import User


def facts(message: OutboxMessage) -> dict[str, Any]:
    return {"kind": message.kind, "state": message.state, "attempts": message.attempts}


def _locked(message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"id: no outbox message {message_id}", field="id")
    return message


@transaction.atomic
def do_retry_dead_letter(message_id: int, *, acting_user: User | None) -> OutboxMessage:
    """A dead letter goes back to the queue, due now, with a fresh count of attempts."""
    message = _locked(message_id)
    before = facts(message)
    message.state = transition(MessageState(message.state), MessageState.PENDING)
    message.attempts, message.next_attempt_at, message.dead_at = 0, timezone.now(), None
    message.claimed_by, message.claimed_until = "", None
    message.save()
    record(acting_user, verbs.MESSAGE_RETRY, message, before=before, after=facts(message))
    return message


@transaction.atomic
def do_discard_dead_letter(message_id: int, *, acting_user: User | None) -> OutboxMessage:
    """Give up on a dead letter: it is kept, marked discarded, and never delivered."""
    message = _locked(message_id)
    before = facts(message)
    message.state = transition(MessageState(message.state), MessageState.DISCARDED)
    message.save(update_fields=["state"])
    record(acting_user, verbs.MESSAGE_DISCARD, message, before=before, after=facts(message))
    return message


def on_dead_lettered(event: DeadLettered) -> None:
    """The worker gave up on a message: the audit row, in the same transaction, by the system."""
    message = event.message
    before = {"kind": message.kind, "state": State.PENDING.value, "attempts": event.attempts_before}
    after = {**facts(message), "last_error": message.last_error}
    record(None, verbs.MESSAGE_DEAD_LETTER, message, before=before, after=after)


def dead_letters() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(state=State.DEAD).order_by("dead_at", "id"))
