"""The jobs on an award's usage page (aisc.web.lists.ListSpec over the award's usage records):
newest first, sorted by any column, filtered by job, member or state, 50 a page; only those who
may see the award reach them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.billing.models import UsageRecord
from aisc.web.grants.models import Award
from tests.fixtures.pages import in_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("files_dir", "price", "inventory")]
T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def job_ids(html: str) -> list[str]:
    return in_table(html, "jobs-table", r'<tr data-row="job"><td>([^<]+)</td>')


@pytest.fixture
def jobs(award: Award) -> Award:
    """55 jobs of the award's project (job 00 submitted first and ran longest), one of another."""
    for n in range(55):
        UsageRecord.objects.create(
            cluster="c",
            job_id=f"{n:02d}",
            submit=T0 + dt.timedelta(hours=n),
            start=T0 + dt.timedelta(hours=n, minutes=30),
            elapsed_seconds=3600 * (60 - n),
            account=award.project_code,
            user="alice" if n % 2 else "bob",
            partition="h800",
            state="FAILED" if n == 7 else "COMPLETED",
            gpus="h800=8",
            source="t",
        )
    UsageRecord.objects.create(
        cluster="c", job_id="other", submit=T0, elapsed_seconds=60, account="elsewhere",
        user="eve", partition="h800", state="COMPLETED", gpus="h800=1", source="t",
    )  # fmt: skip
    return award


def test_the_jobs_are_newest_first_fifty_a_page_and_sort_by_any_column(
    jobs: Award, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    url = f"/billing/awards/{jobs.pk}/usage/"
    page = client.get(url).content.decode()
    assert job_ids(page)[:3] == ["54", "53", "52"]
    assert len(job_ids(page)) == 50
    assert "Page 1 of 2 (55 in all)" in page
    assert job_ids(client.get(url + "?page=2").content.decode()) == [
        "04", "03", "02", "01", "00"
    ]  # fmt: skip
    shortest = client.get(url + "?sort=run").content.decode()
    assert job_ids(shortest)[:2] == ["54", "53"]
    assert 'aria-sort="ascending"><a href="?sort=-run" class="sort">' in shortest
    assert "other" not in job_ids(client.get(url + "?sort=job").content.decode())


def test_the_jobs_filter_by_member_or_state_and_nonsense_falls_back(
    jobs: Award, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    url = f"/billing/awards/{jobs.pk}/usage/"
    assert job_ids(client.get(url + "?q=failed").content.decode()) == ["07"]
    bobs = client.get(url + "?q=bob&sort=job").content.decode()
    assert job_ids(bobs)[:3] == ["00", "02", "04"]
    assert "28 in all" in bobs  # one page: no "Page 1 of"
    assert client.get(url + "?sort=elapsed_seconds&page=zz").status_code == 200


def test_someone_who_may_not_see_the_award_never_reaches_its_jobs(
    jobs: Award, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    stranger = logged_in(make_user())
    assert stranger.get(f"/billing/awards/{jobs.pk}/usage/?q=bob").status_code == 404


def test_the_jobs_list_speaks_chinese(
    jobs: Award, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/billing/awards/{jobs.pk}/usage/").content.decode()
    assert "提交時間" in page
    assert "作業、成員或狀態" in page
