"""The credit lifecycle of an award's allocation: a mail at 80 % of the released GPU-hours, no
new jobs at 100 % (through the Slurm sync), a reopening with more hours, and at the award's end
the unused hours expire and their subsidy is written off the commitment on the ledger, each
step recorded, audited by the system and taken once however often the worker runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from aisc.core.allocations import credit as core_credit
from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts
from aisc.core.ledger.entries import make_entry, posting
from aisc.core.units import round_money
from aisc.web import worker_tasks
from aisc.web.accounts.models import User
from aisc.web.allocations import cluster, credit, events, sync
from aisc.web.allocations.models import Allocation, AllocationLine, CreditEvent
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import alerting
from aisc.web.billing.annual import annual_report
from aisc.web.billing.ledger import book, expiry
from aisc.web.billing.models import LedgerEntry
from aisc.web.billing.projects import Project, StaticDirectory
from aisc.web.catalogue.prices import list_price
from aisc.web.grants.models import Award
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.allocations import use
from tests.fixtures.grants import Mails

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inventory", "price")]
D = Decimal


def released(allocation: Allocation) -> Decimal:
    return allocation.gpu_hours


def credit_mails(sent: Mails) -> list[str]:
    return [subject for _, subject in sent() if "GPU-hours" in subject]


def test_use_past_80_percent_warns_the_grantee_once_in_their_language(
    running: Allocation, sent: Mails
) -> None:
    during = running.start_date
    use(running, int(released(running) * D("0.85")))
    assert credit.do_credit_step(running, during) == ["warn"]
    assert credit.do_credit_step(running, during) == []  # the worker again: nothing new
    running.refresh_from_db()
    assert running.credit_stage == "warned"
    assert running.status == "active"
    (mail,) = credit_mails(sent)
    assert "85% of its released GPU-hours" in mail
    (event,) = CreditEvent.objects.filter(allocation=running)
    assert (event.kind, event.used) == ("warn", int(released(running) * D("0.85")))
    audit = AuditEvent.objects.filter(verb="allocations.credit.warn")
    assert audit.count() == 1
    assert audit.get().actor is None  # the system


def test_use_of_every_released_hour_stops_new_jobs_on_slurm_and_says_so(
    running: Allocation, sent: Mails
) -> None:
    use(running, int(released(running)))
    assert credit.do_credit_step(running, running.start_date) == ["stop"]
    running.refresh_from_db()
    assert (running.status, running.credit_stage) == ("exhausted", "stopped")
    sync.apply()
    account = cluster.adapter().read_state().accounts[running.project_code]
    assert account.suspended  # GrpJobs=0 and GrpSubmitJobs=0: no new jobs
    assert any("new jobs are stopped" in s for s in credit_mails(sent))
    assert AuditEvent.objects.filter(verb="allocations.credit.stop").count() == 1


def test_more_released_hours_reopen_a_stopped_budget_and_jobs_start_again(
    running: Allocation,
) -> None:
    use(running, int(released(running)))
    credit.do_credit_step(running, running.start_date)
    line = running.lines.filter(released=True).first()
    assert line is not None
    line.gpu_hours += 10 * line.gpu_hours  # as a tranche or a top-up would
    line.save()
    assert credit.do_credit_step(running, running.start_date) == ["reopen"]
    running.refresh_from_db()
    assert (running.status, running.credit_stage) == ("active", "open")
    sync.apply()
    assert not cluster.adapter().read_state().accounts[running.project_code].suspended


def test_at_the_end_the_unused_hours_expire_and_their_subsidy_is_written_off_once(
    running: Allocation, award: Award, sent: Mails
) -> None:
    before = released(running)
    use(running, 100)
    after_end = running.end_date + dt.timedelta(days=1)
    assert credit.do_credit_steps(after_end) == [f"{running.project_code}: expire"]
    assert credit.do_credit_steps(after_end) == []  # idempotent: the worker runs it again
    running.refresh_from_db()
    assert (running.status, running.credit_stage) == ("expired", "expired")
    assert released(running) == D(100)  # the unused hours left the budget
    (event,) = CreditEvent.objects.filter(allocation=running, kind="expire")
    assert event.expired == before - 100
    ref = (award.application.call.scheme.code, award.application.call.code, award.project_code)
    value = (before - 100) * award.list_price * award.subsidy_rate
    assert book.balances(accounts.expired(*ref)) == {accounts.expired(*ref): value}
    assert book.balances(accounts.commitment(*ref))[accounts.commitment(*ref)] == (
        award.committed_amount - value
    )
    (entry,) = LedgerEntry.objects.filter(key=f"expiry:{award.project_code}")
    assert sum(p.amount_cents for p in entry.postings.all()) == 0  # balanced
    year = timezone_year(entry)
    assert D(annual_report(year)["subsidy_expired"]) == value
    assert any("have expired" in s for _, s in sent())
    assert AuditEvent.objects.filter(verb="allocations.credit.expire").count() == 1


def timezone_year(entry: LedgerEntry) -> int:
    return entry.at.year


def test_a_tenant_and_a_pending_allocation_are_left_alone(
    make_allocation: Callable[..., Allocation], running: Allocation
) -> None:
    tenant = make_allocation("com-a")
    use(tenant, 10**6)
    assert credit.do_credit_step(tenant, tenant.start_date) == []
    running.status = "pending"
    running.save(update_fields=["status"])
    use(running, 10**6)
    assert credit.do_credit_step(running, running.start_date) == []


def test_the_thresholds_come_from_the_settings(running: Allocation, settings: object) -> None:
    settings.AISC_CREDIT_WARN_PERCENT = 50  # type: ignore[attr-defined]
    settings.AISC_CREDIT_STOP_PERCENT = 60  # type: ignore[attr-defined]
    assert credit.thresholds() == core_credit.Thresholds(50, 60)
    use(running, int(released(running) * D("0.6")))
    assert credit.do_credit_step(running, running.start_date) == ["stop"]


def test_use_past_the_budget_at_the_end_expires_nothing_and_writes_nothing_off(
    running: Allocation, award: Award
) -> None:
    use(running, int(released(running)) + 50)
    after_end = running.end_date + dt.timedelta(days=1)
    assert credit.do_credit_step(running, after_end) == ["expire"]
    (event,) = CreditEvent.objects.filter(allocation=running)
    assert event.expired == 0
    assert not LedgerEntry.objects.filter(key__startswith="expiry:").exists()
    running.refresh_from_db()
    assert not running.lines.filter(source="expired").exists()
    assert running.status == "expired"


def test_the_write_off_is_never_more_than_the_commitment_still_undisbursed(
    running: Allocation, award: Award
) -> None:
    ref = (award.application.call.scheme.code, award.application.call.code, award.project_code)
    with transaction.atomic():
        book.post(
            [
                make_entry(
                    "test-disbursed",
                    "usage billed",
                    timezone.now(),
                    [
                        posting(accounts.disbursed(*ref), award.committed_amount - D(10)),
                        posting(accounts.REVENUE, -(award.committed_amount - D(10))),
                    ],
                )
            ]
        )
    credit.do_credit_step(running, running.end_date + dt.timedelta(days=1))
    assert book.balances(accounts.expired(*ref)) == {accounts.expired(*ref): D(10)}


def test_hours_exchanged_to_another_chip_expire_at_that_chips_list_price(
    running: Allocation, award: Award
) -> None:
    AllocationLine.objects.create(
        allocation=running, chip="br104", gpu_hours=D(100), released=True, source="exchange 1"
    )
    h800 = released(running) - D(100)
    after_end = running.end_date + dt.timedelta(days=1)
    credit.do_credit_step(running, after_end)
    expected = round_money(
        (h800 * award.list_price + D(100) * list_price("br104", timezone.localdate()))
        * award.subsidy_rate
    )
    ref = (award.application.call.scheme.code, award.application.call.code, award.project_code)
    assert book.balances(accounts.expired(*ref))[accounts.expired(*ref)] == expected
    lines = running.lines.filter(source="expired").order_by("chip")
    assert [(line.chip, line.gpu_hours) for line in lines] == [("br104", D(-100)), ("h800", -h800)]


def test_the_expiry_is_one_balanced_entry_that_a_second_posting_leaves_alone(
    running: Allocation, award: Award
) -> None:
    after_end = running.end_date + dt.timedelta(days=1)
    credit.do_credit_step(running, after_end)
    (entry,) = LedgerEntry.objects.filter(key__startswith="expiry:")
    postings = {p.account.split(":")[0]: p.amount_cents for p in entry.postings.all()}
    assert postings["expired"] == -postings["commitment"] > 0
    # The same key again with another amount is refused: a key names one fact for ever.
    with pytest.raises(RuleViolation), transaction.atomic():
        expiry.on_credit_expired(events.CreditExpired(running, {"h800": D(1)}, entry.key, entry.at))
    assert LedgerEntry.objects.filter(key__startswith="expiry:").count() == 1


def test_a_stopped_budget_warned_again_after_a_small_raise_mails_the_warning_anew(
    running: Allocation, sent: Mails
) -> None:
    total = released(running)
    use(running, int(total))
    credit.do_credit_step(running, running.start_date)
    AllocationLine.objects.create(
        allocation=running, chip="h800", gpu_hours=total / 10, released=True, source="top-up 1"
    )
    assert credit.do_credit_step(running, running.start_date) == ["reopen", "warn"]
    running.refresh_from_db()
    assert (running.status, running.credit_stage) == ("active", "warned")
    subjects = credit_mails(sent)
    assert len(subjects) == 2
    assert "90% of its released GPU-hours" in subjects[-1]


def test_the_mail_goes_to_the_grantees_members_only_and_in_chinese_to_who_chose_it(
    running: Allocation, make_user: Callable[..., User], sent: Mails
) -> None:
    member = make_user(org=running.organisation, email="zh@example.hk", language="zh-hant")
    make_user("operator", email="ops@example.hk")
    use(running, int(released(running) * D("0.9")))
    credit.do_credit_step(running, running.start_date)
    to = {email for email, _ in sent()}
    assert member.email in to
    assert "ops@example.hk" not in to
    body = (
        OutboxMessage.objects.filter(kind="notify.mail", payload__user_id=member.pk)
        .last()
        .payload["body"]  # type: ignore[union-attr]
    )
    assert "已用其" in body
    # The step runs in the worker, whose language is English: the subject is the member's own.
    percent = int(D("0.9") * 100)
    assert (member.email, f"{running.project_code} 已用其已發放 GPU 時數的 {percent}%") in sent()


def test_an_ingest_takes_the_credit_steps_of_the_projects_it_read(running: Allocation) -> None:
    use(running, int(released(running)))
    credit.do_credit_steps(running.start_date, codes=["someone-else"])
    running.refresh_from_db()
    assert running.credit_stage == "open"  # another project's reading leaves it alone
    credit.do_credit_steps(running.start_date, codes=[running.project_code])
    running.refresh_from_db()
    assert running.credit_stage == "stopped"


def test_the_worker_task_is_registered_and_reports_its_steps(running: Allocation) -> None:
    task = next(t for t in worker_tasks.registered() if t.name == credit.TASK)
    assert task.every.total_seconds() > 0
    first = credit.periodic()
    assert first.endswith(" credit steps")
    assert credit.periodic() == "0 credit steps"  # what the first took is not taken again


def test_an_awards_allocation_gets_its_credit_mails_not_the_tenants_usage_alerts_too(
    running: Allocation,
    make_allocation: Callable[..., Allocation],
    make_user: Callable[..., User],
    sent: Mails,
) -> None:
    tenant = make_allocation("com-a", hours=1000)
    reader = make_user(org=tenant.organisation, email="zh@tenant.hk", language="zh-hant")
    use(tenant, 900)
    use(running, int(released(running) * D("0.9")))
    directory = StaticDirectory(
        [
            Project(tenant.project_code, tenant.organisation_id, None, None, D(1000)),
            Project(running.project_code, running.organisation_id, None, None, released(running)),
        ]
    )
    raised = alerting.check_usage([tenant.project_code, running.project_code], directory)
    assert raised == [(tenant.project_code, alerting.GPU_HOURS, 80)]  # the tenant alone
    assert (reader.email, f"{tenant.project_code} 已使用已發放 GPU 小時的 80%") in sent()
    credit.do_credit_steps(running.start_date, [running.project_code])
    about_award = [s for to, s in sent() if running.project_code in s and to != reader.email]
    assert about_award == [f"{running.project_code} has used 90% of its released GPU-hours"]


def test_the_stop_and_expiry_mails_read_in_chinese_for_a_member_who_chose_it(
    running: Allocation, make_user: Callable[..., User]
) -> None:
    member = make_user(org=running.organisation, language="zh-hant")
    use(running, int(released(running)))
    credit.do_credit_step(running, running.start_date)
    credit.do_credit_step(running, running.end_date + dt.timedelta(days=1))
    bodies = [
        m.payload["body"]
        for m in OutboxMessage.objects.filter(kind="notify.mail", payload__user_id=member.pk)
    ]
    assert len(bodies) == 2
    assert "不再接受此項目的新作業" in bodies[0]  # stopped
    assert "已到期並予以撇銷" in bodies[1]  # expired
