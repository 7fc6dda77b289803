"""Demo billing: the fund on the ledger, the first two of the three months of usage closed, and
what follows from the use: a release carrying over half the unused hours, the credit steps and a
recovery.

The usage itself comes from the embedded cluster (aisc.web.cluster.demo, which runs before this
loader): the grantees' jobs run there, and this loader meters them through the same sacct parser
and ingest as a real Slurm's. Idempotent: a closed period is not closed again.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.allocations import credit
from aisc.web.allocations.actions import do_transition
from aisc.web.allocations.models import Allocation
from aisc.web.billing import actions, payments, recoveries, verbs
from aisc.web.billing.ingest import sources
from aisc.web.billing.ledger import fund
from aisc.web.billing.models import BillingPeriod, PeriodState, Recovery
from aisc.web.billing.prices import CataloguePrices
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.cluster import service, usage
from aisc.web.cluster.demo import months_before
from aisc.web.demo import DemoReport
from aisc.web.grants import demo_outcomes
from aisc.web.grants.models import Award


def load(report: DemoReport) -> None:
    actions.do_post_entries(fund.fund_entries(), acting_user=None, verb=verbs.FUND_SYNC)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    reading = sources.read_embedded(service.clock().epoch, now, tz)
    metered = sources.ingest_reading(reading, usage.CLUSTER, tz)
    months = months_before(now.astimezone(tz).date(), 3)
    directory, prices = AllocationDirectory(), CataloguePrices()
    for month in months[:2]:
        if not BillingPeriod.objects.filter(month=str(month), state=PeriodState.CLOSED).exists():
            actions.do_close_period(month, directory=directory, prices=prices, tz=tz)
    report.notes.append(
        f"billing: {metered.inserted} usage records metered, of "
        f"{', '.join(map(str, months))} from the embedded cluster; "
        f"{months[0]} and {months[1]} closed (the finance login sees the statements)"
    )
    _carry_over(report)
    _credit(report)
    _recovery(report)


def _carry_over(report: DemoReport) -> None:
    staff = {"secretariat": User.objects.get(email="secretariat@aisc.demo")}
    award = demo_outcomes.release_with_carry_over(staff)
    if award is not None:
        report.notes.append(
            f"grants: {award.project_code}'s progress report accepted after its first months of "
            f"use: tranche 2 released, {demo_outcomes.CARRY_OVER_PERCENT}% of tranche 1's unused "
            "hours carried over and the rest written off (its allocation's page)"
        )


def _credit(report: DemoReport) -> None:
    """What the worker's credit task would have done by now: the keen grantee warned (or
    stopped), and an award whose window passed before the demo began (activated on its start
    date, as the worker would have) expired, its unused hours written off."""
    today = timezone.localdate()
    for allocation in Allocation.objects.filter(status="pending", award__isnull=False):
        if allocation.start_date <= today and allocation.lines.filter(released=True).exists():
            do_transition(allocation, "activate", acting_user=None)
    steps = credit.do_credit_steps(today)
    report.notes.append(
        "allocations: credit steps "
        + (", ".join(steps) or "none")
        + " (the secretariat's /billing/credit/, each grantee's usage page)"
    )


def _recovery(report: DemoReport) -> None:
    """A clawback in progress: a quarter of the subsidy disbursed on one award (Junk Boat AI's
    when it has any) claimed back for ineligible use, half of it paid."""
    if Recovery.objects.exists():
        return
    awards = sorted(
        Award.objects.select_related("organisation", "application__call__scheme"),
        key=lambda a: (a.organisation.registration_code != "JNK-DEMO", a.project_code),
    )
    award = next((a for a in awards if recoveries.recoverable(a) >= 100), None)
    if award is None:
        report.notes.append("billing: no award has subsidy disbursed, so no recovery")
        return
    claim = (recoveries.recoverable(award) / 4).quantize(Decimal("0.01"))
    found = recoveries.do_open_recovery(
        acting_user=User.objects.get(email="secretariat@aisc.demo"),
        award=award,
        amount=str(claim),
        reason="an audit found GPU-hours used for work outside the award's approved scope",
    )
    payments.do_record_payment(
        acting_user=User.objects.get(email="finance@aisc.demo"),
        document=found,
        amount=str((claim / 2).quantize(Decimal("0.01"))),
        received_on=found.issued_on.isoformat(),
        reference="DEMO-TT-0001",
    )
    report.notes.append(
        f"billing: recovery {found.number} claims HK${claim} back from {award.project_code}, "
        "half of it paid (/billing/recoveries/)"
    )
