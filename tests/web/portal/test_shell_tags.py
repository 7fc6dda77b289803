"""{% static_url %} and {% url_of %} (portal/templatetags/shell.py) write what {% static %} and
{% url %} write, kept per process but never past a change of what they depend on."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, path, register_converter, reverse, set_script_prefix
from django.utils import translation

from aisc.web.portal.templatetags.shell import url_of


class Padded:
    """A number written with leading zeros: not the number as it is."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:06d}"


def page(request: HttpRequest, n: int) -> HttpResponse:
    return HttpResponse(str(n))


register_converter(Padded, "padded")
# This module is the URL configuration of the tests that name it (ROOT_URLCONF).
urlpatterns = [
    path("padded/<padded:n>/", page, name="padded"),
    path("plain/<int:n>/", page, name="plain"),
]


def rendered(text: str) -> str:
    return engines["django"].from_string(text).render({})


def test_a_static_url_is_what_static_writes_and_follows_a_new_storage() -> None:
    for _ in range(2):  # the second time from what the first kept
        assert rendered("{% load shell %}{% static_url 'vendor/htmx.min.js' %}") == rendered(
            "{% load static %}{% static 'vendor/htmx.min.js' %}"
        )
    with override_settings(STATIC_URL="/assets/"):
        assert rendered("{% load shell %}{% static_url 'aisc/site.css' %}") == (
            "/assets/aisc/site.css"
        )
    assert rendered("{% load shell %}{% static_url 'aisc/site.css' %}") == "/static/aisc/site.css"


def test_a_url_of_a_page_is_what_url_writes_under_any_prefix_and_language() -> None:
    names = ["grants:front", "accounts:logout", "set_language", "billing:statements"]
    for name in names:
        for prefix in ("/", "/aisc/"):
            for language in ("en", "zh-hant"):
                try:
                    set_script_prefix(prefix)
                    with translation.override(language):
                        ours = rendered(f"{{% load shell %}}{{% url_of '{name}' %}}")
                        django = rendered(f"{{% url '{name}' %}}")
                finally:
                    set_script_prefix("/")
                assert ours == django
                assert ours.startswith(prefix)
    kept = rendered("{% load shell %}{% url_of 'billing:statements' as up %}[{{ up }}]")
    assert kept == "[/billing/statements/]"


def test_a_url_of_a_name_that_does_not_reverse_fails_as_url_does() -> None:
    with pytest.raises(NoReverseMatch):
        rendered("{% load shell %}{% url_of 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        rendered("{% url 'no-such-page' %}")


def test_a_url_of_a_row_is_what_url_writes_for_any_number_prefix_and_language() -> None:
    names = ["billing:statement", "billing:statement-pdf", "allocations:decide"]
    for prefix in ("/", "/aisc/"):
        for language in ("en", "zh-hant"):
            try:
                set_script_prefix(prefix)
                with translation.override(language):
                    for name in names:
                        for number in (0, 7, 42, 9_081_726_354, 10**15):
                            assert url_of(name, number) == reverse(name, args=[number])
            finally:
                set_script_prefix("/")
    row = "{% load shell %}{% url_of 'billing:statement' n %}"
    assert engines["django"].from_string(row).render({"n": 5}) == "/billing/statements/5/"


@override_settings(ROOT_URLCONF=__name__)
def test_a_number_the_address_does_not_write_as_it_is_goes_through_reverse() -> None:
    assert url_of("padded", 42) == reverse("padded", args=[42]) == "/padded/000042/"
    assert url_of("plain", 42) == "/plain/42/"
    # Not a plain number: each as {% url %} would do it, refusals included.
    assert url_of("plain", "42") == "/plain/42/"
    with pytest.raises(NoReverseMatch):
        url_of("plain", -1)
    assert url_of("padded", 7) == "/padded/000007/"
