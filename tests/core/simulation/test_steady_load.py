"""The synthetic workload loads the cluster as asked, and the steady-state utilisation shows it."""

import numpy as np
import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.metrics import steady_utilization
from aisc.core.simulation.records import Timeline
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import MAX_RUN_S, philly_like
from aisc.core.simulation.traces import parse_lines

SMALL = parse_cluster("h800=4x8")
DAY = 86_400.0


def test_run_times_are_cut_at_seven_days_unless_asked_otherwise() -> None:
    assert MAX_RUN_S == 7 * DAY
    default = philly_like(20_000, gpus=4096, load=0.8, seed=3)
    assert default.work.max() == MAX_RUN_S  # the log-normal tail reaches the cut at this size
    short = philly_like(20_000, gpus=4096, load=0.8, seed=3, max_run_s=3600)
    assert short.work.max() == 3600
    assert short.work.min() >= 1


@pytest.mark.parametrize("max_run_s", [0.0, 0.5, float("nan")])
def test_a_maximum_run_time_under_one_second_is_refused(max_run_s: float) -> None:
    with pytest.raises(RuleViolation) as caught:
        philly_like(10, gpus=8, load=0.5, seed=0, max_run_s=max_run_s)
    assert caught.value.field == "max_run_s"


@pytest.mark.parametrize("max_run_s", [DAY, MAX_RUN_S])
def test_the_offered_load_is_the_one_asked_over_the_arrival_span(max_run_s: float) -> None:
    trace = philly_like(50_000, gpus=4096, load=0.8, seed=5, max_run_s=max_run_s)
    span = trace.submit[-1] - trace.submit[0]
    assert trace.offered_gpu_seconds() / (4096 * span) == pytest.approx(0.8, rel=0.02)


@pytest.mark.parametrize("load", [0.5, 0.8])
def test_below_saturation_the_steady_utilisation_is_the_offered_load(load: float) -> None:
    # 6,000 jobs on 32 GPUs arrive over 25-40 days, long against the 1-day cut: steady state.
    trace = philly_like(6_000, gpus=SMALL.gpus, load=load, seed=1, max_run_s=DAY)
    summary = simulate(trace, SMALL, "backfill").summary
    assert summary["steady_utilization"] == pytest.approx(load, abs=0.05)
    # The whole run also counts the drain after the last arrival, so it reads a little lower.
    assert load - 0.08 < summary["utilization"] <= summary["steady_utilization"] + 0.01
    assert summary["avg_wait_s"] < 4 * 3600  # a stable queue


def test_above_saturation_the_cluster_is_full_and_the_queue_keeps_growing() -> None:
    trace = philly_like(3_000, gpus=SMALL.gpus, load=1.5, seed=1, max_run_s=DAY)
    result = simulate(trace, SMALL, "backfill")
    assert result.summary["steady_utilization"] > 0.95
    timeline = result.timeline
    times = np.frombuffer(timeline.time, dtype=np.float64)
    pending = np.frombuffer(timeline.pending, dtype=np.int64)

    def waiting_at(t: float) -> int:
        return int(pending[np.searchsorted(times, t, side="right") - 1])

    first, last = float(trace.submit[0]), float(trace.submit[-1])
    quarters = [waiting_at(first + q * (last - first)) for q in (0.25, 0.5, 0.75, 1.0)]
    assert quarters == sorted(quarters)
    assert quarters[-1] > 2 * quarters[1] > 0  # grows about linearly: a third of the excess
    assert quarters[-1] > 0.2 * len(trace)


def test_steady_utilisation_leaves_out_the_warm_up_quarter_and_the_drain() -> None:
    # 1 GPU: A runs 0-20, B arrives at 40 and runs 40-50. Window [10, 40]: busy 10-20 = 1/3.
    trace = parse_lines(["0,1,20", "40,1,10"], "csv", "t")
    summary = simulate(trace, parse_cluster("h800=1x1"), "fifo").summary
    assert summary["steady_utilization"] == pytest.approx(1 / 3)
    assert summary["utilization"] == pytest.approx(30 / 50)


def test_steady_utilisation_is_zero_without_an_arrival_window() -> None:
    one = simulate(parse_lines(["0,1,20"], "csv", "t"), parse_cluster("h800=1x1"), "fifo")
    assert one.summary["steady_utilization"] == 0.0
    together = parse_lines(["5,1,20", "5,1,20"], "csv", "t")
    assert simulate(together, parse_cluster("h800=1x2"), "fifo").summary["steady_utilization"] == (
        0.0
    )
    assert steady_utilization(Timeline(), np.array([0.0, 10.0]), 8) == 0.0
