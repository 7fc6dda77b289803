"""Metered jobs replayed as they ran: each month gives back its metered GPU-hours, whatever
queues beside them, and a replay the inventory cannot hold queues and is still conserved."""

import datetime as dt
from typing import Any

import numpy as np
import pytest

from aisc.core.capacity.demand import draw_demand
from aisc.core.capacity.plan import run_seed
from aisc.core.capacity.replay import pieces
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.errors import RuleViolation

from .test_plan import conserved


def job(start: str, hours: float, gpus: int = 8, project: str = "a", chip: str = "h800") -> Any:
    return {"project": project, "chip": chip, "start": start, "hours": hours, "gpus": gpus}


def metered(jobs: list[dict[str, Any]], months: list[str]) -> np.ndarray:
    """GPU-hours of `jobs` inside each month of `months` (YYYY-MM), as billing splits them."""
    edges = [dt.datetime.fromisoformat(f"{m}-01") for m in months]
    edges.append(dt.datetime(edges[-1].year + edges[-1].month // 12, edges[-1].month % 12 + 1, 1))
    result = np.zeros(len(months))
    for row in jobs:
        start = dt.datetime.fromisoformat(row["start"])
        end = start + dt.timedelta(hours=row["hours"])
        for m in range(len(months)):
            overlap = (min(end, edges[m + 1]) - max(start, edges[m])).total_seconds()
            result[m] += max(overlap, 0.0) / 3600.0 * row["gpus"]
    return result


# Two of three nodes kept full by replayed jobs that cross month ends (best-fit packs the two
# halves of node 2), while a mix twice the cluster's size queues for the same GPUs all the time.
BUSY = [
    job("2026-01-01T00:00", 700.0),  # node 1: to Jan 30 04:00
    job("2026-01-01T00:00", 1400.0, gpus=4, project="b"),  # node 2, half: to Feb 28 08:00
    job("2026-01-01T00:00", 743.0, gpus=4),  # node 2, other half: to Jan 31 23:00
    job("2026-01-30T04:00", 496.0),  # node 1: to Feb 19 20:00, across the month's end
    job("2026-01-31T23:00", 2.0, gpus=4),  # one hour each side of the month's end
    job("2026-02-01T01:00", 24.0 * 60, gpus=4),  # to the horizon's end and beyond
    job("2026-02-19T20:00", 900.0, project="b"),  # node 1: to Mar 29 08:00
]
MONTHS = ["2026-01", "2026-02", "2026-03"]
HOURS = np.array([31, 28, 31]) * 24.0


def test_replayed_jobs_give_back_each_months_metered_gpu_hours_while_a_queue_waits() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [{"chip": "h800", "nodes": 3, "from": "2026-01"}],
            "shape": {"median_h": 6, "max_h": 24},
            "mix": [{"name": "queue", "chip": "h800", "nodes": 1, "months": 3, "count": 6}],
            "replay": BUSY,
        }
    )
    expected = metered(BUSY, MONTHS)
    assert expected[0] == 16 * HOURS[0]
    for seed in (1, 2):
        run = run_seed(scenario, seed)
        demand = draw_demand(scenario, np.random.default_rng(seed))
        replayed = demand.at_once
        month = np.searchsorted(np.array([0.0, 31, 59]) * 86_400.0, demand.submit, "right") - 1
        by_month = np.zeros(3)
        np.add.at(by_month, month[replayed], (demand.gpus * demand.work)[replayed] / 3600.0)
        assert by_month == pytest.approx(expected, rel=1e-12)  # one piece per month it ran in
        assert run.demand_h[:, 0] == pytest.approx(expected + run.demand_h[:, 0] - by_month)
        # Node 3 runs the queue (idle only until the first queued job arrives); the replayed
        # jobs get their GPUs back at every month's end, before the queue; node 1 takes
        # queued work once its last replayed job ends, Mar 29 08:00.
        extra = run.delivered_h[:, 0] - expected
        assert 8 * (HOURS[0] - 8.0) <= extra[0] <= 8 * HOURS[0]
        assert extra[1] == pytest.approx(8 * HOURS[1], rel=1e-12)
        assert extra[2] == pytest.approx(8 * HOURS[2] + 8 * 64.0, rel=1e-12)
        assert np.allclose(conserved(run), 0.0, atol=1e-6)
        assert np.all(run.backlog_h[:, 0] > 1000.0)  # the queue did wait


