"""Receivers and periodic tasks of billing, connected when Django loads the app."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from aisc.web.billing.ledger import book, fund
from aisc.web.grants import signals


def on_award_approved(sender: Any, award: Any, acting_user: Any, **kwargs: Any) -> None:
    """Inside the deciding transaction: the award's commitment moves onto the ledger with it.

    The scheme's appropriation and the call's budget are brought up to date first, so the
    commitment always has a budget to come from.
    """
    now = timezone.now()
    call = award.application.call
    entries = fund.scheme_entries(call.scheme, now)
    book.post(entries)
    book.post(fund.call_entries(call, now))
    book.post(fund.award_entries(award, now))


signals.award_approved.connect(on_award_approved, dispatch_uid="billing.commitment")
