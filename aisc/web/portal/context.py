"""Template context: the navigation items the current user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from aisc.web.accounts import authz
from aisc.web.portal.navigation import NAV


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    for item in NAV:
        if not item.public and not authz.can(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
