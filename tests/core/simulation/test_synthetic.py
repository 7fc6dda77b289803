import numpy as np
import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.synthetic import philly_like, poisson_exponential


def test_the_same_seed_gives_the_same_philly_like_trace_at_the_asked_load() -> None:
    first = philly_like(2000, gpus=64, load=0.5, seed=7)
    again = philly_like(2000, gpus=64, load=0.5, seed=7)
    assert np.array_equal(first.submit, again.submit)
    assert np.array_equal(first.work, again.work)
    span = first.submit[-1] - first.submit[0]
    load = first.offered_gpu_seconds() / (64 * span)
    assert load == pytest.approx(0.5, rel=0.1)
    assert first.gpus.max() <= 64
    assert (first.gpus == 1).mean() > 0.85


def test_mmc_input_has_poisson_arrivals_and_exponential_one_gpu_jobs() -> None:
    trace = poisson_exponential(20_000, rate=0.5, mean_s=10.0, seed=1)
    assert set(trace.gpus.tolist()) == {1}
    assert trace.work.mean() == pytest.approx(10.0, rel=0.05)
    assert np.diff(trace.submit).mean() == pytest.approx(2.0, rel=0.05)


@pytest.mark.parametrize(("n", "load", "field"), [(0, 0.5, "synthetic"), (10, 0.0, "load")])
def test_it_rejects_an_empty_or_loadless_synthetic_trace(n: int, load: float, field: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        philly_like(n, gpus=8, load=load, seed=0)
    assert caught.value.field == field
