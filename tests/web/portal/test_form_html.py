"""Form fields written in Python (aisc.web.portal.form_html) give exactly the HTML of Django's
widget templates and of the portal's former partials/field.html, for every widget the portal's
forms use, for any value and attributes, and for every form of the portal, blank and refused."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Engine
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st

import aisc.web
from aisc.web.portal.form_html import FormRenderer, field_html, widget_html

# partials/field.html as it was before form_html.field_html wrote it: the reference.
FIELD_HTML = """{% load i18n %}<div class="field{% if field.errors %} invalid{% endif %}">
    <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span aria-hidden="true">*</span>{% endif %}</label>
    {{ field }}
    {% if field.help_text %}<small id="{{ field.id_for_label }}_help">{{ field.help_text }}</small>{% endif %}
    {% for error in field.errors %}<p class="error" role="alert">{{ error }}</p>{% endfor %}
  </div>
"""  # noqa: E501
REFERENCE = Engine.get_default().from_string(FIELD_HTML)
TEMPLATES = DjangoTemplates()
PYTHON = FormRenderer()

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.Textarea,
    forms.Select,
    forms.SelectMultiple,
    forms.NullBooleanSelect,
]
TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'中文\n é0")), max_size=8)
VALUES = st.one_of(
    st.none(),
    TEXT,
    TEXT.map(mark_safe),
    st.integers(-(10**7), 10**7),
    st.decimals(-(10**6), 10**6, places=2),
    st.dates(dt.date(1999, 1, 1), dt.date(2100, 1, 1)),
    st.booleans(),
    st.lists(TEXT, max_size=3),
)
ATTR_VALUES = st.one_of(
    st.booleans(), TEXT, TEXT.map(mark_safe), st.integers(), st.just(gettext_lazy("Chip"))
)
ATTRS = st.dictionaries(st.sampled_from(["id", "class", "placeholder", "min", "x"]), ATTR_VALUES)
CHOICES = st.lists(
    st.tuples(TEXT, st.one_of(TEXT, st.just(gettext_lazy("Top-up")), st.integers())), max_size=4
)
GROUPED = st.lists(st.tuples(TEXT, CHOICES), max_size=2)


def both(widget: forms.Widget, value: Any, attrs: dict[str, Any]) -> tuple[str, str]:
    return (
        widget.render("name<&", value, attrs, renderer=TEMPLATES),
        widget.render("name<&", value, attrs, renderer=PYTHON),
    )


@given(
    kind=st.sampled_from(WIDGETS),
    value=VALUES,
    attrs=ATTRS,
    base=ATTRS,
    choices=st.one_of(CHOICES, GROUPED),
    language=st.sampled_from(["en", "zh-hant"]),
)
def test_each_widget_writes_its_templates_html_for_any_value_and_attributes(
    kind: type[forms.Widget],
    value: Any,
    attrs: dict[str, Any],
    base: dict[str, Any],
    choices: list[Any],
    language: str,
) -> None:
    widget = kind(attrs=base)
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.NullBooleanSelect):
        widget.choices = choices
    with override(language):
        try:
            expected = widget.render("name<&", value, attrs, renderer=TEMPLATES)
        except (TypeError, KeyError) as refused:  # a value the widget itself cannot show
            with pytest.raises(type(refused)):
                widget.render("name<&", value, attrs, renderer=PYTHON)
            return
        written = widget.render("name<&", value, attrs, renderer=PYTHON)
    assert written == expected


def test_the_plain_widgets_are_written_without_their_templates() -> None:
    widget = forms.Select(choices=[("a", "A")]).get_context("kind", "a", {"id": "id_kind"})
    assert widget_html("django/forms/widgets/select.html", widget["widget"]) == (
        '<select name="kind" id="id_kind">\n  <option value="a" selected>A</option>\n\n</select>'
    )
    # A widget of another kind, or a select of radio options, goes to its template.
    assert widget_html("django/forms/widgets/radio.html", widget["widget"]) is None
    radios = forms.RadioSelect(choices=[("a", "A")]).get_context("kind", "a", {})["widget"]
    assert widget_html("django/forms/widgets/select.html", radios) is None


def test_the_widgets_this_module_does_not_write_render_through_their_templates() -> None:
    for widget, value in (
        (forms.RadioSelect(choices=[("a", "<A>"), ("b", "B")]), "a"),
        (forms.CheckboxSelectMultiple(choices=[("a", "A")]), ["a"]),
        (forms.ClearableFileInput(), None),
        (forms.SplitDateTimeWidget(), dt.datetime(2026, 12, 6, 9, 0)),
        (forms.SelectDateWidget(), dt.date(2026, 12, 6)),
    ):
        expected, written = both(widget, value, {"id": "x"})
        assert written == expected


def portal_forms() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(aisc.web.__path__, "aisc.web."):
        if "migrations" not in module.name and "form" in module.name.rsplit(".", 1)[-1]:
            importlib.import_module(module.name)
    found: list[type[forms.Form]] = []
    pending: list[type[Any]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("aisc.web.") and cls.base_fields:
            found.append(cls)
    return found


def made(cls: type[forms.Form], data: dict[str, Any] | None) -> forms.BaseForm | None:
    try:
        return cls(data) if data is not None else cls()
    except TypeError:  # a form that needs what its view passes (a user, an object)
        return None


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_portal_form_writes_the_former_field_template_blank_and_refused(
    language: str,
) -> None:
    checked = 0
    with override(language):
        for cls in portal_forms():
            for data in (None, {}, {"gpu_hours": "x<y", "amount": "-1", "email": "no"}):
                form = made(cls, data)
                if form is None:
                    continue
                if data is not None:
                    form.is_valid()
                for field in form:
                    form.renderer = TEMPLATES
                    expected = REFERENCE.render(Context({"field": field}))
                    form.renderer = PYTHON
                    assert field_html(field) == expected, (cls, field.name)
                    checked += 1
    assert checked > 100


def test_the_field_markup_has_the_label_help_text_and_each_error() -> None:
    class Form(forms.Form):
        hours = forms.DecimalField(label="GPU-hours <h>", help_text="At most 10 & no more")
        note = forms.CharField(required=False, widget=forms.Textarea)

    form = Form({"hours": "many", "note": "<b>"})
    assert not form.is_valid()
    html = field_html(form["hours"])
    assert html.startswith(
        '<div class="field invalid">\n    <label for="id_hours">GPU-hours &lt;h&gt;'
    )
    assert ' <span aria-hidden="true">*</span>' in html
    assert '<small id="id_hours_help">At most 10 &amp; no more</small>' in html
    assert '<p class="error" role="alert">Enter a number.</p>' in html
    assert "&lt;b&gt;</textarea>" in field_html(form["note"])
