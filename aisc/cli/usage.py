"""`aisc usage ingest`: read job usage from Slurm (a time window), a saved sacct file, or a CSV."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Annotated

import typer

from aisc.cli import boot

app = typer.Typer(help="Usage metering.", no_args_is_help=True)
# Allowance for the cluster's clock running ahead of ours: a job later than this is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _when(text: str, name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        boot.fail(f"{name}: must be a time like 2026-03-01T00:00 (got {text!r})")
        raise
    return value if value.tzinfo else value.replace(tzinfo=_tz())


def _tz() -> zoneinfo.ZoneInfo:
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@app.command()
def ingest(
    since: str = typer.Option("", "--since", help="Read Slurm jobs active from this time."),
    until: str = typer.Option("", "--until", help="… up to this time (default: now)."),
    sacct_file: Annotated[
        Path | None, typer.Option("--sacct-file", help="A saved sacct --parsable2.")
    ] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="A CSV of the same fields.")
    ] = None,
    cluster: str = typer.Option("aisc", "--cluster", help="Cluster name when the input has none."),
    batch_size: Annotated[
        int | None,
        typer.Option("--batch-size", min=1, help="Records per transaction (default 20,000)."),
    ] = None,
    as_json: bool = boot.json_option("Print the report as JSON."),
) -> None:
    """Idempotent and crash-safe: run it again after any failure; nothing is counted twice."""
    sources = [bool(since), sacct_file is not None, csv_file is not None]
    if sum(sources) != 1:
        boot.fail("give exactly one of --since, --sacct-file or --csv")
    boot.django()
    from aisc.core.errors import AiscError
    from aisc.web.billing.ingest import sources as usage_sources

    tz = _tz()
    if since:
        end = _when(until, "--until") if until else dt.datetime.now(dt.UTC)
        try:  # a refused window, or Slurm unreachable or refusing: one line, nothing stored
            reading = usage_sources.read_slurm(_when(since, "--since"), end, tz)
        except AiscError as exc:
            boot.refuse(exc, code=1)
            raise
    else:
        path = sacct_file or csv_file
        assert path is not None
        option = "--sacct-file" if sacct_file else "--csv"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            boot.fail(f"{option}: cannot read {path} ({exc.strerror})")
            raise
        except UnicodeDecodeError as exc:
            boot.fail(f"{option}: {path} is not UTF-8 text (byte {exc.start}: {exc.reason})")
            raise
        if not text.strip():
            boot.fail(f"{option}: {path} is empty")
        kind = "sacct" if sacct_file else "csv"
        reading = usage_sources.Reading(f"file:{path.resolve()}", text, kind)
    sizes = {} if batch_size is None else {"batch_size": batch_size}
    not_after = dt.datetime.now(dt.UTC) + CLOCK_SKEW
    try:
        report = usage_sources.ingest_reading(reading, cluster, tz, not_after=not_after, **sizes)
    except AiscError as exc:  # a header without the fields, say: one line, nothing stored
        boot.refuse(exc, code=1)
        raise
    _print(report, as_json)
    if report.rejects and not (report.inserted or report.corrected or report.unchanged):
        boot.fail(f"every one of the {len(report.rejects)} job lines was rejected", code=1)


def _print(report, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    summary = {
        "source": report.source,
        "read": report.read,
        "inserted": report.inserted,
        "corrected": report.corrected,
        "unchanged": report.unchanged,
        "resumed_at": report.resumed_at,
        "rejected": [{"line": r.line_no, "message": r.message} for r in report.rejects],
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(
        f"read {report.read} job records: {report.inserted} new, {report.corrected} corrected, "
        f"{report.unchanged} unchanged; {len(report.rejects)} rejected"
    )
    for reject in report.rejects:
        typer.echo(f"  line {reject.line_no}: {reject.message}", err=True)
