"""The run's figures over random traces and every policy: each lies in its range, the timeline
and the run segments account for the same GPU-seconds, and shares add up to one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.core.scheduling.policies import POLICIES
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces.base import TraceBuilder

rows = st.lists(
    st.tuples(
        st.integers(0, 500),
        st.sampled_from([1, 2, 4, 8, 16, 64]),  # 64 is wider than the clusters here
        st.integers(1, 600),
        st.sampled_from(["p1", "p2", "p3"]),
    ),
    min_size=1,
    max_size=30,
)
clusters = st.builds(
    lambda nodes, gpn, shared: ClusterSpec(
        (NodeGroup("h800", nodes, gpn),), shares={} if shared else {"p1": 3.0, "p2": 1.0}
    ),
    st.integers(1, 3),
    st.sampled_from([4, 8]),
    st.booleans(),
)


def run(jobs: list[tuple[int, int, int, str]], spec: ClusterSpec, policy: str):  # type: ignore[no-untyped-def]
    builder = TraceBuilder("hypothesis")
    for line, (submit, gpus, work, project) in enumerate(jobs, start=1):
        builder.add(line, float(submit), gpus, float(work), time_limit=400.0, project=project)
    # every policy, so the ones that solve an LP get a solver, as the CLI gives them
    return simulate(builder.build(), spec, policy, PolicyOptions(lp_solver=HighsSolver()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=rows, spec=clusters, policy=st.sampled_from(sorted(POLICIES)))
def test_every_figure_lies_in_its_range_and_the_gpu_seconds_agree(
    jobs: list[tuple[int, int, int, str]], spec: ClusterSpec, policy: str
) -> None:
    result = run(jobs, spec, policy)
    s = result.summary
    assert s["jobs"] + s["unschedulable"] == len(jobs)
    assert 0.0 <= s["utilization"] <= 1.0 + 1e-9
    assert 0.0 <= s["steady_utilization"] <= 1.0 + 1e-9
    assert 0.0 <= s["fragmentation"] <= 1.0 + 1e-9
    assert s["avg_wait_s"] >= 0.0
    assert s["p50_jct_s"] <= s["p95_jct_s"] <= s["p99_jct_s"]
    assert s["timeouts"] <= s["jobs"]
    if s["jobs"]:
        assert s["avg_bounded_slowdown"] >= 1.0
        assert s["makespan_s"] >= max(min(w, 400) for _, g, w, _ in jobs if g <= spec.gpus)
    # Two bookkeepings of one quantity: the timeline's integral of allocated GPUs, and the run
    # segments' GPUs x duration.
    seg = result.record.segments
    held = float(
        np.dot(
            np.frombuffer(seg.end) - np.frombuffer(seg.start),
            np.frombuffer(seg.allocated, np.int64),
        )
    )
    assert s["utilization"] * spec.gpus * s["makespan_s"] == pytest.approx(held, rel=1e-9, abs=1e-6)
    shares = s["shares"]
    if held > 0:
        assert math.fsum(v["received"] for v in shares.values()) == pytest.approx(1.0)
        entitled = math.fsum(v["entitled"] for v in shares.values())
        # Entitlements are shares among the projects that ran; one without a share has none.
        some_share = not spec.shares or any(p in spec.shares for p in shares)
        assert entitled == pytest.approx(1.0 if some_share else 0.0)


def test_one_job_on_half_a_node_as_worked_by_hand() -> None:
    # 4 of 8 GPUs for 100 s: utilisation 400 / (8 x 100) = 0.5; the 4 free GPUs are on a partly
    # used node, so all free time is stranded (fragmentation 1); JCT 100, slowdown 100/100 = 1.
    s = run([(0, 4, 100, "p1")], ClusterSpec((NodeGroup("h800", 1, 8),)), "fifo").summary
    assert (s["jobs"], s["utilization"], s["fragmentation"]) == (1, 0.5, 1.0)
    assert (s["avg_jct_s"], s["avg_wait_s"], s["avg_bounded_slowdown"]) == (100.0, 0.0, 1.0)
    assert s["shares"] == {"p1": {"received": 1.0, "entitled": 1.0}}


def test_two_jobs_queued_behind_each_other_as_worked_by_hand() -> None:
    # One 8-GPU node. A (8 GPUs, 100 s) at 0; B (8 GPUs, 5 s) at 0 waits until 100 and ends at
    # 105. JCTs 100 and 105: mean 102.5. Waits 0 and 100: mean 50. B's bounded slowdown is
    # 105 / max(5, 10) = 10.5, A's 1: mean 5.75. Utilisation 840 / (8 x 105) = 1.
    s = run(
        [(0, 8, 100, "p1"), (0, 8, 5, "p2")], ClusterSpec((NodeGroup("h800", 1, 8),)), "fifo"
    ).summary
    assert (s["avg_jct_s"], s["avg_wait_s"]) == (102.5, 50.0)
    assert s["avg_bounded_slowdown"] == pytest.approx(5.75)
    assert s["utilization"] == pytest.approx(1.0)
    assert s["makespan_s"] == 105.0
    assert s["fragmentation"] == 0.0  # never a partly used node
