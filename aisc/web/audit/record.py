"""Writing audit rows. Every do_* action calls `record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from aisc.web.audit import anchor, chain, events
from aisc.web.audit.context import current
from aisc.web.audit.models import AuditEvent

if TYPE_CHECKING:
    from aisc.web.accounts.models import User

# Any constant works; it only has to be the same for every writer of the chain.
_CHAIN_LOCK_KEY = 0x41495343


def lock_chain() -> None:
    """Serialise writers so two transactions never chain onto the same previous row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs one writer at a time (transaction_mode IMMEDIATE), which is lock enough.


def json_safe(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Decimals, dates and enums become strings, so the stored JSON reads back identically."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


def record(
    actor: User | None,
    verb: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the do_* action's transaction")
    lock_chain()
    facts = current.get()
    last = AuditEvent.objects.order_by("-id").only("hash").first()
    at: dt.datetime = timezone.now()
    event = AuditEvent(
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        verb=verb,
        object_type=object_type or type(obj).__name__,
        object_id=object_id or str(getattr(obj, "pk", obj)),
        before=json_safe(before),
        after=json_safe(after),
        at=at,
        request_id=facts.request_id,
        client_request_id=facts.client_request_id,
        client_ip=facts.client_ip,
        prev_hash=last.hash if last else chain.GENESIS,
    )
    event.hash = chain.row_hash(event.prev_hash, event.chained_fields())
    event.seal = anchor.seal(event.hash)
    event.save(force_insert=True)
    events.recorded.publish(events.Recorded(event.object_type, verb))
    return event


def verify(against: anchor.Anchor | None = None) -> chain.Break | None:
    """The first row that breaks the chain or its seal, or contradicts the anchor if given."""
    return anchor.first_problem(against)
