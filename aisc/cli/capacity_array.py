"""A capacity sweep as a Slurm job array: the cells written to a shared directory, one array task
per (variant, seed) cell, the results gathered from the directory afterwards.

    DIR/sweep.json              the sweep: scenario files, axes, months, seeds
    DIR/scenarios/<i>/<name>    a copy of each scenario file (the tasks never read the originals)
    DIR/cells/<cell>.npz        one cell's months x chips figures, written by its array task
    DIR/logs/<cell>.out         its output

Every task rebuilds the same list of cells from sweep.json (`variants` is deterministic) and runs
the one Slurm numbered it; a cell's file is written under a temporary name and renamed, so a
file that exists is whole. Gathering refuses a sweep with cells missing, naming them and their
logs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisc.core.errors import RuleViolation

if TYPE_CHECKING:
    from aisc.core.capacity.plan import SeedRun
    from aisc.core.capacity.scenario import Scenario

SPEC = "sweep.json"


@dataclasses.dataclass(frozen=True)
class Sweep:
    files: list[str]  # scenario files as copied, relative to the directory
    policies: list[str]
    overbooking: list[float]
    scales: list[float]
    months: int | None
    seeds: int
    first_seed: int


def write_sweep(directory: Path, files: list[Path], sweep: Sweep) -> Sweep:
    """Copy the scenario files into the directory and write sweep.json; the sweep as stored."""
    if (directory / SPEC).exists():
        raise RuleViolation(f"{directory}: holds a sweep already; give a new --dir", field="dir")
    copies = []
    for i, path in enumerate(files):
        target = directory / "scenarios" / str(i) / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        copies.append(str(target.relative_to(directory)))
    stored = dataclasses.replace(sweep, files=copies)
    (directory / SPEC).write_text(json.dumps(dataclasses.asdict(stored), indent=2))
    (directory / "cells").mkdir(exist_ok=True)
    return stored


def read_sweep(directory: Path) -> Sweep:
    try:
        return Sweep(**json.loads((directory / SPEC).read_text()))
    except OSError as exc:
        raise RuleViolation(f"{directory}: no {SPEC} ({exc.strerror})", field="dir") from exc


def cells(directory: Path) -> tuple[list[Scenario], list[tuple[Scenario, int]]]:
    """The sweep's variants and its cells, (variant, seed), in the order the array numbers them."""
    from aisc.cli.capacity import read_scenario
    from aisc.core.capacity.sweep import variants

    sweep = read_sweep(directory)
    chosen = variants(
        [read_scenario(directory / f, sweep.months) for f in sweep.files],
        sweep.policies,
        sweep.overbooking,
        sweep.scales,
    )
    seeds = range(sweep.first_seed, sweep.first_seed + sweep.seeds)
    return chosen, [(s, seed) for s in chosen for seed in seeds]


def task_command(directory: Path) -> list[str]:
    """What each array task runs: this interpreter, this CLI, the cell Slurm numbers."""
    return [sys.executable, "-m", "aisc.cli.main", "capacity", "sweep-cell", str(directory)]


def run_cell(directory: Path, index: int) -> Path:
    from aisc.core.capacity.plan import run_seed

    _, all_cells = cells(directory)
    if not 0 <= index < len(all_cells):
        raise RuleViolation(
            f"task: {index} is not a cell of this sweep (0 to {len(all_cells) - 1})", field="task"
        )
    run = run_seed(*all_cells[index])
    target = directory / "cells" / f"{index}.npz"
    partial = target.with_suffix(".part.npz")
    save_run(partial, run)
    os.replace(partial, target)
    return target


def save_run(path: Path, run: SeedRun) -> None:
    import numpy as np

    np.savez(path, **{f.name: getattr(run, f.name) for f in dataclasses.fields(run)})


def load_run(path: Path) -> SeedRun:
    import numpy as np

    from aisc.core.capacity.plan import SeedRun

    with np.load(path) as data:
        given = {f.name: data[f.name] for f in dataclasses.fields(SeedRun)}
    return SeedRun(**{**given, "seed": int(given["seed"]), "jobs": int(given["jobs"])})


def gather(directory: Path) -> dict[str, Any]:
    """The sweep's lines, as the local sweep prints them, from the cells' files."""
    from aisc.core.capacity.report import combine
    from aisc.core.capacity.sweep import summarise

    chosen, all_cells = cells(directory)
    paths = [directory / "cells" / f"{i}.npz" for i in range(len(all_cells))]
    missing = [i for i, path in enumerate(paths) if not path.exists()]
    if missing:
        logs = ", ".join(str(directory / "logs" / f"{i}.out") for i in missing[:3])
        raise RuleViolation(
            f"cells {', '.join(map(str, missing))} of {len(all_cells)} have no result "
            f"(still running, or failed: see {logs})",
            field="cells",
        )
    runs = [load_run(path) for path in paths]
    seeds = read_sweep(directory).seeds
    rows = [summarise(combine(s, runs[i * seeds : (i + 1) * seeds])) for i, s in enumerate(chosen)]
    return {"cells": len(all_cells), "variants": rows}
