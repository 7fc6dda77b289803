"""The grantee's usage page of an award on the demo centre: its jobs, use by member, GPU-hours
per day by chip against the released budget with the projected exhaustion date, and waits, each
chart with its table; only those the one awards queryset lets see the award reach it. The fund's
burn-down has every month. The projection and the wait buckets on their own figures."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.allocations.pages import ChipBudget
from aisc.web.billing.award_usage import ChipDays, _wait_buckets
from aisc.web.billing.ingest.stored import decode_gpus
from aisc.web.billing.models import UsageRecord
from aisc.web.billing.usage_charts import budget_svg, waits_svg
from aisc.web.grants.models import Award
from aisc.web.grants.queries import visible_awards

pytestmark = pytest.mark.django_db


@pytest.mark.slow
@pytest.mark.usefixtures("demo")
def test_a_grantee_sees_the_jobs_members_days_and_waits_of_their_award_and_no_one_elses(
    client: Client, logged_in: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    award = Award.objects.get(project_code="p2026a-001")
    member = User.objects.filter(memberships__organisation=award.organisation).first()
    assert member is not None
    page = logged_in(member).get(f"/billing/awards/{award.pk}/usage/")
    assert page.status_code == 200
    html = page.content.decode()
    records = UsageRecord.objects.filter(account="p2026a-001")
    assert records.count() > 0
    assert html.count('data-row="job"') == min(records.count(), 50)  # the first page
    metered = sum(
        count * r.elapsed_seconds / 3600.0 for r in records for _, count in decode_gpus(r.gpus)
    )
    members = page.context["usage"].by_member
    assert sum(m["gpu_hours"] for m in members) == pytest.approx(metered, abs=0.01 * len(members))
    chips = page.context["usage"].chips
    assert chips, "the demo's allocation has released GPU-hours"
    for chip in chips:
        assert chip.days[-1]["cumulative"] == pytest.approx(
            sum(d["gpu_hours"] for d in chip.days), abs=0.01 * len(chip.days)
        )
        assert f'data-chip="{chip.chip}"' in html
    assert html.count('role="img"') == len(chips) + 1  # one chart per chip, and the waits
    assert html.count("<title>") >= len(chips) + 1
    assert html.count('data-row="wait"') == 5
    assert 'href="/billing/statements/"' in html  # the project's statements, one click away
    assert (
        sum(w["jobs"] for w in page.context["usage"].waits) == records.exclude(start=None).count()
    )
    assert (
        f'href="/billing/awards/{award.pk}/usage/"'
        in logged_in(member).get(f"/grants/awards/{award.pk}/").content.decode()
    )
    # Another organisation's member, and anyone logged out, never learn the award exists.
    other = Award.objects.exclude(organisation=award.organisation).first()
    assert other is not None
    assert logged_in(member).get(f"/billing/awards/{other.pk}/usage/").status_code == 404
    assert other not in visible_awards(member)
    stranger = make_user()
    assert logged_in(stranger).get(f"/billing/awards/{award.pk}/usage/").status_code == 404
    client.logout()
    assert client.get(f"/billing/awards/{award.pk}/usage/").status_code == 302
    for role in (Role.OPERATOR, Role.SECRETARIAT, Role.AUDITOR):
        assert (
            logged_in(make_user(role)).get(f"/billing/awards/{award.pk}/usage/").status_code == 200
        )
    finance = logged_in(make_user(Role.FINANCE))
    assert finance.get(f"/billing/awards/{award.pk}/usage/").status_code == 200
    # In Chinese: headings, chart titles and wait buckets.
    chinese = logged_in(make_user(Role.FINANCE, language="zh-hant"))
    chinese.cookies["django_language"] = "zh-hant"
    html = chinese.get(
        f"/billing/awards/{award.pk}/usage/", HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).content.decode()
    for text in (
        "按晶片劃分的預算",
        "項目作業的等候時間",
        "按開始前等候時間劃分的項目作業",
        "&lt; 1 小時",
        "<td>已完成</td>",  # a job's state: COMPLETED as sacct wrote it
    ):
        assert text in html
    # The fund's burn-down: every month from the first with ledger activity, none skipped.
    months = [p["month"] for p in finance.get("/billing/fund/").context["points"]]
    assert months == sorted(months)
    for earlier, later in itertools.pairwise(months):
        year, month = int(earlier[:4]), int(earlier[5:])
        assert later == f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def budget(released: str) -> ChipBudget:
    return ChipBudget("h800", Decimal(released), Decimal(released), Decimal(0), Decimal(0))


def test_waits_fall_into_their_buckets_and_every_job_is_counted_once() -> None:
    waits = np.array([0.0, 0.5, 1.0, 5.9, 6.0, 23.0, 24.0, 71.9, 72.0, 500.0])
    rows = _wait_buckets(waits)
    assert [r["jobs"] for r in rows] == [2, 2, 2, 2, 2]
    assert [r["bucket"] for r in rows] == ["< 1 h", "1-6 h", "6-24 h", "1-3 d", "> 3 d"]
    assert sum(r["jobs"] for r in _wait_buckets(np.zeros(0))) == 0


def test_the_budget_chart_draws_the_cumulative_use_under_the_released_line_with_its_title() -> None:
    days = [
        {"day": dt.date(2026, 11, 1), "gpu_hours": 10.0, "cumulative": 10.0},
        {"day": dt.date(2026, 11, 2), "gpu_hours": 30.0, "cumulative": 40.0},
    ]
    chip = ChipDays("h800", budget("80"), days, 20.0, dt.date(2026, 11, 4))
    svg = str(budget_svg(chip))
    assert svg.startswith('<svg role="img" aria-label="h800: GPU-hours used so far (blue)')
    assert (
        "<title>h800: GPU-hours used so far (blue) against the 80 released (orange)</title>" in svg
    )
    assert "2026-11-01" in svg
    assert "2026-11-02" in svg
    # The released line at the top (80 is the tallest), the use reaching half of it.
    assert 'y1="44.0"' in svg
    assert "596.0,110.0" in svg
    empty = str(budget_svg(ChipDays("br104", budget("0"), [], 0.0, None)))
    assert "<polyline" in empty
    assert "2026" not in empty


def test_the_waits_chart_has_a_bar_and_a_count_for_each_bucket() -> None:
    svg = str(waits_svg(_wait_buckets(np.array([0.5, 2.0, 2.5, 100.0]))))
    assert svg.count("<rect") == 5
    assert "&lt; 1 h" in svg
    assert "&gt; 3 d" in svg
    assert "The project&#x27;s jobs by how long they waited to start" in svg
