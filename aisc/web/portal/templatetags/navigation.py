"""The navigation's HTML, rendered once per language and menu instead of on every page.

{% load navigation %}
{% nav_menu %}      the menu bar of base.html (partials/nav_menu.html over the entries grouped)
{% nav_tiles %}     the dashboard's tiles (partials/nav_tiles.html over `nav_items`)

What either shows follows from the entries the user is shown (their URLs, which also stand for
their labels and groups: no page has two entries), which one is the current page, and the
language; the context processor (portal.context.navigation) works those out on every request.
The HTML for each combination is kept: a few roles times a few dozen pages times two languages.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from aisc.web.portal.context import grouped

register = template.Library()

# Bounded all the same: a centre with many custom roles never grows it past this.
LIMIT = 1024
_rendered: dict[tuple[str, str | None, tuple[tuple[str, bool], ...]], SafeString] = {}


def rendered(name: str, context: template.Context) -> SafeString:
    items: list[dict[str, Any]] = context.get("nav_items") or []
    key = (name, get_language(), tuple((item["url"], item["active"]) for item in items))
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= LIMIT:
            _rendered.clear()
        shown = {"nav_items": items, "nav_groups": grouped(items)}
        # The template's own output (a SafeString, typed str by the stubs), escaped as it rendered.
        html = SafeString(get_template(f"partials/{name}.html").render(shown))
        _rendered[key] = html
    return html


@register.simple_tag(takes_context=True)
def nav_menu(context: template.Context) -> SafeString:
    return rendered("nav_menu", context)


@register.simple_tag(takes_context=True)
def nav_tiles(context: template.Context) -> SafeString:
    return rendered("nav_tiles", context)
