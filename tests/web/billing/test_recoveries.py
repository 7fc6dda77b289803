"""Clawback on a real database: the secretariat opens a recovery on an award (no more than the
subsidy disbursed), the organisation is invoiced on the ledger and by mail, finance records part
payments that return money to the fund, and what is left is written off only with a second
person's approval; every step audited, every refusal naming its field with nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.ledger import accounts, flows
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import payments, recoveries
from aisc.web.billing.annual import annual_report
from aisc.web.billing.ledger import book, reports
from aisc.web.billing.ledger.fund import award_ref
from aisc.web.billing.models import LedgerEntry, Payment, Recovery
from aisc.web.grants.models import Award
from tests.fixtures.grants import Mails

pytestmark = pytest.mark.django_db
D = Decimal


def disburse(award: Award, subsidy: str) -> None:
    """What a period's close posts for the award's usage: the fund pays `subsidy`."""
    line = flows.BilledLine(
        f"org-{award.organisation_id}", award_ref(award), D(subsidy) * 2, D(subsidy), D(subsidy)
    )
    with transaction.atomic():
        book.post([flows.bill(line, timezone.now(), f"bill:2026-03:{award.project_code}:1")])


@pytest.fixture(autouse=True)
def grants_world(files_dir: object, price: object, inventory: object) -> None:
    """An award needs grants' world: uploads, an H800 rate card, the nodes it draws on."""


@pytest.fixture
def billed(active: Award) -> Award:
    disburse(active, "1000.00")
    return active


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("finance")


def remaining() -> Decimal:
    schemes, _ = reports.fund_lines()
    return schemes[0].remaining


def test_opening_a_recovery_invoices_the_organisation_on_the_ledger_and_by_mail(
    billed: Award, secretariat: User, applicant: User, sent: Mails
) -> None:
    before = remaining()
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="400.00", reason="final report never came"
    )
    assert found.status == "invoiced"
    assert found.amount == D("400.00")
    assert found.organisation == billed.organisation
    ref = award_ref(billed)
    assert book.balances()[accounts.recovery(ref.scheme, ref.call, ref.project)] == D("-400.00")
    assert remaining() == before  # nothing returns to the fund until it is paid
    assert LedgerEntry.objects.filter(key=f"recovery:{found.pk}").exists()
    assert (applicant.email, f"Recovery invoice {found.number} on award {billed.project_code}") in (
        sent()
    )
    event = AuditEvent.objects.get(verb="billing.recovery.open")
    assert event.actor == secretariat
    assert (event.after or {})["amount"] == "400.00"


def test_it_rejects_a_recovery_larger_than_what_was_disbursed_and_saves_nothing(
    billed: Award, secretariat: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        recoveries.do_open_recovery(
            acting_user=secretariat, award=billed, amount="1000.01", reason="audit"
        )
    assert refused.value.field == "amount"
    assert "HK$1000.01 is more than the HK$1000.00" in refused.value.message
    assert not Recovery.objects.exists()
    assert not LedgerEntry.objects.filter(key__startswith="recovery:").exists()
    assert not AuditEvent.objects.filter(verb="billing.recovery.open").exists()


def test_what_open_recoveries_already_claim_cannot_be_claimed_twice(
    billed: Award, secretariat: User
) -> None:
    recoveries.do_open_recovery(acting_user=secretariat, award=billed, amount="700", reason="a")
    assert recoveries.recoverable(billed) == D("300.00")
    with pytest.raises(RuleViolation, match=r"HK\$300\.00"):
        recoveries.do_open_recovery(acting_user=secretariat, award=billed, amount="301", reason="b")


def test_it_rejects_a_recovery_without_a_reason_or_with_an_amount_that_is_not_money(
    billed: Award, secretariat: User
) -> None:
    with pytest.raises(RuleViolation) as no_reason:
        recoveries.do_open_recovery(acting_user=secretariat, award=billed, amount="5", reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleViolation) as not_money:
        recoveries.do_open_recovery(
            acting_user=secretariat, award=billed, amount="5.001", reason="x"
        )
    assert not_money.value.field == "amount"
    assert not Recovery.objects.exists()


def test_part_payments_return_money_to_the_fund_until_the_recovery_is_paid(
    billed: Award, secretariat: User, finance: User
) -> None:
    before = remaining()
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="400", reason="ineligible use"
    )
    today = timezone.localdate()
    payments.do_record_payment(
        acting_user=finance, document=found, amount="150", received_on=today.isoformat()
    )
    found.refresh_from_db()
    assert found.status == "partly_paid"
    assert remaining() == before + D("150.00")
    payments.do_record_payment(
        acting_user=finance,
        document=found,
        amount="250.00",
        received_on=today.isoformat(),
        reference="HSBC 123",
    )
    found.refresh_from_db()
    assert found.status == "paid"
    assert payments.owed(found).outstanding == 0
    assert remaining() == before + D("400.00")
    assert book.balances()[accounts.CASH] == D("400.00")
    assert AuditEvent.objects.filter(verb="billing.payment.record").count() == 2
    with pytest.raises(RuleViolation, match="still owed"):
        payments.do_record_payment(
            acting_user=finance, document=found, amount="1", received_on=today.isoformat()
        )


