"""What every portal page's frame links, worked out once per process instead of once per page.

{% load shell %}
{% static_url "vendor/pico.min.css" %}   {% static %}'s URL, kept per static files storage (the
                                         manifest of hashed names is read once; a test that
                                         swaps the storage gets its own)
{% url_of "grants:front" %}              {% url %} of a page without arguments, kept per URL
                                         configuration, mounting prefix and language
                                         (portal.context.nav_url); also `as name`
{% url_of "billing:statement" s.pk %}    {% url %} of a page of one object by its number (a
                                         row's link): the address around the number is
                                         worked out once, the number put in per row

Each `{% static %}` asked the storage for a name's URL and each `{% url %}` walked the URL
resolver: together about a third of base.html's own rendering (a timeit of the frame alone).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django import template
from django.core.files.storage import Storage, storages
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

from aisc.web.portal.context import Place, nav_url, place

register = template.Library()

_static: WeakKeyDictionary[Storage, dict[str, str]] = WeakKeyDictionary()


@register.simple_tag
def static_url(path: str) -> str:
    urls = _static.setdefault(storages["staticfiles"], {})
    if path not in urls:
        urls[path] = static(path)
    return urls[path]


@register.simple_tag
def url_of(url_name: str, *args: object) -> str:
    if not args:
        url = nav_url(url_name)
        if url is None:
            raise NoReverseMatch(f"{url_name!r} does not reverse without arguments")
        return url
    number = args[0]
    if len(args) == 1 and type(number) is int and number >= 0:
        around = _around_number(url_name, place())
        if around is not None:
            return f"{around[0]}{number}{around[1]}"
    return reverse(url_name, args=args)


# A number no address of the portal holds: reversed in place of a row's number, it shows where
# the number stands in the address.
MARK = 9_081_726_354
_around: dict[tuple[Place, str], tuple[str, str] | None] = {}


def _around_number(url_name: str, where: Place) -> tuple[str, str] | None:
    """What comes before and after the number in the page's address, where the number is
    written as it is (a path converter that pads or encodes it does not qualify: None)."""
    key = (where, url_name)
    if key not in _around:
        try:
            marked, seven = reverse(url_name, args=[MARK]), reverse(url_name, args=[7])
        except NoReverseMatch:
            _around[key] = None
        else:
            head, found, tail = marked.partition(str(MARK))
            plain = bool(found) and f"{head}7{tail}" == seven
            _around[key] = (head, tail) if plain else None
    return _around[key]
