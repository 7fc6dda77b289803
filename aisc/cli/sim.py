"""`aisc sim run|compare`: replay a trace on a simulated cluster under one or more policies.

The options are declared and the run is driven here; what each option means (the cluster, the
trace, the policy options) is sim_inputs', what is written with `--out` sim_output's, and the
OpenB format's run sim_openb's. No database. numpy, rich and matplotlib are imported inside the
commands, so `aisc --help` stays fast.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aisc.cli import boot
from aisc.cli import sim_inputs as inputs

if TYPE_CHECKING:
    from aisc.core.scheduling.model import ClusterSpec
    from aisc.core.scheduling.policy import PolicyOptions
    from aisc.core.simulation.run import SimulationResult
    from aisc.core.simulation.traces.base import Trace

app = typer.Typer(
    help="Simulate the cluster on job traces and compare policies.", no_args_is_help=True
)

TRACE = typer.Option(
    None, "--trace", help="Job trace file (gavel: also a directory or a quoted glob of files)."
)
THROUGHPUTS = typer.Option(
    None,
    "--throughputs",
    help="gavel only: the throughput matrix (Gavel's simulation_throughputs.json).",
)
FORMAT = typer.Option(
    "csv", "--trace-format", help="csv, philly, gavel, swf, sacct or openb (with --nodes)."
)
NODES = typer.Option(
    None, "--nodes", help="openb only: the node list (sn,cpu_milli,memory_mib,gpu,model)."
)
CLUSTER = typer.Option(
    "h800=64x8", "--cluster", help='"h800=64x8,br104=16x8" or a .toml file with partitions.'
)
SHARES = typer.Option("", "--shares", help='Allocation shares: "p1=3,p2=1".')
STRICT = typer.Option(False, "--strict", help="Fail on the first malformed trace line.")
BF_MAX_JOB_TEST = typer.Option(
    100,
    "--bf-max-job-test",
    help="Backfill: jobs tested per scheduling point beyond the first blocked one "
    "(Slurm's bf_max_job_test; default here 100, Slurm 22.05's own default is 500).",
)
HETERO_OBJECTIVE = typer.Option(
    "max-min",
    "--hetero-objective",
    help="hetero only: max-min (least normalised attained service), min-jct (least time left "
    "on the best chip) or srsf (least GPU-time left on the best chip).",
)
RESTART_S = typer.Option(
    None,
    "--restart-s",
    help="Preemptive policies: wall seconds a preempted job spends restoring when it resumes, "
    "0 to 86400 (default: 30 for las and hetero, as Pollux's simulator charges; 0 for the "
    "gavel-* policies, Gavel's free preemption).",
)
LP_SOLVER = typer.Option(
    None,
    "--lp-solver",
    help="gavel-las, gavel-las-perf, srsf-perf: highs-ipm (HiGHS's interior-point method, an "
    "interior point of the optimal face as Gavel's solver returns; gavel-las-perf's default), "
    "highs (a vertex, ties broken as docs/simulator.md says; gavel-las then takes the "
    "water-filling point; the default of gavel-las and srsf-perf) or ecos (Gavel's own "
    "solver; pip install ecos).",
)
PROCS_PER_GPU = typer.Option(
    1, "--procs-per-gpu", help="swf only: processors of the log that make one GPU (default 1)."
)
# Ten times the largest run docs/simulator.md shows; beyond it a run takes hours, not minutes.
SYNTHETIC = typer.Option(
    0, "--synthetic", max=1_000_000, help="Generate this many Philly-like jobs (to 1,000,000)."
)
LOAD = typer.Option(
    0.8,
    "--load",
    help="Offered load of the synthetic jobs, in (0, 10]: offered GPU-seconds / capacity; "
    "above 1 overloads the cluster and the queue grows without bound.",
)
SEED = typer.Option(0, "--seed", min=0, help="Seed of the synthetic generator.")
OUT = typer.Option(None, "--out", help="Write per-job CSV and plots to this directory.")
PLOT = typer.Option("png", "--plot-format", help="png or svg.")
COMPARE_OUT = typer.Option(Path("sim-compare"), "--out", help="Directory for CSV and plots.")


@app.command()
def run(
    trace: Path | None = TRACE,
    trace_format: str = FORMAT,
    cluster: str = CLUSTER,
    policy: str = typer.Option(
        "fifo", "--policy", help="fifo, backfill, fairshare, ...; openb: fgd, best-fit, first-fit."
    ),
    nodes: Path | None = NODES,
    throughputs: Path | None = THROUGHPUTS,
    shares: str = SHARES,
    strict: bool = STRICT,
    procs_per_gpu: int = PROCS_PER_GPU,
    bf_max_job_test: int = BF_MAX_JOB_TEST,
    hetero_objective: str = HETERO_OBJECTIVE,
    restart_s: float | None = RESTART_S,
    lp_solver: str | None = LP_SOLVER,
    synthetic: int = SYNTHETIC,
    load: float = LOAD,
    seed: int = SEED,
    as_json: bool = boot.json_option("Print the figures as JSON."),
    out: Path | None = OUT,
    plot_format: str = PLOT,
) -> None:
    """Run one policy and print its figures (a progress bar goes to stderr)."""
    from aisc.core.errors import AiscError

    if trace_format == "openb":
        from aisc.cli.sim_openb import run_openb

        try:
            run_openb(nodes, trace, policy, as_json, out)
        except AiscError as exc:
            boot.refuse(exc)
        return
    try:
        inputs.without_nodes(nodes)
        spec = inputs.cluster_spec(cluster, shares)
        jobs = inputs.load_trace(
            trace, trace_format, strict, synthetic, load, seed, spec, procs_per_gpu, throughputs
        )
        options = inputs.policy_options(
            policy, bf_max_job_test, hetero_objective, restart_s, seed, lp_solver
        )
        result = _simulate(jobs, spec, policy, options)
        if out is not None:
            from aisc.cli.sim_output import write_run

            write_run(result, out, plot_format)
    except AiscError as exc:
        boot.refuse(exc)
    except OSError as exc:
        boot.fail(f"--out: cannot write to {out} ({exc.strerror})", code=1)
    _report_problems(result)
    if as_json:
        typer.echo(json.dumps(_public(result.summary), indent=2))
    else:
        _print_table([result])


@app.command()
def compare(
    policies: str = typer.Option(
        "fifo,backfill,fairshare,hetero", "--policies", help="openb: e.g. fgd,best-fit,first-fit."
    ),
    trace: Path | None = TRACE,
    trace_format: str = FORMAT,
    nodes: Path | None = NODES,
    throughputs: Path | None = THROUGHPUTS,
    cluster: str = CLUSTER,
    shares: str = SHARES,
    strict: bool = STRICT,
    procs_per_gpu: int = PROCS_PER_GPU,
    bf_max_job_test: int = BF_MAX_JOB_TEST,
    hetero_objective: str = HETERO_OBJECTIVE,
    restart_s: float | None = RESTART_S,
    lp_solver: str | None = LP_SOLVER,
    synthetic: int = SYNTHETIC,
    load: float = LOAD,
    seed: int = SEED,
    as_json: bool = boot.json_option("Print every policy's figures as JSON."),
    out: Path = COMPARE_OUT,
    plot_format: str = PLOT,
) -> None:
    """Run several policies on the same trace: a side-by-side table and a comparison plot."""
    from aisc.core.errors import AiscError

    names = [p.strip() for p in policies.split(",") if p.strip()]
    if trace_format == "openb":
        from aisc.cli.sim_openb import compare_openb

        try:
            compare_openb(nodes, trace, names, as_json)
        except AiscError as exc:
            boot.refuse(exc)
        return
    try:
        inputs.without_nodes(nodes)
        spec = inputs.cluster_spec(cluster, shares)
        for name in names:
            inputs.check_policy(name, spec, lp_solver)
        jobs = inputs.load_trace(
            trace, trace_format, strict, synthetic, load, seed, spec, procs_per_gpu, throughputs
        )
        results = [
            _simulate(
                jobs,
                spec,
                name,
                inputs.policy_options(
                    name, bf_max_job_test, hetero_objective, restart_s, seed, lp_solver
                ),
            )
            for name in names
        ]
        from aisc.cli.sim_output import write_comparison

        written = write_comparison(results, out, plot_format)
    except AiscError as exc:
        boot.refuse(exc)
    except OSError as exc:
        boot.fail(f"--out: cannot write to {out} ({exc.strerror})", code=1)
    _report_problems(results[0])
    if as_json:
        typer.echo(json.dumps({r.policy: _public(r.summary) for r in results}, indent=2))
    else:
        _print_table(results)
        typer.echo(f"wrote {', '.join(str(p) for p in written)}")


def _simulate(
    trace: Trace, spec: ClusterSpec, policy: str, options: PolicyOptions
) -> SimulationResult:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from aisc.core.scheduling.policies import make_policy
    from aisc.core.simulation.run import simulate

    make_policy(policy, spec, options)  # an unknown policy fails before the bar appears
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{policy}", total=len(trace))
        began = time.perf_counter()
        result = simulate(
            trace,
            spec,
            policy,
            options,
            lambda done: bar.update(task, completed=done),
            keep_segments=False,  # nothing here reads them; they grow with the preemptions
        )
        result.summary["sim_wall_s"] = time.perf_counter() - began
    result.summary.update(policy=policy, cluster=spec.describe(), trace=trace.source)
    return result


def _report_problems(result: SimulationResult) -> None:
    trace = result.trace
    for skipped in trace.skipped[:20]:
        typer.echo(f"aisc: {trace.source}: {skipped} (skipped)", err=True)
    if len(trace.skipped) > 20:
        typer.echo(f"aisc: ... {len(trace.skipped) - 20} more lines skipped", err=True)
    reasons = sorted(result.record.reasons.items())
    for job, reason in reasons[:20]:
        line = int(trace.line[job]) if job < len(trace) else job
        typer.echo(f"aisc: {trace.source}: line {line}: unschedulable: {reason}", err=True)
    if len(reasons) > 20:
        typer.echo(f"aisc: ... {len(reasons) - 20} more jobs unschedulable", err=True)


def _public(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in summary.items()}


ROWS = (
    ("jobs", "jobs", "{:,.0f}"),
    ("avg JCT (h)", "avg_jct_s", "h"),
    ("p50 JCT (h)", "p50_jct_s", "h"),
    ("p99 JCT (h)", "p99_jct_s", "h"),
    ("avg wait (h)", "avg_wait_s", "h"),
    ("bounded slowdown", "avg_bounded_slowdown", "{:,.1f}"),
    ("utilisation", "utilization", "{:.1%}"),
    ("fragmentation", "fragmentation", "{:.1%}"),
    ("makespan (h)", "makespan_s", "h"),
    ("max FTF rho", "max_ftf_rho", "{:,.1f}"),
    ("unschedulable", "unschedulable", "{:,.0f}"),
    ("sim wall (s)", "sim_wall_s", "{:.2f}"),
)


def _print_table(results: list[SimulationResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{results[0].summary['trace']} on {results[0].summary['cluster']}")
    table.add_column("metric")
    for result in results:
        table.add_column(result.policy, justify="right")
    for label, key, fmt in ROWS:
        cells = [_cell(r.summary.get(key, 0.0), fmt) for r in results]
        table.add_row(label, *cells)
    Console().print(table)


def _cell(value: float, fmt: str) -> str:
    return f"{value / 3600:,.2f}" if fmt == "h" else fmt.format(value)
