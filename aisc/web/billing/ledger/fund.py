"""The fund's movements onto the ledger: each scheme's appropriation, each call's budget, and
each award's commitment (on grants' `award_approved` event, subscribed in BillingConfig.ready(),
and for awards already present), and its reversal when the award is cancelled (`award_cancelled`).

Keys name the fact and its amount, so posting again is a no-op and a changed amount posts only the
difference: e.g. `commitment:p2026a-003` then `commitment:p2026a-003:+1500.00`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aisc.core.ledger import accounts, flows
from aisc.core.ledger.entries import Entry, make_entry, posting
from aisc.web.audit.record import record
from aisc.web.billing import verbs
from aisc.web.billing.ledger import book
from aisc.web.grants.events import AwardApproved, AwardCancelled
from aisc.web.grants.models import Award, Call, Scheme

LIVE_AWARDS = ("approved", "active", "completed")


def award_ref(award: Any) -> flows.AwardRef:
    call = award.application.call
    return flows.AwardRef(call.scheme.code, call.code, award.project_code)


def _move(
    key: str, debit: str, credit: str, target: Decimal, memo: str, at: dt.datetime
) -> list[Entry]:
    """The entry that brings what this key family has moved into `debit` up or down to `target`.

    The family is `key` and `key:…`; other entries (commitments out of a call's budget, subsidy
    disbursed) do not count, so a call's budget stays its budget however much is committed.
    """
    already = book.posted(debit, key).get(debit, Decimal(0))
    delta = Decimal(target) - already
    if delta == 0:
        return []
    name = key if already == 0 else f"{key}:{delta:+f}@{already:f}"
    return [make_entry(name, memo, at, [posting(debit, delta), posting(credit, -delta)])]


def scheme_entries(scheme: Scheme, at: dt.datetime) -> list[Entry]:
    return _move(
        f"appropriation:{scheme.code}",
        accounts.fund(scheme.code),
        accounts.appropriation(scheme.code),
        scheme.fund,
        f"appropriation to {scheme.code}",
        at,
    )


def call_entries(call: Call, at: dt.datetime) -> list[Entry]:
    return _move(
        f"budget:{call.code}",
        accounts.call(call.scheme.code, call.code),
        accounts.fund(call.scheme.code),
        call.budget,
        f"budget of call {call.code}",
        at,
    )


def award_entries(award: Award, at: dt.datetime) -> list[Entry]:
    ref = award_ref(award)
    target = award.committed_amount if award.status in LIVE_AWARDS else Decimal(0)
    return _move(
        f"commitment:{award.project_code}",
        accounts.commitment(ref.scheme, ref.call, ref.project),
        accounts.call(ref.scheme, ref.call),
        target,
        f"commitment to {award.project_code}",
        at,
    )


def fund_entries(at: dt.datetime | None = None) -> list[Entry]:
    """Every scheme, call and award as the ledger should hold them; posted one group at a time."""
    when = at or timezone.now()
    entries: list[Entry] = []
    for scheme in Scheme.objects.all():
        entries += scheme_entries(scheme, when)
    for call in Call.objects.select_related("scheme"):
        entries += call_entries(call, when)
    for award in Award.objects.select_related("application__call__scheme"):
        entries += award_entries(award, when)
    return entries


def on_award_approved(event: AwardApproved) -> None:
    """Inside the deciding transaction: the award's commitment moves onto the ledger with it.

    The scheme's appropriation and the call's budget are brought up to date first, so the
    commitment always has a budget to come from.
    """
    now = timezone.now()
    call = event.award.application.call
    book.post(scheme_entries(call.scheme, now))
    book.post(call_entries(call, now))
    book.post(award_entries(event.award, now))


def on_award_cancelled(event: AwardCancelled) -> None:
    """Inside the cancelling transaction: the award's commitment goes back to its call.

    The reversing entry brings the commitment to zero (a cancelled award is not live), so the
    call's uncommitted money rises by it and the annual report, which counts live awards only,
    stays equal to the ledger. Subsidy already disbursed stays disbursed: it was spent.
    """
    award = event.award
    ref = award_ref(award)
    code = accounts.commitment(ref.scheme, ref.call, ref.project)
    before = book.balances(code).get(code, Decimal(0))
    entries = award_entries(award, timezone.now())
    if not book.post(entries):
        return
    record(
        event.acting_user,
        verbs.COMMITMENT_REVERSE,
        None,
        object_type="LedgerEntry",
        object_id=entries[0].key[:64],
        before={"project": award.project_code, "committed": f"{before:f}"},
        after={"committed": "0.00", "keys": [e.key for e in entries]},
    )
