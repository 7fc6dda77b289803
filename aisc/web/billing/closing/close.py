"""Close a month: freeze its charges into one statement per project and post them to the book.

A closed period is never recomputed: its statements and lines are frozen by triggers, and its
watermark marks the charges it billed (closing.billed). Usage that arrives later for a
closed month is charged in the next period closed, marked late, and posted to the adjustment
account.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum

from aisc.core.billing.periods import PeriodState as CoreState
from aisc.core.billing.periods import check_closable
from aisc.core.billing.rating import PriceBook, Segment, rate
from aisc.core.billing.statement import Statement as CoreStatement
from aisc.core.billing.statement import build_statement
from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts, flows
from aisc.core.ledger.entries import Entry
from aisc.core.metering.split import Month
from aisc.core.units import round_money
from aisc.web.billing.closing import billed
from aisc.web.billing.ledger import book
from aisc.web.billing.models import (
    BillingPeriod,
    PeriodState,
    Statement,
    StatementLine,
    UsageCharge,
)
from aisc.web.billing.money import from_cents, to_cents
from aisc.web.billing.projects import Directory, Project


def period_for(month: Month) -> BillingPeriod:
    period, _ = BillingPeriod.objects.get_or_create(month=str(month))
    return period


def check(month: Month, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> BillingPeriod:
    period = period_for(month)
    check_closable(month, CoreState(period.state), now, tz)
    earlier_open = (
        UsageCharge.objects.filter(billed.unbilled(), month__lt=str(month))
        .exclude(month__in=BillingPeriod.objects.filter(state=PeriodState.CLOSED).values("month"))
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    if earlier_open is not None:
        raise RuleViolation(
            f"period: {earlier_open} has usage and is still open; close it before {month}",
            field="period",
        )
    return period


def segments(month: Month, through: int) -> dict[str, list[Segment]]:
    """Unbilled charges up to the month and the watermark, summed in the database per project,
    chip and day."""
    rows = (
        UsageCharge.objects.filter(billed.unbilled(), month__lte=str(month), id__lte=through)
        .values("project_code", "chip", "partition", "day", "month")
        .annotate(seconds=Sum("gpu_seconds"))
    )
    found: dict[str, list[Segment]] = defaultdict(list)
    for row in rows:
        late = row["month"] != str(month)
        found[row["project_code"]].append(
            Segment(
                row["project_code"], row["chip"], row["partition"], row["day"], row["seconds"], late
            )
        )
    return found


def disbursed_to_date(projects: Iterable[Project]) -> dict[str, Decimal]:
    all_disbursed = book.balances(f"{accounts.Kind.DISBURSED}:")
    return {
        p.code: all_disbursed.get(
            accounts.disbursed(p.award.scheme, p.award.call, p.award.project), Decimal(0)
        )
        for p in projects
        if p.award is not None
    }


def unsubsidised_to_date(projects: Iterable[Project]) -> dict[str, Decimal]:
    """What the cap has left to each subsidised project's grantee so far (split_line's
    `unsubsidised`), from its closed statements: rate × list amount less the subsidy, on the lines
    where the two can differ (those the cap cut, and credits)."""
    rates = {p.code: p.terms.rate for p in projects if p.terms is not None}
    lines = StatementLine.objects.filter(
        Q(capped=True) | Q(list_cents__lt=0),
        statement__project_code__in=list(rates),
        statement__subsidised=True,
    ).values_list("statement__project_code", "list_cents", "subsidy_cents")
    found: dict[str, Decimal] = defaultdict(Decimal)
    for code, list_cents, subsidy_cents in lines:
        wanted = round_money(rates[code] * from_cents(list_cents))
        found[code] += wanted - from_cents(subsidy_cents)
    return found


def close(
    period: BillingPeriod,
    directory: Directory,
    prices: PriceBook,
    now: dt.datetime,
) -> list[tuple[Project, CoreStatement]]:
    """Build, store and post every project's statement; the caller holds the transaction and
    saves the period, whose watermark (set here) marks the charges it billed."""
    month = Month.parse(period.month)
    period.charges_through = billed.watermark()
    by_project = segments(month, period.charges_through)
    projects = [directory.get(code) for code in sorted(by_project)]
    used = disbursed_to_date(projects)
    unsubsidised = unsubsidised_to_date(projects)
    built: list[tuple[Project, CoreStatement]] = []
    entries: list[Entry] = []
    for project in projects:
        lines = rate(by_project[project.code], prices, dedicated=project.dedicated)
        statement = build_statement(
            project.code,
            lines,
            project.terms,
            used.get(project.code, Decimal(0)),
            unsubsidised.get(project.code, Decimal(0)),
        )
        built.append((project, statement))
        entries += _entries(period.month, project, statement, now)
    _store(period, built)
    book.post(entries)
    return built


def _entries(
    month: str, project: Project, statement: CoreStatement, now: dt.datetime
) -> list[Entry]:
    return [
        flows.bill(
            flows.BilledLine(
                organisation=project.receivable_key,
                award=project.award if project.terms is not None else None,
                # the centre earns the premium too; the grantee pays it on top of its share
                list_amount=line.charged,
                fund_share=line.split.fund_share,
                grantee_share=line.due,
                late=line.charge.key.late,
            ),
            now,
            f"bill:{month}:{project.code}:{seq}",
        )
        for seq, line in enumerate(statement.lines, start=1)
        if line.charged != 0
    ]


def _store(period: BillingPeriod, built: list[tuple[Project, CoreStatement]]) -> None:
    rows = Statement.objects.bulk_create(
        [
            Statement(
                period=period,
                project_code=project.code,
                organisation_id=project.organisation_id,
                subsidised=project.terms is not None,
                list_cents=to_cents(st.list_amount),
                premium_cents=to_cents(st.premium),
                subsidy_cents=to_cents(st.subsidy),
                due_cents=to_cents(st.due),
                gpu_seconds=st.gpu_seconds,
                cap_reached=st.cap_reached,
            )
            for project, st in built
        ]
    )
    StatementLine.objects.bulk_create(
        [
            StatementLine(
                statement_id=row.pk,
                seq=seq,
                chip=line.charge.key.chip,
                partition=line.charge.key.partition,
                unit_price=line.charge.key.unit_price,
                premium_price=line.charge.key.premium_price,
                late=line.charge.key.late,
                gpu_seconds=line.charge.gpu_seconds,
                list_cents=to_cents(line.split.list_amount),
                premium_cents=to_cents(line.premium),
                subsidy_cents=to_cents(line.split.fund_share),
                due_cents=to_cents(line.due),
                capped=line.split.capped,
            )
            for row, (_, st) in zip(rows, built, strict=True)
            for seq, line in enumerate(st.lines, start=1)
        ],
        batch_size=2000,
    )
