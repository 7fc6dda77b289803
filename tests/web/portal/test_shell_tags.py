"""{% static_url %} and {% url_of %} (portal/templatetags/shell.py) write what {% static %} and
{% url %} write, kept per process but never past a change of what they depend on."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, set_script_prefix
from django.utils import translation


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