def test_in_an_idle_centre_the_replay_is_delivered_exactly_and_no_one_waits() -> None:
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [{"chip": "h800", "nodes": 2, "from": "2026-01"}],
            "replay": BUSY,
        }
    )
    expected = metered(BUSY, MONTHS)  # the run past the horizon counts up to its end
    run = run_seed(scenario, 0)
    assert run.demand_h[:, 0] == pytest.approx(expected, rel=1e-12)
    assert run.delivered_h[:, 0] == pytest.approx(expected, rel=1e-12)
    assert run.backlog_h[:, 0] == pytest.approx(np.zeros(3), abs=1e-9)
    assert np.isnan(run.wait_p95_h).all()  # replayed jobs did not queue in the plan


def test_a_replay_goes_on_across_an_inventory_change_and_one_with_no_room_queues() -> None:
    jobs = [
        job("2026-01-10T00:00", 24.0 * 40),  # runs across the new nodes' arrival, Feb 1
        job("2026-01-20T00:00", 24.0 * 5),  # no room on the single node: it queues
        job("2026-01-25T00:00", 24.0 * 10, chip="br104"),  # waits for its chip's nodes
        job("2025-12-20T00:00", 24.0 * 15),  # metered before the horizon: its part inside
    ]
    scenario = scenario_from_dict(
        {
            "start": "2026-01",
            "months": 3,
            "inventory": [
                {"chip": "h800", "nodes": 1, "from": "2026-01", "until": "2026-02"},
                {"chip": "h800", "nodes": 2, "from": "2026-02"},
                {"chip": "br104", "nodes": 1, "from": "2026-03"},
            ],
            "replay": jobs,
        }
    )
    run = run_seed(scenario, 0)
    h800 = metered([jobs[0], jobs[1], jobs[3]], ["2026-01", "2026-02", "2026-03"])
    assert run.demand_h[:, 0] == pytest.approx(h800)
    assert run.delivered_h.sum() == pytest.approx(run.demand_h.sum())  # all ran by March
    assert run.delivered_h[0, 0] < h800[0]  # in January one node held two nodes' work
    assert run.delivered_h[2, 1] == pytest.approx(80.0 * 24.0)  # br104 ran when it came
    assert run.delivered_h[1, 1] == 0.0
    assert run.demand_h[:, 1] == pytest.approx([7 * 24 * 8.0, 3 * 24 * 8.0, 0.0])
    assert run.backlog_h[0, 1] == pytest.approx(7 * 24 * 8.0)  # February's piece is February's
    assert np.allclose(conserved(run), 0.0, atol=1e-6)


def test_a_month_end_splits_a_run_into_pieces_inside_the_horizon() -> None:
    edges = [0.0, 10.0, 20.0, 30.0]
    assert pieces(-5.0, 15.0, edges) == [(0.0, 10.0), (10.0, 15.0)]
    assert pieces(12.0, 40.0, edges) == [(12.0, 20.0), (20.0, 30.0)]
    assert pieces(21.0, 22.0, edges) == [(21.0, 22.0)]


def test_a_replay_row_is_refused_naming_its_field_and_rule() -> None:
    base: dict[str, Any] = {
        "start": "2026-01",
        "months": 2,
        "inventory": [{"chip": "h800", "nodes": 1, "from": "2026-01"}],
    }
    for row, field, words in [
        (job("2025-12-01T00:00", 24.0), "replay[0].start", "wholly outside the horizon"),
        (job("2026-03-01T00:00", 1.0), "replay[0].start", "wholly outside the horizon"),
        (job("2026-01-02T00:00", 0.0), "replay[0].hours", "greater than 0"),
        (job("2026-01-02T00:00", 1.0, gpus=0), "replay[0].gpus", "at least 1"),
        (job("2026-01-02T00:00", 1.0, chip="br104"), "replay[0].chip", "no [[inventory]]"),
        (job("2026-02-30T00:00", 1.0), "replay[0].start", "date-time YYYY-MM-DDTHH:MM"),
        ({**job("2026-01-02T00:00", 1.0), "project": ""}, "replay[0].project", "non-empty"),
    ]:
        with pytest.raises(RuleViolation) as caught:
            scenario_from_dict({**base, "replay": [row]})
        assert caught.value.field == field
        assert words in caught.value.message


def test_a_replay_starts_at_a_json_date_time_or_a_toml_one_in_utc() -> None:
    base: dict[str, Any] = {
        "start": "2026-01",
        "months": 2,
        "inventory": [{"chip": "h800", "nodes": 1, "from": "2026-01"}],
    }
    rows = [
        job("2026-01-02T08:30", 1.0),
        job("2026-01-02 16:30+08:00", 1.0),
        {**job("", 1.0), "start": dt.datetime(2026, 1, 2, 8, 30)},
    ]
    scenario = scenario_from_dict({**base, "replay": rows})
    assert {r.start for r in scenario.replays} == {dt.datetime(2026, 1, 2, 8, 30)}
    assert scenario.replays[0].end == dt.datetime(2026, 1, 2, 9, 30)
