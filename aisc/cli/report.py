"""`aisc report annual --year YYYY [--json] [--out DIR] [--lang en|zh-hant]`: the committee's
annual report to the funder; --out also writes its tables as CSV files and the report as a PDF
(in --lang, by default the locale's language) into DIR."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer

from aisc.cli import boot

app = typer.Typer(help="Reports to the scheme's funder.", no_args_is_help=True)

OUT = typer.Option(
    None, "--out", help="Write the tables as CSV files and the report as a PDF into this directory."
)
LANG = typer.Option(
    None, "--lang", help="en or zh-hant (the PDF's language); default: the locale's language."
)
LANGUAGES = ("en", "zh-hant")
CSV_FILES = ("applications.csv", "subsidy_by_month.csv", "gpu_hours_used.csv", "summary.csv")


def _writable(out: Path) -> Path:
    """Create DIR if needed and prove it can be written, before any figure is computed."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".aisc-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        boot.fail(f"--out: cannot write into {out} ({exc.strerror or type(exc).__name__})")
    return out


def _write_csv(out: Path, report: dict[str, Any]) -> None:
    from aisc.core import csvcells

    tables: dict[str, list[list[Any]]] = {
        "applications.csv": [
            ["call", "received", "screened_out", "approved", "rejected"],
            *[[call, *counts.values()] for call, counts in report["applications"].items()],
        ],
        "subsidy_by_month.csv": [
            ["month", "subsidy_disbursed_hkd"],
            *[[m, v] for m, v in report["subsidy_disbursed"]["by_month"].items()],
        ],
        "gpu_hours_used.csv": [
            ["chip", "gpu_hours"],
            *[[chip, h] for chip, h in report["gpu_hours_used"].items()],
        ],
        "summary.csv": [
            ["measure", "value"],
            ["year", report["year"]],
            ["awards", report["awards"]["count"]],
            ["gpu_hours_awarded", report["awards"]["gpu_hours_awarded"]],
            ["subsidy_committed_hkd", report["subsidy_committed"]],
            ["subsidy_disbursed_hkd", report["subsidy_disbursed"]["total"]],
            ["subsidy_recovered_hkd", report["subsidy_recovered"]],
            ["subsidy_written_off_hkd", report["subsidy_written_off"]],
        ],
    }
    for name, rows in tables.items():
        with (out / name).open("w", newline="", encoding="utf-8") as sink:
            csvcells.writer(sink).writerows(rows)


def _language(lang: str | None) -> str:
    if lang is None:
        locale = next((os.environ[k] for k in boot.LOCALE_VARIABLES if os.environ.get(k)), "")
        return "zh-hant" if locale.lower().startswith("zh") else "en"
    if lang.lower() not in LANGUAGES:
        boot.fail(f"--lang: must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang.lower()


def _write_pdf(out: Path, report: dict[str, Any], language: str) -> Path:
    from django.utils import translation

    from aisc.web.billing.annual_views import pdf_of

    with translation.override(language):
        pdf = pdf_of(report)
    path = out / f"annual-report-{report['year']}-{language}.pdf"
    path.write_bytes(pdf)
    return path


def _print(report: dict[str, Any]) -> None:
    typer.echo(f"Annual report {report['year']}")
    typer.echo("Applications (received / screened out / approved / rejected):")
    for call, c in report["applications"].items():
        typer.echo(
            f"  {call:<16} {c['received']:>5} {c['screened_out']:>5} "
            f"{c['approved']:>5} {c['rejected']:>5}"
        )
    awards = report["awards"]
    typer.echo(f"Awards: {awards['count']}, {awards['gpu_hours_awarded']} GPU-hours awarded")
    typer.echo(f"Subsidy committed HK$ {report['subsidy_committed']}")
    typer.echo(f"Subsidy disbursed HK$ {report['subsidy_disbursed']['total']}")
    for month, amount in report["subsidy_disbursed"]["by_month"].items():
        typer.echo(f"  {month} HK$ {amount}")
    typer.echo(f"Subsidy recovered HK$ {report['subsidy_recovered']}")
    typer.echo(f"Subsidy written off HK$ {report['subsidy_written_off']}")
    typer.echo("GPU-hours used by awarded projects:")
    for chip, used in report["gpu_hours_used"].items():
        typer.echo(f"  {chip:<8} {used}")
    for note in report["notes"]:
        typer.echo(f"Note: {note}")


@app.command()
def annual(
    year: int = typer.Option(..., "--year", help="YYYY, 1970-2100"),
    as_json: bool = boot.JSON,
    out: Path | None = OUT,
    lang: str | None = LANG,
) -> None:
    """Applications, awards, subsidy, GPU-hours, utilisation, outcomes and overdue obligations."""
    from aisc.core.errors import RuleViolation
    from aisc.core.grants.annual import check_year

    try:
        check_year(year)
    except RuleViolation as exc:
        boot.refuse(exc)
    language = _language(lang)
    if out is not None:
        _writable(out)
    boot.django()
    from aisc.web.billing.annual import annual_report

    report = annual_report(year)
    if out is not None:
        _write_csv(out, report)
        _write_pdf(out, report, language)
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print(report)
