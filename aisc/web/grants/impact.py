"""The public impact page's data: each published award with its lay summary and its outputs,
totals per year, and the open-data rows of /impact.csv and /impact.json. What is public is
queries.published_awards(): an output of any other award (a draft's, an unpublished or cancelled
award's) never appears."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from aisc.web.grants.choices import OutputKind
from aisc.web.grants.models import Award, Output
from aisc.web.grants.queries import grantee_row, published_awards

AWARD_COLUMNS = (
    "project_code",
    "organisation_en",
    "organisation_zh",
    "title_en",
    "title_zh",
    "lay_summary_en",
    "lay_summary_zh",
    "start_date",
    "end_date",
    "subsidy_committed_hkd",
)
OUTPUT_COLUMNS = ("kind", "title", "doi", "url", "licence", "declared_on")
# The CSV is flat: one line per output, its award's columns repeated; an award with no output
# yet has one line with the output columns empty, so every published award is in the file.
CSV_COLUMNS = AWARD_COLUMNS + tuple(f"output_{c}" for c in OUTPUT_COLUMNS)
KINDS = tuple(OutputKind.values)


@dataclass
class YearTotals:
    year: int
    awards: int = 0
    subsidy_committed: Decimal = Decimal("0.00")
    outputs: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "awards": self.awards,
            "subsidy_committed_hkd": str(self.subsidy_committed),
            "outputs": dict(self.outputs),
        }


def _output_row(output: Output) -> dict[str, str]:
    return {
        "kind": output.kind,
        "title": output.title,
        "doi": output.doi,
        "url": output.url,
        "licence": output.licence,
        "declared_on": timezone.localdate(output.created_at).isoformat(),
    }


def _award_row(award: Award) -> dict[str, Any]:
    app = award.application
    public = grantee_row(award)
    return {
        **{c: public[c] for c in AWARD_COLUMNS if c in public},
        "lay_summary_en": app.lay_summary,
        "lay_summary_zh": app.lay_summary_zh or app.lay_summary,
        "subsidy_committed_hkd": str(award.committed_amount),
        "outputs": [_output_row(o) for o in award.outputs.all()],
    }


def awards() -> list[dict[str, Any]]:
    """Every published award with its outputs, oldest declaration first."""
    outputs = Prefetch("outputs", queryset=Output.objects.order_by("created_at", "pk"))
    return [_award_row(a) for a in published_awards().prefetch_related(outputs)]


def totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year, newest first: awards and the subsidy they committed by the year they start;
    outputs by kind by the year they were declared."""
    years: dict[int, YearTotals] = defaultdict(lambda: YearTotals(0))
    for row in rows:
        start = years[int(row["start_date"][:4])]
        start.awards += 1
        start.subsidy_committed += Decimal(row["subsidy_committed_hkd"])
        for output in row["outputs"]:
            years[int(output["declared_on"][:4])].outputs[output["kind"]] += 1
    for year, entry in years.items():
        entry.year = year
    return [years[y].as_dict() for y in sorted(years, reverse=True)]


def csv_lines(rows: list[dict[str, Any]]) -> list[list[str]]:
    lines = []
    for row in rows:
        award = [row[c] for c in AWARD_COLUMNS]
        empty = dict.fromkeys(OUTPUT_COLUMNS, "")
        for output in row["outputs"] or [empty]:
            lines.append(award + [output[c] for c in OUTPUT_COLUMNS])
    return lines
