"""`aisc cluster queue|submit|advance`: the embedded cluster from the command line.

queue    the running and pending jobs (with Slurm's pending reasons) as the last advance left them;
submit   queue a job as sbatch would (the account's member, its chip, GPUs, run time, limit);
advance  run the cluster to now and meter what ended and what runs (the worker does this too).
"""

from __future__ import annotations

import json
from typing import Any

import typer

from aisc.cli import boot
from aisc.web.cluster.job_fields import BY_NAME as FIELDS

app = typer.Typer(help="The embedded cluster: queue, submit, advance.", no_args_is_help=True)


def _job_facts(job: Any) -> dict[str, Any]:
    return {
        "job_id": job.pk,
        "account": job.account,
        "user": job.user,
        "chip": job.chip,
        "gpus": job.gpus,
        "state": job.state,
        "reason": job.reason,
        "partition": job.partition,
        "submit": job.submit_at.isoformat(),
        "start": job.start_at.isoformat() if job.start_at else None,
        "time_limit_s": job.time_limit_s,
    }


@app.command()
def queue(as_json: bool = boot.JSON) -> None:
    """Running and pending jobs of the embedded cluster."""
    boot.django()
    from aisc.web.cluster import pages

    o = pages.overview()
    jobs = [_job_facts(j) for j in [*o.running, *o.pending]]
    if as_json:
        facts: dict[str, Any] = {
            "advanced_to": o.clock.advanced_to.isoformat(),
            "policy": o.clock.policy,
            "gpus": o.gpus,
            "busy": o.busy,
            "day_use_percent": o.day_use_percent,
            "jobs": jobs,
        }
        typer.echo(json.dumps(facts, indent=2))
        return
    typer.echo(
        f"as of {o.clock.advanced_to:%Y-%m-%d %H:%M} UTC ({o.clock.policy}): "
        f"{o.busy}/{o.gpus} GPUs in use, {len(o.running)} running, {len(o.pending)} pending; "
        f"{o.day_use_percent}% used over the last 24 hours"
    )
    for job in jobs:
        where = job["partition"] or job["reason"]
        typer.echo(
            f"  {job['job_id']:>7} {job['state']:<8} {job['account']:<14} {job['user']:<10} "
            f"{job['gpus']} x {job['chip']:<6} {where}"
        )


# A year: far beyond any partition's time limit, and within what a job's seconds can hold.
MAX_HOURS = 24 * 366


def _option(name: str, default: Any, purpose: str, **bounds: Any) -> Any:
    """`aisc cluster submit`'s option for the job field `name`, as the one table has it."""
    field = FIELDS[name]
    said = f"{purpose} (sbatch {field.sbatch})" if field.sbatch else purpose
    return typer.Option(default, field.option, help=said, **bounds)


@app.command()
def submit(
    account: str = _option("account", ..., "The project code (the Slurm account)."),
    user: str = _option("user", ..., "A member's cluster user name."),
    gpus: int = _option("gpus", 1, "GPUs, all at once (gang).", min=1),
    chip: str = _option("chip", ..., "The GPU type, e.g. h800."),
    hours: float = _option("work_s", ..., "How long the job runs.", min=0, max=MAX_HOURS),
    limit_hours: float = _option("time_limit_s", ..., "Its time limit.", min=0, max=MAX_HOURS),
) -> None:
    """Queue a job; it starts when the limits and the policy let it."""
    boot.django()
    from aisc.core.errors import AiscError
    from aisc.web.cluster.actions import do_submit_job

    try:
        job = do_submit_job(
            account=account,
            user=user,
            gpus=gpus,
            work_s=FIELDS["work_s"].of_option(hours),
            time_limit_s=FIELDS["time_limit_s"].of_option(limit_hours),
            chip=chip,
            acting_user=None,
        )
    except AiscError as exc:
        # The action names its fields as the API does (time_limit_s); here they are options.
        field = FIELDS.get(exc.field or "")
        said = boot.say(exc)
        if field is None:
            boot.fail(said, field=exc.field)
            return  # pragma: no cover - fail() exits
        said = said.removeprefix(f"{field.name}: ")
        boot.fail(f"{field.option}: {said}", field=field.option)
        return  # pragma: no cover - fail() exits
    typer.echo(f"Submitted batch job {job.pk}")


@app.command()
def advance(as_json: bool = boot.JSON) -> None:
    """Run the embedded cluster to now and meter its usage."""
    boot.django()
    from aisc.web.billing.ingest.sources import advance_and_meter

    detail = advance_and_meter()
    typer.echo(json.dumps({"detail": detail}) if as_json else detail)
