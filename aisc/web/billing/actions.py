"""The mutations of billing, each one transaction with its audit row (conventions: do_*)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed
from aisc.core.billing.rating import PriceBook
from aisc.core.clock import Clock, SystemClock
from aisc.core.ledger.entries import Entry
from aisc.core.metering.split import Month
from aisc.web.allocations import credit
from aisc.web.audit.record import record
from aisc.web.billing import alerting, lock, verbs
from aisc.web.billing.closing import close
from aisc.web.billing.closing.figures import period_figures
from aisc.web.billing.ingest import batches
from aisc.web.billing.ledger import book
from aisc.web.billing.models import BillingPeriod, PeriodState
from aisc.web.billing.projects import Directory

if TYPE_CHECKING:
    from aisc.web.accounts.models import User


def do_ingest(
    parsed: Parsed | Iterable[Parsed],
    source: str,
    *,
    directory: Directory,
    prices: PriceBook,
    tz: zoneinfo.ZoneInfo,
    acting_user: User | None = None,
    batch_size: int = batches.BATCH,
) -> batches.IngestReport:
    """Batches commit one by one (each with its checkpoint); the summary is audited at the end.

    `parsed` is a whole reading, cut into batches of `batch_size` records, or a reading in chunks
    (usage.parse_sacct_chunks), each one batch, read as the ingest asks for them."""
    chunks = batches.split(parsed, batch_size) if isinstance(parsed, Parsed) else parsed
    report = batches.ingest_chunks(chunks, source, directory, prices, tz)
    with transaction.atomic():
        alerting.check_usage(sorted(report.projects), directory)
        credit.do_credit_steps(timezone.localdate(), sorted(report.projects))
        record(
            acting_user,
            verbs.USAGE_INGEST,
            None,
            object_type="UsageSource",
            object_id=source[:64],
            after={
                "read": report.read,
                "inserted": report.inserted,
                "corrected": report.corrected,
                "unchanged": report.unchanged,
                "rejected": len(report.rejects),
                "resumed_at": report.resumed_at,
            },
        )
    return report


@transaction.atomic
def do_close_period(
    month: Month,
    *,
    directory: Directory,
    prices: PriceBook,
    tz: zoneinfo.ZoneInfo,
    acting_user: User | None = None,
    clock: Clock | None = None,
) -> BillingPeriod:
    now = (clock or SystemClock()).now()
    lock.take()
    period = close.check(month, now, tz)
    built = close.close(period, directory, prices, now)
    period.state = PeriodState.CLOSED
    period.closed_at = now
    period.closed_by = acting_user
    period.save(update_fields=["state", "closed_at", "closed_by", "charges_through"])
    alerting.check_cap([project for project, _ in built])
    figures = period_figures(period)
    record(
        acting_user,
        verbs.PERIOD_CLOSE,
        period,
        before={"state": PeriodState.OPEN},
        after={"state": PeriodState.CLOSED, "statements": len(built), "total": figures["total"]},
    )
    return period


@transaction.atomic
def do_post_entries(entries: list[Entry], *, acting_user: User | None, verb: str) -> int:
    """Post fund movements (appropriations, budgets, commitments); repeats are no-ops."""
    added = book.post(entries)
    if added:
        record(
            acting_user,
            verb,
            None,
            object_type="LedgerEntry",
            object_id=entries[0].key[:64],
            after={"keys": [e.key for e in entries], "added": added},
        )
    return added


@transaction.atomic
def do_reverse_entry(key: str, *, reason: str, acting_user: User | None, at: dt.datetime) -> Entry:
    """Corrections are reversing entries; the original stays."""
    correction = book.reverse(key, f"reversal:{key}", at, f"reversal of {key}: {reason}"[:300])
    record(
        acting_user,
        verbs.ENTRY_REVERSE,
        None,
        object_type="LedgerEntry",
        object_id=key[:64],
        after={"reversal": correction.key, "reason": reason},
    )
    return correction
