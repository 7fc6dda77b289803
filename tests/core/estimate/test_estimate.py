import pytest

from aisc.core.errors import NotFound, RuleViolation
from aisc.core.estimate import EstimateInput, Workload, estimate
from aisc.core.estimate.compare import YARDSTICK_GPU_HOURS
from aisc.core.estimate.flops import attention_params, d_model


def given(**fields: object) -> EstimateInput:
    base: dict[str, object] = {"params": 7e9, "tokens": 1e12, "chip": "h800"}
    return EstimateInput(**{**base, **fields})  # type: ignore[arg-type]


def codes(**fields: object) -> list[str]:
    return [flag.code for flag in estimate(given(**fields)).flags]


def test_7b_on_1t_tokens_at_40_percent_is_about_29500_h800_hours() -> None:
    result = estimate(given(mfu=0.4))
    assert result.flops == pytest.approx(4.2e22)
    assert result.gpu_hours == pytest.approx(29_479, rel=1e-3)
    assert result.node_days == pytest.approx(153.5, abs=0.1)


@pytest.mark.parametrize(
    ("fields", "gpu_hours"),
    [
        ({"params": 13e9, "tokens": 260e9, "mfu": 0.4}, 14_234),
        ({"params": 70e9, "tokens": 1.4e12, "mfu": 0.4}, 412_708),
        ({"tokens": 1e9, "epochs": 3, "workload": Workload.FINETUNE}, 101),
        ({"tokens": 1e9, "epochs": 3, "workload": Workload.PEFT}, 67),
        ({"params": 70e9, "tokens": 1e9, "workload": Workload.INFERENCE}, 393),
    ],
)
def test_it_reproduces_the_worked_examples_of_the_facts(
    fields: dict[str, object], gpu_hours: float
) -> None:
    assert estimate(given(**fields)).gpu_hours == pytest.approx(gpu_hours, rel=0.01)


def test_k_is_6_for_training_4_for_peft_and_2_for_inference() -> None:
    ks = [estimate(given(workload=w)).k for w in Workload]
    assert ks == [6, 6, 4, 2]


def test_moe_uses_active_parameters() -> None:
    dense = estimate(given(params=671e9, tokens=1e12))
    moe = estimate(given(params=671e9, active_params=37e9, tokens=1e12))
    assert moe.flops == pytest.approx(dense.flops * 37 / 671)


def test_the_default_mfu_sits_inside_the_band_of_each_workload() -> None:
    for workload in Workload:
        result = estimate(given(workload=workload))
        assert result.band.contains(result.mfu)
    assert estimate(given(workload=Workload.INFERENCE)).mfu == 0.10


def test_long_sequences_add_an_attention_term_that_grows_with_the_context() -> None:
    plain = estimate(given()).flops
    short = estimate(given(seq_len=4096)).flops
    long = estimate(given(seq_len=131_072)).flops
    assert short / plain == pytest.approx(1.08, abs=0.01)
    assert long / plain == pytest.approx(3.6, abs=0.1)


def test_the_derived_width_matches_real_llama_shapes() -> None:
    assert d_model(6.7e9) == pytest.approx(4096, rel=0.05)
    assert d_model(69e9) == pytest.approx(8192, rel=0.15)  # Llama 2 70B is wider-than-deep
    assert attention_params(7e9, None) == 0.0


def test_a_request_is_compared_as_gpus_times_months_times_730() -> None:
    result = estimate(given(mfu=0.4, request_gpus=16, request_months=3))
    assert result.request is not None
    body = result.as_dict()
    assert body["requested_gpu_hours"] == 35_040
    assert body["ratio"] == pytest.approx(35_040 / 29_479, abs=0.001)
    assert body["implied_mfu"] == pytest.approx(0.4 * 29_479 / 35_040, abs=1e-3)
    assert body["flags"] == []


def test_the_aiss_draft_asking_twice_its_need_is_flagged_as_an_over_request() -> None:
    assert codes(request_gpus=16, request_months=6) == ["over_request"]


def test_a_request_implying_more_than_55_percent_mfu_is_unrealistic() -> None:
    assert codes(request_gpus=8, request_months=3) == ["unrealistic"]


def test_a_request_beyond_ten_nodes_for_a_year_is_flagged() -> None:
    flagged = codes(params=70e9, tokens=2.4e12, request_gpus=96, request_months=12)
    assert "beyond_yardstick" in flagged
    fits = codes(params=70e9, tokens=2e12, request_gpus=80, request_months=12, goodput=0.9)
    assert fits == []
    assert YARDSTICK_GPU_HOURS == 700_800


