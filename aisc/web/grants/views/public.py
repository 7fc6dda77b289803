"""The public grantee list and impact page: HTML in the visitor's language, and CSV and JSON with
both languages side by side. Only published awards; never a rejected or withdrawn applicant."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aisc.core import csvcells
from aisc.web.grants import grantee_page, queries
from aisc.web.grants import impact as impact_data
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.views.page import is_zh


def in_language(request: HttpRequest, rows: list[dict[str, Any]], *names: str) -> None:
    """Each row's `name` in the visitor's language, from its `name_en` and `name_zh`."""
    suffix = "_zh" if is_zh(request) else "_en"
    for row in rows:
        for name in names:
            row[name] = row[name + suffix]


# The page, rendered once per version of the list (grantee_page); its CSV and JSON read the list.
grantees = grantee_page.grantees


def csv_response(
    filename: str, header: Sequence[str], lines: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese columns as UTF-8
    writer = csvcells.writer(response)
    writer.writerow(header)
    writer.writerows(lines)
    return response


def grantees_csv(request: HttpRequest) -> HttpResponse:
    columns = queries.GRANTEE_COLUMNS
    lines = ([row[c] for c in columns] for row in queries.grantees())
    return csv_response("grantees.csv", columns, lines)


def grantees_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps({"grantees": queries.grantees()}, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def impact(request: HttpRequest) -> HttpResponse:
    rows = impact_data.awards()
    in_language(request, rows, "organisation", "title", "lay_summary")
    for row in rows:
        for output in row["outputs"]:
            output["kind_label"] = OutputKind(output["kind"]).label
    kinds = OutputKind.choices
    years = impact_data.totals(rows)
    for year in years:
        year["by_kind"] = [(label, year["outputs"][value]) for value, label in kinds]
    context = {"rows": rows, "years": years, "kinds": [label for _, label in kinds]}
    return render(request, "grants/impact.html", context)


def impact_csv(request: HttpRequest) -> HttpResponse:
    lines = impact_data.csv_lines(impact_data.awards())
    return csv_response("impact.csv", impact_data.CSV_COLUMNS, lines)


def impact_json(request: HttpRequest) -> HttpResponse:
    rows = impact_data.awards()
    data = {"awards": rows, "totals": impact_data.totals(rows)}
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
