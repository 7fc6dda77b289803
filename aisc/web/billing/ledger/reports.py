"""The finance views' figures: the fund (per scheme and per call), its burn-down, receivables,
and each organisation's subsidy history (for the no-double-funding check)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from aisc.core.ledger import accounts, views
from aisc.core.metering.split import Month
from aisc.web.accounts.models import Organisation
from aisc.web.billing.ledger import book
from aisc.web.billing.models import LedgerPosting, Statement
from aisc.web.billing.money import from_cents


def fund_lines() -> tuple[list[views.FundLine], list[views.FundLine]]:
    """(per scheme, per call): appropriated → committed → disbursed → recovered → remaining."""
    balances = book.balances()
    recovered = {
        code: -amount
        for code, amount in book.posted(f"{accounts.Kind.DISBURSED}:", "payment:").items()
    }
    budgets: dict[tuple[str, str], Decimal] = {}
    for code, amount in book.posted(f"{accounts.Kind.CALL}:", "budget:").items():
        scheme, call = accounts.path_of(code)[:2]
        budgets[(scheme, call)] = amount
    return views.per_scheme(balances, recovered), views.per_call(balances, budgets, recovered)


def burn_down(until: str = "") -> list[dict[str, Any]]:
    """Cumulative committed and disbursed at the end of every month from the first with ledger
    activity to the last (or to `until`, YYYY-MM, when later): a month without activity carries
    the month before's figures, so the chart's months are evenly spaced."""
    rows = (
        LedgerPosting.objects.filter(
            account__regex=rf"^({accounts.Kind.COMMITMENT}|{accounts.Kind.DISBURSED}):"
        )
        .values("entry__at__year", "entry__at__month", "account")
        .annotate(total=Sum("amount_cents"))
    )
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: {"committed": 0, "disbursed": 0})
    for row in rows:
        month = f"{row['entry__at__year']:04d}-{row['entry__at__month']:02d}"
        kind = "committed" if row["account"].startswith("commitment:") else "disbursed"
        per_month[month][kind] += row["total"]
    points, committed, disbursed = [], 0, 0
    for month in _every_month(sorted(per_month), until):
        committed += per_month[month]["committed"]
        disbursed += per_month[month]["disbursed"]
        points.append(
            {"month": month, "committed": from_cents(committed), "disbursed": from_cents(disbursed)}
        )
    return points


def _every_month(months: list[str], until: str) -> list[str]:
    if not months:
        return []
    last = max(months[-1], until)
    result, month = [], Month.parse(months[0])
    while str(month) <= last:
        result.append(str(month))
        month = month.next()
    return result


@dataclass(frozen=True)
class Receivable:
    label: str
    organisation: Organisation | None
    amount: Decimal


def receivables() -> list[Receivable]:
    balances = book.balances(f"{accounts.Kind.RECEIVABLE}:")
    orgs = Organisation.objects.in_bulk(
        [int(code.split("org-")[1]) for code in balances if code.startswith("receivable:org-")]
    )
    result = []
    for code, amount in sorted(balances.items()):
        key = code.partition(":")[2]
        org = orgs.get(int(key[4:])) if key.startswith("org-") else None
        result.append(Receivable(str(org) if org else key, org, amount))
    return result


def subsidy_history() -> list[dict[str, Any]]:
    """Per organisation: subsidy per period and project, and the months in which it had more than
    one subsidised project (to check against double funding of the same scope)."""
    rows = (
        Statement.objects.filter(subsidised=True)
        .values("organisation_id", "organisation__name_en", "period__month", "project_code")
        .annotate(paid=Sum("subsidy_cents"))
        .order_by("organisation__name_en", "period__month", "project_code")
    )
    orgs: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        org = orgs.setdefault(
            row["organisation_id"],
            {"name": row["organisation__name_en"] or "—", "lines": [], "total": Decimal(0)},
        )
        amount = from_cents(row["paid"])
        org["lines"].append((row["period__month"], row["project_code"], amount))
        org["total"] += amount
    for org in orgs.values():
        per_month: dict[str, set[str]] = defaultdict(set)
        for month, project, _ in org["lines"]:
            per_month[month].add(project)
        org["overlaps"] = sorted(m for m, projects in per_month.items() if len(projects) > 1)
    return list(orgs.values())
