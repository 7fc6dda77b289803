"""The public front door (issue 16 item 1), without logging in: navigation on every public page,
the home page with the open and upcoming calls and key figures, one page per call, the chips and
capacity page; a draft call appears nowhere and its page answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.grants import actions
from aisc.web.grants.models import Call, Scheme

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/calls/", "/catalogue/estimate/", "/catalogue/prices/", "/catalogue/chips/"]
NAV_LINKS = ["/calls/", "/catalogue/estimate/", "/catalogue/prices/", "/catalogue/chips/"]


def new_call(scheme: Scheme, code: str, title: str, opens: dt.date, *, open_it: bool) -> Call:
    call = actions.do_create_call(
        acting_user=None,
        scheme=scheme,
        code=code,
        title_en=title,
        title_zh=f"{title}（中文）",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=120),
        period_start=opens + dt.timedelta(days=150),
        period_end=opens + dt.timedelta(days=500),
        budget=Decimal("50000000"),
    )
    return actions.do_open_call(acting_user=None, call=call) if open_it else call


@pytest.fixture
def calls(scheme: Scheme) -> dict[str, Call]:
    today = timezone.localdate()
    return {
        "open": new_call(
            scheme, "c-open", "Open call", today - dt.timedelta(days=10), open_it=True
        ),
        "upcoming": new_call(
            scheme, "c-soon", "Upcoming call", today + dt.timedelta(days=30), open_it=True
        ),
        "draft": new_call(scheme, "c-draft", "Secret draft", today, open_it=False),
    }


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/grantees/", "/calls/c-open/"])
def test_every_public_page_answers_without_login_with_the_navigation(
    client: Client, calls: dict[str, Call], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    for link in NAV_LINKS:
        assert f'href="{link}"' in page, f"{path} lacks the link to {link}"
    assert "Secret draft" not in page


def test_the_home_page_shows_the_open_and_upcoming_calls_and_the_figures(
    client: Client, calls: dict[str, Call]
) -> None:
    page = client.get("/").content.decode()
    opened, upcoming = page.index('id="open-calls"'), page.index('id="upcoming-calls"')
    assert opened < page.index("Open call") < upcoming < page.index("Upcoming call")
    assert 'href="/calls/c-open/"' in page
    assert "3,000,000,000" in page  # the scheme's fund
    assert "c-draft" not in page


def test_a_call_page_gives_criteria_weights_eligibility_subsidy_and_deadline(
    client: Client, calls: dict[str, Call]
) -> None:
    call = calls["open"]
    page = client.get(f"/calls/{call.code}/").content.decode()
    for criterion in call.criteria():
        assert escape(criterion.name_en) in page
        assert f"<td>{criterion.weight}%</td>" in page
    assert call.closes_on.isoformat() in page
    assert "University" in page
    assert "The scheme pays 70% of the list price" in page
    assert "Start an application" in page


def test_a_draft_call_page_answers_404_and_the_calls_list_leaves_it_out(
    client: Client, calls: dict[str, Call]
) -> None:
    assert client.get("/calls/c-draft/").status_code == 404
    assert client.get("/calls/nothing/").status_code == 404
    listed = client.get("/calls/").content.decode()
    assert "Open call" in listed
    assert "Upcoming call" in listed
    assert "Secret draft" not in listed


def test_the_front_door_reads_in_traditional_chinese(
    client: Client, calls: dict[str, Call]
) -> None:
    client.cookies["django_language"] = "zh-hant"
    home = client.get("/").content.decode()
    assert "Open call（中文）" in home
    assert "開放申請的計劃" in home
    page = client.get("/calls/c-open/").content.decode()
    assert "申請方法" in page
    assert "How to apply" not in page


def test_the_chips_page_counts_the_gpus_of_each_chip_on_record(client: Client) -> None:
    catalogue_demo.load_inventory()
    page = client.get("/catalogue/chips/").content.decode()
    assert 'id="chips"' in page
    assert "<td>16</td>" in page  # the demo cluster's 16 H800 GPUs