def test_it_rejects_a_payment_larger_than_what_is_owed_or_dated_in_the_future(
    billed: Award, secretariat: User, finance: User
) -> None:
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="400", reason="audit"
    )
    today = timezone.localdate()
    with pytest.raises(RuleViolation) as too_much:
        payments.do_record_payment(
            acting_user=finance, document=found, amount="400.01", received_on=today.isoformat()
        )
    assert too_much.value.field == "amount"
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    with pytest.raises(RuleViolation) as future:
        payments.do_record_payment(
            acting_user=finance, document=found, amount="1", received_on=tomorrow
        )
    assert future.value.field == "received_on"
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(key__startswith="payment:").exists()


def test_a_write_off_needs_a_second_person_and_leaves_the_subsidy_disbursed(
    billed: Award, secretariat: User, finance: User, make_user: Callable[..., User]
) -> None:
    before = remaining()
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="400", reason="audit"
    )
    today = timezone.localdate().isoformat()
    payments.do_record_payment(acting_user=finance, document=found, amount="100", received_on=today)
    recoveries.do_propose_write_off(acting_user=finance, recovery=found, reason="company wound up")
    with pytest.raises(RuleViolation) as same:
        recoveries.do_decide_write_off(acting_user=finance, recovery=found, approve=True)
    assert same.value.field == "approver"
    found.refresh_from_db()
    assert found.status == "write_off_proposed"
    recoveries.do_decide_write_off(acting_user=secretariat, recovery=found, approve=True)
    found.refresh_from_db()
    assert found.status == "written_off"
    assert found.written_off == D("300.00")
    assert found.written_off_by == secretariat
    assert payments.owed(found).outstanding == 0
    assert remaining() == before + D("100.00")
    ref = award_ref(billed)
    assert book.balances()[accounts.recovery(ref.scheme, ref.call, ref.project)] == 0
    assert LedgerEntry.objects.filter(key=f"writeoff:recovery-{found.pk}").exists()
    figures = annual_report(timezone.localdate().year)
    assert (figures["subsidy_recovered"], figures["subsidy_written_off"]) == ("100.00", "300.00")
    decided = AuditEvent.objects.get(verb="billing.recovery.write_off_decide")
    assert (decided.after or {})["written_off"] == "300.00"
    with pytest.raises(RuleViolation):
        recoveries.do_decide_write_off(
            acting_user=make_user("finance"), recovery=found, approve=True
        )


def test_a_rejected_write_off_returns_the_recovery_to_where_its_payments_left_it(
    billed: Award, secretariat: User, finance: User
) -> None:
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="400", reason="audit"
    )
    with pytest.raises(RuleViolation) as no_reason:
        recoveries.do_propose_write_off(acting_user=finance, recovery=found, reason="")
    assert no_reason.value.field == "write_off_reason"
    recoveries.do_propose_write_off(acting_user=finance, recovery=found, reason="small")
    recoveries.do_decide_write_off(acting_user=secretariat, recovery=found, approve=False)
    found.refresh_from_db()
    assert found.status == "invoiced"
    payments.do_record_payment(
        acting_user=finance,
        document=found,
        amount="400",
        received_on=timezone.localdate().isoformat(),
    )
    with pytest.raises(InvalidTransition):
        recoveries.do_propose_write_off(acting_user=finance, recovery=found, reason="late")


