"""`aisc sim run|compare`: replay a trace on a simulated cluster under one or more policies.

No database. numpy, rich and matplotlib are imported inside the commands, so `aisc --help`
stays fast.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aisc.cli import boot

if TYPE_CHECKING:
    from aisc.core.scheduling.model import ClusterSpec
    from aisc.core.scheduling.timeshare import LpSolver
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
    help="gavel-las, gavel-las-perf, srsf-perf: highs (default; a vertex of the optimal face, "
    "ties broken as docs/simulator.md says) or ecos (Gavel's own solver and its interior "
    "point; pip install ecos).",
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
        _without_nodes(nodes)
        spec = _cluster(cluster, shares)
        jobs = _trace(
            trace, trace_format, strict, synthetic, load, seed, spec, procs_per_gpu, throughputs
        )
        result = _simulate(
            jobs, spec, policy, bf_max_job_test, hetero_objective, restart_s, seed, lp_solver
        )
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
        _without_nodes(nodes)
        spec = _cluster(cluster, shares)
        for name in names:
            _check_policy(name, spec, lp_solver)
        jobs = _trace(
            trace, trace_format, strict, synthetic, load, seed, spec, procs_per_gpu, throughputs
        )
        results = [
            _simulate(
                jobs, spec, name, bf_max_job_test, hetero_objective, restart_s, seed, lp_solver
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


def _without_nodes(nodes: Path | None) -> None:
    # Only OpenB pods are placed on a node list: any other run would drop it without a word.
    if nodes is not None:
        from aisc.core.errors import RuleViolation

        raise RuleViolation("--nodes applies to --trace-format openb only", field="nodes")


def _check_policy(name: str, spec: ClusterSpec, lp_solver: str | None = None) -> None:
    from aisc.core.scheduling.policies import make_policy
    from aisc.core.scheduling.policy import PolicyOptions

    make_policy(name, spec, PolicyOptions(lp_solver=_solver(name, lp_solver)))


def _cluster(text: str, shares: str) -> ClusterSpec:
    from dataclasses import replace

    from aisc.core.errors import RuleViolation
    from aisc.core.scheduling.model import cluster_from_toml, parse_cluster, parse_shares

    if text.endswith(".toml"):
        try:
            spec = cluster_from_toml(Path(text).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RuleViolation(
                f"cannot read cluster file {text}: {exc.strerror}", field="cluster"
            ) from exc
    else:
        spec = parse_cluster(text)
    return replace(spec, shares={**spec.shares, **parse_shares(shares)}) if shares else spec


def _trace(
    path: Path | None,
    fmt: str,
    strict: bool,
    synthetic: int,
    load: float,
    seed: int,
    spec: ClusterSpec,
    procs_per_gpu: int = 1,
    throughputs: Path | None = None,
) -> Trace:
    from aisc.core.errors import RuleViolation
    from aisc.core.simulation.traces import load_file

    if synthetic:
        from aisc.core.simulation.synthetic import philly_like

        if path is not None or throughputs is not None or procs_per_gpu != 1:
            raise RuleViolation(
                "--synthetic generates its own jobs: leave out --trace, --throughputs and "
                "--procs-per-gpu",
                field="synthetic",
            )

        return philly_like(synthetic, gpus=spec.gpus, load=load, seed=seed)
    if path is None:
        raise RuleViolation("give --trace PATH (or --synthetic N)", field="trace")
    if fmt == "swf":
        return load_file(path, fmt, strict=strict, procs_per_gpu=procs_per_gpu)
    if procs_per_gpu != 1:
        raise RuleViolation("--procs-per-gpu applies to --trace-format swf only", field="trace")
    if fmt == "gavel":
        return load_file(path, fmt, strict=strict, throughputs=_matrix(throughputs))
    if throughputs is not None:
        raise RuleViolation("--throughputs applies to --trace-format gavel only", field="trace")
    return load_file(path, fmt, strict=strict)


def _matrix(path: Path | None) -> dict[str, dict[tuple[str, int], float]] | None:
    from aisc.core.errors import RuleViolation
    from aisc.core.simulation.traces.gavel import read_throughputs

    if path is None:
        return None  # the loader says what is missing
    try:
        return read_throughputs(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleViolation(
            f"cannot read --throughputs {path}: {exc.strerror}", field="throughputs"
        ) from exc


def _simulate(
    trace: Trace,
    spec: ClusterSpec,
    policy: str,
    bf_max_job_test: int = 100,
    hetero_objective: str = "max-min",
    restart_s: float | None = None,
    seed: int = 0,
    lp_solver: str | None = None,
) -> SimulationResult:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from aisc.core.errors import RuleViolation
    from aisc.core.scheduling.policies import make_policy
    from aisc.core.scheduling.policies.hetero import OBJECTIVES
    from aisc.core.scheduling.policy import PolicyOptions
    from aisc.core.simulation.run import simulate

    if hetero_objective not in OBJECTIVES:
        raise RuleViolation(
            f"--hetero-objective {hetero_objective!r} must be one of {', '.join(OBJECTIVES)}",
            field="hetero_objective",
        )
    options = PolicyOptions(
        bf_max_job_test=bf_max_job_test,
        hetero_objective=hetero_objective,
        restart_s=restart_s,
        lp_solver=_solver(policy, lp_solver),
        seed=seed,
    )
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


def _solver(policy: str, name: str | None = None) -> LpSolver | None:
    """The LP solver of the policies that solve LPs (imported only for them): `name`, or the
    policy's default (HiGHS). Other policies take none (`name` is still checked)."""
    from aisc.adapters.solvers import POLICY_SOLVER, SOLVERS, solver_named
    from aisc.core.errors import RuleViolation

    if name is not None and name not in SOLVERS:
        raise RuleViolation(
            "--lp-solver %(name)s must be one of %(known)s",
            field="lp_solver",
            params={"name": repr(name), "known": ", ".join(SOLVERS)},
        )
    if policy not in POLICY_SOLVER:
        return None
    return solver_named(name or POLICY_SOLVER[policy])


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
