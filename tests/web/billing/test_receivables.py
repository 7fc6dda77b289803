"""Receivables on a real database: finance records full and partial payments against a closed
statement (posted on the ledger, audited), sees what each organisation owes aged 0-30, 31-60,
61-90 and over 90 days, and sends reminders through the outbox; the ledger's receivables always
equal the unpaid documents to the cent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import payments, receivables
from aisc.web.billing.ledger import book
from aisc.web.billing.models import LedgerEntry, Payment, Statement
from aisc.web.outbox.models import OutboxMessage
from aisc.web.queues.read import finance_queue
from tests.fixtures.grants import Mails
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db
Run = Callable[..., Any]
D = Decimal


@pytest.fixture
def statements(ingest_text: Run, close: Run) -> tuple[Statement, Statement]:
    """The grantee's and the tenant's statements of a closed March."""
    ingest_text(sacct_line("1"), sacct_line("2", account="tenant-kc"))
    close("2026-03")
    lab = Statement.objects.get(project_code="p2026a-001")
    tenant = Statement.objects.get(project_code="tenant-kc")
    assert lab.due > 0
    assert tenant.due > 0
    return lab, tenant


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("finance")


def today() -> str:
    return timezone.localdate().isoformat()


def ledger_owed(receivable: str) -> Decimal:
    return book.balances().get(accounts.receivable(receivable), D(0))


def unpaid_per_receivable() -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for doc in receivables.documents(timezone.localdate()):
        found[doc.receivable] = found.get(doc.receivable, D(0)) + doc.outstanding
    return found


def test_a_partial_then_a_full_payment_settle_a_statement_on_the_ledger(
    statements: tuple[Statement, Statement], finance: User, orgs: tuple[Organisation, ...]
) -> None:
    lab, _ = statements
    key = f"org-{orgs[0].pk}"
    owed_before = ledger_owed(key)
    assert owed_before == lab.due
    part = (lab.due / 3).quantize(D("0.01"))
    payments.do_record_payment(
        acting_user=finance, document=lab, amount=str(part), received_on=today(), reference="TT1"
    )
    assert ledger_owed(key) == lab.due - part
    assert payments.owed(lab).outstanding == lab.due - part
    assert book.balances()[accounts.CASH] == part
    payments.do_record_payment(
        acting_user=finance, document=lab, amount=str(lab.due - part), received_on=today()
    )
    assert ledger_owed(key) == 0
    assert key not in unpaid_per_receivable()
    recorded = AuditEvent.objects.filter(verb="billing.payment.record").order_by("id")
    assert [(e.after or {})["amount"] for e in recorded] == [str(part), str(lab.due - part)]
    assert (recorded[0].after or {})["reference"] == "TT1"


def test_it_rejects_a_payment_larger_than_the_statement_owes_and_saves_nothing(
    statements: tuple[Statement, Statement], finance: User
) -> None:
    lab, _ = statements
    with pytest.raises(RuleViolation) as refused:
        payments.do_record_payment(
            acting_user=finance, document=lab, amount=str(lab.due + D("0.01")), received_on=today()
        )
    assert refused.value.field == "amount"
    assert "still owed on this document" in refused.value.message
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(key__startswith="payment:").exists()


def test_the_ledgers_receivables_equal_the_unpaid_documents_to_the_cent(
    statements: tuple[Statement, Statement], finance: User
) -> None:
    lab, tenant = statements
    payments.do_record_payment(
        acting_user=finance, document=lab, amount="1.23", received_on=today()
    )
    payments.do_record_payment(
        acting_user=finance, document=tenant, amount="0.01", received_on=today()
    )
    unpaid = unpaid_per_receivable()
    assert unpaid == {key: ledger_owed(key) for key in unpaid}
    assert unpaid[payments.statement_receivable(tenant)] == tenant.due - D("0.01")


def test_each_unpaid_bill_is_aged_from_its_date(
    statements: tuple[Statement, Statement], finance: User, orgs: tuple[Organisation, ...]
) -> None:
    lab, tenant = statements
    issued = timezone.localdate(lab.created_at)
    debtors, overall = receivables.debtors(issued + dt.timedelta(days=45))
    assert {d.name for d in debtors} == {orgs[0].name_en, orgs[1].name_en}
    assert overall == {"0-30": D(0), "31-60": lab.due + tenant.due, "61-90": D(0), ">90": D(0)}
    later, _ = receivables.debtors(issued + dt.timedelta(days=91))
    assert all(d.ageing[">90"] == d.total for d in later)


def test_a_reminder_mails_every_member_what_their_organisation_owes_and_is_audited(
    statements: tuple[Statement, Statement],
    finance: User,
    orgs: tuple[Organisation, ...],
    make_user: Callable[..., User],
    sent: Mails,
) -> None:
    lab, _ = statements
    member = make_user(org=orgs[0])
    assert receivables.do_send_reminder(acting_user=finance, organisation=orgs[0]) == 1
    assert sent() == [(member.email, f"Payment reminder: HK${lab.due} outstanding")]
    event = AuditEvent.objects.get(verb="billing.receivable.remind")
    assert (event.after or {})["total"] == str(lab.due)
    payments.do_record_payment(
        acting_user=finance, document=lab, amount=str(lab.due), received_on=today()
    )
    with pytest.raises(RuleViolation) as nothing:
        receivables.do_send_reminder(acting_user=finance, organisation=orgs[0])
    assert nothing.value.field == "organisation"


def test_a_reminder_to_an_organisation_without_members_is_refused(
    statements: tuple[Statement, Statement], finance: User, orgs: tuple[Organisation, ...]
) -> None:
    with pytest.raises(RuleViolation, match="no member"):
        receivables.do_send_reminder(acting_user=finance, organisation=orgs[0])
    assert not AuditEvent.objects.filter(verb="billing.receivable.remind").exists()


def test_finance_pays_a_statement_in_the_portal_and_a_refusal_keeps_what_was_typed(
    statements: tuple[Statement, Statement],
    finance: User,
    make_user: Callable[..., User],
    orgs: tuple[Organisation, ...],
) -> None:
    lab, _ = statements
    client = Client()
    client.force_login(finance)
    pay = reverse("billing:statement-pay", args=[lab.pk])
    refused = client.post(pay, {"amount": "1,000,000", "received_on": today(), "reference": "TT9"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'value="TT9"' in page
    assert "still owed on this document" in page
    done = client.post(pay, {"amount": "1.00", "received_on": today(), "reference": "TT9"})
    assert done.status_code == 302
    shown = client.get(reverse("billing:statement", args=[lab.pk])).content.decode()
    assert f"<span data-outstanding>{lab.due - 1}</span>" in shown
    ageing = client.get(reverse("billing:receivables")).content.decode()
    assert 'id="ageing"' in ageing
    assert 'data-overall="0-30">' in ageing
    make_user(org=orgs[0])
    reminded = client.post(reverse("billing:receivable-remind", args=[orgs[0].pk]))
    assert reminded.status_code == 302
    assert AuditEvent.objects.filter(verb="billing.receivable.remind").count() == 1


def test_only_finance_records_payments_and_sends_reminders(
    statements: tuple[Statement, Statement],
    make_user: Callable[..., User],
    orgs: tuple[Organisation, ...],
) -> None:
    lab, _ = statements
    member = make_user(org=orgs[0])
    for user in (member, make_user("operator"), make_user("auditor"), make_user("secretariat")):
        client = Client()
        client.force_login(user)
        pay = reverse("billing:statement-pay", args=[lab.pk])
        assert client.post(pay, {"amount": "1", "received_on": today()}).status_code == 403
        remind = reverse("billing:receivable-remind", args=[orgs[0].pk])
        assert client.post(remind).status_code == 403
    assert not Payment.objects.exists()
    member_client = Client()
    member_client.force_login(member)
    page = member_client.get(reverse("billing:statement", args=[lab.pk])).content.decode()
    assert 'id="pay"' not in page


def test_the_finance_queue_lists_bills_unpaid_for_more_than_30_days(
    statements: tuple[Statement, Statement], finance: User
) -> None:
    lab, tenant = statements
    issued = timezone.localdate(lab.created_at)
    fresh = [i.text for i in finance_queue(finance, issued + dt.timedelta(days=30)).items]
    assert not any("more than 30 days" in text for text in fresh)
    late = finance_queue(finance, issued + dt.timedelta(days=31)).items
    item = next(i for i in late if "more than 30 days" in i.text)
    assert item.text == "Bills unpaid for more than 30 days: 2"
    assert item.url == reverse("billing:receivables")
    assert item.detail == f"HK${lab.due + tenant.due:,}"


def test_the_receivables_page_and_the_reminder_read_in_chinese(
    statements: tuple[Statement, Statement],
    finance: User,
    orgs: tuple[Organisation, ...],
    make_user: Callable[..., User],
    sent: Mails,
) -> None:
    client = Client()
    client.force_login(finance)
    client.cookies["django_language"] = "zh-hant"
    page = client.get(reverse("billing:receivables")).content.decode()
    assert "欠款賬齡（港元）" in page
    assert "結算單 p2026a-001 2026-03" in page
    member = make_user(org=orgs[0], language="zh-hant")
    english = make_user(org=orgs[0])
    chinese = f"付款提醒：尚欠港幣 {statements[0].due} 元"
    english_subject = f"Payment reminder: HK${statements[0].due} outstanding"
    # Each mail is in its recipient's language, whichever language the finance officer reads.
    for page_language in ("zh-hant", "en"):
        client.cookies["django_language"] = page_language
        client.post(reverse("billing:receivable-remind", args=[orgs[0].pk]))
        assert sorted(sent()[-2:]) == sorted(
            [(member.email, chinese), (english.email, english_subject)]
        )
    mails = OutboxMessage.objects.filter(kind="notify.mail", payload__user_id=member.pk)
    body = mails.latest("id").payload["body"]  # the one sent from the English page
    assert "尚欠中心港幣" in body
    assert "如已付款，請忽略此提醒" in body
