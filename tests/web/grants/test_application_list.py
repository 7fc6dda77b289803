"""The applications list (aisc.web.lists.ListSpec on the visibility queryset): sorted, filtered and
paged by the query string; a filter never shows a row the user may not see; nonsense in the
query string falls back to the defaults instead of failing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call
from tests.fixtures.pages import as_client, in_table

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return in_table(html, "applications", r'/grants/applications/\d+/">([^<]+)</a>')


@pytest.fixture
def many(
    call: Call,
    applicant: User,
    org: Organisation,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> dict[str, User]:
    """27 drafts of the applicant's organisation, and one of another organisation's."""
    for n in range(27):
        actions.do_create_application(
            acting_user=applicant, call=call, organisation=org, title=f"Project {n:02d}"
        )
    other_org = make_org(name_en="Kowloon Robotics")
    other = make_user(org=other_org, membership="admin")
    actions.do_create_application(
        acting_user=other, call=call, organisation=other_org, title="Robot arm"
    )
    return {"applicant": applicant, "other": other}


def test_the_list_is_paged_newest_first_with_a_link_to_the_next_page(
    many: dict[str, User],
) -> None:
    page = as_client(many["applicant"]).get("/grants/").content.decode()
    assert titles(page) == [f"Project {n:02d}" for n in range(26, 1, -1)]
    assert "Page 1 of 2 (27 in all)" in page
    assert 'href="?sort=-created&amp;page=2" rel="next"' in page
    second = as_client(many["applicant"]).get("/grants/?sort=-created&page=2").content.decode()
    assert titles(second) == ["Project 01", "Project 00"]
    assert 'rel="prev"' in second


def test_a_column_sorts_ascending_then_descending_and_says_so(many: dict[str, User]) -> None:
    client = as_client(many["applicant"])
    up = client.get("/grants/?sort=title").content.decode()
    assert titles(up)[:3] == ["Project 00", "Project 01", "Project 02"]
    assert 'aria-sort="ascending"><a href="?sort=-title" class="sort">' in up
    down = client.get("/grants/?sort=-title").content.decode()
    assert titles(down)[:2] == ["Project 26", "Project 25"]
    assert 'aria-sort="descending"><a href="?sort=title" class="sort">' in down


def test_filters_narrow_the_list_and_keep_the_sort(many: dict[str, User]) -> None:
    client = as_client(many["applicant"])
    found = client.get("/grants/?q=ject+1&sort=-title").content.decode()
    assert titles(found) == [f"Project {n}" for n in range(19, 9, -1)]
    assert 'value="ject 1"' in found
    assert '<input type="hidden" name="sort" value="-title">' in found
    Application.objects.filter(title="Project 03").update(status="submitted")
    submitted = client.get("/grants/?status=submitted").content.decode()
    assert titles(submitted) == ["Project 03"]
    assert '<option value="submitted" selected>' in submitted


def test_a_filter_never_shows_what_the_user_may_not_see(many: dict[str, User]) -> None:
    page = as_client(many["other"]).get("/grants/?q=project").content.decode()
    assert titles(page) == []
    assert titles(as_client(many["other"]).get("/grants/").content.decode()) == ["Robot arm"]


def test_nonsense_in_the_query_string_falls_back_to_the_defaults(many: dict[str, User]) -> None:
    client = as_client(many["applicant"])
    newest = titles(client.get("/grants/").content.decode())
    for query in ["?sort=password", "?sort=-organisation__users", "?page=x"]:
        response = client.get(f"/grants/{query}")
        assert response.status_code == 200, query
        assert titles(response.content.decode()) == newest, query
    last = client.get("/grants/?page=99").content.decode()
    assert titles(last) == ["Project 01", "Project 00"]
    assert titles(client.get("/grants/?status=nope").content.decode()) == []


def test_an_htmx_filter_request_gets_the_page_whose_listing_it_swaps_in(
    many: dict[str, User],
) -> None:
    page = as_client(many["applicant"]).get("/grants/").content.decode()
    assert 'hx-select="#listing"' in page
    assert 'hx-push-url="true"' in page
    assert '<div id="listing">' in page
