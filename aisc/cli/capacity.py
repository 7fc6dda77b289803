"""`aisc capacity plan|compare|sweep`: will the centre's capacity serve its pipeline?

A scenario file (TOML, docs/capacity.md) needs no database; without `--scenario`, `plan` reads
the centre as configured (aisc.web.allocations.planning). numpy and matplotlib are imported
inside the commands so `aisc --help` stays fast.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aisc.cli import boot
from aisc.core.capacity.model import MAX_MONTHS

if TYPE_CHECKING:
    from aisc.core.capacity.plan import SeedRun
    from aisc.core.capacity.report import Plan
    from aisc.core.capacity.scenario import Scenario

app = typer.Typer(
    help="Capacity planning: simulate inventory against demand, month by month.",
    no_args_is_help=True,
)

MONTHS = typer.Option(
    None,
    "--months",
    min=1,
    max=MAX_MONTHS,
    help=f"Months to plan, 1 to {MAX_MONTHS} (a file's own horizon otherwise).",
)
SEEDS = typer.Option(5, "--seeds", help="How many seeds (demand draws) to run; bands over them.")
FIRST_SEED = typer.Option(0, "--first-seed", min=0, help="The first seed; the others follow it.")
OUT = typer.Option(None, "--out", help="Write CSV, JSON and PNG charts to this directory.")
SCENARIO = typer.Option(
    None, "--scenario", help="Scenario TOML; default: the centre as configured."
)
FILES = typer.Argument(..., help="Scenario TOML files (compare: two or more).")
ARRAY_DIR = typer.Option(
    None, "--dir", help="--slurm: a new directory the cluster's nodes share (the cells)."
)
SWEEP_DIR = typer.Argument(..., help="The sweep's directory (written by sweep --slurm).")


def read_scenario(path: Path, months: int | None = None) -> Scenario:
    import tomllib

    from aisc.core.capacity.scenario import scenario_from_dict
    from aisc.core.errors import RuleViolation

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleViolation(f"scenario {path}: {exc.strerror}", field="scenario") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleViolation(f"scenario {path}: not TOML ({exc})", field="scenario") from exc
    if months is not None:
        data["months"] = months
    data.setdefault("name", path.stem)
    return scenario_from_dict(data, _traces(data))


def _traces(data: dict[str, Any]) -> dict[str, Any]:
    """The public traces the scenario's shapes name, read from AISC_TRACE_DIR (docs/traces.md);
    one that is not there is left out, and the scenario is refused saying where it should be."""
    from aisc.core.capacity.shapes import TRACES, trace_jobs, traces_named

    root = os.environ.get("AISC_TRACE_DIR", "")
    found = {}
    for name in traces_named(data) & set(TRACES):
        path = Path(root) / TRACES[name]
        if root and path.is_file():
            with path.open(encoding="utf-8") as lines:
                found[name] = trace_jobs(name, lines)
    return found


def _centre(months: int | None, history: int) -> Scenario:
    boot.django()
    from django.utils import timezone

    from aisc.core.capacity.scenario import scenario_from_dict
    from aisc.web.allocations.planning import centre_scenario

    return scenario_from_dict(centre_scenario(timezone.localdate(), months or 12, history))


def _plan(scenario: Scenario, seeds: int, first: int) -> tuple[Plan, float]:
    from aisc.core.capacity.report import plan

    started = time.perf_counter()
    result = plan(scenario, list(range(first, first + seeds)))
    return result, round(time.perf_counter() - started, 3)


@app.command("plan")
def plan_command(
    scenario: Path | None = SCENARIO,
    months: int | None = MONTHS,
    seeds: int = SEEDS,
    first_seed: int = FIRST_SEED,
    history: int = typer.Option(
        3, "--history", help="Without --scenario: past months of metered usage to replay."
    ),
    as_json: bool = boot.JSON,
    out: Path | None = OUT,
) -> None:
    """Plan one scenario: per month and chip, capacity, demand, delivered, utilisation, waits."""
    from aisc.core.capacity.report import as_json as document
    from aisc.core.errors import AiscError

    try:
        chosen = read_scenario(scenario, months) if scenario else _centre(months, history)
        result, wall = _plan(chosen, seeds, first_seed)
    except AiscError as exc:
        boot.refuse(exc)
    doc = {**document(result), "sim_wall_s": wall}
    if out is not None:
        from aisc.cli.capacity_output import write_plan

        written = write_plan(doc, out)
    if as_json:
        typer.echo(json.dumps(doc, indent=2))
        return
    from aisc.cli.capacity_output import plan_table

    typer.echo(plan_table(doc))
    if out is not None:
        typer.echo(f"wrote {', '.join(str(p) for p in written)}")


@app.command()
def compare(
    scenarios: list[Path] = FILES,
    months: int | None = MONTHS,
    seeds: int = SEEDS,
    first_seed: int = FIRST_SEED,
    as_json: bool = boot.JSON,
    out: Path | None = OUT,
) -> None:
    """Plan several scenarios on the same seeds and put them side by side."""
    from aisc.core.capacity.report import as_json as document
    from aisc.core.errors import AiscError

    if len(scenarios) < 2:
        boot.fail("compare needs at least two scenario files")
    try:
        docs = []
        for path in scenarios:
            result, wall = _plan(read_scenario(path, months), seeds, first_seed)
            docs.append({**document(result), "sim_wall_s": wall})
    except AiscError as exc:
        boot.refuse(exc)
    from aisc.cli.capacity_output import compare_table, write_compare

    written = write_compare(docs, out) if out is not None else []
    if as_json:
        typer.echo(json.dumps(docs, indent=2))
        return
    typer.echo(compare_table(docs))
    if written:
        typer.echo(f"wrote {', '.join(str(p) for p in written)}")


def _cell(cell: tuple[Scenario, int]) -> SeedRun:
    """One (variant, seed) of a sweep, run in a worker process."""
    from aisc.core.capacity.plan import run_seed

    return run_seed(*cell)


def _floats(text: str) -> list[float]:
    from aisc.core.errors import RuleViolation

    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise RuleViolation(
            f"{text!r} is not a comma-separated list of numbers", field="sweep"
        ) from exc


@app.command()
def sweep(
    scenarios: list[Path] = FILES,
    policy: str = typer.Option("", "--policy", help="Policies to try: backfill,fifo,..."),
    overbooking: str = typer.Option("", "--overbooking", help="Overbooking factors: 1.0,1.2"),
    scale: str = typer.Option("", "--scale", help="Inventory scale factors: 1.0,1.5,2.0"),
    months: int | None = MONTHS,
    seeds: int = SEEDS,
    first_seed: int = FIRST_SEED,
    jobs: int = typer.Option(
        0, "--jobs", help="Worker processes (0: one per core this process may use)."
    ),
    as_json: bool = boot.JSON,
    slurm: bool = typer.Option(
        False, "--slurm", help="Run the cells as one Slurm job array instead of locally."
    ),
    directory: Path | None = ARRAY_DIR,
    partition: str = typer.Option("", "--partition", help="--slurm: the partition."),
    account: str = typer.Option("", "--account", help="--slurm: the Slurm account."),
    time_limit: int = typer.Option(60, "--time-limit", help="--slurm: minutes per cell."),
    parallel: int = typer.Option(0, "--parallel", help="--slurm: cells at once (0: any)."),
    wait: bool = typer.Option(
        True, "--wait/--no-wait", help="--slurm: wait and gather, or submit and return."
    ),
    wait_timeout: float = typer.Option(
        3600.0, "--wait-timeout", help="--slurm: seconds to wait for the array."
    ),
) -> None:
    """Run every scenario x policy x overbooking x scale over the seeds, cells in parallel."""
    from aisc.core.capacity.report import check_seeds, combine
    from aisc.core.capacity.sweep import summarise, variants
    from aisc.core.errors import AiscError

    try:
        check_seeds(range(seeds))
        axes = (
            [p.strip() for p in policy.split(",") if p.strip()],
            _floats(overbooking),
            _floats(scale),
        )
        chosen = variants([read_scenario(p, months) for p in scenarios], *axes)
    except AiscError as exc:
        boot.refuse(exc)
    if slurm:
        from aisc.cli.capacity_array import Sweep

        spec = Sweep([], *axes, months, seeds, first_seed)
        _sweep_on_slurm(scenarios, spec, directory, partition, account, time_limit, parallel,
                        wait, wait_timeout, as_json)  # fmt: skip
        return
    workers = jobs or len(os.sched_getaffinity(0))
    cells = [(s, seed) for s in chosen for seed in range(first_seed, first_seed + seeds)]
    started = time.perf_counter()
    runs = run_cells(cells, workers)
    wall = round(time.perf_counter() - started, 3)
    rows = [summarise(combine(s, runs[i * seeds : (i + 1) * seeds])) for i, s in enumerate(chosen)]
    doc: dict[str, Any] = {"cells": len(cells), "jobs": workers, "wall_s": wall, "variants": rows}
    _print_sweep(doc, as_json)


def _print_sweep(doc: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(doc, indent=2))
        return
    from aisc.cli.capacity_output import sweep_table

    typer.echo(sweep_table(doc))


def _sweep_on_slurm(
    files: list[Path],
    spec: Any,
    directory: Path | None,
    partition: str,
    account: str,
    time_limit: int,
    parallel: int,
    wait: bool,
    wait_timeout: float,
    as_json: bool,
) -> None:
    from aisc.adapters.slurm.arrays import ArraySpec, JobArrays
    from aisc.cli import capacity_array as array
    from aisc.core.errors import AiscError

    where = (directory or Path(f"capacity-sweep-{time.strftime('%Y%m%d-%H%M%S')}")).resolve()
    started = time.perf_counter()
    try:
        where.mkdir(parents=True, exist_ok=True)
        array.write_sweep(where, files, spec)
        count = len(array.cells(where)[1])
        slurm = JobArrays()
        task = ArraySpec(array.task_command(where), count, where, "aisc-capacity-sweep",
                         partition, account, time_limit, parallel)  # fmt: skip
        job_id = slurm.submit(task)
        typer.echo(f"submitted job array {job_id}: {count} cells in {where}", err=True)
        if not wait:
            typer.echo(json.dumps({"job_id": job_id, "dir": str(where), "cells": count}))
            return
        slurm.wait(job_id, wait_timeout)
        doc = array.gather(where)
    except AiscError as exc:
        boot.refuse(exc)
    wall = round(time.perf_counter() - started, 3)
    _print_sweep({**doc, "job_id": job_id, "dir": str(where), "wall_s": wall}, as_json)


@app.command("sweep-cell")
def sweep_cell(
    directory: Path = SWEEP_DIR,
    task: int | None = typer.Option(
        None, "--task", help="The cell to run (default: $SLURM_ARRAY_TASK_ID)."
    ),
) -> None:
    """Run one cell of a sweep written by `sweep --slurm` (what each array task runs)."""
    from aisc.cli import capacity_array as array
    from aisc.core.errors import AiscError

    given = os.environ.get("SLURM_ARRAY_TASK_ID", "") if task is None else str(task)
    if not given.isdigit():
        boot.fail("sweep-cell: give --task, or run it as a Slurm array task")
    try:
        written = array.run_cell(directory, int(given))
    except AiscError as exc:
        boot.refuse(exc)
    typer.echo(f"wrote {written}")


@app.command("sweep-gather")
def sweep_gather(
    directory: Path = SWEEP_DIR,
    as_json: bool = boot.JSON,
) -> None:
    """Combine the cells of a Slurm sweep (after `sweep --slurm --no-wait`) into its lines."""
    from aisc.cli import capacity_array as array
    from aisc.core.errors import AiscError

    try:
        doc = array.gather(directory)
    except AiscError as exc:
        boot.refuse(exc)
    _print_sweep({**doc, "dir": str(directory.resolve())}, as_json)


def run_cells(cells: list[tuple[Scenario, int]], workers: int) -> list[SeedRun]:
    if workers <= 1:
        return [_cell(cell) for cell in cells]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_cell, cells))
