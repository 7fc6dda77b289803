"""When each node frees k GPUs: the index the `slurm` policy's will-run test reads."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.releases import Releases


def running(cluster: ClusterState, releases: Releases, id: int, gpus: int, end: float) -> Job:
    job = Job(id, 0.0, gpus, end)
    job.placement = cluster.place(job)
    job.expected_end = end
    releases.add(job)
    return job


def test_a_node_frees_k_gpus_when_enough_of_its_jobs_have_ended() -> None:
    spec = parse_cluster("h800=2x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    first = running(cluster, releases, 1, 6, 100.0)
    running(cluster, releases, 2, 1, 40.0)  # best fit: the same node, now 1 GPU free
    node = first.placement[1][0][0]
    assert releases.rows[0][node] == [-math.inf, -math.inf, 40.0, 100, 100, 100, 100, 100, 100]
    group = cluster.groups[0]
    # now: the other node is whole; kept off it, two GPUs come at 40 on this node
    assert releases.will_run(2, group, set()) == (-math.inf, frozenset({1 - node}))
    assert releases.will_run(2, group, {1 - node}) == (40.0, frozenset({node}))
    assert releases.will_run(2, group, {0, 1}) is None


def test_a_stopped_job_gives_its_node_back_to_the_index() -> None:
    spec = parse_cluster("h800=1x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    job = running(cluster, releases, 1, 8, 50.0)
    assert releases.ready[0][8] == [(50.0, 0)]
    cluster.release(job.placement)
    releases.remove(job)
    assert releases.ready[0][8] == [(-math.inf, 0)]
    assert releases.jobs[0][0] == []


def test_a_gang_of_whole_nodes_waits_for_the_last_node_it_needs() -> None:
    spec = parse_cluster("h800=3x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    running(cluster, releases, 1, 8, 30.0)
    running(cluster, releases, 2, 8, 70.0)
    group = cluster.groups[0]
    whole_now = next(iter(group.buckets[8]))
    assert releases.will_run(16, group, set()) == (30.0, frozenset({0, 1, 2} - {1}))
    assert releases.will_run(24, group, set()) == (70.0, frozenset({0, 1, 2}))
    assert releases.will_run(16, group, {whole_now}) == (70.0, frozenset({0, 1, 2} - {whole_now}))
    assert releases.will_run(16, group, {0, 1, 2} - {whole_now}) is None


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(1, 8), st.integers(1, 20).map(lambda t: 10.0 * t), st.booleans()),
        max_size=30,
    )
)
def test_the_kept_ends_and_used_gpus_always_equal_a_recount_from_the_running_jobs(
    steps: list[tuple[int, float, bool]],
) -> None:
    # `ends` and `used` are kept beside `order` and `jobs` for speed: they must never drift.
    spec = parse_cluster("h800=3x8")
    cluster, releases = ClusterState(spec), Releases(spec)
    jobs: list[Job] = []
    for id, (gpus, end, stop) in enumerate(steps):
        if stop and jobs:
            job = jobs.pop(id % len(jobs))
            cluster.release(job.placement)
            releases.remove(job)
        else:
            job = Job(id, 0.0, gpus, end)
            placement = cluster.place(job)
            if placement is not None:  # a node with `gpus` free: it runs until `end`
                job.placement, job.expected_end = placement, end
                releases.add(job)
                jobs.append(job)
        assert releases.ends == [end for end, _ in releases.order]
        for node, held in releases.jobs[0].items():
            assert releases.used[0][node] == sum(gpus for *_, gpus in held)
        assert sum(releases.used[0]) == sum(job.gpus for job in jobs)
