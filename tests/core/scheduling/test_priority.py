"""Multifactor priority: the vector and scalar formulas give the same values,
fair-share factors stay in [0, 1] and fall with usage; decayed usage composes over time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup
from aisc.core.scheduling.policy import DAY, PolicyOptions, UsageMeter
from aisc.core.scheduling.priority import PriorityCalculator

SPEC = ClusterSpec((NodeGroup("h800", 4, 8),), shares={"p1": 3.0, "p2": 1.0, "p3": 1.0})
waiting = st.lists(
    st.tuples(
        st.integers(0, 30 * 86_400),  # submit
        st.sampled_from([1, 2, 8, 16, 32]),  # GPUs
        st.sampled_from(["p1", "p2", "p3", "nobody"]),  # "nobody" has no share
        st.sampled_from(["normal", "high", "unknown"]),
    ),
    min_size=1,
    max_size=25,
)
usage = st.dictionaries(
    st.sampled_from(["p1", "p2", "p3", "nobody"]), st.floats(0, 1e9, allow_nan=False), max_size=4
)


def jobs_of(rows: list[tuple[int, int, str, str]]) -> list[Job]:
    return [
        Job(i, float(submit), gpus, 100.0, project=project, qos=qos)
        for i, (submit, gpus, project, qos) in enumerate(rows)
    ]


@settings(max_examples=100)
@given(rows=waiting, used=usage, later=st.integers(0, 30 * 86_400), whole=st.booleans())
def test_the_vector_priorities_are_exactly_each_jobs_own(
    rows: list[tuple[int, int, str, str]], used: dict[str, float], later: int, whole: bool
) -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    calc.whole = whole
    jobs = jobs_of(rows)
    now = max(j.submit for j in jobs) + later
    fairshare = calc.fairshare(used, ["p1", "p2", "p3", "nobody"])
    values = calc.priorities(
        np.array([j.submit for j in jobs]),
        np.array([calc.static_part(j) for j in jobs]),
        np.array([fairshare[j.project] for j in jobs]),
        now,
    )
    assert values.tolist() == [calc.priority(j, now, fairshare) for j in jobs]
    given_static = [calc.priority(j, now, fairshare, calc.static_part(j)) for j in jobs]
    assert values.tolist() == given_static


@settings(max_examples=100)
@given(rows=waiting, used=usage)
def test_every_factor_lies_between_zero_and_its_weight(
    rows: list[tuple[int, int, str, str]], used: dict[str, float]
) -> None:
    o = PolicyOptions()
    calc = PriorityCalculator(SPEC, o)
    fairshare = calc.fairshare(used, ["p1", "p2", "p3", "nobody"])
    assert all(0.0 <= f <= 1.0 for f in fairshare.values())
    assert fairshare["nobody"] == 0.0  # no share, no fair-share priority
    ceiling = o.weight_age + o.weight_fairshare + o.weight_jobsize + o.weight_qos
    for job in jobs_of(rows):
        p = calc.priority(job, job.submit + 100 * DAY, fairshare)
        assert 0.0 <= p <= ceiling
        assert calc.static_part(job) <= o.weight_jobsize + o.weight_qos


@settings(max_examples=100)
@given(a=st.floats(0, 1e9), b=st.floats(0, 1e9), other=st.floats(0, 1e9))
def test_more_usage_never_raises_a_projects_fair_share_factor(
    a: float, b: float, other: float
) -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    low, high = sorted((a, b))
    f_low = calc.fairshare({"p2": low, "p1": other}, ["p1", "p2"])["p2"]
    f_high = calc.fairshare({"p2": high, "p1": other}, ["p1", "p2"])["p2"]
    assert f_high <= f_low


@pytest.mark.parametrize(
    ("used", "factor"),
    [
        # Shares p1:p2:p3 = 3:1:1, so S(p2) = 0.2. U is p2's part of all usage; F = 2^(-U/S).
        ({"p2": 0.0, "p1": 10.0}, 1.0),  # U = 0
        ({"p2": 1.0, "p1": 4.0}, 0.5),  # U = 0.2 = S: exactly its share, F = 1/2
        ({"p2": 2.0, "p1": 3.0}, 0.25),  # U = 0.4 = 2S: F = 1/4
        ({"p2": 1.0}, 2.0**-5),  # U = 1 = 5S: F = 1/32
    ],
)
def test_the_fair_share_factor_is_two_to_the_minus_usage_over_share_as_worked_by_hand(
    used: dict[str, float], factor: float
) -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    assert calc.fairshare(used, ["p1", "p2", "p3"])["p2"] == pytest.approx(factor)


def test_the_priority_of_one_job_worked_by_hand() -> None:
    # Slurm's defaults: age 1000 x min(3.5 d / 7 d, 1) = 500; fair share 10,000 x 0.5 = 5,000;
    # job size 1000 x 16 / 32 GPUs = 500; QOS 'high' 1000 x 1/1 = 1000. Total 7,000.
    calc = PriorityCalculator(SPEC, PolicyOptions())
    job = Job(0, 0.0, 16, 60.0, project="p2", qos="high")
    assert calc.priority(job, 3.5 * DAY, {"p2": 0.5}) == pytest.approx(7000.0)
    # Past PriorityMaxAge the age factor stays at its weight; an unknown QOS counts zero.
    old = Job(1, 0.0, 16, 60.0, project="p2", qos="bulk")
    assert calc.priority(old, 30 * DAY, {"p2": 0.5}) == pytest.approx(1000 + 5000 + 500)


def test_without_shares_every_known_project_gets_an_equal_share() -> None:
    calc = PriorityCalculator(ClusterSpec((NodeGroup("h800", 1, 8),)), PolicyOptions())
    factors = calc.fairshare({"a": 1.0, "b": 1.0}, ["a", "b", "c"])
    # S = 1/3 each; U(a) = U(b) = 1/2, U(c) = 0: F = 2^(-3/2) and 1.
    assert factors == pytest.approx({"a": 2**-1.5, "b": 2**-1.5, "c": 1.0})


def test_with_no_positive_qos_priority_the_qos_factor_is_zero() -> None:
    options = PolicyOptions(qos_priority={"normal": 0.0})
    calc = PriorityCalculator(SPEC, options)
    assert calc.static_part(Job(0, 0.0, 32, 1.0, qos="normal")) == pytest.approx(1000.0)


spans = st.lists(st.tuples(st.floats(0.0, 5 * DAY), st.integers(-4, 8)), min_size=1, max_size=10)


@settings(max_examples=100)
@given(steps=spans, looks=st.lists(st.floats(0.0, 1.0), max_size=5))
def test_decayed_usage_does_not_depend_on_how_often_it_is_read(
    steps: list[tuple[float, int]], looks: list[float]
) -> None:
    # The meter integrates exactly between changes, so reading it in between changes nothing.
    quiet, watched = UsageMeter(7 * DAY), UsageMeter(7 * DAY)
    now, rate = 0.0, 0
    for gap, change in steps:
        change = max(change, -rate)  # never release more GPUs than run
        for fraction in looks:
            watched.at(now + fraction * gap)
        now += gap
        rate += change
        quiet.change("p", change, now)
        watched.change("p", change, now)
    end = now + DAY
    assert watched.at(end)["p"] == pytest.approx(quiet.at(end)["p"], rel=1e-9, abs=1e-6)


@settings(max_examples=100)
@given(gpus=st.integers(1, 64), seconds=st.floats(1.0, 60 * DAY), half=st.floats(DAY, 30 * DAY))
def test_decayed_usage_of_a_steady_load_matches_the_closed_form_and_stays_below_the_raw_one(
    gpus: int, seconds: float, half: float
) -> None:
    decayed, raw = UsageMeter(half), UsageMeter()
    for meter in (decayed, raw):
        meter.change("p", gpus, 0.0)
    expected = gpus * half / math.log(2) * (1 - 2 ** (-seconds / half))
    assert decayed.at(seconds)["p"] == pytest.approx(expected, rel=1e-9)
    assert raw.at(seconds)["p"] == pytest.approx(gpus * seconds)
    assert decayed.at(seconds)["p"] <= raw.at(seconds)["p"] * (1 + 1e-12)
    # Once the load stops, usage only decays: halving every half-life.
    decayed.change("p", -gpus, seconds)
    assert decayed.at(seconds + half)["p"] == pytest.approx(expected / 2, rel=1e-9)
