"""The annual report as a portal page and a PDF (secretariat, committee, finance, auditors): the
same figures as `aisc report annual` (annual.annual_report computes them for all three), in the
user's language; the PDF is rendered in one of the host's render slots (pdfs.bounded)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from aisc.adapters import pdf_render
from aisc.core.errors import RuleViolation
from aisc.core.grants.annual import check_year
from aisc.web.accounts import authz
from aisc.web.accounts.models import OrgKind
from aisc.web.billing import pdfs
from aisc.web.billing.annual import annual_report
from aisc.web.grants import choices as ch
from aisc.web.i18n import explain


def labelled(report: dict[str, Any]) -> dict[str, Any]:
    """The report's figures with the labels a reader needs beside them, in the active language:
    organisation types, fields and output kinds by name rather than by code."""
    kinds = dict(OrgKind.choices)
    fields = dict(ch.Category.choices)
    outputs = dict(ch.OutputKind.choices)
    awards = report["awards"]
    return {
        "report": report,
        "by_organisation_type": [
            (kinds.get(k, k), n) for k, n in awards["by_organisation_type"].items()
        ],
        "by_field": [(fields.get(k, _("Not stated")), n) for k, n in awards["by_field"].items()],
        "outputs": [(outputs.get(k, k), n) for k, n in report["outputs"].items()],
    }


def pdf_of(report: dict[str, Any]) -> bytes:
    """The report's PDF in the active language (a child process renders it)."""
    html = render_to_string("billing/annual_pdf.html", labelled(report))
    return pdf_render.pdf_from_html(html)


def _year(request: HttpRequest) -> tuple[int, str]:
    text = request.GET.get("year", "").strip()
    if not text:
        return timezone.localdate().year, ""
    try:
        return check_year(int(text)), ""
    except ValueError:
        return timezone.localdate().year, _("year: a year is four digits, e.g. 2026")
    except RuleViolation as exc:
        return timezone.localdate().year, explain(exc)


@login_required
def annual_page(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "billing.annual.view")
    year, error = _year(request)
    context = labelled(annual_report(year))
    context["error"] = error
    return render(request, "billing/annual.html", context, status=422 if error else 200)


@login_required
def annual_pdf(request: HttpRequest, year: int) -> HttpResponse:
    authz.require(request.user, "billing.annual.view")
    try:
        check_year(year)
    except RuleViolation as exc:
        return HttpResponse(explain(exc), status=404, content_type="text/plain; charset=utf-8")
    report = annual_report(year)
    pdf = pdfs.bounded(lambda: pdf_of(report))
    if pdf is None:
        return pdfs.busy()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="annual-report-{year}.pdf"'
    return response
