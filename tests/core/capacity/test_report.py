"""The plan's document: the keys the CLI promises, bands over seeds, saturation and fits."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.capacity.plan import run_seed
from aisc.core.capacity.report import _place, as_json, plan
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.errors import RuleViolation

MONTH_KEYS = {
    "month",
    "chip",
    "capacity_gpu_hours",
    "demand_gpu_hours",
    "delivered_gpu_hours",
    "utilization",
    "wait_p50_h",
    "wait_p95_h",
}


def mixed(months: int = 2, nodes: int = 4) -> dict[str, object]:
    return {
        "name": "mixed",
        "start": "2026-01",
        "months": months,
        "inventory": [
            {"chip": "h800", "nodes": nodes, "from": "2026-01"},
            {"chip": "br104", "nodes": 2, "from": "2026-02"},
        ],
        "shape": {"median_h": 3, "max_h": 12},
        "mix": [
            {"name": "big", "chip": "h800", "nodes": 3, "months": 2, "count": 1},
            {"name": "small", "chip": "h800", "nodes": [1, 2], "months": 1, "count": 1},
        ],
        "sizes": {"small": {"nodes": 1, "months": 1, "max_nodes": 2}},
    }


def test_the_json_has_every_key_the_cli_promises_with_bands_around_the_median() -> None:
    doc = as_json(plan(scenario_from_dict(mixed()), [1, 2, 3]))
    assert {"months", "saturation_month", "undeliverable_gpu_hours", "fits"} <= set(doc)
    assert doc["seeds"] == [1, 2, 3]
    assert doc["scenario"] == "mixed"
    assert [(r["month"], r["chip"]) for r in doc["months"]] == [
        ("2026-01", "h800"),
        ("2026-01", "br104"),
        ("2026-02", "h800"),
        ("2026-02", "br104"),
    ]
    for row in doc["months"]:
        assert set(row) >= MONTH_KEYS
        assert row["utilization_lo"] <= row["utilization"] <= row["utilization_hi"]
        assert set(row["wait_by_size"]) == {"small", "medium", "large"}
    br104_january = doc["months"][1]
    assert br104_january["capacity_gpu_hours"] == 0.0
    assert br104_january["utilization"] == 0.0
    assert br104_january["wait_p50_h"] is None
    assert br104_january["wait_p95_h_hi"] is None
    h800 = doc["months"][0]
    assert h800["wait_by_size"]["medium"]["p95_h"] is not None
    assert set(doc["fits"]) == {"small", "medium", "large"}
    assert doc["fits_lo"]["small"] <= doc["fits"]["small"] <= doc["fits_hi"]["small"]
    # h800: 4 nodes, 0.9 x 32 = 28.8 GPUs usable; the 3-node project and the small one (1-2
    # nodes, January) leave no 8 GPUs free in both months; br104 has 2 idle nodes in February
    # only, 0.9 x 16 = 14.4 GPUs usable, and a small project here is 1 node for 1 month:
    # one fits there.
    assert doc["fits"]["small"] == 1


def test_the_saturation_month_is_the_first_whose_work_reaches_its_capacity() -> None:
    calm = plan(scenario_from_dict(mixed(months=3, nodes=8)), [1])
    assert calm.saturation_month() is None
    grow = {"chip": "h800", "nodes": 1, "months": 3, "per_month": 2, "start": "2026-02"}
    tight = scenario_from_dict({**mixed(months=3, nodes=2), "mix": [grow]})
    assert plan(tight, [1]).saturation_month() in {"2026-02", "2026-03"}


def test_fitting_places_projects_greedily_where_their_gpus_stay_free() -> None:
    free = np.array([16.0, 16.0, 8.0, 16.0])
    assert _place(free.copy(), 8, 2) == 3  # months 0-1 twice, then 2-3 once
    assert _place(free.copy(), 16, 2) == 1
    assert _place(free.copy(), 32, 1) == 0
    assert _place(free.copy(), 8, 5) == 0  # longer than the horizon


def test_seeds_must_be_given() -> None:
    with pytest.raises(RuleViolation) as caught:
        plan(scenario_from_dict(mixed()), [])
    assert caught.value.field == "seeds"


@settings(max_examples=12, deadline=None)
@given(
    nodes=st.integers(1, 3),
    projects=st.integers(0, 5),
    gang=st.integers(0, 2),
    step=st.integers(0, 27),
    seed=st.integers(0, 2**32 - 1),
    # Metered jobs replayed as they ran (start hour, hours, GPUs), some wider than a node.
    replays=st.lists(
        st.tuples(st.integers(-48, 58 * 24), st.floats(0.5, 900.0), st.integers(1, 16)),
        max_size=4,
    ),
)
def test_delivered_never_exceeds_capacity_and_work_is_conserved_month_by_month(
    nodes: int,
    projects: int,
    gang: int,
    step: int,
    seed: int,
    replays: list[tuple[int, float, int]],
) -> None:
    data = {
        "start": "2026-01",
        "months": 2,
        "inventory": [
            {"chip": "h800", "nodes": nodes, "from": "2026-01", "until": f"2026-01-{step + 2:02d}"},
            {"chip": "h800", "nodes": nodes + 1, "from": f"2026-01-{step + 2:02d}"},
        ],
        "shape": {"median_h": 6, "max_h": 48, "gang_nodes": gang},
        "mix": [{"chip": "h800", "nodes": [1, 2], "months": 1, "per_month": projects}]
        if projects
        else [],
        "replay": [
            {
                "project": f"r{i}",
                "chip": "h800",
                "start": dt.datetime(2026, 1, 1) + dt.timedelta(hours=at),
                "hours": hours + max(0, -at),  # some of it inside the horizon
                "gpus": gpus,
            }
            for i, (at, hours, gpus) in enumerate(replays)
        ],
    }
    scenario = scenario_from_dict(data)
    run = run_seed(scenario, seed)
    result = plan(scenario, [seed])
    assert np.all(run.delivered_h <= result.capacity_h * (1 + 1e-12) + 1e-9)
    flow = np.cumsum(run.demand_h - run.delivered_h - run.expired_h, axis=0)
    assert np.allclose(flow, run.backlog_h, atol=1e-6)
    assert np.all(run.backlog_h >= -1e-9)
