"""Run times from a public trace, per project size: the sample of the Philly digest in
tests/core/capacity/data (docs/traces.md says how it was cut), its pools per size, drawing from
them, and what is refused."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aisc.core.capacity.demand import draw_demand
from aisc.core.capacity.plan import run_seed
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.capacity.shapes import MIN_JOBS, TraceJobs, trace_jobs, traces_named
from aisc.core.errors import RuleViolation

from .test_plan import conserved

SAMPLE = Path(__file__).parent / "data" / "philly_sample.csv"
MAX_NODES = [2, 4, 1_000_000]  # the default size classes: small, medium, large


def philly() -> TraceJobs:
    with SAMPLE.open(encoding="utf-8") as lines:
        return trace_jobs("philly", lines)


def mixed(**shape: Any) -> dict[str, Any]:
    return {
        "start": "2026-01",
        "months": 2,
        "inventory": [{"chip": "h800", "nodes": 12, "from": "2026-01"}],
        "shape": {"max_h": 48, **shape},
        "mix": [
            {"name": "small", "chip": "h800", "nodes": 1, "months": 2, "count": 2},
            {"name": "large", "chip": "h800", "nodes": 6, "months": 2, "count": 1},
        ],
    }


def test_the_sample_splits_into_pools_per_size_and_thin_sizes_borrow_smaller_ones() -> None:
    jobs = philly()
    assert len(jobs.hours) == 488  # every job of the sample has a run time
    small, medium, large = (jobs.pool(i, 8, MAX_NODES) for i in range(3))
    assert len(small) == 193 + 4 + 5 + 4 + 199  # up to 16 GPUs: two 8-GPU nodes
    assert len(medium) == 7 + 67  # 24 and 32 GPUs
    assert len(large) == 6 + 3 + 74  # 9 wider jobs are too few: medium's join them
    assert np.all(np.diff(small) >= 0)
    # Counted on 4-GPU nodes, the same jobs are of larger sizes.
    assert len(jobs.pool(0, 4, MAX_NODES)) == 193 + 4 + 5 + 4
    # A thin size takes in its neighbours, smaller ones first, then larger ones.
    few = TraceJobs("t", np.array([1] * 25 + [24] * 30 + [64] * 60), np.arange(1.0, 116.0))
    assert few.pool(0, 8, MAX_NODES).tolist() == list(np.arange(1.0, 56.0))  # + medium's 30
    assert few.pool(1, 8, MAX_NODES).tolist() == list(np.arange(1.0, 56.0))  # + small's 25
    assert len(few.pool(2, 8, MAX_NODES)) == 60 >= MIN_JOBS
    tiny = TraceJobs("t", np.array([1, 8, 64]), np.array([3.0, 2.0, 1.0]))
    assert tiny.pool(1, 8, MAX_NODES).tolist() == [1.0, 2.0, 3.0]  # all it has


def test_projects_draw_their_run_times_from_their_sizes_pool_and_the_plan_is_conserved() -> None:
    jobs = philly()
    scenario = scenario_from_dict(mixed(trace="philly"), {"philly": jobs})
    demand = draw_demand(scenario, np.random.default_rng(4))
    hours = demand.work / 3600.0
    sizes = np.array([p.size for p in demand.projects])[demand.project]
    for size, index in (("small", 0), ("large", 2)):
        pool = set(np.minimum(jobs.pool(index, 8, MAX_NODES), 48.0).tolist())
        mine = hours[sizes == size]
        drawn = np.isin(mine, list(pool))
        assert drawn.sum() >= len(mine) - 3  # all but each project's last, trimmed, job
    assert np.median(hours[sizes == "large"]) != np.median(hours[sizes == "small"])
    run = run_seed(scenario, 4)
    assert np.allclose(conserved(run), 0.0, atol=1e-6)
    again = draw_demand(scenario, np.random.default_rng(4))
    assert np.array_equal(again.work, demand.work)  # the seed alone decides


def test_a_shape_naming_a_trace_needs_it_at_hand_and_a_known_name() -> None:
    with pytest.raises(RuleViolation) as caught:
        scenario_from_dict(mixed(trace="philly"))
    assert caught.value.field == "shape.trace"
    assert "set AISC_TRACE_DIR to the folder holding sia/traces/philly.csv" in caught.value.message
    data = mixed()
    data["mix"][0]["shape"] = {"trace": "helios"}
    with pytest.raises(RuleViolation) as caught:
        scenario_from_dict(data)
    assert caught.value.field == "mix[0].shape.trace"
    assert "unknown trace 'helios'; known traces: philly" in caught.value.message
    empty = TraceJobs("philly", np.zeros(0, np.int64), np.zeros(0))
    with pytest.raises(RuleViolation, match="has no job with a run time"):
        scenario_from_dict(mixed(trace="philly"), {"philly": empty})
    plain = scenario_from_dict(mixed(), {"philly": philly()})
    assert plain.traces == {}  # only what the shapes name is kept


def test_the_traces_a_scenario_names_are_found_in_every_shape() -> None:
    data: dict[str, Any] = {
        "shape": {"trace": "a"},
        "awards": [{"shape": {"trace": "b"}}, {"gpu_hours": 1}],
        "mix": [{"shape": {"median_h": 3}}],
        "history": "not a list",
    }
    assert traces_named(data) == {"a", "b"}
    assert traces_named({}) == set()
