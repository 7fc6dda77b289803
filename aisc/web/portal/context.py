"""Template context: the navigation items the current user may see, flat and grouped by task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from aisc.web.accounts import authz
from aisc.web.portal.navigation import NAV

# Every portal page reverses all the navigation's URL names; what they reverse to changes only
# with the URL configuration, the prefix the site is mounted under and the language, so each is
# reversed once per process for each of those (None: the name does not reverse there).
_urls: dict[tuple[Any, str, str | None, str], str | None] = {}


def nav_url(url_name: str) -> str | None:
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language(), url_name)
    if key not in _urls:
        try:
            _urls[key] = reverse(url_name)
        except NoReverseMatch:
            _urls[key] = None
    return _urls[key]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    for item in NAV:
        if not item.public and not any(authz.can(user, action) for action in item.actions):
            continue
        url = nav_url(item.url_name)
        if url is None:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active, "group": item.group})
    return {"nav_items": items, "nav_groups": grouped(items)}


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The menu bar: each group once, where its first entry stands, holding its entries; an entry
    of no group is an entry of the bar. A visitor who sees one group only (the public) sees its
    entries in the bar: a menu of one menu hides what it could show."""
    bar: list[dict[str, Any]] = []
    by_label: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["group"] is None:
            bar.append({"label": item["label"], "items": [item], "active": item["active"]})
            continue
        key = str(item["group"])
        if key not in by_label:
            by_label[key] = {"label": item["group"], "items": [], "active": False, "menu": True}
            bar.append(by_label[key])
        by_label[key]["items"].append(item)
        by_label[key]["active"] = by_label[key]["active"] or item["active"]
    if len(bar) == 1:
        return [{"label": i["label"], "items": [i], "active": i["active"]} for i in bar[0]["items"]]
    return bar
