"""Settling what an organisation owes, shared by statements and recovery invoices: the amount a
person types, the payment against what is outstanding, and the ageing of what is still unpaid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from aisc.core.errors import RuleViolation
from aisc.core.units import round_money

ZERO = Decimal("0.00")
MORE_THAN_ZERO = "must be more than zero (got %(amount)s)"


class Settlement(StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"


# Ageing buckets by days since the document was issued: upper bound (inclusive) → name; older
# than the last bound is OLDEST.
BUCKETS: tuple[tuple[int, str], ...] = ((30, "0-30"), (60, "31-60"), (90, "61-90"))
OLDEST = ">90"
NAMES = (*(name for _, name in BUCKETS), OLDEST)


def parse_amount(text: str, field: str = "amount") -> Decimal:
    """HK$ typed by a person: a number with at most two decimals (thousands commas allowed)."""
    cleaned = text.strip().replace(",", "").removeprefix("HK$").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RuleViolation(
            "must be an amount in HK$, such as 1250.50 (got '%(typed)s')",
            field=field,
            params={"typed": text.strip()},
        ) from None
    if not value.is_finite() or round_money(value) != value:
        raise RuleViolation(
            "must be an amount in HK$ to the cent, such as 1250.50 (got '%(typed)s')",
            field=field,
            params={"typed": text.strip()},
        )
    if value <= 0:
        raise RuleViolation(MORE_THAN_ZERO, field=field, params={"amount": value})
    return value


def outstanding(amount: Decimal, paid: Decimal, written_off: Decimal = ZERO) -> Decimal:
    return amount - paid - written_off


def check_payment(amount: Decimal, owed: Decimal) -> Decimal:
    """A payment is more than zero and no more than what is still owed on the document."""
    if amount <= 0:
        raise RuleViolation(MORE_THAN_ZERO, field="amount", params={"amount": amount})
    if amount > owed:
        raise RuleViolation(
            "HK$%(amount)s is more than the HK$%(owed)s still owed on this document",
            field="amount",
            params={"amount": amount, "owed": owed},
        )
    return amount


def settlement(amount: Decimal, paid: Decimal) -> Settlement:
    if paid <= 0:
        return Settlement.UNPAID
    return Settlement.PAID if paid >= amount else Settlement.PARTLY_PAID


def bucket(issued: dt.date, today: dt.date) -> str:
    days = max((today - issued).days, 0)
    for limit, name in BUCKETS:
        if days <= limit:
            return name
    return OLDEST


def ageing(items: Iterable[tuple[dt.date, Decimal]], today: dt.date) -> dict[str, Decimal]:
    """(issued, outstanding) of each unpaid document → the outstanding total per bucket."""
    totals = dict.fromkeys(NAMES, ZERO)
    for issued, owed in items:
        if owed > 0:
            totals[bucket(issued, today)] += owed
    return totals


def parse_day(text: str, field: str = "received_on") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RuleViolation(
            "must be a date as YYYY-MM-DD (got '%(typed)s')",
            field=field,
            params={"typed": text.strip()},
        ) from None


def check_received_on(received: dt.date, issued: dt.date, today: dt.date) -> dt.date:
    """Money is received on or after the document's date and not in the future."""
    if received > today:
        raise RuleViolation(
            "cannot be in the future (%(received)s is after %(today)s)",
            field="received_on",
            params={"received": received.isoformat(), "today": today.isoformat()},
        )
    if received < issued:
        raise RuleViolation(
            "cannot be before the document was issued on %(issued)s",
            field="received_on",
            params={"issued": issued.isoformat()},
        )
    return received
