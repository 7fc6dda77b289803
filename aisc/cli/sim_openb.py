"""`aisc sim run --trace-format openb`: pods on a GPU-sharing cluster (Alibaba's OpenB format).

The node list (`--nodes`) and the pod list (`--trace`) are read here; placement and measuring
are the core's (aisc/core/simulation/sharing). Output: the figures (`--json`), with the
fragmentation and allocated share over time as `timeline` ([time_s, fragmentation,
allocated_gpu_share], at most 100 points), and with `--out DIR` the whole timeline as CSV.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer

from aisc.core import csvcells
from aisc.core.errors import RuleViolation


def _lines(path: Path | None, what: str) -> list[str]:
    if path is None:
        raise RuleViolation(f"--trace-format openb needs --{what} FILE.csv", field=what)
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleViolation(f"cannot read {what} {path}: {exc.strerror}", field=what) from exc
    except UnicodeDecodeError as exc:
        raise RuleViolation(f"{what} {path} is not UTF-8 text: {exc.reason}", field=what) from exc


def _load(nodes: Path | None, trace: Path | None) -> tuple[list[Any], list[Any]]:
    from aisc.core.simulation.sharing.openb import load_nodes, load_pods

    node_list = load_nodes(_lines(nodes, "nodes"), str(nodes))
    return node_list, load_pods(_lines(trace, "trace"), str(trace))


def compare_openb(
    nodes: Path | None, trace: Path | None, policies: list[str], as_json: bool
) -> None:
    """Every placement policy on the same pods: a table, or JSON keyed by policy."""
    from aisc.core.simulation.sharing.engine import simulate_sharing
    from aisc.core.simulation.sharing.placement import check_policy

    for policy in policies:
        check_policy(policy)
    node_list, pods = _load(nodes, trace)
    results = {p: simulate_sharing(node_list, pods, p).summary for p in policies}
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    keys = ("placed", "waiting_at_end", "allocated_gpu_share", "fragmentation", "avg_wait_s")
    typer.echo(f"{'':22}" + "".join(f"{p:>12}" for p in policies))
    for key in keys:
        cells = "".join(f"{results[p][key]:>12.4g}" for p in policies)
        typer.echo(f"{key:22}{cells}")


def run_openb(
    nodes: Path | None, trace: Path | None, policy: str, as_json: bool, out: Path | None
) -> None:
    """Raises AiscError on bad input; the caller turns it into the usual message and exit."""
    from aisc.core.simulation.sharing.engine import simulate_sharing
    from aisc.core.simulation.sharing.placement import check_policy

    check_policy(policy)
    node_list, pods = _load(nodes, trace)
    began = time.perf_counter()
    result = simulate_sharing(node_list, pods, policy)
    summary: dict[str, Any] = {
        **result.summary,
        "sim_wall_s": time.perf_counter() - began,
        "trace": str(trace),
        "node_list": str(nodes),
        "timeline": [[t, round(f, 6), round(a, 6)] for t, f, a in result.timeline],
    }
    if out is not None:
        _write(out, policy, summary, result.timeline)
    for pod_id in result.unschedulable[:20]:
        pod = next(p for p in pods if p.id == pod_id)
        typer.echo(
            f"aisc: {trace}: line {pod.line}: unschedulable: no node could ever hold {pod.name}",
            err=True,
        )
    body = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in summary.items()}
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    for key in ("pods", "placed", "waiting_at_end", "unschedulable", "avg_wait_s"):
        typer.echo(f"{key:22}{body[key]:,}")
    for key in ("allocated_gpu_share", "fragmentation"):
        typer.echo(f"{key:22}{body[key]:.1%}")


def _write(out: Path, policy: str, summary: dict[str, Any], timeline: list[Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{policy}-summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    with (out / f"{policy}-timeline.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csvcells.writer(handle)
        writer.writerow(["time_s", "fragmentation", "allocated_gpu_share"])
        writer.writerows(timeline)
