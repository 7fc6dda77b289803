"""Who may apply, and when an application is complete enough to submit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aisc.core.errors import RuleViolation


def check_eligible(kind: str, eligible_kinds: Iterable[str]) -> None:
    kinds = sorted(eligible_kinds)
    if kind not in kinds:
        raise RuleViolation(
            f"organisations of type {kind!r} may not apply to this scheme "
            f"(eligible: {', '.join(kinds)})",
            field="organisation",
        )


def _blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def missing_fields(values: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    """Required fields that are empty, in the order given (so the form can point at the first)."""
    return [name for name in required if _blank(values.get(name))]


def check_complete(missing: Sequence[str]) -> None:
    if missing:
        raise RuleViolation(
            f"complete the application before submitting; missing: {', '.join(missing)}",
            field=missing[0],
        )


def check_checklist(items: Sequence[str], answers: Mapping[str, bool]) -> None:
    """Screening may pass only when every checklist item is ticked."""
    unticked = [code for code in items if not answers.get(code)]
    if unticked:
        raise RuleViolation(
            f"every checklist item must be met to pass screening; not met: {', '.join(unticked)}",
            field=unticked[0],
        )
