"""Unbilled usage charges as a query, from the closed periods' watermarks (core watermarks)."""

from __future__ import annotations

from django.db.models import Q

from aisc.core.billing.watermarks import Close, billed_by, unbilled_bands
from aisc.web.billing.models import BillingPeriod, PeriodState, UsageCharge


def closes() -> list[Close]:
    rows = BillingPeriod.objects.filter(
        state=PeriodState.CLOSED, charges_through__isnull=False
    ).values_list("month", "charges_through")
    return [Close(month, through or 0) for month, through in rows]


def unbilled() -> Q:
    """Charges no closed period has billed: per band, (month in band, id above its watermark)."""
    bands, last = unbilled_bands(closes())
    if last is None:
        return Q()
    query = Q(month__gt=last)
    for band in bands:
        months = Q(month__lte=band.up_to) if band.up_to else Q(month__in=band.months)
        query |= months & Q(id__gt=band.above)
    return query


def watermark() -> int:
    """The highest charge id written so far (0 when none): a closing period's `charges_through`.

    Sound only because charges are written, and periods closed, under `lock.take()`: on
    PostgreSQL a transaction could otherwise commit a lower id after a close had read a higher
    one, and that charge would count as billed without being on any statement."""
    last = UsageCharge.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def period_of(charge: UsageCharge) -> str | None:
    """The month of the period that billed the charge, or None while it is unbilled."""
    close = billed_by(charge.month, charge.pk, closes())
    return close.month if close else None
