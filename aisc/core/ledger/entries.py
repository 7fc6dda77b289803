"""Entries: postings that balance to zero, each entry named by an idempotency key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.ledger.accounts import kind_of
from aisc.core.units import round_money, to_decimal


@dataclass(frozen=True)
class Posting:
    account: str
    amount: Decimal  # debit > 0, credit < 0, in HKD to the cent


@dataclass(frozen=True)
class Entry:
    key: str
    memo: str
    at: dt.datetime
    postings: tuple[Posting, ...]
    reverses: str | None = None  # the key of the entry this one cancels


def posting(account: str, amount: Decimal | int | str) -> Posting:
    kind_of(account)
    value = to_decimal(amount)
    if round_money(value) != value:
        raise RuleViolation(
            "amount: postings are whole cents; %(value)s has more than two decimals",
            field="amount",
            params={"value": value},
        )
    return Posting(account, round_money(value))


def _merged(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    """One posting per account, in first-seen order; zero postings dropped."""
    totals: dict[str, Decimal] = {}
    for p in postings:
        totals[p.account] = totals.get(p.account, Decimal(0)) + p.amount
    return tuple(Posting(a, v) for a, v in totals.items() if v != 0)


def make_entry(
    key: str, memo: str, at: dt.datetime, postings: Iterable[Posting], reverses: str | None = None
) -> Entry:
    """Build an entry, refusing one that does not balance to zero or has nothing to post."""
    if not key.strip():
        raise RuleViolation("key: every entry needs an idempotency key", field="key")
    if at.tzinfo is None:
        raise RuleViolation("at: an entry's time must be timezone-aware", field="at")
    merged = _merged(postings)
    total = sum((p.amount for p in merged), Decimal(0))
    if total != 0:
        raise RuleViolation(
            "postings: an entry must balance to zero; these sum to %(total)s",
            field="postings",
            params={"total": total},
        )
    if len(merged) < 2:
        raise RuleViolation(
            "postings: an entry needs at least two accounts with non-zero amounts",
            field="postings",
        )
    return Entry(key=key, memo=memo, at=at, postings=merged, reverses=reverses)


def reversal(entry: Entry, key: str, at: dt.datetime, memo: str | None = None) -> Entry:
    """The correcting entry: the same postings with the signs turned. Nothing is edited."""
    return make_entry(
        key,
        memo if memo is not None else f"reversal of {entry.key}",
        at,
        (Posting(p.account, -p.amount) for p in entry.postings),
        reverses=entry.key,
    )
