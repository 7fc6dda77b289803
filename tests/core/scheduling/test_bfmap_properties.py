"""The backfill map's searches against Slurm's plain retries, on random maps: a job on one node
and a gang of whole nodes get the same start and the same nodes as retrying at every
reservation end would give them (`BackfillMap.earliest` against `retried` below), and a plan
is Slurm's first test where that test already plans (`first_try`), else the retries'."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.bfmap import BackfillMap, Plan
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.releases import Releases
from tests.core.scheduling.test_bfmap_willrun import running as running_jobs

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


def retried(
    space: BackfillMap, job: Job, group: GroupState, releases: Releases, since: float = -1.0
) -> Plan | None:
    """Slurm's loop as written: from now (or `since`), retry at the next reservation end while
    the will-run answer lies past it, and at the answer while the nodes free over the limit may
    differ."""
    limit = job.estimate_on(1.0)
    start_res = max(space.now, since)
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


def slurm_will_run(releases: Releases, job: Job, blocked: set[int], epoch: float) -> float | None:
    """cons_tres's `_will_run_test` loop as written, for a job that does not fit now: every
    running job by end (ties in creation order); jobs on no usable node skipped; the usable
    ones ended in batches (a batch goes on after a job while the next one in the walk ends by
    the aligned window's end); after each batch the window doubles and the job is tested on
    the GPUs then free; the answer is the end of the batch's last job."""
    running: dict[int, tuple[float, set[int]]] = {}
    free = [8] * releases.size[0]
    for node, ends in releases.jobs[0].items():
        for end, id, gpus in ends:
            running.setdefault(id, (end, set()))[1].add(node)
            free[node] -= gpus
    walk = sorted((end, id) for id, (end, _) in running.items())
    usage = {(id, node): gpus for node, ends in releases.jobs[0].items() for _, id, gpus in ends}

    def fits() -> bool:
        usable = [n for n in range(len(free)) if n not in blocked]
        if job.gpus > 8:
            return sum(free[n] == 8 for n in usable) >= -(-job.gpus // 8)
        return any(free[n] >= job.gpus for n in usable)

    window, top, at = 30.0, -math.inf, 0
    while True:
        last = None
        while at < len(walk):
            end, id = walk[at]
            at += 1
            if not running[id][1] - blocked:
                continue
            if top == -math.inf:
                top = end + window - (end + epoch) % window
            last = end
            for node in running[id][1]:
                free[node] += usage[id, node]
            if at < len(walk) and walk[at][0] > top + window:
                break
        if last is None:
            return None
        window *= 2
        while at < len(walk) and walk[at][0] > top + window:
            window *= 2
        if fits():
            return last


def first_try(
    space: BackfillMap, job: Job, group: GroupState, releases: Releases
) -> Plan | float | None:
    """backfill.c's first test as written: will-run (`slurm_will_run`) on the nodes no
    reservation holds over [now, now + limit]; a start past now, no later than the end of the
    map record holding now, whose rounded slot [floor(start), floor(start + limit)) meets no
    reservation on its nodes, is the plan at once; where the slot meets one, the retries go
    on from that start (its time returned); None: the retries decide, from now."""
    limit, now, held = job.estimate_on(1.0), space.now, space.reserved.get(group.index, [])
    blocked: set[int] = set()
    for begin, end, nodes in held:
        if end > now and begin <= now + limit:
            blocked |= nodes
    fit = releases.will_run(job.gpus, group, blocked)
    if fit is None or fit[0] <= now:
        return None
    start = slurm_will_run(releases, job, blocked, space.epoch)
    assert start is not None
    if start > space.window_end:
        return None
    # later_start: the end of the first record after which a node is free that was not free
    # in every record so far (records are the spans between the reservations' edges)
    starts = [now, *sorted({t for b, e, _ in held for t in (b, e) if now < t < space.window_end})]
    avail = [set(range(group.spec.nodes)) - {n for b, e, on in held if b <= t < e for n in on}
             for t in starts]  # fmt: skip
    later, met = math.inf, set(range(group.spec.nodes))
    for k, t in enumerate(starts[:-1]):
        if not avail[k + 1] <= met & avail[k]:
            later = starts[k + 1]
            break
        if t > now + limit:
            break
        met &= avail[k]
    if start > later:
        return None
    low, high = space.floor(start), space.floor(start + limit)
    if any(e > low and b < high and nodes & fit[1] for b, e, nodes in held):
        return start
    return Plan(group.index, start, fit[1])


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
    # Slurm's first test can plan a start whose rounded slot ends where a reservation begins,
    # and its will-run answer can lie past the earliest time.
    first = first_try(space, job, group, releases)
    if isinstance(first, float):
        plain = retried(space, job, group, releases, since=first)
    assert space.plan(job, group, releases) == (first if isinstance(first, Plan) else plain)


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


def test_a_plan_whose_rounded_slot_ends_where_a_reservation_begins_is_slurms_first_answer() -> None:
    # Slurm 22.05 at 05:55:08 (bf_resolution 60): br104-02 whole at 05:56:08, br104-01 at
    # 05:57:08, a 16-GPU job reserved both over [05:57:00, 05:58:00]. An 8-GPU job of one minute
    # got "to start at 05:56:08, end at 05:57:00 on nodes br104-02": its slot rounds to
    # [05:56:00, 05:57:00), which meets the reservation only where it begins.
    cluster, releases = running_jobs("br104=2x8", ((0, 0, None, 8, 128.0), (1, 0, None, 6, 68.0)))
    now = 8.0  # seconds past the minute, on a map whose resolution is a minute
    group = cluster.groups[0]
    space = BackfillMap(now, resolution=60.0, window=3600.0, epoch=0.0)
    space.reserve(0, 120.0, 180.0, frozenset({0, 1}))
    eight = Job(5, 0.0, 8, 60.0, time_limit=60.0)
    assert space.plan(eight, group, releases) == Plan(0, 68.0, frozenset({1}))
    # the retries would have gone past the reservation: that is not what Slurm planned
    assert space.earliest(8, 60.0, group, releases) == 180.0
    space.hold(Plan(0, 68.0, frozenset({1})), eight, "br104")
    assert space.reserved[0][-1] == (60.0, 120.0, frozenset({1}))
    # so a 2-GPU job of one minute cannot take br104-02's two free GPUs now (Slurm tested it
    # "on br104-01" only and planned it for later), as it could with the 8-GPU job at 180
    two = Job(6, 0.0, 2, 60.0, time_limit=60.0)
    assert space.blocked(0, now, now + 60.0) == {1}  # br104-01 (node 0) has no GPU free
    plan = space.plan(two, group, releases)
    assert plan is not None
    assert plan.start > now


def test_slurms_first_test_passes_over_a_reservation_that_ends_before_the_rounded_slot() -> None:
    # Node 0 runs a job until 200 and is reserved over [130, 160]; nodes 1 and 2 run jobs until
    # 300 and are reserved from 140 and 150 on (boundaries where nodes are only taken, so the
    # map's later_start lies past node 0's reservation): will-run names node 0 at 200, and the
    # reservation that ended before that does not stop the plan.
    space, group, releases = scene(
        3, [(8, 100.0), (8, 200.0), (8, 200.0)], [(30.0, 30.0, {0}), (40.0, 260.0, {1}),
                                                  (50.0, 250.0, {2})]
    )  # fmt: skip
    job = Job(1, 0.0, 8, 20.0, time_limit=20.0)
    assert first_try(space, job, group, releases) == Plan(0, NOW + 100.0, frozenset({0}))
    assert space.plan(job, group, releases) == Plan(0, NOW + 100.0, frozenset({0}))


def test_a_job_on_one_node_whose_node_is_ready_only_past_the_window_gets_no_start() -> None:
    space, group, releases = scene(1, [(8, 700.0)], [])  # node 0 free at 800; window ends 700
    assert space.earliest(4, 10.0, group, releases) is None
    assert space.plan(Job(1, 0.0, 4, 10.0, time_limit=10.0), group, releases) is None


def test_a_reservation_that_ends_before_a_node_is_ready_does_not_move_the_start() -> None:
    # Node 0 runs a job until 200 and was reserved over [110, 130]; node 1 is whole now.
    space, group, releases = scene(2, [(8, 100.0)], [(10.0, 20.0, {0})])
    one_node = space.earliest(8, 10.0, group, releases)  # node 1 now
    assert one_node == NOW
    on_node_0 = scene(1, [(8, 100.0)], [(10.0, 20.0, {0})])
    assert on_node_0[0].earliest(4, 10.0, on_node_0[1], on_node_0[2]) == NOW + 100.0
    assert space.earliest(16, 10.0, group, releases) == NOW + 100.0  # both nodes, whole


def test_a_reservation_ending_by_now_blocks_no_node_from_now() -> None:
    # A job of under a minute planned a few seconds ahead reserves a slot that rounds to end
    # at or before now: from now it holds nothing, though another node stays held.
    space = BackfillMap(30.0, resolution=60.0, window=3600.0, epoch=0.0)
    space.reserve(0, 0.0, 0.0, frozenset({1}))
    space.reserve(0, 60.0, 120.0, frozenset({2}))
    space.reserve(0, 0.0, 120.0, frozenset({3}))
    assert space.blocked(0, 30.0, 90.0) == {2, 3}
    assert space.blocked(0, 30.0, 50.0) == {3}
    # later starts read every node's reservations
    assert space.blocked(0, 120.0, 180.0) == set()
    assert space.blocked(0, 90.0, 100.0) == {2, 3}
