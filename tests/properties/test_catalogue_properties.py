"""Properties of the catalogue and the estimator: cards tile time, exchange keeps the work,
capacity round-trips, and the estimate scales the way the formula says."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aisc.core.catalogue.chips import CHIPS
from aisc.core.catalogue.exchange import convert, default_rates
from aisc.core.catalogue.nodes import gpus_for, pflops
from aisc.core.catalogue.rates import RateSpan, check_rate_cards, price_on
from aisc.core.errors import RuleViolation
from aisc.core.estimate import EstimateInput, Workload, estimate

EPOCH = dt.date(2024, 10, 7)
chips = st.sampled_from(list(CHIPS))
bf16_chips = st.sampled_from([code for code, spec in CHIPS.items() if "bf16" in spec.peaks])
workloads = st.sampled_from(list(Workload))
prices = st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100)
# Strictly increasing day offsets: the boundaries of back-to-back cards.
boundaries = st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=8, unique=True)


def tiled(offsets: list[int], chip: str, open_ended: bool) -> list[RateSpan]:
    days = [EPOCH, *(EPOCH + dt.timedelta(days=o) for o in sorted(offsets))]
    spans = [
        RateSpan(chip, start, end, Decimal(i + 1))
        for i, (start, end) in enumerate(itertools.pairwise(days))
    ]
    if open_ended:
        spans.append(RateSpan(chip, days[-1], None, Decimal(len(days))))
    return spans


@given(offsets=boundaries, chip=chips, open_ended=st.booleans(), probe=st.integers(0, 3100))
def test_back_to_back_cards_always_pass_and_each_day_has_exactly_one_price(
    offsets: list[int], chip: str, open_ended: bool, probe: int
) -> None:
    spans = tiled(offsets, chip, open_ended)
    check_rate_cards(reversed(spans))  # order of entry does not matter
    day = EPOCH + dt.timedelta(days=probe)
    covering = [s for s in spans if s.covers(day)]
    assert len(covering) <= 1
    if covering:
        assert price_on(spans, chip, day) == covering[0].price


@given(offsets=boundaries, chip=chips, shift=st.integers(min_value=1, max_value=30), data=st.data())
def test_moving_any_start_off_the_previous_end_is_always_refused(
    offsets: list[int], chip: str, shift: int, data: st.DataObject
) -> None:
    spans = tiled(offsets, chip, open_ended=True)
    assume(len(spans) >= 2)
    i = data.draw(st.integers(min_value=1, max_value=len(spans) - 1))
    direction = data.draw(st.sampled_from([-1, 1]))
    moved = spans[i]
    new_start = moved.valid_from + dt.timedelta(days=direction * shift)
    assume(
        new_start > spans[i - 1].valid_from
        and (moved.valid_to is None or new_start < moved.valid_to)
    )
    spans[i] = RateSpan(chip, new_start, moved.valid_to, moved.price)
    with pytest.raises(RuleViolation):
        check_rate_cards(spans)


@given(hours=st.integers(min_value=0, max_value=10**7), a=chips, b=chips)
def test_exchanging_there_and_back_returns_the_hours_to_within_rounding(
    hours: int, a: str, b: str
) -> None:
    rates = default_rates(EPOCH)
    there = convert(Decimal(hours), a, b, EPOCH, rates)
    back = convert(there, b, a, EPOCH, rates)
    # Each leg rounds to the cent; the return leg can scale that by the larger factor ratio (≤ 3.3).
    assert abs(back - hours) <= Decimal("0.05")


@given(
    hours=st.integers(min_value=0, max_value=10**6),
    k=st.integers(min_value=1, max_value=50),
    a=chips,
    b=chips,
)
def test_exchange_is_linear_in_the_hours(hours: int, k: int, a: str, b: str) -> None:
    rates = default_rates(EPOCH)
    one = convert(Decimal(hours), a, b, EPOCH, rates)
    many = convert(Decimal(hours * k), a, b, EPOCH, rates)
    assert abs(many - one * k) <= Decimal("0.01") * k


@given(gpus=st.integers(min_value=0, max_value=200_000), chip=bf16_chips)
def test_gpus_to_pflops_and_back_returns_the_same_count(gpus: int, chip: str) -> None:
    assert gpus_for(pflops({chip: gpus}, "bf16").value, chip, "bf16") == gpus


sizes = st.floats(min_value=1e6, max_value=1e12)
token_counts = st.floats(min_value=1e6, max_value=1e14)


@given(
    params=sizes,
    tokens=token_counts,
    chip=bf16_chips,
    workload=workloads,
    factor=st.floats(1.5, 10),
)
def test_gpu_hours_grow_in_proportion_to_parameters_and_tokens(
    params: float, tokens: float, chip: str, workload: Workload, factor: float
) -> None:
    base = estimate(EstimateInput(params=params, tokens=tokens, chip=chip, workload=workload))
    more_tokens = estimate(
        EstimateInput(params=params, tokens=tokens * factor, chip=chip, workload=workload)
    )
    assert more_tokens.gpu_hours == pytest.approx(base.gpu_hours * factor, rel=1e-9)
    assume(params * factor <= 1e13)
    bigger = estimate(
        EstimateInput(params=params * factor, tokens=tokens, chip=chip, workload=workload)
    )
    assert bigger.gpu_hours == pytest.approx(base.gpu_hours * factor, rel=1e-9)


@given(
    params=sizes,
    tokens=token_counts,
    mfu=st.floats(0.01, 1.0),
    seq=st.none() | st.integers(1, 200_000),
)
def test_gpu_hours_times_mfu_is_constant(
    params: float, tokens: float, mfu: float, seq: int | None
) -> None:
    at_mfu = estimate(
        EstimateInput(params=params, tokens=tokens, chip="h800", mfu=mfu, seq_len=seq)
    )
    at_one = estimate(
        EstimateInput(params=params, tokens=tokens, chip="h800", mfu=1.0, seq_len=seq)
    )
    assert at_mfu.gpu_hours * mfu == pytest.approx(at_one.gpu_hours, rel=1e-9)


@given(
    params=sizes,
    tokens=token_counts,
    gpus=st.integers(1, 4096),
    months=st.floats(0.01, 120),
    workload=workloads,
)
def test_the_implied_mfu_is_the_mfu_that_makes_the_estimate_equal_the_request(
    params: float, tokens: float, gpus: int, months: float, workload: Workload
) -> None:
    result = estimate(
        EstimateInput(
            params=params,
            tokens=tokens,
            chip="h800",
            workload=workload,
            request_gpus=gpus,
            request_months=months,
        )
    )
    assert result.request is not None
    assert result.request.gpu_hours == pytest.approx(gpus * months * 730)
    assert result.request.ratio * result.request.implied_mfu == pytest.approx(result.mfu, rel=1e-9)
    codes = {flag.code for flag in result.flags}
    assert ("over_request" in codes) == (result.request.implied_mfu < result.band.low)
    assert ("unrealistic" in codes) == (result.request.implied_mfu > 0.55)
    assert ("beyond_yardstick" in codes) == (result.request.gpu_hours > 700_800)


@given(params=sizes, tokens=token_counts, short=st.integers(1, 4096), extra=st.integers(1, 100_000))
def test_a_longer_context_never_costs_less(
    params: float, tokens: float, short: int, extra: int
) -> None:
    shorter = estimate(EstimateInput(params=params, tokens=tokens, chip="h800", seq_len=short))
    longer = estimate(
        EstimateInput(params=params, tokens=tokens, chip="h800", seq_len=short + extra)
    )
    plain = estimate(EstimateInput(params=params, tokens=tokens, chip="h800"))
    assert plain.flops < shorter.flops < longer.flops
