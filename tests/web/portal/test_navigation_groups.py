"""The menu by task: groups stay together, each shows once where its first entry stands, and a
visitor with a single group sees its entries in the bar."""

from __future__ import annotations

from typing import Any

from aisc.web.portal.context import grouped
from aisc.web.portal.navigation import NAV


def entry(label: str, group: str | None, active: bool = False) -> dict[str, Any]:
    return {"label": label, "url": f"/{label}/", "active": active, "group": group}


def test_the_entries_of_a_group_stand_together_in_the_menu_list() -> None:
    seen: list[object] = []
    for item in NAV:
        if item.group is not None and (not seen or seen[-1] != item.group):
            assert item.group not in seen, f"{item.label} is apart from its group {item.group}"
        seen.append(item.group)


def test_a_group_is_one_menu_in_the_bar_holding_its_entries_and_marked_when_one_is_current() -> (
    None
):
    bar = grouped(
        [
            entry("Home", "scheme"),
            entry("Calls", "scheme"),
            entry("Dashboard", None),
            entry("Fund", "money", active=True),
            entry("Statements", "money"),
        ]
    )
    assert [b["label"] for b in bar] == ["scheme", "Dashboard", "money"]
    assert [i["label"] for i in bar[0]["items"]] == ["Home", "Calls"]
    assert [bool(b.get("menu")) for b in bar] == [True, False, True]
    assert (bar[0]["active"], bar[2]["active"]) == (False, True)


def test_a_visitor_who_sees_one_group_sees_its_entries_in_the_bar() -> None:
    bar = grouped([entry("Home", "scheme", active=True), entry("Calls", "scheme")])
    assert [b["label"] for b in bar] == ["Home", "Calls"]
    assert not any(b.get("menu") for b in bar)
    assert bar[0]["active"]


def test_the_public_sees_the_front_door_entries_as_links_and_a_signed_in_user_the_groups(
    db: None, client: Any, admin_client: Any
) -> None:
    public = client.get("/").content.decode()
    assert '<details class="dropdown menu' not in public
    assert 'href="/calls/"' in public
    admin = admin_client.get("/grants/").content.decode()
    assert admin.count('<details class="dropdown menu') >= 4


def test_no_page_has_two_entries_in_the_menu() -> None:
    pages = [item.url_name for item in NAV]
    assert sorted(p for p in pages if pages.count(p) > 1) == []
    labels = [str(item.label) for item in NAV]
    assert sorted(x for x in labels if labels.count(x) > 1) == []


def test_grantees_and_staff_both_reach_the_allocations_by_one_entry(
    db: None, client: Any, admin_client: Any, applicant: Any
) -> None:
    admin = admin_client.get("/grants/").content.decode()
    assert admin.count('href="/allocations/"') == 1
    client.force_login(applicant)
    mine = client.get("/dashboard/").content.decode()
    assert mine.count('href="/allocations/"') >= 1
    assert "My allocations" not in mine


def test_a_navigation_url_follows_the_prefix_the_site_is_mounted_under() -> None:
    from django.urls import reverse, set_script_prefix

    from aisc.web.portal.context import nav_url

    name = NAV[0].url_name
    try:
        set_script_prefix("/")
        assert nav_url(name) == reverse(name)
        set_script_prefix("/aisc/")
        assert nav_url(name) == reverse(name)
        assert nav_url(name).startswith("/aisc/")  # type: ignore[union-attr]
    finally:
        set_script_prefix("/")
    assert nav_url(name) == reverse(name)


def test_a_name_that_does_not_reverse_is_left_out_not_raised() -> None:
    from aisc.web.portal.context import nav_url

    assert nav_url("no-such-page") is None
    assert nav_url("no-such-page") is None