def test_the_secretariat_opens_a_recovery_in_the_portal_and_a_refusal_keeps_what_was_typed(
    billed: Award, secretariat: User, finance: User
) -> None:
    staff = Client()
    staff.force_login(secretariat)
    url = reverse("billing:recovery-open")
    refused = staff.post(url, {"award": billed.pk, "amount": "5000", "reason": "audit found it"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "audit found it" in page
    assert 'value="5000"' in page
    assert "is more than the HK$1000.00" in page
    done = staff.post(url, {"award": billed.pk, "amount": "250", "reason": "audit found it"})
    found = Recovery.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("billing:recovery", args=[found.pk])
    cashier = Client()
    cashier.force_login(finance)
    pay = reverse("billing:recovery-pay", args=[found.pk])
    late = cashier.post(pay, {"amount": "10", "received_on": "2999-01-01", "reference": "X1"})
    assert late.status_code == 422
    assert 'value="X1"' in late.content.decode()
    ok = cashier.post(pay, {"amount": "10", "received_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    assert cashier.get(reverse("billing:recovery", args=[found.pk])).status_code == 200
    assert cashier.get(reverse("billing:recoveries")).status_code == 200


def test_only_its_readers_open_a_recovery_and_only_the_secretariat_opens_one(
    billed: Award, secretariat: User, applicant: User, make_user: Callable[..., User]
) -> None:
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="10", reason="audit"
    )
    page = reverse("billing:recovery", args=[found.pk])
    statuses = {}
    for who, user in {
        "member": applicant,
        "outsider": make_user(),
        "reviewer": make_user("reviewer"),
        "finance": make_user("finance"),
        "auditor": make_user("auditor"),
    }.items():
        client = Client()
        client.force_login(user)
        statuses[who] = (
            client.get(page).status_code,
            client.get(reverse("billing:recoveries")).status_code,
            client.post(reverse("billing:recovery-open"), {}).status_code,
        )
    assert statuses == {
        "member": (200, 403, 403),
        "outsider": (403, 403, 403),
        "reviewer": (403, 403, 403),
        "finance": (200, 200, 403),
        "auditor": (200, 200, 403),
    }


def test_a_refusal_names_the_rule_and_its_figures_in_chinese(
    billed: Award, secretariat: User, finance: User
) -> None:
    staff = Client()
    staff.force_login(secretariat)
    staff.cookies["django_language"] = "zh-hant"
    url = reverse("billing:recovery-open")
    refused = staff.post(url, {"award": billed.pk, "amount": "5000", "reason": "審計"})
    assert refused.status_code == 422
    assert "港幣 5000 元多於批款" in refused.content.decode()
    assert "港幣 1000.00 元" in refused.content.decode()
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="10", reason="audit"
    )
    cashier = Client()
    cashier.force_login(finance)
    cashier.cookies["django_language"] = "zh-hant"
    pay = reverse("billing:recovery-pay", args=[found.pk])
    page = cashier.post(pay, {"amount": "ten", "received_on": "2026-01-01"}).content.decode()
    assert "須為港元金額" in page
    assert "追討發票" in cashier.get(reverse("billing:recovery", args=[found.pk])).content.decode()


def test_the_recovery_invoice_reaches_a_chinese_member_in_chinese(
    billed: Award, secretariat: User, applicant: User, sent: Mails
) -> None:
    applicant.language = "zh-hant"
    applicant.save(update_fields=["language"])
    found = recoveries.do_open_recovery(
        acting_user=secretariat, award=billed, amount="10", reason="audit"
    )
    subject = f"批款 {billed.project_code} 的追討發票 {found.number}"
    assert (applicant.email, subject) in sent()
