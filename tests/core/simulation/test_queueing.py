import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.queueing import erlang_c, mmc_mean_wait
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import poisson_exponential


def test_erlang_c_matches_known_values() -> None:
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # a^2/2 / (1-1/2) = 1; 1 / (1 + 1 + 1)
    assert mmc_mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)  # rho / (mu - lam)


@pytest.mark.parametrize(("servers", "offered"), [(0, 0.5), (2, 2.0), (2, -1.0)])
def test_an_unstable_or_empty_queue_has_no_erlang_c(servers: int, offered: float) -> None:
    with pytest.raises(RuleViolation):
        erlang_c(servers, offered)


# Tolerance: the simulated mean wait of 200,000 seeded jobs lies within 5 % of Erlang C.
# At rho = 0.8 with c = 8 the batch-means standard error of the mean wait over 200k jobs
# is about 1.5 %, so 5 % is over three standard errors and the test is not flaky by chance.
MMC_TOLERANCE = 0.05


@pytest.mark.parametrize("policy", ["fifo", "backfill"])
def test_the_simulated_mean_wait_of_an_mmc_queue_matches_erlang_c(policy: str) -> None:
    servers, mean_service, rho = 8, 100.0, 0.8
    rate = rho * servers / mean_service
    trace = poisson_exponential(200_000, rate=rate, mean_s=mean_service, seed=42)
    summary = simulate(trace, parse_cluster(f"h800={servers}x1"), policy).summary
    expected = mmc_mean_wait(servers, rate, 1 / mean_service)
    assert summary["avg_wait_s"] == pytest.approx(expected, rel=MMC_TOLERANCE)
    assert summary["utilization"] == pytest.approx(rho, rel=0.02)
