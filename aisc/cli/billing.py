"""`aisc billing close|show|periods`: monthly statements; amounts print as exact decimal strings."""

from __future__ import annotations

import json
from typing import Any

import typer

from aisc.cli import boot
from aisc.web.billing import verbs

app = typer.Typer(help="Billing periods and statements.", no_args_is_help=True)


def _emit(figures: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    typer.echo(f"{figures['period']}  {figures['state']}")
    header = (
        f"  {'project':<20} {'GPU-hours':>14} {'list HK$':>16} {'premium HK$':>14} "
        f"{'subsidy HK$':>16} {'due HK$':>16}"
    )
    typer.echo(header)
    for p in [*figures["projects"], {"project": "TOTAL", **figures["total"]}]:
        typer.echo(
            f"  {p['project']:<20} {p['gpu_hours']:>14} {p['list_amount']:>16} "
            f"{p['premium']:>14} {p['subsidy']:>16} {p['due']:>16}"
        )


def _month(text: str):  # type: ignore[no-untyped-def]
    from aisc.core.errors import RuleViolation
    from aisc.core.metering.split import Month

    try:
        return Month.parse(text)
    except RuleViolation as exc:
        boot.refuse(exc)
        raise


@app.command()
def close(
    month: str = typer.Argument(..., help="YYYY-MM"),
    as_json: bool = boot.JSON,
) -> None:
    """Freeze the month: one statement per project, posted to the ledger. Never recomputed."""
    parsed = _month(month)
    boot.django()
    import zoneinfo

    from django.conf import settings

    from aisc.core.errors import AiscError
    from aisc.web.billing.actions import do_close_period
    from aisc.web.billing.closing.figures import period_figures
    from aisc.web.billing.prices import CataloguePrices
    from aisc.web.billing.projects import AllocationDirectory

    try:
        period = do_close_period(
            parsed,
            directory=AllocationDirectory(),
            prices=CataloguePrices(),
            tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )
    except AiscError as exc:
        boot.refuse(exc, code=1)
        raise
    _emit(period_figures(period), as_json)


@app.command()
def show(
    month: str = typer.Argument(..., help="YYYY-MM"),
    as_json: bool = boot.JSON,
) -> None:
    """The stored figures of a closed period (the same as `close` printed)."""
    parsed = _month(month)
    boot.django()
    from aisc.web.billing.closing.figures import period_figures
    from aisc.web.billing.models import BillingPeriod, PeriodState

    period = BillingPeriod.objects.filter(month=str(parsed), state=PeriodState.CLOSED).first()
    if period is None:
        boot.fail(f"period: {parsed} is not closed; close it first with `aisc billing close`", 1)
        return
    _emit(period_figures(period), as_json)


@app.command()
def periods(as_json: bool = boot.JSON) -> None:
    """Every period known, with its state."""
    boot.django()
    from aisc.web.billing.closing.figures import periods_list

    rows = periods_list()
    if as_json:
        typer.echo(json.dumps({"periods": rows}, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['period']}  {row['state']:<7} {row['statements']} statements")


@app.command("sync-fund")
def sync_fund() -> None:
    """Post schemes' appropriations, calls' budgets and awards' commitments not yet on the ledger
    (awards approved before billing was installed; changed amounts post the difference)."""
    boot.django()
    from aisc.web.billing.actions import do_post_entries
    from aisc.web.billing.ledger.fund import fund_entries

    added = do_post_entries(fund_entries(), acting_user=None, verb=verbs.FUND_SYNC)
    typer.echo(f"{added} ledger entries posted")
