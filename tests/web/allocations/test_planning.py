"""The centre as configured, as a capacity scenario: on the demo centre loaded at several times of
day, the replay of its metered jobs gives back each past month's metered GPU-hours within 2% on
every seed, and `aisc capacity plan` plans it."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.core.capacity.fields import add_months, month_label
from aisc.core.capacity.plan import run_seed
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.web.allocations.planning import centre_scenario
from aisc.web.billing.models import UsageCharge
from aisc.web.catalogue.models import IN_SERVICE, Node
from aisc.web.demo import DemoReport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def metered_by_month() -> dict[tuple[str, str], float]:
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for charge in UsageCharge.objects.all():
        totals[(charge.month, charge.chip)] += charge.gpu_seconds / 3600.0
    return totals


def replay_within_two_percent() -> None:
    today = timezone.localdate()
    data = centre_scenario(today, months=3, history_months=3)
    scenario = scenario_from_dict(data)
    gpus = sum(n.node_type.gpus for n in Node.objects.filter(state__in=IN_SERVICE))
    assert sum(r["nodes"] * r["gpus_per_node"] for r in data["inventory"]) == gpus
    assert data["awards"], "the demo's active allocations are the pipeline"
    assert data["replay"], "the demo's metered jobs are the history"
    metered = metered_by_month()
    labels = [month_label(add_months(scenario.start, m)) for m in range(3)]
    past = [(m, label) for m, label in enumerate(labels) if any(k[0] == label for k in metered)]
    assert len(past) >= 2, metered
    chips = scenario.chips()
    for seed in range(3):  # only the pipeline's draw depends on the seed
        run = run_seed(scenario, seed)
        for m, label in past:
            for c, chip in enumerate(chips):
                expected = metered.get((label, chip), 0.0)
                assert run.demand_h[m, c] == pytest.approx(expected, rel=1e-9, abs=1e-6)
                assert run.delivered_h[m, c] == pytest.approx(expected, rel=0.02, abs=1e-6), (
                    label,
                    chip,
                )


# The demo lays its workload out from the moment it is loaded: the hour of the day and of the
# month at which it is loaded change which jobs queued and ran across a month's end. (Moments in
# the past: billing's demo closes the months before them, on the real clock.)
@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC),  # an hour into a month in Hong Kong
        dt.datetime(2026, 12, 5, 7, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC),  # half an hour before a month's end
    ],
)
def test_the_replay_gives_back_each_past_months_metered_gpu_hours_at_any_time_of_day(
    moment: dt.datetime, monkeypatch: pytest.MonkeyPatch, demo_loader: Callable[[], DemoReport]
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    demo_loader()
    replay_within_two_percent()
    # The command plans the same centre (one demo load for both: it is most of the time).
    result = CliRunner().invoke(
        app, ["capacity", "plan", "--months", "2", "--history", "1", "--seeds", "2", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scenario"] == "centre"
    assert len({row["month"] for row in doc["months"]}) == 3
    assert {row["chip"] for row in doc["months"]} == {"h800", "br104"}
    assert doc["sim_wall_s"] > 0
