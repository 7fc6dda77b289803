"""The capacity chart: one panel per chip, a bar per month, over-limit months marked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.allocations.capacity import MonthRow
from aisc.web.allocations import chart, guard
from aisc.web.allocations.models import CapacityPolicy

D = Decimal


def test_each_chip_gets_a_panel_and_an_over_limit_month_is_marked() -> None:
    rows = [
        MonthRow((2026, 12), "h800", D(744), D(744), D(800)),
        MonthRow((2027, 1), "h800", D(744), D(744), D(100)),
        MonthRow((2026, 12), "br104", D(744), D(744), D(0)),
    ]
    svg = chart.svg(rows, "Committed <vs> limit")
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert 'aria-label="Committed &lt;vs&gt; limit"' in svg
    assert svg.count('class="chip"') == 2
    assert svg.count('class="over"') == 1
    assert svg.count('class="ok"') == 2
    assert "2026-12: 800 / 744" in svg


def test_an_empty_report_still_draws_a_valid_picture() -> None:
    assert chart.svg([], "nothing").count("<rect") == 0


def test_the_overbooking_factor_in_force_is_the_latest_that_started(db: object) -> None:
    assert guard.overbooking(dt.date(2026, 1, 1)) == D("1.00")
    CapacityPolicy.objects.create(valid_from=dt.date(2026, 1, 1), overbooking=D("1.20"))
    CapacityPolicy.objects.create(valid_from=dt.date(2026, 7, 1), overbooking=D("1.50"))
    assert guard.overbooking(dt.date(2026, 6, 30)) == D("1.20")
    assert guard.overbooking(dt.date(2026, 7, 1)) == D("1.50")
