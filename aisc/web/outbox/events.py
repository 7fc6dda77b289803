"""Events of the outbox (see aisc.web.events).

- message_dead_lettered: a message ran out of attempts and became a dead letter. Published by
  the worker inside the transaction that marks it dead; the back office writes the audit row
  (the outbox sits below the audit app and may not import it), so a message never becomes a
  dead letter without a row saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisc.web.events import Event
from aisc.web.outbox.models import OutboxMessage


@dataclass(frozen=True)
class DeadLettered:
    message: OutboxMessage  # as stored once dead
    attempts_before: int  # the attempts the failing run was counted as


message_dead_lettered: Event[DeadLettered] = Event(
    "outbox.message.dead_lettered", required=("backoffice",)
)
