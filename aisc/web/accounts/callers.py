"""Who is calling: the lookups made on every request, each one SQL statement written out once
rather than compiled by the ORM on each request.

A bearer token is found with its user and the user's staff roles in one statement (the ORM took
two, `select_related` and the roles, each compiled afresh: about 1.5 ms of a worker's CPU on
every API call, more than many of the calls' own work). What comes back are the same model
instances the ORM builds (`Model.from_db`, each column through Django's own converters), so
the rest of the code cannot tell the difference. A signed-in person's roles, read on every
portal page, are one such statement too.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

from aisc.web.accounts.models import ApiToken, User


@dataclass(frozen=True)
class Columns:
    """A model's columns in a SELECT list under a table alias, and how to read them back."""

    sql: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[Callable[..., Any], ...], ...]
    expressions: tuple[Any, ...]

    def instance(self, model: type[Model], values: Sequence[Any]) -> Any:
        read = []
        for value, converters, expression in zip(
            values, self.converters, self.expressions, strict=True
        ):
            for convert in converters:
                value = convert(value, expression, connection)
            read.append(value)
        return model.from_db(connection.alias, list(self.attnames), read)


@functools.cache
def columns(model: type[Model], alias: str, vendor: str) -> Columns:
    """`vendor` keys the cache: converters differ between SQLite and PostgreSQL."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    expressions = tuple(field.get_col(alias) for field in fields)
    return Columns(
        sql=", ".join(f"{alias}.{quote(str(field.column))}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(
            tuple(connection.ops.get_db_converters(e) + e.get_db_converters(connection))
            for e in expressions
        ),
        expressions=expressions,
    )


def role_codes_sql(user_id: str) -> str:
    """A subquery: the codes of the roles of the user whose id is the SQL `user_id`."""
    quote = connection.ops.quote_name
    through = User.roles.through._meta
    gather = "array_agg" if connection.vendor == "postgresql" else "json_group_array"
    role = quote(through.get_field("role").column)
    owner = quote(through.get_field("user").column)
    # Names from the models' metadata only; the one value is a parameter.
    return f"(SELECT {gather}({role}) FROM {quote(through.db_table)} WHERE {owner} = {user_id})"  # noqa: S608


@functools.cache
def roles_query(vendor: str) -> str:
    """The codes of one user's roles: `vendor` keys the cache (quoting)."""
    quote = connection.ops.quote_name
    through = User.roles.through._meta
    role = quote(str(through.get_field("role").column))
    owner = quote(str(through.get_field("user").column))
    # Names from the models' metadata only; the user's id is a parameter.
    return f"SELECT {role} FROM {quote(through.db_table)} WHERE {owner} = %s"  # noqa: S608


def role_codes_of(user_id: int) -> frozenset[str]:
    """User.role_codes() of a user whose roles did not come with them (a portal session's)."""
    with connection.cursor() as cursor:
        cursor.execute(roles_query(connection.vendor), [user_id])
        return frozenset(str(code) for (code,) in cursor.fetchall())


def read_role_codes(value: Any) -> frozenset[str]:
    """PostgreSQL's array (None when there are no roles); SQLite's JSON array text."""
    if isinstance(value, str):
        value = json.loads(value)
    return frozenset(value or ())


@functools.cache
def token_query(vendor: str) -> str:
    """The statement of token_with_user: `vendor` keys the cache (quoting and role codes)."""
    quote = connection.ops.quote_name
    user_id = "u." + quote(str(User._meta.pk.column))
    token_table = quote(ApiToken._meta.db_table)
    owner = quote(str(ApiToken._meta.get_field("user").column))
    digest = quote(str(ApiToken._meta.get_field("digest").column))
    token = columns(ApiToken, "t", vendor).sql
    user = columns(User, "u", vendor).sql
    # Names from the models' metadata only; the digest is a parameter.
    return (
        f"SELECT {token}, {user}, {role_codes_sql(user_id)} FROM {token_table} t "  # noqa: S608
        f"JOIN {quote(User._meta.db_table)} u ON {user_id} = t.{owner} WHERE t.{digest} = %s"
    )


def token_with_user(digest: str) -> ApiToken | None:
    """The token with this digest, its user (`token.user`) and the user's role codes (what
    `user.role_codes()` answers without another query); None when no token has it."""
    token = columns(ApiToken, "t", connection.vendor)
    user = columns(User, "u", connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(token_query(connection.vendor), [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(token.attnames)
    found: ApiToken = token.instance(ApiToken, row[:width])
    owner: User = user.instance(User, row[width:-1])
    owner._role_codes = read_role_codes(row[-1])
    found.user = owner
    return found
