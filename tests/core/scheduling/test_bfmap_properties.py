"""The backfill map's searches against Slurm's plain retries, on random maps: a job on one node
and a gang of whole nodes get the same start and the same nodes as retrying at every
reservation end would give them (`BackfillMap.plan` against `retried` below)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.bfmap import BackfillMap, Plan
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.releases import Releases

NOW = 100.0
# Times on a 10 s grid, so a node's readiness, a reservation's edges and a job's limit meet
# exactly as often as they do on Slurm's 60 s map.
times = st.integers(0, 40).map(lambda t: 10.0 * t)
running = st.lists(st.tuples(st.integers(1, 8), times), max_size=12)
held = st.lists(
    st.tuples(
        times, st.integers(1, 20).map(lambda t: 10.0 * t), st.sets(st.integers(0, 5), min_size=1)
    ),
    max_size=8,
)


def retried(space: BackfillMap, job: Job, group: GroupState, releases: Releases) -> Plan | None:
    """Slurm's loop as written: from now, retry at the next reservation end while the will-run
    answer lies past it, and at the answer while the nodes free over the limit may differ."""
    limit = job.estimate_on(1.0)
    start_res = space.now
    while start_res <= space.window_end:
        blocked = space.blocked(group.index, start_res, start_res + limit)
        ends = [end for _, end, _ in space.reserved.get(group.index, ()) if end > start_res]
        later = min(ends, default=None)
        fit = releases.will_run(job.gpus, group, blocked)
        if fit is None:
            assert later is not None
            start_res = later
            continue
        start = max(fit[0], start_res)
        if start <= space.now:
            return Plan(group.index, space.now, fit[1])
        if later is not None and start > later:
            start_res = later
        elif start > start_res:
            start_res = start
        else:
            return Plan(group.index, start, fit[1])
    return None


def scene(
    nodes: int, jobs: list[tuple[int, float]], holds: list[tuple[float, float, set[int]]]
) -> tuple[BackfillMap, GroupState, Releases]:
    spec = parse_cluster(f"h800={nodes}x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    for id, (gpus, ends) in enumerate(jobs):
        job = Job(id, 0.0, gpus, 1.0)
        placement = cluster.place(job)
        if placement is None:
            continue
        job.placement, job.expected_end = placement, NOW + ends
        releases.add(job)
    space = BackfillMap(NOW, resolution=1.0, window=600.0, epoch=0.0)
    for begin, length, on in holds:
        space.reserve(0, NOW + begin, NOW + begin + length, frozenset(n % nodes for n in on))
    return space, cluster.groups[0], releases


@settings(max_examples=300, deadline=None)
@given(
    nodes=st.integers(1, 6),
    jobs=running,
    holds=held,
    gpus=st.integers(1, 48),
    limit=st.integers(1, 30).map(lambda t: 10.0 * t),
)
def test_the_fast_searches_plan_what_slurms_retries_plan_on_any_map(
    nodes: int,
    jobs: list[tuple[int, float]],
    holds: list[tuple[float, float, set[int]]],
    gpus: int,
    limit: float,
) -> None:
    space, group, releases = scene(nodes, jobs, holds)
    job = Job(999, 0.0, min(gpus, nodes * 8), limit, time_limit=limit)
    plain = retried(space, job, group, releases)
    # The search alone, not only the plan: `plan` would mend a start found too early.
    assert space.earliest(job.gpus, limit, group, releases) == (
        None if plain is None else plain.start
    )
    assert space.plan(job, group, releases) == plain


def test_a_gang_starts_when_enough_nodes_are_whole_between_the_reservations_on_them() -> None:
    # Node 0 runs a job until 150; node 1 is reserved over [130, 200], node 2 over [250, 300].
    space, group, releases = scene(3, [(8, 50.0)], [(30.0, 70.0, {1}), (150.0, 50.0, {2})])
    # 20 s on two nodes: nodes 1 and 2 are free of reservations over [100, 120].
    short = Job(1, 0.0, 16, 20.0, time_limit=20.0)
    assert space.plan(short, group, releases) == Plan(0, NOW, frozenset({1, 2}))
    # 60 s: node 1 can start only from 200, node 2 before 190 or from 300, node 0 from 150:
    # two nodes together first at 150 (0 and 2), before node 1's reservation ends.
    long = Job(2, 0.0, 16, 60.0, time_limit=60.0)
    assert space.plan(long, group, releases) == Plan(0, 150.0, frozenset({0, 2}))


def test_a_gang_whose_nodes_are_whole_together_only_past_the_window_gets_no_plan() -> None:
    space, group, releases = scene(2, [(8, 700.0)], [])  # node 0 whole at 800; window ends 700
    gang = Job(1, 0.0, 16, 10.0, time_limit=10.0)
    assert space.plan(gang, group, releases) is None
    wider = BackfillMap(NOW, resolution=1.0, window=800.0, epoch=0.0)
    assert wider.plan(gang, group, releases) == Plan(0, 800.0, frozenset({0, 1}))


def test_a_gang_that_unreserved_nodes_can_take_ignores_nodes_held_only_later() -> None:
    # Nodes 1 and 2 are whole now; node 0 runs a job until 400 and is reserved over [450, 500]:
    # nothing node 0 does can bring the start before now.
    space, group, releases = scene(3, [(8, 300.0)], [(350.0, 50.0, {0})])
    gang = Job(1, 0.0, 16, 30.0, time_limit=30.0)
    assert space.plan(gang, group, releases) == Plan(0, NOW, frozenset({1, 2}))
