"""The ledger in the database: post core entries idempotently, read balances, reverse entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from aisc.core.errors import RuleViolation
from aisc.core.ledger.entries import Entry, Posting, make_entry, reversal
from aisc.web.billing.models import LedgerEntry, LedgerPosting
from aisc.web.billing.money import from_cents, to_cents


def _stored(entry: LedgerEntry) -> Entry:
    postings = [Posting(p.account, from_cents(p.amount_cents)) for p in entry.postings.all()]
    return make_entry(entry.key, entry.memo, entry.at, postings, reverses=entry.reverses)


def post(entries: Sequence[Entry]) -> int:
    """Store the entries not stored yet; the same key again is a no-op. Returns how many were new.

    A key already stored with different amounts is refused: keys name one fact for ever.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside the caller's transaction")
    by_key = {e.key: e for e in entries}
    existing = LedgerEntry.objects.filter(key__in=list(by_key)).prefetch_related("postings")
    for stored in existing:
        if set(_stored(stored).postings) != set(by_key.pop(stored.key).postings):
            raise RuleViolation(
                f"key: {stored.key!r} was already posted with different amounts", field="key"
            )
    fresh = list(by_key.values())
    rows = LedgerEntry.objects.bulk_create(
        [LedgerEntry(key=e.key, memo=e.memo[:300], at=e.at, reverses=e.reverses) for e in fresh]
    )
    LedgerPosting.objects.bulk_create(
        [
            LedgerPosting(entry_id=row.pk, account=p.account, amount_cents=to_cents(p.amount))
            for row, e in zip(rows, fresh, strict=True)
            for p in e.postings
        ],
        batch_size=2000,
    )
    return len(fresh)


def entry(key: str) -> Entry:
    try:
        return _stored(LedgerEntry.objects.prefetch_related("postings").get(key=key))
    except LedgerEntry.DoesNotExist:
        raise RuleViolation(f"reverses: no entry with key {key!r}", field="reverses") from None


def reverse(key: str, reversal_key: str, at: dt.datetime, memo: str) -> Entry:
    if LedgerEntry.objects.filter(reverses=key).exclude(key=reversal_key).exists():
        raise RuleViolation(f"reverses: entry {key!r} was already reversed", field="reverses")
    correction = reversal(entry(key), reversal_key, at, memo)
    post([correction])
    return correction


def balances(prefix: str = "") -> dict[str, Decimal]:
    """Balance per account (sum of postings), optionally of accounts starting with `prefix`."""
    query = LedgerPosting.objects.all()
    if prefix:
        query = query.filter(account__startswith=prefix)
    rows = query.values("account").annotate(total=Sum("amount_cents"))
    return {row["account"]: from_cents(row["total"]) for row in rows}


def posted(account_prefix: str, key_prefix: str) -> dict[str, Decimal]:
    """Per account, the sum posted by entries whose key starts with `key_prefix`: e.g. each call's
    budget is what the `budget:` entries moved into it, whatever commitments later took out."""
    rows = (
        LedgerPosting.objects.filter(
            account__startswith=account_prefix, entry__key__startswith=key_prefix
        )
        .values("account")
        .annotate(total=Sum("amount_cents"))
    )
    return {row["account"]: from_cents(row["total"]) for row in rows}
