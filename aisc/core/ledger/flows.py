"""The entries the centre posts: appropriations, call budgets, award commitments, billed lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts
from aisc.core.ledger.entries import Entry, make_entry, posting


@dataclass(frozen=True)
class AwardRef:
    """Where an award sits in the fund: scheme / call / project."""

    scheme: str
    call: str
    project: str


def _positive(amount: Decimal, field: str) -> Decimal:
    if amount <= 0:
        raise RuleViolation(
            "%(field)s: must be more than zero (got %(amount)s)",
            field=field,
            params={"field": field, "amount": amount},
        )
    return amount


def appropriate(scheme: str, amount: Decimal, at: dt.datetime, key: str) -> Entry:
    """Money voted to a scheme: the fund grows, the appropriation records where it came from."""
    _positive(amount, "amount")
    return make_entry(
        key,
        f"appropriation to {scheme}",
        at,
        [posting(accounts.fund(scheme), amount), posting(accounts.appropriation(scheme), -amount)],
    )


def budget_call(scheme: str, call: str, amount: Decimal, at: dt.datetime, key: str) -> Entry:
    _positive(amount, "amount")
    return make_entry(
        key,
        f"budget of call {call}",
        at,
        [posting(accounts.call(scheme, call), amount), posting(accounts.fund(scheme), -amount)],
    )


def commit(award: AwardRef, amount: Decimal, at: dt.datetime, key: str) -> Entry:
    """An approved award's committed amount moves from its call's budget to the award."""
    _positive(amount, "committed_amount")
    return make_entry(
        key,
        f"commitment to {award.project}",
        at,
        [
            posting(accounts.commitment(award.scheme, award.call, award.project), amount),
            posting(accounts.call(award.scheme, award.call), -amount),
        ],
    )


def write_off_expired(award: AwardRef, amount: Decimal, at: dt.datetime, key: str) -> Entry:
    """The subsidy of GPU-hours that expired unused leaves the award's commitment for an account
    of its own: the ledger shows the write-off as such, apart from what usage disbursed."""
    _positive(amount, "amount")
    return make_entry(
        key,
        f"expired GPU-hours of {award.project} written off",
        at,
        [
            posting(accounts.expired(award.scheme, award.call, award.project), amount),
            posting(accounts.commitment(award.scheme, award.call, award.project), -amount),
        ],
    )


@dataclass(frozen=True)
class BilledLine:
    """One statement line: list amount = fund share + grantee share, all in cents."""

    organisation: str
    award: AwardRef | None  # None: a commercial tenant, charged in full
    list_amount: Decimal
    fund_share: Decimal
    grantee_share: Decimal
    late: bool = False  # usage of a closed period, billed now as an adjustment


def bill(line: BilledLine, at: dt.datetime, key: str) -> Entry:
    """The grantee owes its share, the award's subsidy pays the rest, the centre earns the list."""
    if line.fund_share + line.grantee_share != line.list_amount:
        raise RuleViolation(
            "fund_share: fund share + grantee share must equal the list amount to the cent",
            field="fund_share",
        )
    if line.award is None and line.fund_share != 0:
        raise RuleViolation(
            "fund_share: a project without an award receives no subsidy", field="fund_share"
        )
    income = accounts.ADJUSTMENT if line.late else accounts.REVENUE
    postings = [
        posting(accounts.receivable(line.organisation), line.grantee_share),
        posting(income, -line.list_amount),
    ]
    if line.award is not None:
        a = line.award
        postings.append(posting(accounts.disbursed(a.scheme, a.call, a.project), line.fund_share))
    return make_entry(key, f"usage billed to {line.organisation}", at, postings)
