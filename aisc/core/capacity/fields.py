"""Reading one field of a scenario table: the type, the bound, the date, each refused by name.

Every error is a RuleViolation whose `field` is the path of the value (`inventory[2].nodes`) and
whose message says the rule it broke, so the CLI, the API and the portal form all say the same.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from aisc.core.catalogue.chips import CHIPS
from aisc.core.errors import RuleViolation

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_MISSING = object()


def table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise RuleViolation("%(where)s: must be a table", field=where, params={"where": where})
    return value


def tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise RuleViolation(
            "%(key)s: must be a list of tables ([[%(key)s]])", field=key, params={"key": key}
        )
    return value


def text(row: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> str:
    value = row.get(key, default)
    if value is _MISSING:
        raise RuleViolation(
            "%(where)s.%(key)s: is required",
            field=f"{where}.{key}",
            params={"where": where, "key": key},
        )
    if not isinstance(value, str) or not value.strip():
        raise RuleViolation(
            "%(where)s.%(key)s: must be a non-empty text",
            field=f"{where}.{key}",
            params={"where": where, "key": key},
        )
    return value.strip()


def number(
    row: Mapping[str, Any],
    key: str,
    where: str,
    default: Any = _MISSING,
    *,
    low: float = 0.0,
    high: float = math.inf,
    whole: bool = False,
    strict_low: bool = False,
) -> float:
    """A number within [low, high] (or (low, high] when strict_low); `whole` wants an integer."""
    name = f"{where}.{key}"
    value = row.get(key, default)
    if value is _MISSING:
        raise RuleViolation("%(name)s: is required", field=name, params={"name": name})
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RuleViolation("%(name)s: must be a finite number", field=name, params={"name": name})
    if whole and value != int(value):
        raise RuleViolation("%(name)s: must be a whole number", field=name, params={"name": name})
    if value < low or (strict_low and value == low):
        rule = "greater than" if strict_low else "at least"
        if low == 0.0 and not strict_low:
            rule = "not negative: at least"
        raise RuleViolation(
            "%(name)s: must be %(rule)s %(low)s (got %(value)s)",
            field=name,
            params={"name": name, "rule": rule, "low": f"{low:g}", "value": f"{value:g}"},
        )
    if value > high:
        raise RuleViolation(
            "%(name)s: must be at most %(high)s (got %(value)s)",
            field=name,
            params={"name": name, "high": f"{high:g}", "value": f"{value:g}"},
        )
    return float(value)


def whole(
    row: Mapping[str, Any], key: str, where: str, default: Any = _MISSING, *, low: int = 0
) -> int:
    return int(number(row, key, where, default, low=low, whole=True))


def span(row: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> tuple[int, int]:
    """`nodes = 3` or `nodes = [2, 3]`: a whole-number range, low <= high, at least 1."""
    value = row.get(key, default)
    if isinstance(value, list):
        if len(value) != 2:
            raise RuleViolation(
                "%(where)s.%(key)s: a range is [low, high], two numbers",
                field=f"{where}.{key}",
                params={"where": where, "key": key},
            )
        pair, name = {"low": value[0], "high": value[1]}, f"{where}.{key}"
        low, high = whole(pair, "low", name, low=1), whole(pair, "high", name, low=1)
        if high < low:
            raise RuleViolation(
                "%(where)s.%(key)s: the range's high end %(high)s is below its low end %(low)s",
                field=f"{where}.{key}",
                params={"where": where, "key": key, "high": high, "low": low},
            )
        return low, high
    single = whole({key: value} if value is not _MISSING else {}, key, where, low=1)
    return single, single


def when(row: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> dt.datetime:
    """`"2026-01"` (its first day), `"2026-01-15"`, `"2026-01-15T08:30"` (a JSON body's
    date-time), a TOML date or date-time (naive, UTC)."""
    name = f"{where}.{key}"
    value = row.get(key, default)
    if value is _MISSING:
        raise RuleViolation("%(name)s: is required", field=name, params={"name": name})
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and MOMENT.match(value.strip()):
        try:
            return when({key: dt.datetime.fromisoformat(value.strip())}, key, where)
        except ValueError:
            pass
    if isinstance(value, str):
        found = MONTH.match(value.strip()) or DAY.match(value.strip())
        if found is not None:
            parts = [int(p) for p in found.groups()] + [1]
            try:
                return dt.datetime(parts[0], parts[1], parts[2])
            except ValueError:
                pass
    raise RuleViolation(
        (
            "%(name)s: %(value)s is not a month YYYY-MM, a date YYYY-MM-DD "
            "or a date-time YYYY-MM-DDTHH:MM"
        ),
        field=name,
        params={"name": name, "value": f"{value!r}"},
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def add_months(start: dt.datetime, months: int) -> dt.datetime:
    index = start.year * 12 + start.month - 1 + months
    return dt.datetime(index // 12, index % 12 + 1, 1)


def month_label(moment: dt.datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def chip(row: Mapping[str, Any], where: str, known: set[str] | None = None) -> str:
    code = text(row, "chip", where).lower()
    if code not in CHIPS:
        raise RuleViolation(
            "%(where)s.chip: unknown chip %(code)s; known chips: %(chips)s",
            field=f"{where}.chip",
            params={"where": where, "code": f"{code!r}", "chips": ", ".join(CHIPS)},
        )
    if known is not None and code not in known:
        raise RuleViolation(
            "%(where)s.chip: %(code)s is in no [[inventory]] row",
            field=f"{where}.chip",
            params={"where": where, "code": f"{code!r}"},
        )
    return code


def inside(moment: dt.datetime, horizon: tuple[dt.datetime, dt.datetime], name: str) -> None:
    if not horizon[0] <= moment < horizon[1]:
        raise RuleViolation(
            "%(name)s: %(f)s is outside the horizon %(f2)s..%(f3)s",
            field=name,
            params={
                "name": name,
                "f": month_label(moment),
                "f2": month_label(horizon[0]),
                "f3": month_label(add_months(horizon[1], -1)),
            },
        )
