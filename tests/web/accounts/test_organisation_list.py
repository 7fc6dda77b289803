"""The organisations list (aisc.web.lists.ListSpec): members see their own organisations, staff
whose work spans organisations see every one, sorted, filtered by text, type and verification,
and paged; nobody else sees any."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from tests.fixtures.pages import in_table

pytestmark = pytest.mark.django_db


def names(html: str) -> list[str]:
    return in_table(
        html, "organisations", r'/accounts/organisations/\d+/">([^<·]+?)(?: · [^<]*)?</a>'
    )


@pytest.fixture
def orgs(make_org: Callable[..., Organisation]) -> list[Organisation]:
    """27 organisations, every third a start-up and the first waiting for verification."""
    made = [
        make_org(name_en=f"Org {n:02d}", kind="startup" if n % 3 == 0 else "university")
        for n in range(27)
    ]
    Organisation.objects.filter(pk=made[0].pk).update(status="pending")
    return made


def test_staff_see_every_organisation_sorted_and_paged(
    orgs: list[Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(make_user(Role.SECRETARIAT))
    page = client.get("/accounts/organisations/").content.decode()
    assert "<h1>Organisations</h1>" in page
    assert names(page)[:2] == ["Org 00", "Org 01"]
    assert "Page 1 of 2 (27 in all)" in page
    down = client.get("/accounts/organisations/?sort=-name").content.decode()
    assert names(down)[:2] == ["Org 26", "Org 25"]
    assert 'aria-sort="descending"><a href="?sort=name" class="sort">' in down


def test_staff_filter_organisations_by_text_type_and_verification(
    orgs: list[Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(make_user(Role.SECRETARIAT))
    found = client.get("/accounts/organisations/?q=org+1&kind=startup").content.decode()
    assert names(found) == ["Org 12", "Org 15", "Org 18"]
    pending = client.get("/accounts/organisations/?status=pending").content.decode()
    assert names(pending) == ["Org 00"]
    assert '<option value="pending" selected>' in pending
    assert client.get("/accounts/organisations/?sort=password&page=x").status_code == 200


def test_a_member_sees_only_their_own_organisations_with_their_role(
    orgs: list[Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    member = make_user(org=orgs[5], membership="admin")
    page = logged_in(member).get("/accounts/organisations/?q=org").content.decode()
    assert "<h1>My organisations</h1>" in page
    assert names(page) == ["Org 05"]
    assert "1 in all" in page
    assert "<td>Organisation admin</td>" in page


def test_the_organisations_list_speaks_chinese(
    orgs: list[Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(make_user(Role.SECRETARIAT))
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/accounts/organisations/").content.decode()
    assert "<h1>機構</h1>" in page
    assert "登記日期" in page
