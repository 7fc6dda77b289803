"""Calibration: at the default MFU the estimate lands within ±30 % of each published run whose
effective MFU lies inside the pre-training band (domain-facts §3.4)."""

import pytest

from aisc.core.estimate import EstimateInput, Workload, estimate
from aisc.core.estimate.mfu import BANDS
from aisc.core.estimate.published import PUBLISHED_RUNS, PublishedRun

BAND = BANDS[Workload.PRETRAIN]
IN_BAND = [run for run in PUBLISHED_RUNS if BAND.contains(run.effective_mfu())]


def estimate_of(run: PublishedRun) -> float:
    given = EstimateInput(
        params=run.params,
        active_params=run.active_params,
        tokens=run.tokens,
        chip=run.chip,
        precision="bf16",
        workload=Workload.PRETRAIN,
    )
    return estimate(given).gpu_hours


@pytest.mark.parametrize("run", IN_BAND, ids=lambda run: run.name)
def test_the_default_mfu_estimate_is_within_30_percent_of_the_published_gpu_hours(
    run: PublishedRun,
) -> None:
    assert estimate_of(run) == pytest.approx(run.gpu_hours, rel=0.30)


def test_the_calibration_covers_dense_and_moe_runs_on_three_chips() -> None:
    names = {run.name for run in IN_BAND}
    assert {"Llama 2 7B", "Llama 2 70B", "Llama 3.1 405B", "DeepSeek-V3"} <= names
    assert {run.chip for run in IN_BAND} == {"a100", "h100", "h800"}


def test_small_models_on_huge_clusters_fall_outside_the_band_and_are_not_used() -> None:
    excluded = {run.name for run in PUBLISHED_RUNS} - {run.name for run in IN_BAND}
    assert excluded == {"Llama 3 8B", "Llama 3.1 8B"}


@pytest.mark.parametrize(
    ("name", "mfu"),
    [("Llama 2 7B", 0.39), ("Llama 2 70B", 0.43), ("Llama 3 8B", 0.16), ("DeepSeek-V3", 0.35)],
)
def test_effective_mfu_matches_the_figure_quoted_in_the_facts(name: str, mfu: float) -> None:
    run = next(run for run in PUBLISHED_RUNS if run.name == name)
    assert run.effective_mfu() == pytest.approx(mfu, abs=0.01)
