"""Clawback: the secretariat opens a recovery on an award (no more than the subsidy disbursed and
not already claimed), which invoices the organisation on the ledger and by mail; payments go
through aisc.web.billing.payments; what is left may be written off, proposed by one person and
approved by another. Every step audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aisc.core.billing import recovery as rules
from aisc.core.billing import settlement
from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import transition
from aisc.core.ledger import accounts, receipts
from aisc.web import notify
from aisc.web.accounts.models import User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.billing import verbs
from aisc.web.billing.ledger import book
from aisc.web.billing.ledger.fund import award_ref
from aisc.web.billing.models import Recovery
from aisc.web.billing.money import to_cents
from aisc.web.billing.payments import owed, paid_on
from aisc.web.grants.models import Award

Status = rules.RecoveryStatus
INVOICE_SUBJECT = gettext_lazy("Recovery invoice %(number)s on award %(project)s")


def recoverable(award: Award) -> Decimal:
    """From the ledger: the award's disbursed subsidy (net of recoveries paid) less what open
    recoveries still claim."""
    ref = award_ref(award)
    balances = book.balances()
    disbursed = balances.get(accounts.disbursed(ref.scheme, ref.call, ref.project), Decimal(0))
    claimed = -balances.get(accounts.recovery(ref.scheme, ref.call, ref.project), Decimal(0))
    return rules.recoverable(disbursed, claimed)


def _mail_invoice(found: Recovery) -> None:
    context: dict[str, Any] = {
        "number": found.number,
        "project": found.award.project_code,
        "amount": str(found.amount),
        "reason": found.reason,
        "organisation": str(found.organisation),
    }
    members = User.objects.filter(is_active=True, memberships__organisation=found.organisation)
    for user in members.distinct().order_by("pk"):
        notify.send(user, INVOICE_SUBJECT, "billing/mail/recovery.txt", context, params=context)


@transaction.atomic
def do_open_recovery(
    *, acting_user: User, award: Award, amount: str, reason: str, today: dt.date | None = None
) -> Recovery:
    award = Award.objects.select_for_update().select_related("organisation").get(pk=award.pk)
    value = settlement.parse_amount(amount)
    rules.check_recovery(value, recoverable(award), award.project_code, reason)
    found = Recovery.objects.create(
        award=award,
        organisation=award.organisation,
        amount_cents=to_cents(value),
        reason=reason.strip(),
        issued_on=today or centre_today(),
        opened_by=acting_user,
    )
    book.post(
        [
            receipts.recovery_invoice(
                f"org-{award.organisation_id}",
                award_ref(award),
                value,
                timezone.now(),
                f"recovery:{found.pk}",
            )
        ]
    )
    _mail_invoice(found)
    record(
        acting_user,
        verbs.RECOVERY_OPEN,
        found,
        after={
            "number": found.number,
            "award": award.project_code,
            "amount": str(value),
            "reason": found.reason,
            "status": found.status,
        },
    )
    return found


def _locked(found: Recovery) -> Recovery:
    locked: Recovery = Recovery.objects.select_for_update().get(pk=found.pk)
    return locked


@transaction.atomic
def do_propose_write_off(*, acting_user: User, recovery: Recovery, reason: str) -> Recovery:
    found = _locked(recovery)
    if not reason.strip():
        raise RuleViolation(_("give the reason for the write-off"), field="write_off_reason")
    before = found.status
    found.status = transition(
        rules.RECOVERY_TRANSITIONS, Status(before), Status.WRITE_OFF_PROPOSED, what="recovery"
    )
    found.write_off_reason = reason.strip()
    found.write_off_proposed_by = acting_user
    found.write_off_proposed_at = timezone.now()
    found.save(
        update_fields=[
            "status",
            "write_off_reason",
            "write_off_proposed_by",
            "write_off_proposed_at",
        ]
    )
    record(
        acting_user,
        verbs.RECOVERY_WRITE_OFF_PROPOSE,
        found,
        before={"status": before},
        after={
            "status": found.status,
            "reason": found.write_off_reason,
            "outstanding": str(owed(found).outstanding),
        },
    )
    return found


@transaction.atomic
def do_decide_write_off(*, acting_user: User, recovery: Recovery, approve: bool) -> Recovery:
    """Approved: what is still owed is written off (on the ledger and on the recovery). Rejected:
    the recovery goes back to where its payments left it."""
    found = _locked(recovery)
    if found.status != Status.WRITE_OFF_PROPOSED:
        raise RuleViolation(_("no write-off of this recovery awaits a decision"), field="status")
    rules.check_approver(found.write_off_proposed_by_id, acting_user.pk)
    before = found.status
    outstanding = owed(found).outstanding
    if approve:
        found.status = transition(
            rules.RECOVERY_TRANSITIONS, Status(before), Status.WRITTEN_OFF, what="recovery"
        )
        found.written_off_cents = to_cents(outstanding)
        found.written_off_by = acting_user
        found.written_off_at = timezone.now()
        book.post(
            [
                receipts.recovery_write_off(
                    f"org-{found.organisation_id}",
                    award_ref(found.award),
                    outstanding,
                    found.written_off_at,
                    f"writeoff:recovery-{found.pk}",
                )
            ]
        )
    else:
        target = rules.after_rejected_write_off(paid_on(found))
        found.status = transition(
            rules.RECOVERY_TRANSITIONS, Status(before), target, what="recovery"
        )
    found.save(update_fields=["status", "written_off_cents", "written_off_by", "written_off_at"])
    record(
        acting_user,
        verbs.RECOVERY_WRITE_OFF_DECIDE,
        found,
        before={"status": before},
        after={
            "status": found.status,
            "approved": approve,
            "written_off": str(found.written_off),
            "proposed_by": found.write_off_proposed_by_id,
        },
    )
    return found
