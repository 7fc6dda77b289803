"""The capacity plans the portal shows: a scenario typed in, or the centre as configured; and,
on the committee's decision screen, whether an application fits if awarded."""

from __future__ import annotations

import datetime as dt
import time
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np

from aisc.core.capacity import fields as f
from aisc.core.capacity.report import as_json, plan
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.errors import RuleViolation
from aisc.web.allocations.planning import application_row, centre_scenario, gpus_in_service
from aisc.web.grants.models import Application

HISTORY_MONTHS = 3
FIT_MONTHS = 24  # the horizon of "fits in capacity?": from this month, long enough for most runs


def run_plan(text: str, months: int, seeds: int, today: dt.date) -> dict[str, Any]:
    """The plan's document (aisc.core.capacity.report.as_json) with `sim_wall_s`."""
    if text.strip():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RuleViolation(f"scenario: {exc}", field="scenario") from exc
        data["months"] = months
    else:
        data = centre_scenario(today, months, HISTORY_MONTHS)
    scenario = scenario_from_dict(data)
    started = time.perf_counter()
    result = plan(scenario, list(range(seeds)))
    return {**as_json(result), "sim_wall_s": round(time.perf_counter() - started, 3)}


@dataclass(frozen=True)
class Fit:
    """Whether an application fits if awarded, from two plans on the same seeds: the centre
    without it and with it awarded (probability 1)."""

    chip: str
    gpus: int
    size: str
    window: tuple[str, str]  # first and last month of its run within the horizon
    fits: bool  # its GPUs stay free (capacity x target x overbooking - demand) every month
    least_free_gpus: float
    tightest_month: str
    wait_p50_h: float | None  # its size's waits, worst month of its run, with it awarded
    wait_p95_h: float | None
    others_wait_p95_h: tuple[float | None, float | None]  # all jobs of its chip: without, with
    undeliverable_gpu_hours: tuple[float, float]  # without, with
    saturation_month: tuple[str | None, str | None]


def application_fit(application: Application, today: dt.date, seeds: int = 3) -> Fit:
    this_month = dt.datetime(today.year, today.month, 1)
    base = centre_scenario(today, FIT_MONTHS, 0)
    row = application_row(application, this_month, gpus_in_service(base))
    if row is None:
        raise RuleViolation(
            "the application names no chip in service, no GPUs or no months to plan",
            field="application",
        )
    project = row["project"]
    base["applications"] = [a for a in base["applications"] if a["project"] != project]
    with_it = {**base, "applications": [*base["applications"], {**row, "probability": 1.0}]}
    without, awarded = (
        plan(scenario_from_dict(data), list(range(seeds))) for data in (base, with_it)
    )
    scenario = awarded.scenario
    c = scenario.chips().index(row["chip"])
    months = [f.month_label(f.add_months(scenario.start, m)) for m in range(scenario.months)]
    run = [m for m, label in enumerate(months) if row["start"] <= _day(label) < row["end"]]
    if not run:
        raise RuleViolation(
            f"the application starts after the {FIT_MONTHS}-month horizon", field="application"
        )
    hours = without.hours[:, 0]
    free = without.capacity_h[:, c] / hours * scenario.target_utilization * scenario.overbooking
    free = free - np.median(without.stack("demand_h")[:, :, c], axis=0) / hours
    tight = min(run, key=lambda m: free[m])
    size = scenario.size_of(row["nodes"])
    doc_without, doc_with = as_json(without), as_json(awarded)
    mine = [r for r in doc_with["months"] if r["chip"] == row["chip"]]
    return Fit(
        chip=row["chip"],
        gpus=row["gpus"],
        size=size,
        window=(months[run[0]], months[run[-1]]),
        fits=bool(free[tight] >= row["gpus"]),
        least_free_gpus=round(float(free[tight]), 1),
        tightest_month=months[tight],
        wait_p50_h=_worst([mine[m]["wait_by_size"][size]["p50_h"] for m in run]),
        wait_p95_h=_worst([mine[m]["wait_by_size"][size]["p95_h"] for m in run]),
        others_wait_p95_h=(
            _worst_wait(doc_without, row["chip"]),
            _worst_wait(doc_with, row["chip"]),
        ),
        undeliverable_gpu_hours=(
            doc_without["undeliverable_gpu_hours"],
            doc_with["undeliverable_gpu_hours"],
        ),
        saturation_month=(doc_without["saturation_month"], doc_with["saturation_month"]),
    )


def _day(label: str) -> dt.date:
    return dt.date(int(label[:4]), int(label[5:]), 1)


def _worst(values: list[float | None]) -> float | None:
    seen = [v for v in values if v is not None]
    return max(seen) if seen else None


def _worst_wait(doc: dict[str, Any], chip: str) -> float | None:
    return _worst([r["wait_p95_h"] for r in doc["months"] if r["chip"] == chip])
