"""Lifecycle moves of grants actions (checked against the transition tables); audit snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from aisc.core.grants import workflow
from aisc.web.audit.record import record

if TYPE_CHECKING:
    from aisc.web.accounts.models import User

S = TypeVar("S", bound=StrEnum)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def move(
    obj: Any, table: Mapping[S, frozenset[S]], enum: type[S], target: S, *, what: str
) -> tuple[str, str]:
    """Move obj.status along the table (or raise); returns (before, after) for the audit row."""
    before = str(obj.status)
    obj.status = workflow.transition(table, enum(before), target, what=what).value
    return before, obj.status


def move_and_record(
    acting_user: User | None,
    obj: Any,
    table: Mapping[S, frozenset[S]],
    target: S,
    verb: str,
    *,
    what: str,
    changes: Mapping[str, Any] | None = None,
    audit: Mapping[str, Any] | None = None,
) -> None:
    """Within an action: move obj.status along the table (or raise, changing nothing), set
    `changes`, save them with the status, and write the audit row: the status before and after,
    `audit` beside it."""
    before, after = move(obj, table, type(target), target, what=what)
    changed = dict(changes or {})
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *changed])
    record(
        acting_user, verb, obj, before={"status": before}, after={"status": after, **(audit or {})}
    )
