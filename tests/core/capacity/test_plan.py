"""Plans with known answers: half load, overload, inventory changes, expiry, history replay."""

from typing import Any

import numpy as np
import pytest

from aisc.core.capacity.demand import draw_demand
from aisc.core.capacity.plan import run_seed
from aisc.core.capacity.report import plan
from aisc.core.capacity.scenario import Scenario, scenario_from_dict


def steady(nodes: int, projects: int, months: int, **extra: Any) -> Scenario:
    """`projects` one-node projects busy all the time on `nodes` nodes: load projects/nodes."""
    data: dict[str, Any] = {
        "start": "2026-01",
        "months": months,
        "inventory": [{"chip": "h800", "nodes": nodes, "from": "2026-01"}],
        "shape": {"median_h": 4, "sigma": 0.8, "max_h": 24},
        "mix": [{"name": "steady", "chip": "h800", "nodes": 1, "months": 12, "count": projects}],
    }
    data.update(extra)
    return scenario_from_dict(data)


def conserved(run: Any) -> np.ndarray:
    """demand - delivered - expired - backlog, per month prefix and chip: zero if conserved."""
    flow = np.cumsum(run.demand_h - run.delivered_h - run.expired_h, axis=0)
    left: np.ndarray = flow - run.backlog_h
    return left


def test_at_half_load_the_centre_is_half_used_and_nobody_waits_a_day() -> None:
    result = plan(steady(16, 8, 4), [1, 2, 3])
    utilisation = np.median(result.utilization(), axis=0)[:, 0]
    # Measured: 0.498, 0.504, 0.490, 0.490 (seeds 1-3).
    assert np.all(np.abs(utilisation - 0.5) <= 0.03), utilisation
    assert np.nanmax(result.stack("wait_p95_h")) < 24.0
    assert result.saturation_month() is None
    assert result.undeliverable().max() < 0.01 * result.stack("demand_h").sum(axis=(1, 2)).min()


def test_at_one_and_a_half_times_capacity_a_third_cannot_be_delivered_and_waits_grow() -> None:
    result = plan(steady(4, 6, 3), [1, 2])
    utilisation = result.utilization()
    assert utilisation.min() > 0.95, utilisation
    demand = result.stack("demand_h").sum(axis=(1, 2))
    # Measured: 0.334 of demand left undelivered (8 nodes, 12 projects: 0.334 too).
    assert result.undeliverable() / demand == pytest.approx(np.full(2, 1 / 3), abs=0.03)
    p95 = result.stack("wait_p95_h")[:, :, 0, 0]
    assert np.all(np.diff(p95, axis=1) > 24.0), p95  # more than a day longer every month
    assert result.saturation_month() == "2026-01"


def test_every_month_delivers_no_more_than_capacity_and_the_work_is_conserved() -> None:
    result = plan(steady(4, 6, 3), [3])
    assert np.all(result.stack("delivered_h") <= result.capacity_h[None] * (1 + 1e-12))
    assert np.allclose(conserved(result.runs[0]), 0.0, atol=1e-6)


def test_jobs_running_when_the_inventory_grows_go_on_and_the_new_nodes_are_used() -> None:
    scenario = steady(
        2,
        4,
        3,
        inventory=[
            {"chip": "h800", "nodes": 2, "from": "2026-01", "until": "2026-02-15"},
            {"chip": "h800", "nodes": 8, "from": "2026-02-15"},
        ],
        maintenance=[{"chip": "h800", "from": "2026-03-10", "until": "2026-03-11", "nodes": 4}],
    )
    run = run_seed(scenario, 5)
    assert np.allclose(conserved(run), 0.0, atol=1e-6)
    result = plan(scenario, [5])
    # January overloaded (4 projects on 2 nodes), then room: the backlog drains after the step.
    assert result.utilization()[0, 0, 0] > 0.95
    assert run.backlog_h[2, 0] < 0.2 * run.backlog_h[0, 0]
    assert result.capacity_h[2, 0] == 8 * 8 * 31 * 24 - 4 * 8 * 24


def test_a_chip_installed_later_serves_the_work_that_waited_for_it() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [
                {"chip": "h800", "nodes": 1, "from": "2026-01"},
                {"chip": "br104", "nodes": 2, "from": "2026-02"},
            ],
            "maintenance": [{"chip": "h800", "from": "2026-01-01", "until": "2026-01-05"}],
            "shape": {"median_h": 2, "max_h": 8},
            "awards": [
                {"project": "b", "chip": "br104", "gpu_hours": 2000, "nodes": 1,
                 "start": "2026-01", "end": "2026-04"},
            ],
        }
    )  # fmt: skip
    run = run_seed(scenario, 1)
    assert run.demand_h[0, 1] > 0
    assert run.delivered_h[0, 1] == 0.0
    assert run.backlog_h[0, 1] == pytest.approx(run.demand_h[0, 1])
    assert run.delivered_h[1:, 1].sum() == pytest.approx(2000.0)
    assert np.allclose(conserved(run), 0.0, atol=1e-6)


