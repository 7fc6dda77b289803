"""The annual report as a portal page and a PDF: the same figures as `aisc report annual` (one
function computes them), the money equal to the ledger to the cent, in English and Chinese, for
the secretariat, the committee, finance and auditors only; the CLI writes the PDF with --out."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import Role, User
from aisc.web.billing import pdfs
from aisc.web.billing.annual import annual_report
from aisc.web.billing.models import BillingPeriod, LedgerPosting
from aisc.web.billing.money import from_cents

pytestmark = pytest.mark.django_db
YEAR_REPORT = b"<5E74>"  # 年, of 年報 (annual report), as a ToUnicode map names it
READERS = (Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.AUDITOR)


@pytest.fixture
def reader(make_user: Callable[..., User], settings: Any, tmp_path: Path) -> Client:
    settings.AISC_FILES_DIR = tmp_path
    client = Client()
    client.force_login(make_user(Role.SECRETARIAT))
    return client


def figure(html: str, name: str) -> Decimal:
    found = re.search(rf'data-figure="{name}" data-value="([^"]+)"', html)
    assert found, f"no {name} figure on the page"
    return Decimal(found.group(1))


def pdf_text(pdf: bytes) -> bytes:
    """Every stream of the PDF inflated and joined, upper-cased: the fonts' ToUnicode maps in
    there name each character drawn by its code point in hex (WeasyPrint compresses them)."""
    inflated = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(raw))
        except zlib.error:
            continue  # a font program or an image: not a Flate stream of objects
    return b"".join(inflated).upper()


def ledger_disbursed(year: int) -> Decimal:
    cents = LedgerPosting.objects.filter(
        account__startswith="disbursed:", entry__key__startswith=f"bill:{year}-"
    ).aggregate(total=Sum("amount_cents"))["total"]
    return from_cents(cents or 0)


def test_the_page_shows_the_reports_subsidy_equal_to_the_ledger_to_the_cent(
    closed: BillingPeriod, reader: Client
) -> None:
    page = reader.get(reverse("billing:annual") + "?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    report = annual_report(2026)
    disbursed = figure(html, "disbursed")
    assert disbursed == Decimal(report["subsidy_disbursed"]["total"]) == ledger_disbursed(2026)
    assert disbursed > 0
    assert figure(html, "recovered") == Decimal(report["subsidy_recovered"])
    assert figure(html, "remaining") == Decimal(report["subsidy_remaining"])
    assert 'data-month="2026-03"' in html
    for heading in ("Applications per call", "Utilisation of the centre", "Overdue obligations"):
        assert heading in html


def test_the_page_speaks_chinese_to_a_chinese_reader(closed: BillingPeriod, reader: Client) -> None:
    reader.cookies["django_language"] = "zh-hant"
    html = reader.get(reverse("billing:annual") + "?year=2026").content.decode()
    assert "年報" in html
    assert "Utilisation of the centre" not in html


@pytest.mark.parametrize("role", READERS)
def test_each_reporting_role_may_read_the_report(
    role: str, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(role))
    assert client.get(reverse("billing:annual")).status_code == 200


@pytest.mark.parametrize("role", [Role.OPERATOR, None])
def test_operators_and_grantees_may_not_read_it(
    role: str | None, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(*([role] if role else [])))
    assert client.get(reverse("billing:annual")).status_code == 403
    assert client.get(reverse("billing:annual-pdf", args=[2026])).status_code == 403


@pytest.mark.parametrize(
    ("year", "message"),
    [("1969", "between 1970 and 2100"), ("twenty", "a year is four digits")],
)
def test_a_bad_year_is_refused_beside_the_field_with_422(
    year: str, message: str, reader: Client
) -> None:
    page = reader.get(reverse("billing:annual") + f"?year={year}")
    assert page.status_code == 422
    assert message in page.content.decode()


def test_the_pdf_is_rendered_per_language_and_refused_with_503_when_every_slot_is_busy(
    closed: BillingPeriod, reader: Client, settings: Any
) -> None:
    url = reverse("billing:annual-pdf", args=[2026])
    english = reader.get(url)
    assert english.status_code == 200
    assert english.content.startswith(b"%PDF")
    reader.cookies["django_language"] = "zh-hant"
    chinese = reader.get(url).content
    assert chinese.startswith(b"%PDF")
    assert YEAR_REPORT in pdf_text(chinese)
    assert YEAR_REPORT not in pdf_text(english.content)
    settings.AISC_PDF_RENDERS = 1
    slots = pdfs.render_slots()
    assert slots.acquire(blocking=False)
    try:
        busy = reader.get(url)
    finally:
        slots.release()
    assert busy.status_code == 503
    assert busy["Retry-After"] == "5"
    assert reader.get(reverse("billing:annual-pdf", args=[1969])).status_code == 404


def test_the_cli_writes_the_pdf_beside_the_csv_in_the_language_asked(
    closed: BillingPeriod, tmp_path: Path
) -> None:
    out = tmp_path / "annual"
    args = ["report", "annual", "--year", "2026", "--out", str(out), "--lang", "zh-hant"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    pdf = (out / "annual-report-2026-zh-hant.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert YEAR_REPORT in pdf_text(pdf)
    assert (out / "summary.csv").exists()


def test_the_cli_refuses_an_unknown_language_in_one_line() -> None:
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2026", "--lang", "fr"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "aisc: --lang: must be one of en, zh-hant, not 'fr'"
    ]
