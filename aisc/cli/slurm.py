"""`aisc slurm plan|apply|check`: bring Slurm in line with the allocations.

plan   prints the difference (adds, changes, removals) and changes nothing;
apply  applies it (accounts with jobs are kept unless --force), then prints what remains;
check  exits 1 when Slurm has drifted from the desired state, 0 when it agrees.
AISC_CLUSTER=embedded (the default) uses the fake cluster kept in the data directory.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from aisc.cli import boot

if TYPE_CHECKING:
    from aisc.web.allocations.sync import SlurmPlan

app = typer.Typer(help="Allocations on Slurm: plan, apply, check.", no_args_is_help=True)


def _plan_facts(pending: SlurmPlan) -> dict[str, Any]:
    return {
        "changes": [
            {"action": c.action, "kind": c.kind, "name": c.name, "text": c.describe()}
            for c in pending.changes
        ],
        "problems": pending.plan.problems,
    }


def _print_plan(pending: SlurmPlan) -> None:
    counts = {a: sum(c.action == a for c in pending.changes) for a in ("add", "modify", "remove")}
    if not pending.changes:
        typer.echo("Slurm agrees with the allocations: nothing to do.")
    else:
        typer.echo(
            f"{counts['add']} to add, {counts['modify']} to change, {counts['remove']} to remove:"
        )
        for change in pending.changes:
            typer.echo(f"  {change.describe()}")
    for problem in pending.plan.problems:
        typer.echo(f"  ! {problem}")


def _cluster_plan() -> SlurmPlan:
    from aisc.core.errors import AiscError
    from aisc.web.allocations import cluster, sync

    try:
        return sync.make_plan(cluster.adapter())
    except AiscError as exc:
        boot.refuse(exc, code=3)
        raise  # pragma: no cover - fail() exits


@app.command()
def plan(as_json: bool = boot.JSON) -> None:
    """Print what apply would change; change nothing."""
    boot.django()
    _show(_cluster_plan(), as_json)


@app.command()
def apply(
    force: bool = typer.Option(
        False, "--force", help="Cancel the jobs of accounts being removed, then remove them."
    ),
    as_json: bool = boot.JSON,
) -> None:
    """Apply the plan. Exits 1 when something could not be applied (see what remains)."""
    boot.django()
    from aisc.core.errors import AiscError
    from aisc.web.allocations import sync

    try:
        outcome, remaining = sync.apply(force=force)
    except AiscError as exc:
        boot.fail(f"{boot.say(exc)} (nothing after the failed step was applied)", code=3)
        return
    if as_json:
        facts = _plan_facts(remaining)
        facts["applied"] = [c.describe() for c in outcome.applied]
        facts["blocked"] = [f"{c.describe()}: {why}" for c, why in outcome.blocked]
        facts["failed"] = [f"{c.describe()}: {why}" for c, why in outcome.failed]
        typer.echo(json.dumps(facts, indent=2))
    else:
        typer.echo(f"Applied {len(outcome.applied)} changes.")
        for change in outcome.applied:
            typer.echo(f"  {change.describe()}")
        for change, why in outcome.blocked:
            typer.echo(f"  kept {change.describe()}: {why}")
        for change, why in outcome.failed:
            typer.echo(f"  FAILED {change.describe()}: {why}")
        typer.echo("Remaining:")
        _print_plan(remaining)
    if not outcome.complete or remaining.changes:
        raise typer.Exit(1)


@app.command()
def check(as_json: bool = boot.JSON) -> None:
    """Exit 1 when Slurm differs from the allocations, 0 when it agrees."""
    boot.django()
    pending = _cluster_plan()
    _show(pending, as_json)
    if pending.changes:
        raise typer.Exit(1)


def _show(pending: SlurmPlan, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(_plan_facts(pending), indent=2))
    else:
        _print_plan(pending)
