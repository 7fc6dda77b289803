"""Slurm's will-run answer in the backfill map's first test: cons_tres ends running jobs in
batches and answers the end of the batch's last job (`Releases.batched`), which can lie past
the time the job could first start, and that decides whether the first test plans."""

from __future__ import annotations

import math
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.bfmap import BackfillMap, Plan
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.releases import Releases

# once-s11-r2 at 06:24:08 (benchmarks/data/slurm-fidelity): every job running then started at
# 06:24:08, time 8 here (the minute's grid and the 30 s grid both fall on multiples of 60 and
# 30); limits of one or two minutes, so ends at 68 or 128. (Slurm id, group, node, GPUs, end),
# in creation order: group 0 is h800, 1 br104.
RUNNING = (
    (2811, 1, 0, 4, 68.0),
    (2812, 0, 0, 8, 68.0),
    (2813, 1, 0, 2, 128.0),
    (2814, 0, 1, 1, 68.0),
    (2815, 0, 1, 1, 128.0),
    (2816, 1, 0, 2, 68.0),
    (2818, 1, 1, 2, 68.0),
    (2819, 1, 1, 2, 128.0),
    (2821, 1, 1, 2, 68.0),
    (2824, 1, 1, 1, 68.0),
)
NOW = 8.0


def running(
    cluster: str, jobs: Iterable[tuple[int, int, int | None, int, float]]
) -> tuple[ClusterState, Releases]:
    """A cluster running these jobs (id, group, node or None for the best fit, GPUs, end)."""
    spec = parse_cluster(cluster)
    state, releases = ClusterState(spec), Releases(spec)
    for id, group, node, gpus, end in jobs:
        job = Job(id, 0.0, gpus, 1.0)
        others = None if node is None else set(range(spec.groups[group].nodes)) - {node}
        nodes = state.groups[group].take(gpus, exclude=others)
        assert nodes is not None
        job.placement, job.expected_end = (group, nodes), end
        releases.add(job)
    return state, releases


def at_0624() -> tuple[ClusterState, Releases]:
    return running("h800=2x8,br104=2x8", RUNNING)


def test_slurms_will_run_answers_a_later_jobs_end_when_only_other_nodes_jobs_lie_between() -> None:
    cluster, releases = at_0624()
    h800 = cluster.groups[0]
    # h800-01 is whole first, at 06:25:08 (its one job's limit) ...
    assert releases.will_run(8, h800, set()) == (68.0, frozenset({0}))
    # ... but Slurm's walk ends 2812, then 2814 (h800-02, 06:25:08), then skips br104's jobs
    # without looking at their ends and takes 2815 (h800-02, 06:26:08) into the same batch:
    # the answer is 06:26:08, as the log's "later_start 1796538368" (06:26:08) shows
    assert releases.batched(8, 68.0, 0, set(), 0.0) == 128.0


def test_the_first_test_at_0624_goes_past_the_16_gpu_reservation_as_slurm_did() -> None:
    # 2817 (16 GPUs, both h800 nodes) is reserved over [06:26:00, 06:27:00). 2820 (8 GPUs, one
    # minute): Slurm's will-run says 06:26:08, whose slot [06:26:00, 06:27:00) meets that
    # reservation ("overlaps with existing reservation"), so it tried again from 06:26:08 and
    # planned "to start at 06:27:00 ... on nodes h800-01".
    cluster, releases = at_0624()
    space = BackfillMap(NOW, resolution=60.0, window=86400.0, epoch=0.0)
    space.reserve(0, 120.0, 180.0, frozenset({0, 1}))
    job = Job(2820, 0.0, 8, 60.0, time_limit=60.0)
    assert space.plan(job, cluster.groups[0], releases) == Plan(0, 180.0, frozenset({0}))


def test_a_will_run_answer_past_the_window_is_no_plan_and_the_search_decides() -> None:
    # At 06:24 with a window ending at 06:25:48 (108): will-run fits 2820 at 06:25:08 (68), but
    # Slurm's batched answer, 06:26:08 (128), lies past the window, so the first test plans
    # nothing and the search from now finds the earliest time inside the window.
    cluster, releases = at_0624()
    space = BackfillMap(NOW, resolution=60.0, window=100.0, epoch=0.0)
    assert releases.batched(8, 68.0, 0, set(), 0.0) == 128.0 > space.window_end == 108.0
    job = Job(2820, 0.0, 8, 60.0, time_limit=60.0)
    assert space.plan(job, cluster.groups[0], releases) == Plan(0, 68.0, frozenset({0}))


def test_a_job_alone_on_the_walk_is_its_own_batch() -> None:
    # once-s10-r1 at 05:55:08: the job ending first on the usable nodes is followed by a job
    # ending past the window, so the batch holds it alone and the answer is the earliest time.
    _, releases = running("br104=2x8", ((0, 0, None, 8, 128.0), (1, 0, None, 6, 68.0)))
    assert releases.batched(8, 68.0, 0, set(), 0.0) == 68.0
    # with node 1 held by a reservation, node 0's job is the first usable one: 128
    assert releases.batched(8, 128.0, 0, {1}, 0.0) == 128.0


