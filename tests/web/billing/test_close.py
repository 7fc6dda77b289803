import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.ledger import accounts
from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.billing.closing import billed
from aisc.web.billing.closing.figures import period_figures
from aisc.web.billing.ledger import book
from aisc.web.billing.models import BillingPeriod, Statement, UsageCharge
from aisc.web.outbox.models import OutboxMessage
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db
D = Decimal
Run = Callable[..., Any]
SUBSIDISED = accounts.disbursed("aiss", "c2026a", "p2026a-001")


def test_closing_a_month_makes_one_statement_per_project_with_the_split(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(
        sacct_line("1", elapsed="01:00:00"),  # 8 GPU-h x HK$20 = 160.00
        # 4 GPU-h x HK$20 = 80.00 list, + 4 x HK$2.00 partition premium = 8.00, not subsidised
        sacct_line("2", elapsed="00:30:00", partition="h800-ib"),
        sacct_line("3", account="tenant-kc", gpus="gres/gpu:h100=2,gres/gpu=2"),  # 2 x 22 = 44
    )
    period = close("2026-03")
    figures = period_figures(period, with_lines=True)
    by_project = {p["project"]: p for p in figures["projects"]}
    grant = by_project["p2026a-001"]
    # subsidy 70 % of 240.00 = 168.00; due 72.00 + the 8.00 premium = 80.00
    assert (
        grant["list_amount"],
        grant["premium"],
        grant["subsidy"],
        grant["due"],
        grant["gpu_hours"],
    ) == ("240.00", "8.00", "168.00", "80.00", "12.0000")
    tenant = by_project["tenant-kc"]
    assert (tenant["list_amount"], tenant["premium"], tenant["subsidy"], tenant["due"]) == (
        "44.00",
        "0.00",
        "0.00",
        "44.00",
    )
    assert figures["total"] == {
        "list_amount": "284.00",
        "premium": "8.00",
        "subsidy": "168.00",
        "due": "124.00",
        "gpu_hours": "14.0000",
    }
    assert [(ln["partition"], ln["unit_price"], ln["premium_price"]) for ln in grant["lines"]] == [
        ("h800", "20.0000", "0.0000"),
        ("h800-ib", "20.0000", "2.0000"),
    ]


def test_the_ledger_after_a_close_balances_and_shows_revenue_receivables_and_subsidy(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1"), sacct_line("2", account="tenant-kc"))
    close("2026-03")
    balances = book.balances()
    assert sum(balances.values()) == 0
    assert balances[accounts.REVENUE] == D("-320.00")
    assert balances[SUBSIDISED] == D("112.00")
    receivables = {k: v for k, v in balances.items() if k.startswith("receivable:")}
    assert sorted(receivables.values()) == [D("48.00"), D("160.00")]


def test_the_cap_limits_the_subsidy_and_the_grantee_is_told(
    ingest_text: Run, close: Run, make_user: Callable[..., User], orgs: tuple[Organisation, ...]
) -> None:
    member, operator = make_user(org=orgs[0]), make_user(Role.OPERATOR)
    make_user(org=orgs[1])  # another organisation's member hears nothing
    # 8 GPUs x 10 h x HK$20 = 1,600.00 list; 70 % would be 1,120.00 but the cap is 1,000.00.
    ingest_text(sacct_line("1", elapsed="10:00:00"))
    period = close("2026-03")
    st = Statement.objects.get(period=period)
    assert (st.subsidy_cents, st.due_cents, st.cap_reached) == (100000, 60000, True)
    mails = [m.payload for m in OutboxMessage.objects.filter(kind="notify.mail")]
    cap_mails = [m for m in mails if "subsidy cap" in m["subject"]]
    assert sorted(m["user_id"] for m in cap_mails) == [member.pk, operator.pk]
    assert cap_mails[0]["subject"] == "p2026a-001 has used 100% of its subsidy cap"
    assert "pays 100% of the list price" in cap_mails[0]["body"]
    ingest_text(sacct_line("2", start="2026-04-02T10:00:00"))
    april = Statement.objects.get(period=close("2026-04"))
    assert (april.subsidy_cents, april.due_cents) == (0, 14400)  # 8 x 18 = 144.00, all due


def test_a_closed_period_cannot_be_closed_again_and_keeps_its_figures(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1"))
    before = period_figures(close("2026-03"))
    with pytest.raises(InvalidTransition) as err:
        close("2026-03")
    assert err.value.field == "period"
    assert period_figures(BillingPeriod.objects.get(month="2026-03")) == before


def test_a_period_that_has_not_ended_cannot_be_closed(ingest_text: Run, close: Run) -> None:
    ingest_text(sacct_line("1"))
    with pytest.raises(RuleViolation, match="has not ended yet"):
        close("2026-03", now=dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC))
    assert UsageCharge.objects.filter(billed.unbilled()).count() == 1
    assert not BillingPeriod.objects.filter(state="closed").exists()


def test_a_later_month_cannot_close_while_an_earlier_one_with_usage_is_open(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1"))
    with pytest.raises(RuleViolation, match="2026-03 has usage and is still open"):
        close("2026-04")


def test_late_usage_for_a_closed_month_lands_in_the_next_period_as_an_adjustment(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1"))
    close("2026-03")
    ingest_text(sacct_line("2", start="2026-03-20T10:00:00"))  # arrives after March closed
    april = close("2026-04")
    [line] = period_figures(april, with_lines=True)["projects"][0]["lines"]
    assert line["late"] is True
    assert line["list_amount"] == "160.00"  # priced at March's HK$20, the day it ran
    assert book.balances()[accounts.ADJUSTMENT] == D("-160.00")
    march = period_figures(BillingPeriod.objects.get(month="2026-03"))
    assert march["total"]["list_amount"] == "160.00"


def test_a_job_still_running_at_close_is_billed_for_the_rest_in_the_next_period(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1", state="RUNNING", elapsed="01:00:00"))
    close("2026-03")
    ingest_text(sacct_line("1", state="COMPLETED", elapsed="03:00:00"))
    april = period_figures(close("2026-04"), with_lines=True)
    [line] = april["projects"][0]["lines"]
    assert (line["late"], line["gpu_hours"], line["list_amount"]) == (True, "16.0000", "320.00")
    charges = sorted((c.gpu_seconds, billed.period_of(c)) for c in UsageCharge.objects.all())
    assert charges == [(8 * 3600, "2026-03"), (16 * 3600, "2026-04")]


def test_a_job_that_shrinks_after_close_is_credited_in_the_next_period(
    ingest_text: Run, close: Run
) -> None:
    ingest_text(sacct_line("1", state="RUNNING", elapsed="02:00:00"))
    close("2026-03")
    ingest_text(sacct_line("1", state="COMPLETED", elapsed="01:00:00"))
    april = period_figures(close("2026-04"))
    grant = april["projects"][0]
    assert (grant["list_amount"], grant["subsidy"], grant["due"]) == (
        "-160.00",
        "-112.00",
        "-48.00",
    )
    assert book.balances()[SUBSIDISED] == D("112.00")


def test_an_empty_month_closes_with_zero_totals(close: Run) -> None:
    figures = period_figures(close("2026-02"))
    assert figures["projects"] == []
    assert figures["total"]["list_amount"] == "0.00"
    assert figures["state"] == "closed"


def test_usage_past_80_and_100_percent_of_released_hours_mails_once_per_level(
    ingest_text: Run, make_user: Callable[..., User], orgs: tuple[Organisation, ...]
) -> None:
    member = make_user(org=orgs[0])
    ingest_text(sacct_line("1", elapsed="10:00:00"))  # 80 of 100 released GPU-hours
    ingest_text(sacct_line("2", elapsed="01:00:00"))  # 88: no new level
    ingest_text(sacct_line("3", elapsed="02:00:00"))  # 104: past 100 %
    subjects = [
        m.payload["subject"]
        for m in OutboxMessage.objects.filter(kind="notify.mail", payload__user_id=member.pk)
    ]
    assert subjects == [
        "p2026a-001 has used 80% of its released GPU-hours",
        "p2026a-001 has used 100% of its released GPU-hours",
    ]
    body = OutboxMessage.objects.filter(kind="notify.mail").last().payload["body"]  # type: ignore[union-attr]
    assert "holds new jobs" in body


def test_a_credit_after_the_cap_first_cancels_usage_the_grantee_paid_in_full(
    ingest_text: Run, close: Run
) -> None:
    # 8 GPUs x 10 h x HK$20 = 1,600.00; 70 % would be 1,120.00 but the cap gives 1,000.00, so
    # 120.00 of the fund's part fell to the grantee. The job then ends an hour shorter: a credit
    # of 160.00, whose 70 % (112.00) lies within those 120.00 — the fund paid none of it.
    ingest_text(sacct_line("1", state="RUNNING", elapsed="10:00:00"))
    march = Statement.objects.get(period=close("2026-03"))
    assert (march.subsidy_cents, march.due_cents) == (100000, 60000)
    ingest_text(sacct_line("1", state="COMPLETED", elapsed="09:00:00"))
    april = period_figures(close("2026-04"))["projects"][0]
    assert (april["list_amount"], april["subsidy"], april["due"]) == ("-160.00", "0.00", "-160.00")
    # In all: 1,440.00 list; min(70 % = 1,008.00, cap 1,000.00) from the fund, 440.00 grantee.
    assert book.balances()[SUBSIDISED] == D("1000.00")


def test_a_credit_larger_than_the_unsubsidised_part_gives_the_rest_back_to_the_cap(
    ingest_text: Run, close: Run
) -> None:
    # March: 1,600.00 list, 1,000.00 subsidy (120.00 left to the grantee). The job is then read
    # 5 h long: a credit of 800.00, 70 % = 560.00; 120.00 of it cancels the unsubsidised part,
    # 440.00 goes back to the cap. In all: 800.00 list, 70 % = 560.00 subsidy, under the cap.
    ingest_text(sacct_line("1", state="RUNNING", elapsed="10:00:00"))
    close("2026-03")
    ingest_text(sacct_line("1", state="COMPLETED", elapsed="05:00:00"))
    april = period_figures(close("2026-04"))["projects"][0]
    assert (april["list_amount"], april["subsidy"], april["due"]) == (
        "-800.00",
        "-440.00",
        "-360.00",
    )
    assert book.balances()[SUBSIDISED] == D("560.00")
