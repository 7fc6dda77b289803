"""Centre analytics on the demo centre: GPU-hours by dimension add up to the metered usage, the
job-size mix counts every started job, CSV/JSON/API agree; bad filters are refused by name."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.billing.analytics import Filters
from aisc.web.billing.models import UsageCharge, UsageRecord

pytestmark = pytest.mark.django_db
URL = "/billing/analytics/"


@pytest.mark.slow
@pytest.mark.usefixtures("demo")
def test_the_analytics_add_up_to_the_metered_usage_in_every_form(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    metered = sum(c.gpu_seconds for c in UsageCharge.objects.all()) / 3600.0
    for by in ("organisation", "call", "chip", "partition"):
        data = client.get(URL, {"by": by, "format": "json"}).json()
        assert sum(r["gpu_hours"] for r in data["gpu_hours"]) == pytest.approx(metered, abs=1.0)
    chips = {
        r["chip"] for r in client.get(URL, {"by": "chip", "format": "json"}).json()["gpu_hours"]
    }
    assert chips == {"h800", "br104"}
    data = client.get(URL, {"format": "json"}).json()
    started = UsageRecord.objects.exclude(start=None).count()
    assert sum(r["jobs"] for r in data["waits_by_gang"]) == started
    assert all(0 <= (r["utilization"] or 0) <= 1 for r in data["utilisation_by_partition"])
    assert len(data["top_users"]) <= 10
    assert data["approval_days"], "the demo's awards were decided after submission"
    api = client.get("/api/v1/billing/analytics", {"by": "call"}).json()
    assert api == client.get(URL, {"by": "call", "format": "json"}).json()
    rows = list(csv.DictReader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode())))
    assert sum(float(r["gpu_hours"]) for r in rows) == pytest.approx(metered, abs=1.0)
    month = rows[0]["month"]
    one = client.get(URL, {"start": month, "end": month, "format": "json"}).json()
    assert {r["month"] for r in one["gpu_hours"]} == {month}
    page = client.get(URL).content.decode()
    assert "<svg" in page
    assert page.count('data-row="gang"') == 6


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-13"}, "start", "start: &#x27;2026-13&#x27; is not a month YYYY-MM"),
        ({"start": "2026-05", "end": "2026-04"}, "end", "end: must not be before start"),
        ({"by": "colour"}, "by", "by: must be one of organisation, call, chip, partition"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(
    params: dict[str, str],
    field: str,
    message: str,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(make_user(Role.OPERATOR))
    page = client.get(URL, params).content.decode()
    assert message in page
    refused = client.get("/api/v1/billing/analytics", params)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == field


def test_a_grantee_sees_no_centre_analytics(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user())
    assert client.get(URL).status_code == 403
    assert client.get("/api/v1/billing/analytics").status_code == 403


def test_the_analytics_page_speaks_traditional_chinese(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.SECRETARIAT))
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "中心分析" in page
    assert "作業規模組合及按 GPU 組大小劃分的等候時間" in page
    # The dimensions to group by are named, not shown as their codes.
    assert '<option value="partition">分區</option>' in page
    assert '<option value="organisation" selected>機構</option>' in page


def test_a_chip_filter_in_capitals_filters_on_the_lower_case_chip() -> None:
    assert Filters(chip="H800") == Filters(chip="h800")
