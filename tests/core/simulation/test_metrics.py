import pytest

from aisc.core.scheduling.model import ClusterSpec, NodeGroup, parse_cluster
from aisc.core.simulation.metrics import project_shares, summarise
from aisc.core.simulation.records import RunRecord, Timeline
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces import parse_lines


def test_an_empty_run_reports_zeros_rather_than_failing() -> None:
    summary = summarise(RunRecord(0), Timeline(), parse_cluster("h800=1x8"))
    assert summary["jobs"] == 0
    assert summary["avg_jct_s"] == 0.0
    assert summary["p99_jct_s"] == 0.0
    assert summary["utilization"] == 0.0
    assert summary["fragmentation"] == 0.0
    assert summary["max_ftf_rho"] == 0.0
    assert summary["shares"] == {}


def test_shares_compare_gpu_time_received_with_the_allocation_share() -> None:
    trace = parse_lines(["0,4,100,,p1", "0,4,100,,p2", "0,8,100,,p2"], "csv", "t")
    spec = ClusterSpec((NodeGroup("h800", 2, 8),), shares={"p1": 3.0, "p2": 1.0})
    result = simulate(trace, spec, "fifo")
    shares = result.summary["shares"]
    assert shares["p1"] == pytest.approx({"received": 0.25, "entitled": 0.75})
    assert shares["p2"] == pytest.approx({"received": 0.75, "entitled": 0.25})
    plain = project_shares(result.record, parse_cluster("h800=2x8"))
    assert plain["p1"]["entitled"] == pytest.approx(0.5)


def test_slowdown_and_finish_time_fairness_measure_against_running_alone() -> None:
    trace = parse_lines(["0,8,100", "0,8,100"], "csv", "t")
    summary = simulate(trace, parse_cluster("h800=1x8"), "fifo").summary
    assert summary["avg_bounded_slowdown"] == pytest.approx(1.5)  # JCT 100 and 200 over 100
    assert summary["max_ftf_rho"] == pytest.approx(2.0 / 1.5)  # N_avg = 1.5 jobs, gang = cluster
    assert summary["unfair_fraction"] == pytest.approx(0.5)
    assert summary["avg_queue_length"] == pytest.approx(0.5)
