"""What every portal page's frame links, worked out once per process instead of once per page.

{% load shell %}
{% static_url "vendor/pico.min.css" %}   {% static %}'s URL, kept per static files storage (the
                                         manifest of hashed names is read once; a test that
                                         swaps the storage gets its own)
{% url_of "grants:front" %}              {% url %} of a page without arguments, kept per URL
                                         configuration, mounting prefix and language
                                         (portal.context.nav_url); also `as name`

Each `{% static %}` asked the storage for a name's URL and each `{% url %}` walked the URL
resolver: together about a third of base.html's own rendering (a timeit of the frame alone).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django import template
from django.core.files.storage import Storage, storages
from django.templatetags.static import static
from django.urls import NoReverseMatch

from aisc.web.portal.context import nav_url

register = template.Library()

_static: WeakKeyDictionary[Storage, dict[str, str]] = WeakKeyDictionary()


@register.simple_tag
def static_url(path: str) -> str:
    urls = _static.setdefault(storages["staticfiles"], {})
    if path not in urls:
        urls[path] = static(path)
    return urls[path]


@register.simple_tag
def url_of(url_name: str) -> str:
    url = nav_url(url_name)
    if url is None:
        raise NoReverseMatch(f"{url_name!r} does not reverse without arguments")
    return url
