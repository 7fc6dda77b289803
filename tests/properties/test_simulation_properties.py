"""Conservation: under every policy each job starts and ends exactly once (preemptive policies
may split a run into segments, which never overlap and add up to the job's work), and no node
group ever holds more GPUs than it has."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisc.adapters.solvers.ecos import EcosSolver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.core.scheduling.policies import POLICIES, make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces.base import TraceBuilder

jobs = st.lists(
    st.tuples(
        st.integers(0, 200),  # submit
        st.sampled_from([1, 1, 2, 3, 4, 8, 12, 16, 40]),  # gpus; 40 is wider than any cluster here
        st.integers(0, 300),  # work
        st.sampled_from([None, 50, 400]),  # time limit
        st.sampled_from(["p1", "p2", "p3"]),
        st.sampled_from([None, None, "h800", "a100"]),  # chip constraint
    ),
    min_size=1,
    max_size=40,
)
clusters = st.lists(
    st.tuples(st.sampled_from(["h800", "a100"]), st.integers(1, 3), st.sampled_from([4, 8])),
    min_size=1,
    max_size=2,
)


def build(rows: list[tuple[int, int, int, int | None, str, str | None]]) -> TraceBuilder:
    builder = TraceBuilder("hypothesis")
    for line, (submit, gpus, work, limit, project, chip) in enumerate(rows, start=1):
        builder.add(
            line,
            float(submit),
            gpus,
            float(work),
            time_limit=float("inf") if limit is None else float(limit),
            project=project,
            chip=chip,
        )
    return builder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=jobs,
    groups=clusters,
    policy=st.sampled_from(sorted(POLICIES)),
    reserve=st.booleans(),
    interior=st.booleans(),
)
def test_every_job_starts_and_ends_once_and_capacity_is_never_exceeded(
    rows: list[tuple[int, int, int, int | None, str, str | None]],
    groups: list[tuple[str, int, int]],
    policy: str,
    reserve: bool,
    interior: bool,
) -> None:
    nodes = [NodeGroup(chip, n, gpn) for chip, n, gpn in groups]
    if reserve:
        nodes.append(NodeGroup("h800", 1, 8, "dedicated", reserved_for="p1"))
    spec = ClusterSpec(tuple(nodes), shares={"p1": 2.0, "p2": 1.0})
    trace = build(rows).build()
    # No restart cost: the run time checked below is then exactly the work (the cost a resume
    # adds has its own tests in tests/core/scheduling).
    options = PolicyOptions(
        las_thresholds_gpu_s=(100.0, 1000.0),
        calc_period_s=30.0,
        lp_solver=EcosSolver() if interior else HighsSolver(),  # Gavel's optimum, or a vertex
        restart_s=0.0,
    )
    result = simulate(trace, spec, policy, options)
    cols = result.record.columns()
    seg = result.record.segments

    runs: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for job, start, end in zip(seg.job, seg.start, seg.end, strict=True):
        runs[job].append((start, end))
    for job in range(len(trace)):
        outcome = Outcome(int(cols["outcome"][job]))
        if outcome is Outcome.UNSCHEDULABLE:
            assert job not in runs
            continue
        assert outcome in (Outcome.DONE, Outcome.TIMEOUT)  # it ended, never left pending
        pieces = sorted(runs[job])
        assert pieces[0][0] == cols["start"][job] >= cols["submit"][job]
        assert pieces[-1][1] == cols["end"][job]
        assert all(a[1] <= b[0] for a, b in pairwise(pieces))
        if not make_policy(policy, spec, options).preemptive:
            assert len(pieces) == 1  # started once
        ran = sum(end - start for start, end in pieces)
        limit = trace.time_limit[job]
        assert abs(ran - min(trace.work[job], limit)) < 1e-6

    # Reservations are respected: only p1 ever runs on the dedicated group.
    if reserve:
        dedicated = len(nodes) - 1
        for job, group in zip(seg.job, seg.group, strict=True):
            if group == dedicated:
                assert result.record.project[job] == "p1"

    # Capacity: sweep segment ends before starts at equal times, per group; an empty segment
    # (a job with no work) holds nothing over time.
    held_segments = [
        (start, end, group, gpus)
        for start, end, group, gpus in zip(
            seg.start, seg.end, seg.group, seg.allocated, strict=True
        )
        if end > start
    ]
    events = sorted(
        [(end, 0, group, -gpus) for _, end, group, gpus in held_segments]
        + [(start, 1, group, gpus) for start, _, group, gpus in held_segments]
    )
    held: dict[int, int] = defaultdict(int)
    for _, _, group, change in events:
        held[group] += change
        assert 0 <= held[group] <= nodes[group].gpus