def test_an_award_that_ends_with_work_queued_leaves_it_undeliverable() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [{"chip": "h800", "nodes": 1, "from": "2026-01"}],
            "shape": {"median_h": 4, "max_h": 12},
            "awards": [
                {"project": "short", "chip": "h800", "gpu_hours": 8000, "nodes": 1,
                 "start": "2026-01", "end": "2026-02"},
                {"project": "late", "chip": "h800", "gpu_hours": 10, "nodes": 1,
                 "start": "2026-01-20", "end": "2026-01-31"},
            ],
        }
    )  # fmt: skip
    run = run_seed(scenario, 2)
    # 8,010 GPU-hours asked of 5,952 in January: what had not started when the awards ended
    # is lost; a job still running then finishes in February (backlog, then delivered).
    lost = 8010.0 - run.delivered_h[0, 0] - run.backlog_h[0, 0]
    assert run.expired_h[0, 0] == pytest.approx(lost)
    assert lost > 2000.0
    assert run.expired_h[1:].sum() == 0.0
    assert run.backlog_h[1, 0] == 0.0
    assert np.allclose(conserved(run), 0.0, atol=1e-6)


def test_a_chip_without_nodes_for_a_whole_award_expires_its_work() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 2,
            "inventory": [
                {"chip": "h800", "nodes": 1, "from": "2026-01"},
                {"chip": "br104", "nodes": 1, "from": "2026-03"},
            ],
            "awards": [
                {"project": "b", "chip": "br104", "gpu_hours": 100, "start": "2026-01",
                 "end": "2026-02"},
            ],
        }
    )  # fmt: skip
    run = run_seed(scenario, 1)
    assert run.expired_h[0, 1] == pytest.approx(100.0)
    assert run.wait_p50_h[0, 1, 0] != run.wait_p50_h[0, 1, 0]  # NaN: nothing started


def test_the_history_replay_gives_back_each_past_months_gpu_hours_within_two_percent() -> None:
    history = [
        {"month": month, "project": project, "chip": "h800", "gpu_hours": hours, "nodes": nodes}
        for month, project, hours, nodes in [
            ("2026-01", "a", 2400.0, 1),
            ("2026-01", "b", 1500.0, 2),
            ("2026-02", "a", 3100.0, 1),
            ("2026-03", "c", 900.0, 1),
            ("2026-03", "b", 2200.0, 2),
        ]
    ]
    history[3]["gpus"] = 2  # a gang of 2 GPUs, as metered, rather than whole nodes
    history[4]["shape"] = {"median_h": 3, "max_h": 12}  # the project's own metered run times
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [{"chip": "h800", "nodes": 4, "from": "2026-01"}],
            "history": history,
        }
    )
    metered = np.array([3900.0, 3100.0, 3100.0])
    for seed in (1, 2, 3):
        run = run_seed(scenario, seed)
        assert run.demand_h[:, 0] == pytest.approx(metered)
        assert run.delivered_h[:, 0] == pytest.approx(metered, rel=0.02)


def test_applications_join_by_their_probability_and_the_draw_is_the_seeds_alone() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 2,
            "inventory": [{"chip": "h800", "nodes": 2, "from": "2026-01"}],
            "applications": [
                {"project": f"app{i}", "chip": "h800", "gpu_hours": 100, "start": "2026-01",
                 "end": "2026-03"}
                for i in range(40)
            ],
            "awards": [
                {"project": "old", "chip": "h800", "gpu_hours": 300, "start": "2025-11",
                 "end": "2026-05", "shape": {"median_h": 2, "max_h": 3}},
            ],
            "mix": [{"chip": "h800", "nodes": [1, 2], "months": 1, "per_month": 2, "count": 3}],
        }
    )  # fmt: skip
    first = draw_demand(scenario, np.random.default_rng(7))
    again = draw_demand(scenario, np.random.default_rng(7))
    assert np.array_equal(first.submit, again.submit)
    joined = [p for p in first.projects if p.name.startswith("app")]
    assert 8 < len(joined) < 32  # 40 at one half
    old = next(p for p in first.projects if p.name == "old")
    assert old.start_s == 0.0  # an award under way offers its remaining hours from now
    old_hours = sum(
        first.gpus[i] * first.work[i] / 3600
        for i in range(len(first))
        if first.projects[first.project[i]].name == "old"
    )
    assert old_hours == pytest.approx(300 * 2 / 4, rel=0.05)  # two of its four months inside
    old_jobs = [i for i in range(len(first)) if first.projects[first.project[i]].name == "old"]
    assert max(first.work[i] for i in old_jobs) <= 3 * 3600  # its own shape: cut at 3 h
    assert len([p for p in first.projects if p.name.startswith("mix0")]) <= 3


def test_a_scenario_without_demand_plans_an_idle_centre() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 1,
            "inventory": [{"chip": "h800", "nodes": 1, "from": "2026-01"}],
            "awards": [
                {"project": "spent", "chip": "h800", "gpu_hours": 0, "start": "2025-01",
                 "end": "2026-06"},
            ],
        }
    )  # fmt: skip
    run = run_seed(scenario, 0)
    assert run.jobs == 0
    assert run.delivered_h.sum() == 0.0
    assert np.isnan(run.wait_p95_h).all()
