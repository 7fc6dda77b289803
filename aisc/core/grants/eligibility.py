"""Who may apply, and when an application is complete enough to submit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aisc.core.errors import RuleViolation

_SLUG = re.compile(r"[a-z][a-z0-9_]{0,49}")


def check_eligible(kind: str, eligible_kinds: Iterable[str]) -> None:
    kinds = sorted(eligible_kinds)
    if kind not in kinds:
        raise RuleViolation(
            ("organisations of type %(kind)s may not apply to this scheme (eligible: %(kinds)s)"),
            field="organisation",
            params={"kind": f"{kind!r}", "kinds": ", ".join(kinds)},
        )


def _blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def missing_fields(values: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    """Required fields that are empty, in the order given (so the form can point at the first)."""
    return [name for name in required if _blank(values.get(name))]


def check_complete(missing: Sequence[str]) -> None:
    if missing:
        raise RuleViolation(
            "complete the application before submitting; missing: %(missing)s",
            field=missing[0],
            params={"missing": ", ".join(missing)},
        )


def check_checklist(items: Sequence[str], answers: Mapping[str, bool]) -> None:
    """Screening may pass only when every checklist item is ticked."""
    unticked = [code for code in items if not answers.get(code)]
    if unticked:
        raise RuleViolation(
            "every checklist item must be met to pass screening; not met: %(unticked)s",
            field=unticked[0],
            params={"unticked": ", ".join(unticked)},
        )


def parse_checklist(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Validate a call's screening checklist: at least one item, each with a unique code (a slug,
    since it keys the screener's answers) and an English label; the Chinese label is optional."""
    items = [
        {
            "code": str(row.get("code", "")).strip(),
            "label_en": str(row.get("label_en", "")).strip(),
            "label_zh": str(row.get("label_zh", "")).strip(),
        }
        for row in rows
    ]
    if not items:
        raise RuleViolation("a screening checklist needs at least one item", field="checklist")
    for item in items:
        if not _SLUG.fullmatch(item["code"]):
            raise RuleViolation(
                "checklist code %(item)s must be lower-case letters, digits and _",
                field="checklist",
                params={"item": f"{item['code']!r}"},
            )
        if not item["label_en"]:
            raise RuleViolation(
                "checklist item %(item)s needs an English label",
                field="checklist",
                params={"item": f"{item['code']!r}"},
            )
    codes = [item["code"] for item in items]
    if len(set(codes)) != len(codes):
        raise RuleViolation("checklist codes must be unique", field="checklist")
    return items
