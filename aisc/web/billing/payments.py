"""Payments against what an organisation owes, shared by usage statements and recovery invoices:
the same checks (aisc.core.billing.settlement), the same ledger entry (aisc.core.ledger.receipts),
the same audit verb. A recovery's payment also returns the paid part to the fund and moves the
recovery along its lifecycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from aisc.core.billing import recovery as rules
from aisc.core.billing import settlement
from aisc.core.grants.workflow import transition
from aisc.core.ledger import receipts
from aisc.core.ledger.flows import AwardRef
from aisc.web.accounts.models import User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.billing import verbs
from aisc.web.billing.ledger import book
from aisc.web.billing.ledger.fund import award_ref
from aisc.web.billing.models import Payment, Recovery, Statement
from aisc.web.billing.money import from_cents, to_cents

Document = Statement | Recovery


@dataclass(frozen=True)
class Owed:
    """One document as payments see it."""

    receivable: str  # the ledger's receivable segment
    amount: Decimal
    paid: Decimal
    written_off: Decimal
    issued_on: dt.date
    award: AwardRef | None  # set for a recovery: its payments return subsidy to the fund

    @property
    def outstanding(self) -> Decimal:
        return settlement.outstanding(self.amount, self.paid, self.written_off)


def paid_on(document: Document) -> Decimal:
    cents = document.payments.aggregate(total=Sum("amount_cents"))["total"] or 0
    return from_cents(cents)


def statement_receivable(statement: Statement) -> str:
    """The same segment the close posted the statement's lines under (Project.receivable_key)."""
    if statement.organisation_id:
        return f"org-{statement.organisation_id}"
    return f"tenant-{statement.project_code}"


def owed(document: Document) -> Owed:
    if isinstance(document, Statement):
        return Owed(
            receivable=statement_receivable(document),
            amount=document.due,
            paid=paid_on(document),
            written_off=Decimal(0),
            issued_on=centre_today(document.created_at),
            award=None,
        )
    return Owed(
        receivable=f"org-{document.organisation_id}",
        amount=document.amount,
        paid=paid_on(document),
        written_off=document.written_off,
        issued_on=document.issued_on,
        award=award_ref(document.award),
    )


def _locked(document: Document) -> Document:
    """The document's row locked, so two payments of the same bill are counted one after the
    other and never together exceed what is owed."""
    locked: Document = type(document).objects.select_for_update().get(pk=document.pk)
    return locked


@transaction.atomic
def do_record_payment(
    *,
    acting_user: User,
    document: Document,
    amount: str,
    received_on: str,
    reference: str = "",
    today: dt.date | None = None,
) -> Payment:
    document = _locked(document)
    due = owed(document)
    value = settlement.parse_amount(amount)
    day = settlement.check_received_on(
        settlement.parse_day(received_on), due.issued_on, today or centre_today()
    )
    settlement.check_payment(value, due.outstanding)
    payment = Payment.objects.create(
        receivable=due.receivable,
        statement=document if isinstance(document, Statement) else None,
        recovery=document if isinstance(document, Recovery) else None,
        amount_cents=to_cents(value),
        received_on=day,
        reference=reference.strip()[:200],
        recorded_by=acting_user,
    )
    book.post(
        [
            receipts.payment(
                due.receivable, value, timezone.now(), f"payment:{payment.pk}", due.award
            )
        ]
    )
    before = document.status if isinstance(document, Recovery) else None
    if isinstance(document, Recovery):
        target = rules.after_payment(due.outstanding - value)
        document.status = transition(
            rules.RECOVERY_TRANSITIONS,
            rules.RecoveryStatus(document.status),
            target,
            what="recovery",
        )
        document.save(update_fields=["status"])
    record(
        acting_user,
        verbs.PAYMENT_RECORD,
        payment,
        before={"status": before} if before else None,
        after={
            "document": f"{type(document).__name__} {document.pk}",
            "amount": str(value),
            "received_on": day.isoformat(),
            "reference": payment.reference,
            "outstanding": str(due.outstanding - value),
            **({"status": document.status} if isinstance(document, Recovery) else {}),
        },
    )
    return payment
