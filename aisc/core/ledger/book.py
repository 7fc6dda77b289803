"""An in-memory ledger: the rules the database ledger follows, small enough for properties."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.ledger.entries import Entry, reversal


class Book:
    """Append-only: entries are added once per key; corrections are reversing entries."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[str, Entry] = {}
        self._reversed: set[str] = set()
        for entry in entries:
            self.post(entry)

    def post(self, entry: Entry) -> bool:
        """Add the entry; False when the same entry was already posted under its key."""
        existing = self._entries.get(entry.key)
        if existing is not None:
            if existing.postings != entry.postings:
                raise RuleViolation(
                    "key: %(key)s was already posted with different amounts",
                    field="key",
                    params={"key": f"{entry.key!r}"},
                )
            return False
        if entry.reverses is not None:
            self._check_reversible(entry.reverses)
            self._reversed.add(entry.reverses)
        self._entries[entry.key] = entry
        return True

    def _check_reversible(self, key: str) -> None:
        if key not in self._entries:
            raise RuleViolation(
                "reverses: no entry with key %(key)s", field="reverses", params={"key": f"{key!r}"}
            )
        if key in self._reversed:
            raise RuleViolation(
                "reverses: entry %(key)s was already reversed",
                field="reverses",
                params={"key": f"{key!r}"},
            )

    def reverse(self, key: str, reversal_key: str) -> Entry:
        original = self._entries.get(key)
        if original is None:
            raise RuleViolation(
                "reverses: no entry with key %(key)s", field="reverses", params={"key": f"{key!r}"}
            )
        entry = reversal(original, reversal_key, original.at)
        self.post(entry)
        return entry

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries.values())

    def balances(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for entry in self._entries.values():
            for p in entry.postings:
                totals[p.account] = totals.get(p.account, Decimal(0)) + p.amount
        return totals

    def balance(self, account: str) -> Decimal:
        return self.balances().get(account, Decimal(0))

    def total(self) -> Decimal:
        """Zero, always: every entry balances, so the book does."""
        return sum(self.balances().values(), Decimal(0))
