"""Settling what is owed: amounts as typed, payments against what is outstanding, ageing."""

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.billing import settlement
from aisc.core.billing.settlement import Settlement
from aisc.core.errors import RuleViolation

D = Decimal
ISSUED = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1250.50", "1250.50"), (" 1,250 ", "1250"), ("HK$ 3.1", "3.1"), ("0.01", "0.01")],
)
def test_it_reads_an_amount_as_typed(typed: str, value: str) -> None:
    assert settlement.parse_amount(typed) == D(value)


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("", "amount in HK$"),
        ("ten", "amount in HK$"),
        ("1.005", "to the cent"),
        ("Infinity", "to the cent"),
        ("0", "more than zero"),
        ("-5", "more than zero"),
    ],
)
def test_it_rejects_an_amount_that_is_not_money_naming_the_field_and_rule(
    typed: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        settlement.parse_amount(typed, field="paid")
    assert refused.value.field == "paid"
    assert rule in refused.value.message


def test_a_payment_up_to_what_is_owed_is_taken() -> None:
    assert settlement.check_payment(D("10.00"), D("10.00")) == D("10.00")


def test_it_rejects_a_payment_larger_than_what_is_owed() -> None:
    with pytest.raises(RuleViolation) as refused:
        settlement.check_payment(D("10.01"), D("10.00"))
    assert refused.value.field == "amount"
    assert "still owed" in refused.value.message


def test_it_rejects_a_payment_of_nothing() -> None:
    with pytest.raises(RuleViolation, match="more than zero"):
        settlement.check_payment(D("0"), D("10.00"))


def test_outstanding_is_the_amount_less_what_was_paid_and_written_off() -> None:
    assert settlement.outstanding(D("100"), D("30"), D("20")) == D("50")
    assert settlement.outstanding(D("100"), D("30")) == D("70")


def test_settlement_says_unpaid_partly_paid_or_paid() -> None:
    assert settlement.settlement(D("100"), D("0")) is Settlement.UNPAID
    assert settlement.settlement(D("100"), D("1")) is Settlement.PARTLY_PAID
    assert settlement.settlement(D("100"), D("100")) is Settlement.PAID


@pytest.mark.parametrize(
    ("days", "name"),
    [
        (-3, "0-30"),
        (0, "0-30"),
        (30, "0-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, ">90"),
        (400, ">90"),
    ],
)
def test_each_document_falls_in_the_bucket_of_its_age(days: int, name: str) -> None:
    assert settlement.bucket(ISSUED, ISSUED + dt.timedelta(days=days)) == name


def test_ageing_sums_what_is_outstanding_per_bucket_and_skips_what_is_settled() -> None:
    today = dt.date(2026, 6, 1)
    items = [
        (dt.date(2026, 5, 20), D("10.00")),
        (dt.date(2026, 5, 25), D("5.00")),
        (dt.date(2026, 4, 1), D("7.00")),
        (dt.date(2026, 1, 1), D("100.00")),
        (dt.date(2026, 1, 1), D("0.00")),
    ]
    assert settlement.ageing(items, today) == {
        "0-30": D("15.00"),
        "31-60": D("0.00"),
        "61-90": D("7.00"),
        ">90": D("100.00"),
    }


def test_it_reads_a_day_as_typed_and_rejects_one_that_is_not_a_date() -> None:
    assert settlement.parse_day(" 2026-02-03 ") == dt.date(2026, 2, 3)
    with pytest.raises(RuleViolation) as refused:
        settlement.parse_day("3 Feb")
    assert refused.value.field == "received_on"
    assert "YYYY-MM-DD" in refused.value.message


def test_money_is_received_between_the_documents_date_and_today() -> None:
    today = dt.date(2026, 3, 1)
    assert settlement.check_received_on(ISSUED, ISSUED, today) == ISSUED
    with pytest.raises(RuleViolation, match="future") as late:
        settlement.check_received_on(dt.date(2026, 3, 2), ISSUED, today)
    assert late.value.field == "received_on"
    with pytest.raises(RuleViolation, match="before the document was issued"):
        settlement.check_received_on(dt.date(2025, 12, 31), ISSUED, today)
