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
# with the URL configuration, the prefix the site is mounted under and the language (the place),
# so each is reversed once per process for each place (None: the name does not reverse there).
Place = tuple[Any, str, str | None]
_urls: dict[Place, dict[str, str | None]] = {}


def place() -> Place:
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


def nav_url(url_name: str, where: Place | None = None) -> str | None:
    urls = _urls.setdefault(where or place(), {})
    if url_name not in urls:
        try:
            urls[url_name] = reverse(url_name)
        except NoReverseMatch:
            urls[url_name] = None
    return urls[url_name]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries the user is shown (`nav_items`). The menu bar's grouping of them is worked
    out only when {% nav_menu %} renders a menu it has not kept (templatetags/navigation.py)."""
    user = getattr(request, "user", None)
    where = place()
    items = []
    for item in NAV:
        if not item.public and not any(authz.can(user, action) for action in item.actions):
            continue
        url = nav_url(item.url_name, where)
        if url is None:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active, "group": item.group})
    return {"nav_items": items}


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
