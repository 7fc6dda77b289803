"""What organisations owe, document by document: closed statements and recovery invoices not yet
settled, aged from their date (0-30, 31-60, 61-90, >90 days), and the reminders finance sends
about them through the outbox (audited)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aisc.core.billing import settlement
from aisc.core.billing.recovery import OPEN
from aisc.core.errors import RuleViolation
from aisc.web import notify
from aisc.web.accounts.models import Organisation, User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.billing import verbs
from aisc.web.billing.models import Recovery, Statement
from aisc.web.billing.money import from_cents
from aisc.web.billing.payments import statement_receivable

REMINDER_SUBJECT = gettext_lazy("Payment reminder: HK$%(total)s outstanding")


@dataclass(frozen=True)
class Document:
    """One unpaid bill: a statement ("statement", ref "project month") or a recovery invoice
    ("recovery", ref its number); the page and the mail name it in the reader's language."""

    kind: str
    ref: str
    url: str
    receivable: str
    organisation_id: int | None
    issued_on: dt.date
    amount: Decimal
    outstanding: Decimal
    bucket: str


@dataclass
class Debtor:
    """One organisation (or commercial tenant) and everything it still owes."""

    receivable: str
    name: str
    organisation_id: int | None
    documents: list[Document] = field(default_factory=list)
    ageing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((d.outstanding for d in self.documents), Decimal(0))


def _paid() -> Any:
    return Coalesce(Sum("payments__amount_cents"), Value(0))


def _paid_of(row: Statement | Recovery) -> int:
    """The `paid_cents` the queries below annotate each row with."""
    paid: int = cast(Any, row).paid_cents
    return paid


def _unpaid_statements() -> QuerySet[Statement]:
    return (
        Statement.objects.filter(due_cents__gt=0)
        .select_related("period", "organisation")
        .annotate(paid_cents=_paid())
        .filter(due_cents__gt=F("paid_cents"))
    )


def _unpaid_recoveries() -> QuerySet[Recovery]:
    return (
        Recovery.objects.filter(status__in=[s.value for s in OPEN])
        .select_related("award", "organisation")
        .annotate(paid_cents=_paid())
    )


def documents(today: dt.date, organisation_id: int | None = None) -> list[Document]:
    statements, recoveries = _unpaid_statements(), _unpaid_recoveries()
    if organisation_id is not None:
        statements = statements.filter(organisation_id=organisation_id)
        recoveries = recoveries.filter(organisation_id=organisation_id)
    found: list[Document] = []
    for st in statements:
        issued = centre_today(st.created_at)
        owed = from_cents(st.due_cents - _paid_of(st))
        found.append(
            Document(
                kind="statement",
                ref=f"{st.project_code} {st.period.month}",
                url=reverse("billing:statement", args=[st.pk]),
                receivable=statement_receivable(st),
                organisation_id=st.organisation_id,
                issued_on=issued,
                amount=st.due,
                outstanding=owed,
                bucket=settlement.bucket(issued, today),
            )
        )
    for r in recoveries:
        owed = from_cents(r.amount_cents - _paid_of(r) - r.written_off_cents)
        found.append(
            Document(
                kind="recovery",
                ref=r.number,
                url=reverse("billing:recovery", args=[r.pk]),
                receivable=f"org-{r.organisation_id}",
                organisation_id=r.organisation_id,
                issued_on=r.issued_on,
                amount=r.amount,
                outstanding=owed,
                bucket=settlement.bucket(r.issued_on, today),
            )
        )
    return sorted(found, key=lambda d: (d.issued_on, d.ref))


def debtors(today: dt.date) -> tuple[list[Debtor], dict[str, Decimal]]:
    """Per organisation its unpaid documents and their ageing, largest debt first; and the
    ageing of everything owed."""
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in documents(today):
        grouped[doc.receivable].append(doc)
    orgs = Organisation.objects.in_bulk(
        [d[0].organisation_id for d in grouped.values() if d[0].organisation_id]
    )
    result = []
    for key, docs in grouped.items():
        org = orgs.get(docs[0].organisation_id or 0)
        result.append(
            Debtor(
                receivable=key,
                name=str(org) if org else key,
                organisation_id=docs[0].organisation_id,
                documents=docs,
                ageing=settlement.ageing(((d.issued_on, d.outstanding) for d in docs), today),
            )
        )
    result.sort(key=lambda d: (-d.total, d.name))
    overall = settlement.ageing(
        ((d.issued_on, d.outstanding) for debtor in result for d in debtor.documents), today
    )
    return result, overall


@transaction.atomic
def do_send_reminder(
    *, acting_user: User, organisation: Organisation, today: dt.date | None = None
) -> int:
    """Mail every member of the organisation the list of what it still owes; returns how many
    mails were queued. Refused when nothing is owed or no member can receive it."""
    day = today or centre_today()
    docs = documents(day, organisation.pk)
    if not docs:
        raise RuleViolation(
            _("this organisation owes nothing; there is nothing to remind"), field="organisation"
        )
    members = list(
        User.objects.filter(is_active=True, memberships__organisation=organisation)
        .distinct()
        .order_by("pk")
    )
    if not members:
        raise RuleViolation(
            _("this organisation has no member to send the reminder to"), field="organisation"
        )
    total = sum((d.outstanding for d in docs), Decimal(0))
    context: dict[str, Any] = {
        "organisation": str(organisation),
        "total": str(total),
        "documents": [
            {
                "kind": d.kind,
                "ref": d.ref,
                "issued_on": d.issued_on.isoformat(),
                "outstanding": str(d.outstanding),
                "days": (day - d.issued_on).days,
            }
            for d in docs
        ],
    }
    for user in members:
        notify.send(
            user, REMINDER_SUBJECT, "billing/mail/reminder.txt", context, params={"total": total}
        )
    record(
        acting_user,
        verbs.RECEIVABLE_REMIND,
        organisation,
        after={"total": str(total), "documents": len(docs), "mails": len(members)},
    )
    return len(members)
