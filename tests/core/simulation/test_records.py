import pytest

from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces import parse_lines


def test_a_job_no_chip_of_the_cluster_can_run_has_no_ideal_time_and_is_unschedulable() -> None:
    trace = parse_lines(["0,1,100,a100", "0,1,50,h800,,30"], "csv", "t.csv")
    result = simulate(trace, parse_cluster("h800=1x8"), "fifo")
    cols = result.record.columns()
    assert cols["ideal"].tolist() == [0.0, 30.0]  # none for a100; h800 alone: cut at its limit
    assert cols["outcome"].tolist() == [Outcome.UNSCHEDULABLE, Outcome.TIMEOUT]
    assert "needs chip 'a100'" in result.record.reasons[0]


def test_without_segments_a_run_keeps_each_jobs_gpu_seconds_and_the_same_figures() -> None:
    from aisc.core.simulation.synthetic import philly_like

    trace = philly_like(300, gpus=16, load=1.2, seed=3)
    cluster = parse_cluster("h800=2x8")
    kept = simulate(trace, cluster, "las")
    compact = simulate(trace, cluster, "las", keep_segments=False)
    assert kept.summary["preemptions"] > 0
    assert len(compact.record.segments) == 0
    assert len(kept.record.segments) == 300 + kept.summary["preemptions"]
    seg = kept.record.segments
    per_job = [0.0] * 300
    for job, start, end, gpus in zip(seg.job, seg.start, seg.end, seg.allocated, strict=True):
        per_job[job] += (end - start) * gpus
    assert list(compact.record.gpu_seconds) == pytest.approx(per_job)
    assert compact.summary == {**kept.summary, "shares": compact.summary["shares"]}
    for project, share in kept.summary["shares"].items():
        assert compact.summary["shares"][project] == pytest.approx(share)


def test_a_record_pickled_before_gpu_seconds_existed_loads_with_segments_kept() -> None:
    import copy

    from aisc.core.simulation.records import RunRecord

    record = RunRecord(3)
    state = dict(record.__dict__)
    del state["gpu_seconds"], state["keep_segments"]
    old = RunRecord.__new__(RunRecord)
    old.__setstate__(state)
    assert (list(old.gpu_seconds), old.keep_segments) == ([0.0, 0.0, 0.0], True)
    assert copy.deepcopy(record).keep_segments is True
