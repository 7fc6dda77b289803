"""Premiums (per partition, for dedicated nodes) are rated on top of the list price, shown as an
amount of their own, and paid by the grantee in full: the subsidy is a share of the list amount
only (the AISS pays "70% of the List Price", domain-facts §1.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.billing.rating import ChargeLine, LineKey, Segment, UnitPrice, rate
from aisc.core.billing.split import Terms
from aisc.core.billing.statement import build_statement, totals

D = Decimal
DAY = dt.date(2026, 3, 5)
SEVENTY = Terms(D("0.70"), D("1000000.00"))


class Prices:
    """H800 at HK$20 (domain-facts §4.2); partition 'ib' +10 %, dedicated nodes +25 %."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        self.asked.append((partition, dedicated))
        fraction = (D("0.10") if partition == "ib" else D(0)) + (D("0.25") if dedicated else 0)
        return UnitPrice(D("20.00"), D("20.00") * fraction)


def line(seconds: int, unit: str, premium: str, partition: str = "ib") -> ChargeLine:
    return ChargeLine(LineKey("p", "h800", partition, D(unit), False, D(premium)), seconds)


def test_a_unit_price_without_a_premium_totals_its_list_price() -> None:
    assert UnitPrice(D("20.00")).premium == D("0.00")
    assert UnitPrice(D("20.00"), D("2.50")).total == D("22.50")


def test_rating_puts_the_premium_beside_the_list_price_of_each_line() -> None:
    prices = Prices()
    segments = [Segment("p", "h800", "ib", DAY, 3600 * 8), Segment("p", "h800", "plain", DAY, 3600)]
    lines = rate(segments, prices)
    assert [(ln.key.partition, ln.key.unit_price, ln.key.premium_price) for ln in lines] == [
        ("ib", D("20.00"), D("2.00")),
        ("plain", D("20.00"), D("0.00")),
    ]
    assert [(ln.list_amount, ln.premium_amount) for ln in lines] == [
        (D("160.00"), D("16.00")),
        (D("20.00"), D("0.00")),
    ]
    assert prices.asked == [("ib", False), ("plain", False)]


def test_a_dedicated_project_is_rated_with_the_dedicated_premium() -> None:
    prices = Prices()
    [ib, plain] = rate(
        [Segment("p", "h800", "ib", DAY, 3600), Segment("p", "h800", "plain", DAY, 3600)],
        prices,
        dedicated=True,
    )
    assert (ib.key.premium_price, ib.premium_amount) == (D("7.00"), D("7.00"))  # 10 % + 25 %
    assert (plain.key.premium_price, plain.premium_amount) == (D("5.00"), D("5.00"))
    assert prices.asked == [("ib", True), ("plain", True)]


def test_the_premium_amount_is_rounded_half_up_once_from_exact_seconds() -> None:
    # 1 GPU-second at HK$2.00 premium = 0.000555…: rounds to 0.00; 9 s = 0.005 rounds up to 0.01
    assert line(1, "20.00", "2.00").premium_amount == D("0.00")
    assert line(9, "20.00", "2.00").premium_amount == D("0.01")
    assert line(9, "20.00", "2.00").list_amount == D("0.05")


def test_the_subsidy_covers_the_list_amount_and_the_grantee_pays_the_premium() -> None:
    statement = build_statement("p", [line(3600 * 8, "20.00", "2.00")], SEVENTY, D(0))
    [only] = statement.lines
    assert (only.split.list_amount, only.premium) == (D("160.00"), D("16.00"))
    assert (only.split.fund_share, only.split.grantee_share) == (D("112.00"), D("48.00"))
    assert (only.due, only.charged) == (D("64.00"), D("176.00"))
    assert (statement.list_amount, statement.premium, statement.subsidy, statement.due) == (
        D("160.00"),
        D("16.00"),
        D("112.00"),
        D("64.00"),
    )


def test_a_commercial_tenant_pays_list_amount_and_premium_in_full() -> None:
    statement = build_statement("t", [line(3600, "20.00", "5.00", "plain")], None, D(0))
    assert (statement.subsidy, statement.due) == (D("0.00"), D("25.00"))


def test_the_premium_does_not_use_up_the_subsidy_cap() -> None:
    cap = Terms(D("0.70"), D("100.00"))
    statement = build_statement(
        "p", [line(3600 * 8, "20.00", "2.00"), line(3600, "20.00", "0.00", "plain")], cap, D(0)
    )
    # 70 % of 160.00 = 112.00, capped at 100.00; the next line gets nothing; premium untouched
    assert [ln.split.fund_share for ln in statement.lines] == [D("100.00"), D("0.00")]
    assert statement.premium == D("16.00")
    assert statement.due == D("60.00") + D("16.00") + D("20.00")
    assert statement.cap_reached


def test_totals_add_the_premiums_of_every_statement() -> None:
    a = build_statement("a", [line(3600, "20.00", "2.00")], SEVENTY, D(0))
    b = build_statement("b", [line(1800, "20.00", "5.00", "plain")], None, D(0))
    summed = totals([a, b])
    assert (summed.list_amount, summed.premium, summed.subsidy, summed.due) == (
        D("30.00"),
        D("4.50"),
        D("14.00"),
        D("20.50"),
    )
    assert summed.list_amount + summed.premium == summed.subsidy + summed.due
