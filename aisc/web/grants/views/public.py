"""The public grantee list and impact page: HTML in the visitor's language, and CSV and JSON with
both languages side by side. Only published awards; never a rejected or withdrawn applicant."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aisc.core import csvcells
from aisc.web.grants import impact as impact_data
from aisc.web.grants import queries
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.views.page import is_zh


def grantees(request: HttpRequest) -> HttpResponse:
    rows = queries.grantees()
    zh = is_zh(request)
    for row in rows:
        row["organisation"] = row["organisation_zh"] if zh else row["organisation_en"]
        row["title"] = row["title_zh"] if zh else row["title_en"]
    return render(request, "grants/grantees.html", {"rows": rows})


def grantees_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="grantees.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese columns as UTF-8
    writer = csvcells.writer(response)
    writer.writerow(queries.GRANTEE_COLUMNS)
    writer.writerows([row[c] for c in queries.GRANTEE_COLUMNS] for row in queries.grantees())
    return response


def grantees_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps({"grantees": queries.grantees()}, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def impact(request: HttpRequest) -> HttpResponse:
    rows = impact_data.awards()
    zh = is_zh(request)
    for row in rows:
        row["organisation"] = row["organisation_zh"] if zh else row["organisation_en"]
        row["title"] = row["title_zh"] if zh else row["title_en"]
        row["lay_summary"] = row["lay_summary_zh"] if zh else row["lay_summary_en"]
        for output in row["outputs"]:
            output["kind_label"] = OutputKind(output["kind"]).label
    kinds = OutputKind.choices
    years = impact_data.totals(rows)
    for year in years:
        year["by_kind"] = [(label, year["outputs"][value]) for value, label in kinds]
    context = {"rows": rows, "years": years, "kinds": [label for _, label in kinds]}
    return render(request, "grants/impact.html", context)


def impact_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="impact.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese columns as UTF-8
    writer = csvcells.writer(response)
    writer.writerow(impact_data.CSV_COLUMNS)
    writer.writerows(impact_data.csv_lines(impact_data.awards()))
    return response


def impact_json(request: HttpRequest) -> HttpResponse:
    rows = impact_data.awards()
    data = {"awards": rows, "totals": impact_data.totals(rows)}
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