def test_without_a_request_a_huge_estimate_is_flagged_against_the_yardstick() -> None:
    assert codes(params=405e9, tokens=15.6e12, moe=False, goodput=0.9) == ["beyond_yardstick"]
    assert "requested_gpu_hours" not in estimate(given()).as_dict()


def test_an_assumed_mfu_outside_the_band_is_flagged() -> None:
    assert codes(mfu=0.6) == ["mfu_outside_band"]


def test_full_training_of_70b_on_two_gpus_does_not_fit_in_memory() -> None:
    result = codes(
        params=70e9, tokens=1e9, workload=Workload.FINETUNE, request_gpus=2, request_months=1
    )
    assert "memory_does_not_fit" in result
    assert "memory_does_not_fit" not in codes(
        params=70e9, tokens=1e9, workload=Workload.PEFT, request_gpus=2, request_months=1
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"params": -7e9}, "params"),
        ({"params": 1e16}, "params"),
        ({"tokens": 0}, "tokens"),
        ({"epochs": 0}, "epochs"),
        ({"active_params": 8e9}, "active_params"),
        ({"seq_len": 0}, "seq_len"),
        ({"mfu": 1.5}, "mfu"),
        ({"precision": "int8"}, "precision"),
        ({"request_gpus": 8}, "request_months"),
        ({"request_months": 6}, "request_gpus"),
        ({"request_gpus": 0, "request_months": 6}, "request_gpus"),
        ({"request_gpus": 8, "request_months": 0}, "request_months"),
        ({"gpus_per_node": 0}, "gpus_per_node"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_rule(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        given(**fields)
    assert caught.value.field == field
    assert field in caught.value.message or "both" in caught.value.message


def test_an_unknown_chip_or_an_unpublished_precision_is_not_found() -> None:
    with pytest.raises(NotFound):
        given(chip="v100")
    with pytest.raises(NotFound):
        estimate(given(chip="br104", precision="fp8"))


@pytest.mark.parametrize(
    ("params", "tokens", "mfu", "gpu_hours", "node_days"),
    [
        (7e9, 1e12, 0.30, 39_306, 204.7),
        (7e9, 1e12, 0.50, 23_583, 122.8),
        (7e9, 140e9, 0.40, 4_127, 21.5),
        (1.5e9, 300e9, 0.40, 1_895, 9.9),
        (70e9, 2e12, 0.40, 589_583, 3_071),
        (8e9, 15e12, 0.40, 505_357, 2_632),
    ],
)
def test_every_pretraining_row_of_the_worked_examples_table(
    params: float, tokens: float, mfu: float, gpu_hours: float, node_days: float
) -> None:
    result = estimate(given(params=params, tokens=tokens, mfu=mfu))
    assert result.gpu_hours == pytest.approx(gpu_hours, rel=0.002)
    assert result.node_days == pytest.approx(node_days, rel=0.005)  # the facts round to 4 digits


def test_70b_lora_on_half_a_billion_tokens_for_three_epochs_is_about_337_hours() -> None:
    result = estimate(given(params=70e9, tokens=0.5e9, epochs=3, workload=Workload.PEFT))
    # The facts' table prints 8.4e20 FLOPs for this row, but its own ~337 GPU-hours at 35 % MFU
    # need 4·N·D = 4 x 70e9 x 1.5e9 = 4.2e20: the FLOPs cell is the outlier.
    assert result.flops == pytest.approx(4.2e20)
    assert result.gpu_hours == pytest.approx(337, rel=0.01)


def test_the_estimate_is_slower_on_a_slower_chip_by_the_peak_ratio() -> None:
    h800 = estimate(given(chip="h800")).gpu_hours
    a100 = estimate(given(chip="a100")).gpu_hours
    assert a100 / h800 == pytest.approx(989.4 / 312)


def test_fp8_halves_the_gpu_hours_of_the_same_job_on_hopper() -> None:
    bf16 = estimate(given(precision="bf16")).gpu_hours
    fp8 = estimate(given(precision="fp8")).gpu_hours
    assert fp8 == pytest.approx(bf16 * 989.4 / 1979.0)


def test_node_days_follow_the_node_size() -> None:
    eight = estimate(given(mfu=0.4))
    four = estimate(given(mfu=0.4, gpus_per_node=4))
    assert four.node_days == pytest.approx(2 * eight.node_days)


def test_the_json_shape_names_the_band_k_and_peak() -> None:
    body = estimate(given(workload=Workload.INFERENCE)).as_dict()
    assert body["k"] == 2
    assert body["mfu_band"] == [0.05, 0.20]
    assert body["peak_tflops"] == 989.4
    assert body["workload"] == "inference"
