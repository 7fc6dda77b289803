"""The backfill map keeps each node's leaving times twice: per node (`leaving`) and sorted per
group (`leaves`, whose first entry `later_start` reads). `reserve` keeps them in step without
recounting; after any sequence of reservations both must equal a recount from the reservations
on each node (`on_node`), so a faster `reserve` cannot let them drift apart unnoticed. The same
holds for the nodes sorted by their first reservation (`firsts`), from which `blocked` answers:
it must answer what the reservations themselves say."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.bfmap import BackfillMap

NOW, WINDOW = 100.0, 300.0
# Times on a coarse grid, before now and past the window's end too, so reservations meet,
# nest, touch and begin where another ends as often as they do on Slurm's 60 s map.
times = st.integers(-2, 45).map(lambda t: 10.0 * t)
reservations = st.lists(
    st.tuples(
        st.integers(0, 1),  # group
        times,  # begin
        st.integers(0, 20).map(lambda t: 10.0 * t),  # length: an empty slot too
        st.frozensets(st.integers(0, 4), min_size=1),
    ),
    max_size=25,
)


def leaving_recount(space: BackfillMap, group: int) -> dict[int, set[float]]:
    """A node stops being reserved at the end of a reservation that holds it for a while,
    inside (now, window end), where no reservation on the node holds it at that time."""
    counted: dict[int, set[float]] = {}
    for node, holds in space.on_node.get(group, {}).items():
        counted[node] = {
            end
            for begin, end in holds
            if begin < end
            and space.now < end < space.window_end
            and not any(b <= end < e for b, e in holds)
        }
    return counted


def blocked_recount(space: BackfillMap, group: int, start: float, end: float) -> set[int]:
    """Slurm's rule read from the reservations as made: every node of one that ends after
    `start` and begins no later than `end`."""
    taken: set[int] = set()
    for begin, finish, nodes in space.reserved.get(group, ()):
        if finish > start and begin <= end:
            taken |= nodes
    return taken


@settings(max_examples=400, deadline=None)
@given(made=reservations)
def test_the_sorted_leaving_times_always_equal_a_recount_from_each_nodes_reservations(
    made: list[tuple[int, float, float, frozenset[int]]],
) -> None:
    space = BackfillMap(NOW, resolution=10.0, window=WINDOW, epoch=0.0)
    for group, begin, length, nodes in made:
        space.reserve(group, begin, begin + length, nodes)
        for g in (0, 1):
            per_node = space.leaving.get(g, {})
            assert per_node == leaving_recount(space, g)
            # the sorted structure is exactly the per-node one, flattened and sorted
            flat = sorted((time, node) for node, ends in per_node.items() for time in ends)
            assert space.leaves.get(g, []) == flat


@settings(max_examples=400, deadline=None)
@given(made=reservations, asked=st.lists(st.tuples(times, times), min_size=1, max_size=4))
def test_the_nodes_blocked_always_equal_what_the_reservations_say(
    made: list[tuple[int, float, float, frozenset[int]]], asked: list[tuple[float, float]]
) -> None:
    space = BackfillMap(NOW, resolution=10.0, window=WINDOW, epoch=0.0)
    for group, begin, length, nodes in made:
        space.reserve(group, begin, begin + length, nodes)
        for g in (0, 1):
            holds = space.on_node.get(g, {})
            assert space.firsts.get(g, []) == sorted((h[0][0], n) for n, h in holds.items())
            # from now (the fast slice, or the walk once a reservation ends by now) and later
            for start, length_asked in [(NOW, 60.0), *asked]:
                end = start + abs(length_asked)
                assert space.blocked(g, start, end) == blocked_recount(space, g, start, end)


def test_a_reservation_over_another_ones_end_takes_that_leaving_time_away() -> None:
    space = BackfillMap(NOW, resolution=10.0, window=WINDOW, epoch=0.0)
    space.reserve(0, 120.0, 150.0, frozenset({1}))
    assert space.leaves[0] == [(150.0, 1)]
    space.reserve(0, 140.0, 200.0, frozenset({1, 2}))  # holds node 1 over 150: it leaves at 200
    assert space.leaves[0] == [(200.0, 1), (200.0, 2)]
    assert space.leaving[0] == {1: {200.0}, 2: {200.0}}
    space.reserve(0, 130.0, 160.0, frozenset({1}))  # ends inside the one to 200: no new time
    assert space.leaves[0] == [(200.0, 1), (200.0, 2)]