def test_a_tie_on_a_held_node_does_not_free_the_job() -> None:
    # Both nodes' jobs end at 68; node 1 is held by a reservation, so node 0's job is the one
    # that frees the 8-GPU job, and the answer is its end.
    _, releases = running("h800=2x8", ((0, 0, 0, 8, 68.0), (1, 0, 1, 8, 68.0)))
    assert releases.batched(8, 68.0, 0, {1}, 0.0) == 68.0
    assert releases.batched(8, 68.0, 0, {0}, 0.0) == 68.0


def test_a_batch_that_reaches_the_end_of_the_walk_ends_at_its_last_usable_job() -> None:
    # Node 0's job ends at 68, node 1's at 70 (inside the first window, so one batch) and a
    # job of another group ends last: the walk runs to its end and the batch's last usable job
    # is node 1's.
    _, releases = running(
        "h800=2x8,br104=1x8", ((0, 0, None, 8, 68.0), (1, 0, None, 8, 70.0), (2, 1, None, 8, 75.0))
    )
    assert releases.batched(8, 68.0, 0, set(), 0.0) == 70.0


def test_the_window_doubles_after_a_batch_until_the_next_job_ends_inside_it() -> None:
    # A gang of both nodes: node 0 whole at 68, node 1 at 400. The first batch (window to 120)
    # holds node 0's job only; the window then doubles past 400 and the next batch ends node
    # 1's job: the answer is 400, the earliest time.
    cluster, releases = running("h800=2x8", ((0, 0, None, 8, 68.0), (1, 0, None, 8, 400.0)))
    assert releases.will_run(16, cluster.groups[0], set()) == (400.0, frozenset({0, 1}))
    assert releases.batched(16, 400.0, 0, set(), 0.0) == 400.0


def walked(releases: Releases, gpus: int, group: int, blocked: set[int], epoch: float) -> float:
    """cons_tres's `_will_run_test` loop as written, over every group's running jobs: by end
    (ties in creation order), jobs on no usable node skipped without a look at the next job,
    usable ones ended in batches, the job tested after each batch on the GPUs then free."""
    jobs: dict[int, tuple[float, int, set[int]]] = {}
    for g, per in enumerate(releases.jobs):
        for ends in per.values():
            for end, id, _ in ends:
                jobs[id] = (end, g, set())
    free = [8] * releases.size[group]
    for node, ends in releases.jobs[group].items():
        for _, id, used in ends:
            jobs[id][2].add(node)
            free[node] -= used
    walk = sorted((end, id) for id, (end, _, _) in jobs.items())
    window, top, at = 30.0, math.inf, 0
    while True:
        last = math.nan
        while at < len(walk):
            end, id = walk[at]
            at += 1
            if jobs[id][1] != group or not jobs[id][2] - blocked:
                continue
            if top == math.inf:
                top = end + window - (end + epoch) % window
            last = end
            for node, ends in releases.jobs[group].items():
                free[node] += sum(used for _, other, used in ends if other == id)
            if at < len(walk) and walk[at][0] > top + window:
                break
        window *= 2
        while at < len(walk) and walk[at][0] > top + window:
            window *= 2
        usable = [free[n] for n in range(len(free)) if n not in blocked]
        if (sum(f == 8 for f in usable) >= gpus // 8) if gpus > 8 else max(usable) >= gpus:
            return last


@settings(max_examples=300, deadline=None)
@given(
    running=st.lists(
        st.tuples(st.integers(0, 1), st.integers(1, 8), st.integers(0, 30)), max_size=16
    ),
    blocked=st.sets(st.integers(0, 2), max_size=2),
    gpus=st.sampled_from([1, 2, 4, 8, 16, 24]),
    epoch=st.integers(0, 29),
)
def test_the_batches_answer_what_slurms_walk_answers_on_any_running_set(
    running: list[tuple[int, int, int]], blocked: set[int], gpus: int, epoch: int
) -> None:
    # ends on a 10 s grid, so jobs tie and fall on the 30 s window's edges
    spec = parse_cluster("h800=3x8,br104=2x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    for id, (group, size, end) in enumerate(running):
        job = Job(id, 0.0, size, 1.0)
        nodes = cluster.groups[group].take(size)
        if nodes is None:
            continue
        job.placement, job.expected_end = (group, nodes), 100.0 + 10.0 * end
        releases.add(job)
    h800 = cluster.groups[0]
    fit = releases.will_run(gpus, h800, blocked)
    if fit is None or fit[0] == -math.inf:
        return
    assert releases.batched(gpus, fit[0], 0, blocked, float(epoch)) == walked(
        releases, gpus, 0, blocked, float(epoch)
    )
