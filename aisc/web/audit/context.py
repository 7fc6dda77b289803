"""Per-request facts (request id, client IP) that audit rows carry, kept in a context variable."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestFacts:
    request_id: str = ""
    client_ip: str | None = None


current: contextvars.ContextVar[RequestFacts] = contextvars.ContextVar(
    "aisc_request_facts",
    default=RequestFacts(),  # noqa: B039 - frozen, so immutable
)
