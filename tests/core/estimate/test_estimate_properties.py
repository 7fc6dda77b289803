"""The estimator's invariants: GPU-hours follow k·D·N over peak x MFU, the request's figures are
consistent with the estimate, the flags fire exactly at their thresholds, and bad input names
its field and bound."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aisc.core.catalogue.chips import CHIPS, peak_tflops
from aisc.core.errors import RuleViolation
from aisc.core.estimate import EstimateInput, Workload, estimate
from aisc.core.estimate.compare import (
    YARDSTICK_GPU_HOURS,
    memory_flags,
    request_flags,
    requested_gpu_hours,
)
from aisc.core.estimate.flops import K, attention_params, flops
from aisc.core.estimate.mfu import BANDS, UNREALISTIC_MFU

params = st.floats(1e6, 1e12)
tokens = st.floats(1e6, 1e13)
workloads = st.sampled_from(list(Workload))
bf16_chips = st.sampled_from([code for code, spec in CHIPS.items() if "bf16" in spec.peaks])


@settings(max_examples=150)
@given(n=params, d=tokens, workload=workloads, chip=bf16_chips, gpn=st.integers(1, 64))
def test_gpu_hours_are_k_d_n_over_peak_times_mfu_and_node_days_follow(
    n: float, d: float, workload: Workload, chip: str, gpn: int
) -> None:
    e = estimate(EstimateInput(n, d, chip, workload=workload, gpus_per_node=gpn))
    band = BANDS[workload]
    assert e.k == K[workload]
    assert e.mfu == band.default  # the assumption is reported, with its band
    assert e.band == band
    assert e.flops == pytest.approx(K[workload] * d * n)
    assert e.gpu_hours == pytest.approx(e.flops / (peak_tflops(chip, "bf16") * 1e12 * e.mfu * 3600))
    assert e.node_days == pytest.approx(e.gpu_hours / (gpn * 24))
    body = e.as_dict()
    assert (body["k"], body["mfu"], body["mfu_band"]) == (e.k, e.mfu, [band.low, band.high])


@settings(max_examples=150)
@given(n=params, d=tokens, epochs=st.floats(0.01, 100), chip=bf16_chips)
def test_epochs_count_as_more_tokens(n: float, d: float, epochs: float, chip: str) -> None:
    assume(d * epochs <= 1e15)
    a = estimate(EstimateInput(n, d, chip, epochs=epochs))
    b = estimate(EstimateInput(n, d * epochs, chip))
    assert a.gpu_hours == pytest.approx(b.gpu_hours, rel=1e-12)


@settings(max_examples=150)
@given(n=params, d=tokens, share=st.floats(0.001, 1.0), more=st.floats(1.0, 10.0))
def test_a_mixture_of_experts_costs_what_its_active_parameters_cost(
    n: float, d: float, share: float, more: float
) -> None:
    active = max(1.0, n * share)
    moe = estimate(EstimateInput(n, d, "h800", active_params=active))
    dense_of_active = estimate(EstimateInput(active, d, "h800"))
    assert moe.gpu_hours == pytest.approx(dense_of_active.gpu_hours, rel=1e-12)
    assert moe.gpu_hours <= estimate(EstimateInput(n, d, "h800")).gpu_hours * (1 + 1e-12)
    bigger = min(n, active * more)
    wider = estimate(EstimateInput(n, d, "h800", active_params=bigger))
    assert wider.gpu_hours >= moe.gpu_hours * (1 - 1e-12)  # monotone in active parameters


@settings(max_examples=150)
@given(n=params, d=tokens, seq=st.integers(1, 10_000_000))
def test_the_workloads_cost_in_the_ratio_of_their_k_at_one_mfu(
    n: float, d: float, seq: int
) -> None:
    hours = {
        w: estimate(EstimateInput(n, d, "h800", workload=w, seq_len=seq, mfu=0.3)).gpu_hours
        for w in Workload
    }
    assert hours[Workload.PRETRAIN] == pytest.approx(hours[Workload.FINETUNE])
    assert hours[Workload.PEFT] == pytest.approx(hours[Workload.PRETRAIN] * 4 / 6)
    assert hours[Workload.INFERENCE] == pytest.approx(hours[Workload.PRETRAIN] * 2 / 6)


@settings(max_examples=150)
@given(n=params, d=tokens, gpus=st.integers(1, 100_000), months=st.floats(0.01, 120))
def test_the_request_ratio_and_implied_mfu_agree_with_the_estimate(
    n: float, d: float, gpus: int, months: float
) -> None:
    e = estimate(EstimateInput(n, d, "h800", request_gpus=gpus, request_months=months))
    assert e.request is not None
    assert e.request.gpu_hours == pytest.approx(gpus * months * 730)
    assert e.request.ratio == pytest.approx(e.request.gpu_hours / e.gpu_hours)
    # Asking for r times the estimate means running at 1/r of the assumed MFU.
    assert e.request.implied_mfu == pytest.approx(e.mfu / e.request.ratio)
    codes = {f.code for f in e.flags}
    assert ("over_request" in codes) == (e.request.implied_mfu < e.band.low)
    assert ("unrealistic" in codes) == (e.request.implied_mfu > UNREALISTIC_MFU)
    assert ("beyond_yardstick" in codes) == (e.request.gpu_hours > YARDSTICK_GPU_HOURS)


@settings(max_examples=150)
@given(n=params, d=tokens, mfu=st.floats(1e-4, 1.0), workload=workloads)
def test_an_mfu_outside_its_band_is_flagged_and_one_inside_is_not(
    n: float, d: float, mfu: float, workload: Workload
) -> None:
    e = estimate(EstimateInput(n, d, "h800", workload=workload, mfu=mfu))
    flagged = any(f.code == "mfu_outside_band" for f in e.flags)
    assert flagged == (not BANDS[workload].low <= mfu <= BANDS[workload].high)
    # Without a request the estimate itself is measured against the yardstick.
    assert any(f.code == "beyond_yardstick" for f in e.flags) == (e.gpu_hours > YARDSTICK_GPU_HOURS)


@pytest.mark.parametrize(
    ("gpus", "months", "hours"),
    [(8, 1, 5840), (80, 12, 700_800), (1, 0.5, 365)],  # 8 x 1 x 730; the yardstick; half a month
)
def test_requested_gpu_hours_as_worked_by_hand(gpus: int, months: float, hours: float) -> None:
    assert requested_gpu_hours(gpus, months) == hours


def test_the_yardstick_itself_is_not_beyond_the_yardstick() -> None:
    band = BANDS[Workload.PRETRAIN]
    assert request_flags(0.35, band, 700_800.0) == []
    assert [f.code for f in request_flags(0.35, band, 700_800.1)] == ["beyond_yardstick"]
    assert [f.code for f in request_flags(0.25, band, 1.0)] == []  # at the floor: not over
    assert [f.code for f in request_flags(0.55, band, 1.0)] == []  # at the ceiling: realistic


@pytest.mark.parametrize(
    ("workload", "params", "gpus", "fits"),
    [
        # Training: 16 bytes per parameter. 7B x 16 = 112 GB: two 80 GB GPUs (160 GB) hold it.
        (Workload.PRETRAIN, 7e9, 2, True),
        (Workload.PRETRAIN, 7e9, 1, False),  # 112 GB > 80 GB
        (Workload.PRETRAIN, 5e9, 1, True),  # exactly 80 GB: fits
        # LoRA and inference: 2 bytes per parameter. 70B x 2 = 140 GB: two GPUs.
        (Workload.PEFT, 70e9, 2, True),
        (Workload.INFERENCE, 70e9, 1, False),
    ],
)
def test_the_memory_flag_compares_bytes_per_parameter_with_80_gb_gpus_as_worked_by_hand(
    workload: Workload, params: float, gpus: int, fits: bool
) -> None:
    assert (memory_flags(workload, params, gpus, 80) == []) is fits


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("params", 0.5, "between 1 and 1e+13"),
        ("params", math.nan, "between 1 and 1e+13"),
        ("tokens", math.inf, "between 1 and 1e+15"),
        ("epochs", 0.0, "between 1e-06 and 1000"),
        ("mfu", 1.5, "between 0.0001 and 1"),
        ("seq_len", 0, "between 1 and 1e+07"),
        ("gpus_per_node", 65, "between 1 and 64"),
        ("active_params", 2e9, "between 1 and 1e+09"),  # more active than total
    ],
)
def test_input_out_of_bounds_is_refused_naming_the_field_and_the_bound(
    field: str, value: float, rule: str
) -> None:
    given = {"params": 1e9, "tokens": 1e9, "chip": "h800", field: value}
    with pytest.raises(RuleViolation, match=re.escape(rule)) as err:
        EstimateInput(**given)  # type: ignore[arg-type]
    assert err.value.field == field


@pytest.mark.parametrize(
    ("gpus", "months", "missing"), [(8, None, "request_months"), (None, 2.0, "request_gpus")]
)
def test_half_a_request_is_refused_naming_the_missing_half(
    gpus: int | None, months: float | None, missing: str
) -> None:
    with pytest.raises(RuleViolation, match="both the GPUs and the months") as err:
        EstimateInput(1e9, 1e9, "h800", request_gpus=gpus, request_months=months)
    assert err.value.field == missing


@settings(max_examples=150)
@given(n=params, short=st.integers(1, 10**6), extra=st.integers(0, 10**6))
def test_attention_grows_with_the_context_and_vanishes_without_one(
    n: float, short: int, extra: int
) -> None:
    assert attention_params(n, None) == 0.0
    assert attention_params(n, short) <= attention_params(n, short + extra)
    # Attention is a fraction n_ctx / (12 d) of N: the derived-shape identity of the docstring.
    width = (128 * n / 12) ** (1 / 3)
    assert attention_params(n, short) == pytest.approx(n * short / (12 * width), rel=1e-9)
    assert flops(Workload.PRETRAIN, n, 1.0, short) == pytest.approx(
        6 * (n + attention_params(n, short))
    )
