"""Shared helper: run a golden trace and compare its schedule with the hand-worked one."""

from __future__ import annotations

import csv
from pathlib import Path

from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.traces import load_file

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "sim"


def run_golden(
    name: str, cluster: str, policy: str, options: PolicyOptions | None = None
) -> tuple[SimulationResult, dict[int, tuple[float, float]]]:
    trace = load_file(GOLDEN / f"{name}.csv", "csv", strict=True)
    result = simulate(trace, parse_cluster(cluster), policy, options)
    cols = result.record.columns()
    lines = trace.line.tolist()
    actual = {lines[i]: (float(cols["start"][i]), float(cols["end"][i])) for i in range(len(trace))}
    return result, actual


def expected_schedule(name: str) -> dict[int, tuple[float, float]]:
    with (GOLDEN / f"{name}.expected.csv").open(encoding="utf-8") as handle:
        return {
            int(row["line"]): (float(row["start_s"]), float(row["end_s"]))
            for row in csv.DictReader(handle)
        }
