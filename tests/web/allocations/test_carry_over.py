"""The carry-over at a tranche's release: the scheme's percentage of the hours released before it
and unused goes on, the rest is written off at once on the ledger (the award's end's one path),
recorded once with the percent and the hours, audited with who released, and counted in the
annual report's `subsidy_expired`."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from aisc.core.ledger import accounts
from aisc.core.units import round_money
from aisc.web.accounts.models import User
from aisc.web.allocations import credit
from aisc.web.allocations.carry_over import do_carry_over
from aisc.web.allocations.models import Allocation, CreditEvent
from aisc.web.audit.models import AuditEvent
from aisc.web.billing.annual import annual_report
from aisc.web.billing.ledger import book
from aisc.web.billing.models import LedgerEntry, LedgerPosting
from aisc.web.grants.actions.awards import do_release_due_tranches, release_tranche
from aisc.web.grants.models import Award, AwardTranche, Scheme
from tests.fixtures.allocations import use

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inventory", "price")]
D = Decimal


def carry(award: Award, percent: str) -> None:
    Scheme.objects.filter(pk=award.application.call.scheme_id).update(carry_over_percent=D(percent))


def second(award: Award) -> AwardTranche:
    return award.tranches.get(seq=2)


def release_second(award: Award, who: User | None) -> None:
    """As an accepted progress report does, on a day the award runs."""
    at = timezone.make_aware(dt.datetime.combine(award.start_date, dt.time(12)))
    release_tranche(who, second(award), at)


def ref(award: Award) -> tuple[str, str, str]:
    return (award.application.call.scheme.code, award.application.call.code, award.project_code)


def first_hours(award: Award) -> Decimal:
    return award.tranches.get(seq=1).gpu_hours


def test_at_the_default_100_percent_a_release_changes_nothing_but_the_budget(
    running: Allocation, award: Award, committee: User
) -> None:
    assert award.application.call.scheme.carry_over_percent == D(100)
    use(running, 100)
    release_second(award, committee)
    running.refresh_from_db()
    assert running.gpu_hours == first_hours(award) + second(award).gpu_hours
    assert not CreditEvent.objects.filter(kind="carry_over").exists()
    assert not LedgerEntry.objects.filter(key__startswith="expiry:").exists()
    assert not AuditEvent.objects.filter(verb="allocations.credit.carry_over").exists()


def test_at_0_percent_every_unused_hour_of_the_earlier_tranche_is_written_off(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "0")
    use(running, 100)
    release_second(award, committee)
    running.refresh_from_db()
    lost = first_hours(award) - 100
    assert running.gpu_hours == 100 + second(award).gpu_hours  # the used hours, and the new
    (event,) = CreditEvent.objects.filter(allocation=running, kind="carry_over")
    assert (event.percent, event.carried, event.expired, event.tranche_seq) == (D(0), 0, lost, 2)
    assert (event.released, event.used) == (first_hours(award), 100)
    line = running.lines.get(source="not carried into tranche 2")
    assert (line.chip, line.gpu_hours, line.released) == ("h800", -lost, True)
    value = round_money(lost * award.list_price * award.subsidy_rate)
    assert book.balances(accounts.expired(*ref(award))) == {accounts.expired(*ref(award)): value}
    audit = AuditEvent.objects.get(verb="allocations.credit.carry_over")
    assert audit.actor == committee
    assert audit.after is not None
    assert (audit.after["tranche"], audit.after["percent"]) == (2, "0.00")


def test_at_50_percent_half_the_unused_hours_go_on_and_half_are_written_off(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "50")
    use(running, 100)
    release_second(award, committee)
    left = first_hours(award) - 100
    (event,) = CreditEvent.objects.filter(allocation=running, kind="carry_over")
    assert (event.percent, event.carried, event.expired) == (D(50), left / 2, left / 2)
    running.refresh_from_db()
    assert running.gpu_hours == 100 + left / 2 + second(award).gpu_hours
    commitment = accounts.commitment(*ref(award))
    value = round_money(left / 2 * award.list_price * award.subsidy_rate)
    assert book.balances(commitment)[commitment] == award.committed_amount - value


def test_a_release_repeated_writes_off_once(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "25")
    release_second(award, committee)
    release_second(award, committee)  # the same tranche's event again
    assert do_carry_over(running, 2, acting_user=committee) is None  # and the action itself
    assert CreditEvent.objects.filter(kind="carry_over").count() == 1
    assert LedgerEntry.objects.filter(key__startswith="expiry:").count() == 1
    assert running.lines.filter(source="not carried into tranche 2").count() == 1
    assert AuditEvent.objects.filter(verb="allocations.credit.carry_over").count() == 1


def test_the_carry_over_entry_balances_and_the_annual_report_equals_the_ledger(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "40")
    use(running, 10)
    release_second(award, committee)
    (entry,) = LedgerEntry.objects.filter(key=f"expiry:{award.project_code}:tranche-2")
    assert sum(p.amount_cents for p in entry.postings.all()) == 0
    postings = {p.account.split(":")[0]: p.amount_cents for p in entry.postings.all()}
    assert postings["expired"] == -postings["commitment"] > 0
    year = entry.at.year
    expired = LedgerPosting.objects.filter(
        account__startswith="expired:", entry__at__year=year
    ).aggregate(total=Sum("amount_cents"))["total"]
    assert D(annual_report(year)["subsidy_expired"]) == D(expired) / 100
    # The award's end then expires only what the carry-over left, under its own key.
    credit.do_credit_step(running, running.end_date + dt.timedelta(days=1))
    keys = set(LedgerEntry.objects.filter(key__startswith="expiry:").values_list("key", flat=True))
    assert keys == {f"expiry:{award.project_code}", f"expiry:{award.project_code}:tranche-2"}
    running.refresh_from_db()
    assert running.gpu_hours == 10  # what was used is all that stays


def test_nothing_is_carried_or_lost_when_the_earlier_hours_were_all_used(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "0")
    use(running, int(first_hours(award)) + 5)
    release_second(award, committee)
    (event,) = CreditEvent.objects.filter(kind="carry_over")
    assert (event.carried, event.expired) == (0, 0)
    assert not LedgerEntry.objects.filter(key__startswith="expiry:").exists()
    assert not running.lines.filter(gpu_hours__lt=0).exists()


def test_a_pending_or_ended_allocation_and_the_first_release_carry_nothing(
    running: Allocation, award: Award, committee: User
) -> None:
    carry(award, "0")
    running.credit_stage = "expired"
    running.save(update_fields=["credit_stage"])
    assert do_carry_over(running, 2, acting_user=committee) is None
    running.credit_stage, running.status = "open", "pending"
    running.save(update_fields=["credit_stage", "status"])
    assert do_carry_over(running, 2, acting_user=committee) is None
    running.status = "active"
    running.save(update_fields=["status"])
    running.lines.filter(tranche_seq=1).update(released=False)
    assert do_carry_over(running, 2, acting_user=committee) is None  # nothing released before
    assert do_carry_over(running, 9, acting_user=committee) is None  # no such tranche
    assert not CreditEvent.objects.exists()


class Undo(Exception):
    """Rolls one random draw back, so the next starts from the same award."""


def test_over_random_percents_and_use_the_ledger_balances_and_the_report_equals_it(
    running: Allocation, award: Award, committee: User
) -> None:
    rng = random.Random(18)
    first = first_hours(award)
    for _ in range(6):
        percent = rng.choice((D(0), D(1), D(33), D(50), D(99), D(rng.randint(0, 9999)) / 100))
        used = rng.randint(0, int(first) + 10)
        with contextlib.suppress(Undo), transaction.atomic():
            carry(award, str(percent))
            use(running, used)
            release_second(award, committee)
            left = max(first - used, D(0))
            (event,) = CreditEvent.objects.filter(kind="carry_over")
            assert event.carried + event.expired == left
            assert event.carried == (left * percent / 100).quantize(D("0.01"), ROUND_DOWN)
            cents = LedgerPosting.objects.filter(entry__key__startswith="expiry:")
            assert sum(p.amount_cents for p in cents) == 0  # balanced
            expired = sum(p.amount_cents for p in cents if p.account.startswith("expired:"))
            assert D(expired) / 100 == round_money(
                event.expired * award.list_price * award.subsidy_rate
            )
            year = timezone.localdate().year
            assert D(annual_report(year)["subsidy_expired"]) == D(expired) / 100
            running.refresh_from_db()
            assert running.gpu_hours == first - event.expired + second(award).gpu_hours
            raise Undo


def test_a_release_the_worker_makes_on_the_start_date_carries_over_as_the_system(
    running: Allocation, award: Award
) -> None:
    carry(award, "0")
    use(running, 1)
    tranche = second(award)
    tranche.release_on = award.start_date
    tranche.save(update_fields=["release_on"])
    assert do_release_due_tranches(award.start_date) == [f"{award.project_code} #2"]
    (event,) = CreditEvent.objects.filter(kind="carry_over")
    assert event.expired == first_hours(award) - 1
    assert AuditEvent.objects.get(verb="allocations.credit.carry_over").actor is None
