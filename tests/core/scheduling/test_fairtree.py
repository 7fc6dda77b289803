"""Fair Tree, worked by hand on small trees (fair_tree.c's ranking and its three tie rules)."""

import pytest

from aisc.core.scheduling.fairtree import Association, fair_tree
from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.scheduling.priority import PriorityCalculator


def user(name: str, usage: float = 0.0, shares: float = 1.0) -> Association:
    return Association(name, shares, usage)


def account(name: str, *children: Association, shares: float = 1.0) -> Association:
    return Association(name, shares, sum(c.usage for c in children), children)


def test_users_rank_by_shares_over_usage_and_equal_ones_share_a_rank() -> None:
    # LF: a has no usage (infinite), b and d 0.25/0.2 = 1.25, c 0.25/0.6: ranks 4, 3, 3, 1.
    root = account("root", user("a"), user("b", 10), user("c", 30), user("d", 10))
    assert fair_tree(root) == {"a": 1.0, "b": 0.75, "d": 0.75, "c": 0.25}


def test_the_test_clusters_tree_gives_the_priorities_its_log_shows() -> None:
    # root's own user (no usage) ranks first of five; the accounts' users then get 4/5 ... 1/5:
    # slurmctld logged InitPrio 8000, 6000, 4000 and 2000 with PriorityWeightFairshare=10000.
    fidelity = account(
        "fidelity",
        account("fa", user("alice")),
        account("fb", user("bob", 10)),
        account("fc", user("carol", 30)),
        account("fd", user("dave", 20)),
    )
    factors = fair_tree(account("root", user("root"), fidelity))
    assert {name: round(10_000 * f) for name, f in factors.items()} == {
        "root": 10_000,
        "alice": 8000,
        "bob": 6000,
        "dave": 4000,
        "carol": 2000,
    }


def test_a_user_tied_with_a_sibling_account_shares_the_rank_of_its_first_user() -> None:
    # u and A both have LF 1: u (users first) ranks 3; A's first user y is tied with it.
    root = account("root", user("u", 10), account("A", user("x", 10), user("y")))
    assert fair_tree(root) == pytest.approx({"u": 1.0, "y": 1.0, "x": 1 / 3})


def test_tied_accounts_merge_their_children_before_ranking() -> None:
    # A and B tie (LF 1); merged, q (no usage) ranks 3, r (LF 1) 2, p (LF 0.5) 1. Walked one
    # account after the other, p would have ranked above r.
    a = account("A", user("p", 10), user("q"))
    b = account("B", user("r", 10))
    assert fair_tree(account("root", a, b)) == pytest.approx({"q": 1.0, "r": 2 / 3, "p": 1 / 3})


def test_no_shares_rank_last_and_no_usage_anywhere_ties_everyone() -> None:
    root = account("root", user("a", 5), user("b", 5), user("none", 0, shares=0))
    assert fair_tree(root) == {"a": 1.0, "b": 1.0, "none": 1 / 3}
    assert fair_tree(account("root", user("a"), user("b"))) == {"a": 1.0, "b": 1.0}
    zero = Association("root", shares=0.0, children=(user("a", 0, shares=0),))
    assert fair_tree(zero) == {"a": 1.0}  # alone, so ranked first whatever its LF


def test_an_empty_tree_has_no_factors() -> None:
    assert fair_tree(Association("root")) == {}


def test_the_priority_calculator_ranks_projects_by_fair_tree_when_asked() -> None:
    cluster = ClusterSpec((NodeGroup("h800", 1, 8),), {"a": 1.0, "b": 1.0, "c": 2.0})
    usage = {"a": 30.0, "b": 10.0, "c": 20.0}
    tree = PriorityCalculator(cluster, PolicyOptions(fair_tree=True)).fairshare(usage, ["a"])
    # LF: a 0.25/0.5, b 0.25/(1/6), c 0.5/(1/3): b and c tie at 1.5, then a.
    assert tree == {"b": 1.0, "c": 1.0, "a": 1 / 3}
    classic = PriorityCalculator(cluster, PolicyOptions()).fairshare(usage, ["a"])
    assert classic["b"] == pytest.approx(2 ** (-(1 / 6) / 0.25))
