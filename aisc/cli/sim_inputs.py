"""What `aisc sim run|compare` options mean: the cluster, the trace and the policy options.

Each option is checked here, against the trace format it belongs to, before anything is
simulated; a misplaced option is refused rather than dropped without a word. Core modules are
imported inside the functions, so `aisc --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aisc.core.scheduling.model import ClusterSpec
    from aisc.core.scheduling.policy import PolicyOptions
    from aisc.core.scheduling.timeshare import LpSolver
    from aisc.core.simulation.traces.base import Trace


def without_nodes(nodes: Path | None) -> None:
    # Only OpenB pods are placed on a node list: any other run would drop it without a word.
    if nodes is not None:
        from aisc.core.errors import RuleViolation

        raise RuleViolation("--nodes applies to --trace-format openb only", field="nodes")


def check_policy(name: str, spec: ClusterSpec, lp_solver: str | None = None) -> None:
    from aisc.core.scheduling.policies import make_policy
    from aisc.core.scheduling.policy import PolicyOptions

    make_policy(name, spec, PolicyOptions(lp_solver=solver(name, lp_solver)))


def cluster_spec(text: str, shares: str) -> ClusterSpec:
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


def load_trace(
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


def policy_options(
    policy: str,
    bf_max_job_test: int,
    hetero_objective: str,
    restart_s: float | None,
    seed: int,
    lp_solver: str | None,
) -> PolicyOptions:
    from aisc.core.errors import RuleViolation
    from aisc.core.scheduling.policies.hetero import OBJECTIVES
    from aisc.core.scheduling.policy import PolicyOptions

    if hetero_objective not in OBJECTIVES:
        raise RuleViolation(
            f"--hetero-objective {hetero_objective!r} must be one of {', '.join(OBJECTIVES)}",
            field="hetero_objective",
        )
    return PolicyOptions(
        bf_max_job_test=bf_max_job_test,
        hetero_objective=hetero_objective,
        restart_s=restart_s,
        lp_solver=solver(policy, lp_solver),
        seed=seed,
    )


def solver(policy: str, name: str | None = None) -> LpSolver | None:
    """The LP solver of the policies that solve LPs (imported only for them): `name`, or the
    policy's default (`POLICY_SOLVER`). Other policies take none (`name` is still checked)."""
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
