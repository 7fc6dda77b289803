"""Lifecycle moves of grants actions (checked against the transition tables); audit snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models

from aisc.core.grants import workflow

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
