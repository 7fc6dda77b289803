"""The capacity plan the portal shows: a scenario typed in, or the centre as configured."""

from __future__ import annotations

import datetime as dt
import time
import tomllib
from typing import Any

from aisc.core.capacity.report import as_json, plan
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.errors import RuleViolation
from aisc.web.allocations.planning import centre_scenario

HISTORY_MONTHS = 3


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
