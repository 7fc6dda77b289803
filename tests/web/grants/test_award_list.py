"""The awards list (aisc.web.lists.ListSpec on grants.queries.visible_awards): sorted, filtered and
paged by the query string, amounts as money; a member sees only their organisations' awards."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Award
from tests.fixtures.pages import as_client, in_table

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return in_table(html, "awards", r'/grants/awards/\d+/">([^<]+)</a>')


@pytest.fixture
def awards(
    award: Award,
    applicant: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> dict[str, User]:
    """The decided award plus 26 copies for the applicant's organisation (p00..p25, each a
    million more committed than the last) and one for another organisation."""
    fields = model_to_dict(award, exclude=["id", "application", "organisation", "project_code"])
    fields["final_report_waived_by"] = None
    other_org = make_org(name_en="Kowloon Robotics")
    other = make_user(org=other_org, membership="admin")
    for n in range(27):
        org = other_org if n == 26 else award.organisation
        who = other if n == 26 else applicant
        application = actions.do_create_application(
            acting_user=who, call=award.application.call, organisation=org, title=f"P{n}"
        )
        Award.objects.create(
            **{
                **fields,
                "application": application,
                "organisation": org,
                "project_code": "robot-arm" if n == 26 else f"p{n:02d}",
                "committed_amount": Decimal(1_000_000 * (n + 1)) + Decimal("0.5"),
            }
        )
    return {"applicant": applicant, "other": other}


def test_the_awards_list_is_paged_and_sorts_by_any_column(
    awards: dict[str, User], award: Award
) -> None:
    client = as_client(awards["applicant"])
    page = client.get("/grants/awards/?sort=project").content.decode()
    assert codes(page)[:3] == ["p00", "p01", "p02"]
    assert "Page 1 of 2 (27 in all)" in page
    assert 'rel="next"' in page
    by_money = client.get("/grants/awards/?sort=-committed").content.decode()
    assert codes(by_money)[:2] == ["p25", "p24"]
    assert "HK$26,000,000.50" in by_money
    assert 'aria-sort="descending"><a href="?sort=committed" class="sort">' in by_money


def test_the_awards_list_filters_by_text_and_status_and_keeps_the_sort(
    awards: dict[str, User], award: Award
) -> None:
    client = as_client(awards["applicant"])
    found = client.get("/grants/awards/?q=p1&sort=-project").content.decode()
    assert codes(found) == [f"p{n}" for n in range(19, 9, -1)]
    assert '<input type="hidden" name="sort" value="-project">' in found
    Award.objects.filter(project_code="p03").update(status="cancelled")
    cancelled = client.get("/grants/awards/?status=cancelled").content.decode()
    assert codes(cancelled) == ["p03"]
    assert client.get("/grants/awards/?sort=password&page=x").status_code == 200


def test_a_member_sees_only_their_organisations_awards_and_staff_see_all(
    awards: dict[str, User], secretariat: User
) -> None:
    other = as_client(awards["other"])
    assert codes(other.get("/grants/awards/?q=p0").content.decode()) == []
    assert codes(other.get("/grants/awards/").content.decode()) == ["robot-arm"]
    staff = as_client(secretariat).get("/grants/awards/").content.decode()
    assert "(28 in all)" in staff


def test_the_awards_list_speaks_chinese_with_grouped_money(
    awards: dict[str, User],
) -> None:
    client = as_client(awards["applicant"])
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/grants/awards/?sort=-committed").content.decode()
    assert "HK$26,000,000.50" in page
    assert "<h1>批款</h1>" in page
    assert "承諾資助額" in page
