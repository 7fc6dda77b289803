"""Which close billed a charge, from watermarks alone, against an explicit model that stamps the
closing period on every charge it bills (what closing used to write into each row)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.watermarks import Band, Close, billed_by, unbilled_bands

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


def in_bands(month: str, number: int, bands: list[Band], last: str | None) -> bool:
    """Whether a charge is unbilled by the bands' rule, as the database query applies it."""
    if last is None or month > last:
        return True
    for band in bands:
        inside = month <= band.up_to if band.up_to else month in band.months
        if inside:
            return number > band.above
    raise AssertionError(f"{month} is in no band")  # every month up to `last` must be covered


def test_without_closes_every_charge_is_unbilled() -> None:
    assert billed_by("2026-03", 1, []) is None
    assert unbilled_bands([]) == ([], None)


def test_a_close_bills_its_month_and_earlier_ones_up_to_its_watermark() -> None:
    march = Close("2026-03", 10)
    assert billed_by("2026-03", 10, [march]) == march
    assert billed_by("2026-01", 3, [march]) == march
    assert billed_by("2026-03", 11, [march]) is None  # written after the close: late usage
    assert billed_by("2026-04", 5, [march]) is None  # a later month: not billed by March


def test_late_usage_is_billed_by_the_next_close() -> None:
    march, april = Close("2026-03", 10), Close("2026-04", 25)
    assert billed_by("2026-03", 17, [april, march]) == april
    assert billed_by("2026-03", 9, [april, march]) == march


def test_months_between_two_closed_months_share_the_later_watermark() -> None:
    bands, last = unbilled_bands([Close("2026-02", 5), Close("2026-05", 40)])
    assert last == "2026-05"
    assert bands == [
        Band((), 40, up_to="2026-02"),
        Band(("2026-03", "2026-04", "2026-05"), 40),
    ]


def test_an_earlier_month_closed_later_keeps_the_higher_watermark_of_later_months() -> None:
    # May closed first (it billed March's charges too); March closed afterwards bills only what
    # arrived for March since.
    bands, last = unbilled_bands([Close("2026-05", 40), Close("2026-03", 55)])
    assert (bands, last) == (
        [Band((), 55, up_to="2026-03"), Band(("2026-04", "2026-05"), 40)],
        "2026-05",
    )


Step = tuple[str, str]  # ("write", month) or ("close", month)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["write", "write", "close"]), st.sampled_from(MONTHS)),
        max_size=40,
    )
)
def test_watermarks_assign_every_charge_to_the_period_that_stamped_it(steps: list[Step]) -> None:
    stamped: dict[int, str | None] = {}  # charge number -> the month of the close that billed it
    month_of: dict[int, str] = {}
    closes: list[Close] = []
    closed: set[str] = set()
    for action, month in steps:
        if action == "write":
            number = len(month_of) + 1
            month_of[number], stamped[number] = month, None
        elif month not in closed:
            for number, its_month in month_of.items():
                if stamped[number] is None and its_month <= month:
                    stamped[number] = month
            closes.append(Close(month, len(month_of)))
            closed.add(month)
    bands, last = unbilled_bands(closes)
    for number, month in month_of.items():
        close = billed_by(month, number, closes)
        assert (close.month if close else None) == stamped[number]
        assert in_bands(month, number, bands, last) == (stamped[number] is None)
