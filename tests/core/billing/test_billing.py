import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from aisc.core.billing import alerts
from aisc.core.billing.periods import PeriodState, check_closable, transition
from aisc.core.billing.rating import ChargeLine, LineKey, Segment, UnitPrice, rate
from aisc.core.billing.split import Terms, split_line
from aisc.core.billing.statement import build_statement, totals
from aisc.core.errors import InvalidTransition, NotFound, RuleViolation
from aisc.core.metering.split import Month

D = Decimal
HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
DAY = dt.date(2026, 3, 5)
SEVENTY = Terms(D("0.70"), D("1000000.00"))


class Prices:
    """HK$20 per H800 GPU-hour (domain-facts §4.2) to March, HK$18 after; a premium of HK$2 on
    partition 'ib', and of HK$1 more for dedicated nodes."""

    calls = 0

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        self.calls += 1
        if chip != "h800":
            raise NotFound(f"chip: no rate for {chip!r} on {day}", field="chip")
        base = D("20") if day < dt.date(2026, 4, 1) else D("18")
        return UnitPrice(base, (D("2") if partition == "ib" else D(0)) + (D(1) if dedicated else 0))


def test_the_fund_pays_its_rate_and_the_grantee_the_rest() -> None:
    s = split_line(D("100.00"), SEVENTY, D("0"))
    assert (s.fund_share, s.grantee_share, s.capped) == (D("70.00"), D("30.00"), False)


def test_the_fund_share_is_rounded_half_up_once() -> None:
    s = split_line(D("0.05"), SEVENTY, D("0"))
    assert s.fund_share == D("0.04")  # 0.035 → 0.04
    assert s.grantee_share == D("0.01")


def test_the_cap_limits_the_fund_share_and_the_grantee_pays_the_difference() -> None:
    terms = Terms(D("0.70"), D("100.00"))
    s = split_line(D("100.00"), terms, D("60.00"))
    assert (s.fund_share, s.grantee_share, s.capped) == (D("40.00"), D("60.00"), True)
    after = split_line(D("100.00"), terms, D("100.00"))
    assert (after.fund_share, after.grantee_share, after.capped) == (D("0"), D("100.00"), True)


def test_a_commercial_project_pays_in_full() -> None:
    s = split_line(D("123.45"), None, D("0"))
    assert (s.fund_share, s.grantee_share) == (D("0"), D("123.45"))


def test_a_negative_correction_gives_back_subsidy_but_never_more_than_was_used() -> None:
    s = split_line(D("-100.00"), SEVENTY, D("50.00"))
    assert (s.fund_share, s.grantee_share, s.capped) == (D("-50.00"), D("-50.00"), False)
    full = split_line(D("-10.00"), SEVENTY, D("50.00"))
    assert full.fund_share == D("-7.00")


def test_an_unrounded_list_amount_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        split_line(D("1.005"), SEVENTY, D("0"))
    assert err.value.field == "list_amount"


@pytest.mark.parametrize(
    ("rate_", "cap", "field"), [("1.2", "0", "subsidy_rate"), ("0.7", "-1", "subsidy_cap")]
)
def test_terms_out_of_range_are_refused(rate_: str, cap: str, field: str) -> None:
    with pytest.raises(RuleViolation) as err:
        Terms(D(rate_), D(cap))
    assert err.value.field == field


def test_rating_groups_segments_by_project_chip_partition_and_price() -> None:
    prices = Prices()
    segments = [
        Segment("p1", "h800", "shared", DAY, 3600 * 8),
        Segment("p1", "h800", "shared", DAY, 1800),
        Segment("p1", "h800", "ib", DAY, 3600),
        Segment("p1", "h800", "shared", dt.date(2026, 4, 2), 3600),
        Segment("p1", "h800", "shared", DAY, 3600, late=True),
        Segment("p2", "h800", "shared", DAY, 0),
    ]
    lines = rate(segments, prices)
    assert [(ln.key.partition, ln.key.unit_price, ln.key.late, ln.gpu_seconds) for ln in lines] == [
        ("ib", D("20"), False, 3600),
        ("shared", D("18"), False, 3600),
        ("shared", D("20"), False, 30600),
        ("shared", D("20"), True, 3600),
    ]
    assert lines[2].gpu_hours == D("8.5000")
    assert lines[2].list_amount == D("170.00")
    assert prices.calls == 3  # one price look-up per (chip, partition, day)


def test_rating_an_unknown_chip_raises_not_found() -> None:
    with pytest.raises(NotFound) as err:
        rate([Segment("p1", "mi300x", "shared", DAY, 60)], Prices())
    assert err.value.field == "chip"


def test_a_line_amount_is_rounded_once_from_exact_seconds() -> None:
    line = ChargeLine(LineKey("p", "h800", "s", D("20"), False), 1)  # 20/3600 = 0.00555…
    assert line.list_amount == D("0.01")
    assert line.gpu_hours == D("0.0003")


def test_a_statement_uses_up_the_cap_line_by_line_and_says_when_it_was_reached() -> None:
    terms = Terms(D("0.70"), D("100.00"))
    charges = [
        ChargeLine(LineKey("p1", "h800", "a", D("20"), False), 3600 * 5),  # 100.00
        ChargeLine(LineKey("p1", "h800", "b", D("20"), False), 3600 * 5),  # 100.00
    ]
    st = build_statement("p1", charges, terms, cap_used_before=D("0"))
    assert [ln.split.fund_share for ln in st.lines] == [D("70.00"), D("30.00")]
    assert (st.list_amount, st.subsidy, st.due) == (D("200.00"), D("100.00"), D("100.00"))
    assert st.cap_reached
    assert st.gpu_seconds == 36000
    total = totals([st, build_statement("p2", [], None, D("0"))])
    assert (total.list_amount, total.subsidy, total.due, total.gpu_seconds) == (
        D("200.00"),
        D("100.00"),
        D("100.00"),
        36000,
    )


def test_a_period_closes_once_and_only_after_it_has_ended() -> None:
    march = Month(2026, 3)
    after = dt.datetime(2026, 4, 1, 0, 0, tzinfo=HK)
    check_closable(march, PeriodState.OPEN, after, HK)
    with pytest.raises(InvalidTransition, match="already closed"):
        check_closable(march, PeriodState.CLOSED, after, HK)
    with pytest.raises(RuleViolation) as err:
        check_closable(march, PeriodState.OPEN, after - dt.timedelta(seconds=1), HK)
    assert err.value.field == "period"
    assert "has not ended yet" in err.value.message
    assert transition(PeriodState.OPEN, PeriodState.CLOSED) is PeriodState.CLOSED
    with pytest.raises(InvalidTransition):
        transition(PeriodState.CLOSED, PeriodState.OPEN)


def test_alerts_fire_at_80_and_100_percent_each_once() -> None:
    assert alerts.level_reached(D("79.9"), D("100")) == 0
    assert alerts.level_reached(D("80"), D("100")) == 80
    assert alerts.level_reached(D("150"), D("100")) == 100
    assert alerts.new_levels(0, D("100"), D("100")) == [80, 100]
    assert alerts.new_levels(80, D("85"), D("100")) == []
    assert alerts.new_levels(80, D("100"), D("100")) == [100]


def test_a_zero_limit_is_reached_by_any_use() -> None:
    assert alerts.level_reached(D("0"), D("0")) == 0
    assert alerts.level_reached(D("1"), D("0")) == 100
