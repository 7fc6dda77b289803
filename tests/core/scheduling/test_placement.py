from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup, parse_cluster
from aisc.core.scheduling.placement import ClusterState, GroupState


def group(nodes: int = 3, gpn: int = 8) -> GroupState:
    return GroupState(0, NodeGroup("h800", nodes, gpn))


def test_a_small_job_goes_to_the_fullest_node_that_still_holds_it() -> None:
    g = group()
    first = g.take(5)
    assert first is not None
    ((node, _),) = first
    assert g.take(3) == ((node, 3),)  # the node with 3 free, not an empty one
    assert g.free[node] == 0
    assert g.free_gpus == 16


def test_a_multi_node_job_takes_whole_free_nodes_and_counts_all_their_gpus() -> None:
    g = group(nodes=3)
    g.take(1)
    taken = g.take(12)
    assert taken is not None
    assert [gpus for _, gpus in taken] == [8, 8]
    assert g.free_gpus == 24 - 1 - 16
    assert g.take(9) is None  # only one whole node is left... and it is partly used
    assert not g.fits(9)


def test_it_stops_at_once_when_fewer_gpus_are_free_than_asked() -> None:
    g = group(nodes=1)
    g.take(8)
    assert not g.fits(1)
    assert g.take(1) is None


def test_given_back_gpus_return_to_their_node() -> None:
    g = group(nodes=2)
    taken = g.take(16)
    assert taken is not None
    g.give_back(taken)
    assert g.free == [8, 8]
    assert g.fits(16)


def test_excluded_nodes_are_not_taken() -> None:
    g = group(nodes=2)
    assert g.take(2, exclude={0}) == ((1, 2),)
    assert g.take(8, exclude={0}) is None
    assert g.take(16, exclude={0}) is None
    assert g.take(8, exclude={1}) == ((0, 8),)


def test_stranded_gpus_are_the_free_ones_on_partly_used_nodes() -> None:
    g = group(nodes=2)
    g.take(3)
    assert g.stranded_gpus() == 5
    assert g.can_ever_hold(16)
    assert not g.can_ever_hold(17)


def test_a_reserved_group_serves_its_project_first_and_nobody_else() -> None:
    spec = ClusterSpec(
        (NodeGroup("h800", 1, 8), NodeGroup("h800", 1, 8, "dedicated", reserved_for="p1"))
    )
    cluster = ClusterState(spec)
    own = Job(0, 0.0, 8, 10.0, project="p1")
    other = Job(1, 0.0, 8, 10.0, project="p2")
    assert [g.index for g in cluster.eligible(own)] == [1, 0]
    assert [g.index for g in cluster.eligible(other)] == [0]
    assert cluster.place(other) == (0, ((0, 8),))
    assert not cluster.fits(Job(2, 0.0, 1, 1.0, project="p2"))
    assert cluster.fits(own)
    assert cluster.place(own) == (1, ((0, 8),))


def test_it_explains_why_a_job_can_never_run() -> None:
    cluster = ClusterState(parse_cluster("h800=2x8,br104=1x4"))
    assert cluster.why_unschedulable(Job(0, 0.0, 16, 1.0)) is None
    assert "whole cluster has 20" in str(cluster.why_unschedulable(Job(1, 0.0, 21, 1.0)))
    pinned = Job(2, 0.0, 1, 1.0, chip="a100")
    assert "needs chip 'a100'" in str(cluster.why_unschedulable(pinned))
    wide = Job(3, 0.0, 8, 1.0, chip="br104")
    assert "can hold a gang of 8" in str(cluster.why_unschedulable(wide))


def test_it_places_only_on_the_groups_it_is_given_and_tracks_totals() -> None:
    cluster = ClusterState(parse_cluster("h800=1x8,br104=1x8"))
    job = Job(0, 0.0, 8, 1.0)
    placement = cluster.place(job, groups=[cluster.groups[1]])
    assert placement is not None
    assert placement[0] == 1
    assert cluster.allocated_by(placement) == 8
    assert cluster.free_gpus == 8
    assert cluster.allocated_gpus == 8
    assert cluster.place(job, groups=[cluster.groups[1]]) is None
    assert cluster.place(Job(1, 0.0, 2, 1.0), exclude={0: {0}}) is None
    cluster.place(Job(2, 0.0, 3, 1.0))
    assert cluster.stranded_gpus() == 5
    cluster.release(placement)
    assert cluster.free_gpus == 13


def test_a_single_group_cluster_reports_its_free_and_stranded_gpus() -> None:
    cluster = ClusterState(parse_cluster("h800=2x8"))
    cluster.place(Job(0, 0.0, 3, 1.0))
    assert cluster.free_gpus == 13
    assert cluster.stranded_gpus() == 5


def churned(lowest_first: bool) -> GroupState:
    """Two idle nodes after jobs came and went in an order that leaves a set of node numbers
    iterating from node 1."""
    g = GroupState(0, NodeGroup("br104", 2, 8), lowest_first)
    for first, second in (((0, 1), (1, 8)), ((0, 8), (1, 8))):
        taken = [g.take(first[1]), g.take(second[1])]
        assert taken == [(first,), (second,)]
        for placement in taken:
            assert placement is not None
            g.give_back(placement)
    assert g.free == [8, 8]
    return g


def test_with_lowest_first_equally_good_nodes_go_lowest_numbered_first() -> None:
    g = churned(lowest_first=True)
    assert g.take(1) == ((0, 1),)
    assert g.take(7) == ((0, 7),)  # the best fit still wins: node 0 had exactly 7 left
    assert g.take(2) == ((1, 2),)
    assert g.take(2, exclude={1}) is None  # the only node with room is excluded
    g.give_back(((0, 7),))
    assert g.take(1, exclude={0}) == ((1, 1),)  # node 1 (5 free) fits best outside node 0
    assert g.take(5, exclude=set()) == ((1, 5),)  # node 1 has exactly 5 left, node 0 has 7


def test_a_cluster_state_passes_lowest_first_to_every_group() -> None:
    state = ClusterState(parse_cluster("h800=2x8,br104=2x8"), lowest_first=True)
    assert [g.lowest for g in state.groups] == [True, True]
    assert [g.lowest for g in ClusterState(parse_cluster("h800=2x8")).groups] == [False]
