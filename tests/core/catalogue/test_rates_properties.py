"""Rate cards under supersession: a new card never rewrites the past, always leaves a valid
tiling, and every day from the first card on has exactly one price."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.catalogue.rates import RateSpan, check_rate_cards, price_on, supersede
from aisc.core.errors import NotFound, RuleViolation

D = Decimal
EPOCH = dt.date(2025, 1, 1)
prices = st.integers(1, 10_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=150)
@given(
    gaps=st.lists(st.integers(1, 400), min_size=1, max_size=6, unique=True),
    amounts=st.lists(prices, min_size=7, max_size=7),
    probe=st.integers(-30, 3000),
)
def test_superseding_card_by_card_keeps_every_earlier_price_and_one_price_a_day(
    gaps: list[int], amounts: list[Decimal], probe: int
) -> None:
    cards = [RateSpan("h800", EPOCH, None, amounts[0])]
    history = [(EPOCH, amounts[0])]  # (first day, price) as the operators entered them
    day = EPOCH
    for gap, amount in zip(sorted(gaps), amounts[1:], strict=False):
        day = EPOCH + dt.timedelta(days=gap)
        before = {d: price_on(cards, "h800", d) for d in (EPOCH, day - dt.timedelta(days=1))}
        new = RateSpan("h800", day, None, amount)
        cards = [*supersede(cards, new), new]
        check_rate_cards(cards)
        for d, price in before.items():
            assert price_on(cards, "h800", d) == price  # the past is never rewritten
        history.append((day, amount))
    on = EPOCH + dt.timedelta(days=probe)
    in_force = [price for first, price in history if first <= on]
    if not in_force:
        with pytest.raises(NotFound, match="no rate card for h800"):
            price_on(cards, "h800", on)
    else:
        assert price_on(cards, "h800", on) == in_force[-1]
        assert sum(1 for c in cards if c.covers(on)) == 1


@settings(max_examples=150)
@given(
    cuts=st.lists(st.integers(1, 1000), min_size=1, max_size=6, unique=True),
    seed=st.integers(0, 2**32),
)
def test_the_tiling_check_does_not_depend_on_the_order_cards_are_listed(
    cuts: list[int], seed: int
) -> None:
    days = [EPOCH, *(EPOCH + dt.timedelta(days=c) for c in sorted(cuts))]
    cards = [RateSpan("h800", a, b, D(1)) for a, b in zip(days, [*days[1:], None], strict=True)]
    cards += [RateSpan("a100", EPOCH, None, D(2))]
    shuffled = list(cards)
    random.Random(seed).shuffle(shuffled)
    check_rate_cards(shuffled)
    # Dropping any inner card leaves a gap, refused whatever the order.
    if len(cards) > 3:
        holed = [c for c in shuffled if c != cards[1]]
        with pytest.raises(RuleViolation, match="gap"):
            check_rate_cards(holed)


@pytest.mark.parametrize(
    ("cards", "rule"),
    [
        # Ends on 1 March, the next starts 2 March: 1 March has no price.
        (
            [
                RateSpan("h800", dt.date(2026, 1, 1), dt.date(2026, 3, 1), D(20)),
                RateSpan("h800", dt.date(2026, 3, 2), None, D(18)),
            ],
            "leave a gap",
        ),
        # Ends on 1 March (exclusive) and the next starts 28 February: two prices on 28-29 Feb.
        (
            [
                RateSpan("h800", dt.date(2026, 1, 1), dt.date(2026, 3, 1), D(20)),
                RateSpan("h800", dt.date(2026, 2, 28), None, D(18)),
            ],
            "overlap",
        ),
        # Two open-ended cards.
        (
            [
                RateSpan("h800", dt.date(2026, 1, 1), None, D(20)),
                RateSpan("h800", dt.date(2026, 6, 1), None, D(18)),
            ],
            "overlap",
        ),
    ],
)
def test_gaps_and_overlaps_worked_by_hand_are_refused(cards: list[RateSpan], rule: str) -> None:
    with pytest.raises(RuleViolation, match=rule) as err:
        check_rate_cards(cards)
    assert err.value.field == "valid_from"


def test_a_card_ends_the_day_before_its_valid_to() -> None:
    card = RateSpan("h800", dt.date(2026, 1, 1), dt.date(2026, 3, 1), D(20))
    assert card.covers(dt.date(2026, 1, 1))
    assert card.covers(dt.date(2026, 2, 28))
    assert not card.covers(dt.date(2026, 3, 1))  # valid_to is the first day it no longer applies
    assert not card.covers(dt.date(2025, 12, 31))


def test_superseding_from_the_open_cards_own_first_day_is_an_overlap() -> None:
    open_card = RateSpan("h800", dt.date(2026, 1, 1), None, D(20))
    with pytest.raises(RuleViolation, match="overlap"):
        supersede([open_card], RateSpan("h800", dt.date(2026, 1, 1), None, D(18)))
