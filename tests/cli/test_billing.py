"""`aisc billing close|show|periods` at their edges: a month written wrongly, a month not over,
a month not closed; and the list of periods in text and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.billing.models import BillingPeriod

runner = CliRunner()
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "text"),
    [(["close", "2026-13"], "2026-13"), (["show", "March"], "March")],
)
def test_a_month_not_written_yyyy_mm_is_refused_naming_the_field(
    args: list[str], text: str
) -> None:
    result = runner.invoke(app, ["billing", *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "aisc: period: must be a month written YYYY-MM in ASCII digits, from 1970-01 to "
        f"2100-12 (got {text!r})"
    )
    assert not BillingPeriod.objects.exists()


def test_closing_a_month_not_yet_over_exits_one_and_closes_nothing() -> None:
    next_year = dt.date.today().year + 1
    result = runner.invoke(app, ["billing", "close", f"{next_year}-01"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"aisc: period: {next_year}-01 has not ended yet; ")
    assert "Traceback" not in result.output
    assert not BillingPeriod.objects.exists()  # not even an open one: the refusal rolled back


def test_show_of_a_month_not_closed_says_to_close_it_first() -> None:
    result = runner.invoke(app, ["billing", "show", "2026-03", "--json"])
    assert result.exit_code == 1
    message = "period: 2026-03 is not closed; close it first with `aisc billing close`"
    assert json.loads(result.stdout) == {
        "error": {"code": "refused", "message": message, "field": "period"}
    }
    assert result.stderr.strip() == f"aisc: {message}"


def test_periods_lists_a_closed_month_in_text_and_in_json() -> None:
    assert runner.invoke(app, ["billing", "periods"]).stdout == ""
    closed = runner.invoke(app, ["billing", "close", "2026-01", "--json"])
    assert closed.exit_code == 0, closed.output
    assert json.loads(closed.stdout)["projects"] == []
    listed = runner.invoke(app, ["billing", "periods", "--json"])
    [row] = json.loads(listed.stdout)["periods"]
    period = BillingPeriod.objects.get(month="2026-01")
    assert row == {
        "period": "2026-01",
        "state": "closed",
        "closed_at": period.closed_at and period.closed_at.isoformat(),
        "statements": 0,
    }
    text = runner.invoke(app, ["billing", "periods"]).stdout
    assert text.split() == ["2026-01", "closed", "0", "statements"]
