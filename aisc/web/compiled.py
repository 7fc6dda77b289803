"""Queries compiled to SQL once per worker thread, then run with each request's values.

Building and compiling a queryset (`filter`, `values`, then Django's `SQLCompiler.as_sql`)
costs a worker 0.4-0.8 ms of CPU whatever the query, several times what running the finished
statement costs it on a kept connection. A query that a view runs on every request with only its
values changing is therefore built here from marker values, twice over with different markers:
where both compile to the same SQL and their parameters differ exactly where the markers are,
that SQL is kept, and each call puts its own values in the markers' places and reads the rows
through the same converters as the ORM.

Rows come back as the ORM gives them: dicts for a `.values()` queryset, or instances of the
model (`Model.from_db`, as the ORM builds them) for a queryset of the model alone.

Anything else keeps no plan and the query runs through the ORM each time, answering the same: a
value written into the SQL rather than passed as a parameter, a value transformed on its way in
(`icontains`), a list whose length shapes the SQL, related rows joined or prefetched,
annotations, deferred fields; and at call time a value that is not of the declared type (None
would make `IS NULL`) or an integer its parameter's type cannot hold (the ORM answers an empty
result for it without asking the database).

A worker that keeps a plan across a migration that changes the columns it reads must restart,
as it must for the statements PostgreSQL keeps prepared (docs/deploy.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable

Kind = type[int] | type[str]

# Values no caller passes and every integer column holds (a small integer's too).
INT_MARKERS = (30_011, 31_013)
# On PostgreSQL an integer parameter comes typed (psycopg's Int2, Int4, Int8: int subclasses, by
# the column's size); a value outside its type's range goes through the ORM, which answers an
# empty result for it. A plain int (SQLite) is held to 32 bits.
INT_BITS = {"Int2": 16, "Int4": 32, "Int8": 64}


def marker(kind: Kind, round_: int, index: int) -> int | str:
    if kind is int:
        return INT_MARKERS[round_] + index
    return f"\x1faisc-marker-{round_}-{index}"


@dataclass(frozen=True)
class Plan:
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    types: tuple[type, ...]
    names: tuple[str, ...]
    compiler: Any
    converters: dict[int, Any]
    # The model whose instances the rows become (`names` its attributes), or None for dicts.
    model: Any = None


def make_plan(
    first: QuerySet[Any, Any], second: QuerySet[Any, Any], markers: tuple[tuple[Any, ...], ...]
) -> Plan | None:
    """The plan of a query built twice, from markers[0] then markers[1]; None if it has none."""
    if not plain(first):
        return None
    try:
        compiler = first.query.get_compiler(using=first.db)
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(using=second.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    if sql != other_sql or len(params) != len(other_params):
        return None
    positions = []
    for one, other in zip(*markers, strict=True):
        places = [
            at
            for at, (a, b) in enumerate(zip(params, other_params, strict=True))
            if isinstance(a, type(one)) and a == one and isinstance(b, type(other)) and b == other
        ]
        if len(places) != 1:
            return None
        positions.append(places[0])
    types = tuple(type(params[at]) for at in positions)
    pairs = enumerate(zip(params, other_params, strict=True))
    if any(a != b for at, (a, b) in pairs if at not in positions):
        return None
    query = first.query
    fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    model = None
    if first._iterable_class is ModelIterable:
        names, model = tuple(field.target.attname for field in fields), query.model
    return Plan(
        sql=sql,
        params=tuple(params),
        positions=tuple(positions),
        types=types,
        names=tuple(names),
        compiler=compiler,
        converters=compiler.get_converters(fields),
        model=model,
    )


def plain(queryset: QuerySet[Any, Any]) -> bool:
    """Rows as dicts (`.values()`), or instances of the model alone: no related rows joined or
    prefetched, no annotations, no deferred fields, each of which the ORM reads its own way."""
    query = queryset.query
    if queryset._iterable_class is ValuesIterable:
        return True
    return (
        queryset._iterable_class is ModelIterable
        and not query.select_related
        and not query.annotation_select
        and not query.extra_select
        and not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        and query.deferred_loading == (frozenset(), True)
    )


class Compiled:
    """`build(*values)` returns a `.values(...)` queryset or one of a model's instances; calling
    this returns its rows (dicts or instances, the ORM's answer) from SQL compiled once per
    thread and database."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *kinds: Kind) -> None:
        self.build = build
        self.kinds = kinds
        # Per thread: a plan holds its compiler, whose converters use that thread's connection.
        self.local = threading.local()

    def plan(self) -> Plan | None:
        plans: dict[tuple[str, str], Plan | None] = self.local.__dict__.setdefault("plans", {})
        key = (connection.alias, connection.vendor)
        if key not in plans:
            markers = tuple(
                tuple(marker(kind, round_, i) for i, kind in enumerate(self.kinds))
                for round_ in (0, 1)
            )
            plans[key] = make_plan(self.build(*markers[0]), self.build(*markers[1]), markers)
        return plans[key]

    def fits(self, values: tuple[Any, ...]) -> bool:
        return len(values) == len(self.kinds) and all(
            type(value) is kind for value, kind in zip(values, self.kinds, strict=True)
        )

    def __call__(self, *values: Any) -> list[Any]:
        plan = self.plan() if self.fits(values) else None
        if plan is None or not all(map(holds, plan.types, values)):
            return list(self.build(*values))
        params = list(plan.params)
        for at, kind, value in zip(plan.positions, plan.types, values, strict=True):
            params[at] = value if kind in (int, str) else kind(value)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows: Any = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        if plan.model is not None:
            return [plan.model.from_db(connection.alias, plan.names, row) for row in rows]
        return [dict(zip(plan.names, row, strict=True)) for row in rows]


def holds(kind: type, value: Any) -> bool:
    """Whether a parameter of this type holds the value as the ORM would pass it."""
    if not isinstance(value, int):
        return True
    limit: int = 2 ** (INT_BITS.get(kind.__name__, 32) - 1)
    number: int = value
    return -limit <= number < limit
