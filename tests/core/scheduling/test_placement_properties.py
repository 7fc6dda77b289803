"""Placement under any run of takes and give-backs: the free-GPU buckets stay consistent, a job
goes best-fit (or to whole, lowest-numbered free nodes), and "fits" means "can be taken"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup
from aisc.core.scheduling.placement import ClusterState, GroupState

ops = st.lists(
    st.one_of(
        st.tuples(st.just("take"), st.integers(1, 40), st.sets(st.integers(0, 5), max_size=3)),
        st.tuples(st.just("give"), st.integers(0, 100), st.just(frozenset[int]())),
    ),
    max_size=40,
)


def consistent(group: GroupState) -> None:
    for node, free in enumerate(group.free):
        assert 0 <= free <= group.gpn
        assert node in group.buckets[free]
    assert sum(len(b) for b in group.buckets) == group.spec.nodes  # each node in one bucket
    assert group.free_gpus == sum(group.free)
    assert group.stranded_gpus() == sum(f for f in group.free if f < group.gpn)


@settings(max_examples=150)
@given(nodes=st.integers(1, 6), gpn=st.sampled_from([1, 4, 8]), steps=ops)
def test_any_run_of_takes_and_give_backs_keeps_the_buckets_consistent_and_best_fit(
    nodes: int, gpn: int, steps: list[tuple[str, int, frozenset[int]]]
) -> None:
    group = GroupState(0, NodeGroup("h800", nodes, gpn))
    held: list[tuple[tuple[int, int], ...]] = []
    for kind, n, exclude in steps:
        if kind == "give":
            if held:
                group.give_back(held.pop(n % len(held)))
            consistent(group)
            continue
        before = list(group.free)
        could = group.fits(n)
        taken = group.take(n, set(exclude) or None)
        consistent(group)
        if taken is None:
            assert group.free == before  # a failed take changes nothing
            if not exclude:
                assert not could  # without exclusions, "fits" means it can be taken
            continue
        held.append(taken)
        assert could
        assert sum(g for _, g in taken) == (n if n <= gpn else group.nodes_needed(n) * gpn)
        assert not {node for node, _ in taken} & exclude
        if n <= gpn:
            ((node, _),) = taken
            allowed = [f for i, f in enumerate(before) if i not in exclude and f >= n]
            assert before[node] == min(allowed)  # best fit: the fullest node that holds it
        else:
            chosen = sorted(node for node, _ in taken)
            empty = [i for i, f in enumerate(before) if f == gpn and i not in exclude]
            assert chosen == empty[: len(chosen)]  # whole free nodes, lowest-numbered first
    for placement in held:
        group.give_back(placement)
    assert group.free == [gpn] * nodes  # everything given back: as new


@settings(max_examples=150)
@given(nodes=st.integers(1, 4), gpn=st.sampled_from([2, 4, 8]), asks=st.lists(st.integers(1, 40)))
def test_fits_agrees_with_a_count_of_free_gpus_per_node(
    nodes: int, gpn: int, asks: list[int]
) -> None:
    group = GroupState(0, NodeGroup("h800", nodes, gpn))
    for n in asks:
        whole = sum(1 for f in group.free if f == gpn)
        expected = any(f >= n for f in group.free) if n <= gpn else whole >= group.nodes_needed(n)
        assert group.fits(n) == expected
        assert group.can_ever_hold(n) == (group.nodes_needed(n) <= nodes)
        group.take(n)


def test_eligible_groups_put_the_projects_own_reservation_first_and_leave_out_others() -> None:
    spec = ClusterSpec(
        (
            NodeGroup("h800", 2, 8),
            NodeGroup("h800", 1, 8, "dedicated", reserved_for="p1"),
            NodeGroup("h800", 1, 8, "dedicated", reserved_for="p2"),
            NodeGroup("a100", 4, 4),
        )
    )
    state = ClusterState(spec)
    mine = state.eligible(Job(0, 0.0, 8, 1.0, project="p1", chip="h800"))
    assert [g.index for g in mine] == [1, 0]  # p1's reservation, then the shared h800 group
    theirs = state.eligible(Job(1, 0.0, 8, 1.0, project="p3"))
    assert [g.index for g in theirs] == [0, 3]  # nobody else's reservation
    wide = state.eligible(Job(2, 0.0, 24, 1.0, project="p1"))
    assert [g.index for g in wide] == []  # no group has 3 nodes of 8 or 6 of 4


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        (Job(0, 0.0, 100, 1.0), "needs 100 GPUs; the whole cluster has 32"),
        (Job(1, 0.0, 1, 1.0, chip="br104"), "needs chip 'br104'; the cluster has h800, a100"),
        (Job(2, 0.0, 17, 1.0, chip="a100"), "no node group allowed to it can hold a gang of 17"),
        (Job(3, 0.0, 16, 1.0), None),
    ],
)
def test_the_reason_a_job_can_never_run_names_the_rule_it_breaks(
    job: Job, reason: str | None
) -> None:
    state = ClusterState(ClusterSpec((NodeGroup("h800", 2, 8), NodeGroup("a100", 4, 4))))
    found = state.why_unschedulable(job)
    if reason is None:
        assert found is None
    else:
        assert reason in (found or "")
