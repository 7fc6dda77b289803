"""Demo billing: the fund on the ledger, and the first two of the three months of usage closed.

The usage itself comes from the embedded cluster (aisc.web.cluster.demo, which runs before this
loader): the grantees' jobs run there, and this loader meters them through the same sacct parser
and ingest as a real Slurm's. Idempotent: a closed period is not closed again.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone

from aisc.web.billing import actions, verbs
from aisc.web.billing.ingest import sources
from aisc.web.billing.ledger import fund
from aisc.web.billing.models import BillingPeriod, PeriodState
from aisc.web.billing.prices import CataloguePrices
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.cluster import service, usage
from aisc.web.cluster.demo import months_before
from aisc.web.demo import DemoReport


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
