"""The committee's annual report to the funder, first cut: applications per call, awards, subsidy
committed and disbursed, GPU-hours used per chip. Money comes from the frozen statements, so it
equals the ledger's `bill:` entries of the same periods to the cent (tests/web/billing/
test_annual.py holds it to that).

Definitions (also in docs/grants.md):
- applications: those submitted in the year (local time), counted per call by current status;
- awards and subsidy_committed: awards made in the year and not cancelled, at their commitment;
- subsidy_disbursed: the subsidy on the statements of the year's twelve billing periods (by month
  of use), before any recovery;
- subsidy_recovered: from the ledger, what recovery payments posted in the year moved back out of
  the `disbursed:` accounts (reported apart from disbursed), with `subsidy_written_off`: the
  recovery claims written off in the year (money that did not come back);
- gpu_hours_used: GPU-hours on those statements of subsidised (awarded) projects, per chip;
- outputs: outputs declared in the year, counted per kind (aisc.core.grants.outputs.OutputKind);
- decision_times: per call with applications in the year, the days from submission to the
  committee's first decision that is not a deferral (median, 90th percentile);
- subsidy_remaining: from the ledger, what the schemes' funds held at the year's end: money
  appropriated up to then less the subsidy disbursed net of recoveries paid;
- utilisation, gpu_hours_awarded_by_chip, output_totals, kpis, follow_up_surveys,
  overdue_obligations:
  annual_outcomes.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from aisc.core.grants import annual
from aisc.core.ledger.accounts import Kind
from aisc.core.units import CENT
from aisc.web.billing import annual_outcomes
from aisc.web.billing.models import LedgerPosting, Statement, StatementLine
from aisc.web.billing.money import from_cents, gpu_hours
from aisc.web.grants import decision_times
from aisc.web.grants.models import Application, Award, Call, Output

LIVE_AWARDS = ("approved", "active", "completed")
NOTES = [
    "subsidy_disbursed is the subsidy on the statements of the year's billing periods, by month "
    "of use, before recoveries",
    "subsidy_recovered is what recovery payments received in the year returned to the fund, "
    "from the ledger; subsidy_written_off is what recovery write-offs approved in the year "
    "gave up",
    "outputs counts the outputs declared in the year, per kind",
    "subsidy_remaining is what the schemes' funds held at the year's end, from the ledger",
    "utilisation is the GPU-hours metered over the GPUs in service today x the hours of the "
    "months with metered usage",
    "overdue_obligations lists final reports due by the year's end and still neither "
    "delivered nor waived",
    "subsidy_expired is the committed subsidy of GPU-hours that expired unused in the year (at "
    "an award's end, or beyond the carry-over at a tranche release), written off the awards' "
    "commitments on the ledger (expired: accounts)",
]


def _applications(year: int) -> dict[str, dict[str, int]]:
    rows = Application.objects.filter(submitted_at__year=year).values_list("call__code", "status")
    return annual.application_counts(rows)


def _awards(year: int) -> tuple[dict[str, Any], Decimal]:
    awards = list(
        Award.objects.filter(created_at__year=year, status__in=LIVE_AWARDS).select_related(
            "organisation", "application"
        )
    )
    committed, hours = Decimal(0), Decimal(0)
    kinds: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    for award in awards:
        committed += award.committed_amount
        hours += award.gpu_hours
        kinds[award.organisation.kind] += 1
        fields[award.application.category or "unstated"] += 1
    summary = {
        "count": sum(kinds.values()),
        "gpu_hours_awarded": str(hours),
        "gpu_hours_awarded_by_chip": annual_outcomes.gpu_hours_awarded_by_chip(awards),
        "by_organisation_type": dict(sorted(kinds.items())),
        "by_field": dict(sorted(fields.items())),
    }
    return summary, committed


def _disbursed(year: int) -> dict[str, Any]:
    rows = (
        Statement.objects.filter(period__month__startswith=f"{year:04d}-")
        .values("period__month")
        .annotate(cents=Sum("subsidy_cents"))
        .order_by("period__month")
    )
    by_month = {row["period__month"]: int(row["cents"]) for row in rows}
    return {
        "total": str(from_cents(sum(by_month.values()))),
        "by_month": {month: str(from_cents(c)) for month, c in by_month.items()},
    }


def _gpu_hours_used(year: int) -> dict[str, str]:
    seconds: dict[str, int] = defaultdict(int)
    rows = (
        StatementLine.objects.filter(
            statement__period__month__startswith=f"{year:04d}-", statement__subsidised=True
        )
        .values("chip")
        .annotate(total=Sum("gpu_seconds"))
    )
    for row in rows:
        seconds[row["chip"]] += int(row["total"])
    return {chip: str(gpu_hours(s)) for chip, s in sorted(seconds.items())}


def _outputs(year: int) -> dict[str, int]:
    rows = (
        Output.objects.filter(created_at__year=year)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return {row["kind"]: int(row["n"]) for row in rows}


def _ledger_sum(year: int, account: Kind, key_prefix: str) -> str:
    """What the year's entries of one family (by key) posted on one kind of account, as a
    positive amount: recoveries paid credit `disbursed:`, write-offs debit `recovery:`."""
    cents = LedgerPosting.objects.filter(
        account__startswith=f"{account}:",
        entry__key__startswith=key_prefix,
        entry__at__year=year,
    ).aggregate(total=Sum("amount_cents"))["total"]
    return str(from_cents(abs(cents or 0)))


def _remaining(year: int) -> str:
    """Appropriated less disbursed (net of recoveries paid), every entry up to the year's end."""
    cents = LedgerPosting.objects.filter(
        entry__at__year__lte=year,
        account__regex=rf"^({Kind.APPROPRIATION}|{Kind.DISBURSED}):",
    ).aggregate(total=Sum("amount_cents"))["total"]
    return str(from_cents(-(cents or 0)))


def _decision_times(calls: list[str]) -> dict[str, dict[str, Any]]:
    """Per call with applications in the year: submission to decision, median and p90 (days)."""
    found = {}
    for call in Call.objects.filter(code__in=calls).order_by("code"):
        times = decision_times.for_call(call)
        if times is not None:
            found[call.code] = {
                "decisions": times.count,
                "median_days": str(times.median_days),
                "p90_days": str(times.p90_days),
            }
    return found


def annual_report(year: int) -> dict[str, Any]:
    """The report's figures, amounts as exact decimal strings (HK$ to the cent)."""
    annual.check_year(year)
    applications = _applications(year)
    awards, committed = _awards(year)
    return {
        "year": year,
        "applications": applications,
        "decision_times": _decision_times(list(applications)),
        "awards": awards,
        "subsidy_committed": str(committed.quantize(CENT)),
        "subsidy_disbursed": _disbursed(year),
        "subsidy_recovered": _ledger_sum(year, Kind.DISBURSED, "payment:"),
        "subsidy_written_off": _ledger_sum(year, Kind.RECOVERY, "writeoff:recovery-"),
        "subsidy_remaining": _remaining(year),
        "subsidy_expired": _ledger_sum(year, Kind.EXPIRED, "expiry:"),
        "gpu_hours_used": _gpu_hours_used(year),
        "utilisation": annual_outcomes.utilisation(year),
        "outputs": _outputs(year),
        "output_totals": annual_outcomes.output_totals(year),
        "kpis": annual_outcomes.kpis(year),
        "follow_up_surveys": annual_outcomes.follow_up_surveys(year),
        "overdue_obligations": annual_outcomes.overdue_obligations(year),
        "notes": NOTES,
    }
