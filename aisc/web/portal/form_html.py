"""Form fields written out in Python, the same HTML as Django's widget templates and
partials/field.html, without a template render per widget, per attribute list and per option.

Django renders every widget through its template (`input.html`, which includes `attrs.html`;
`select.html`, which includes `select_option.html` per option), and the portal rendered each
field through an include of its own: on a form of six fields that was about a tenth of the page.
`FormRenderer` (settings.FORM_RENDERER) writes the widgets that are plain inputs, selects and
text areas directly, each value through Django's own `render_value_in_context` as the
templates do; any other widget, or a widget whose template a project overrides, goes to the
templates as before. `field_html` is partials/field.html's markup (the label, the widget, the
help text, the errors). tests/web/portal/test_form_html.py holds both to the templates' output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString

DJANGO_FORMS = Path(django.forms.__file__).parent / "templates"
WIDGETS = "django/forms/widgets/"
# The widget templates that are `{% include "django/forms/widgets/input.html" %}` and nothing
# else (Django 5.2's own; clearable_file_input.html and the multiple widgets are not).
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"
# What a template's `{{ value }}` sees: the form renderer's context (autoescaped, the default
# localisation and time zone settings).
_CONTEXT = Context(autoescape=True)


def shown(value: object) -> str:
    """`{{ value }}` in a template: localised, then escaped unless already safe."""
    if type(value) is str:  # most values: nothing to localise, not safe, so escaped
        return escape(value)
    return str(render_value_in_context(value, _CONTEXT))


def formatted(value: object) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe (is_safe=True)."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value,)  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        text = ""
    return shown(SafeString(text) if isinstance(value, SafeData) else text)


def attributes(attrs: dict[str, Any]) -> str:
    """attrs.html: ` name="value"` for each attribute, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(
                f" {shown(name)}" if value is True else f' {shown(name)}="{formatted(value)}"'
            )
    return "".join(out)


def option_html(option: dict[str, Any]) -> str:
    return (
        f'<option value="{formatted(option["value"])}"{attributes(option["attrs"])}>'
        f"{shown(option['label'])}</option>\n"
    )


def widget_html(template_name: str, widget: dict[str, Any]) -> str | None:
    """The widget's HTML as its template writes it (stripped, as the renderer strips it), or
    None where this module does not write that template."""
    if template_name in INPUTS:
        value = "" if widget["value"] is None else f' value="{formatted(widget["value"])}"'
        return (
            f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{value}'
            f"{attributes(widget['attrs'])}>"
        )
    if template_name == TEXTAREA:
        text = shown(widget["value"]) if widget["value"] else ""
        return (
            f'<textarea name="{shown(widget["name"])}"{attributes(widget["attrs"])}>\n'
            f"{text}</textarea>"
        )
    if template_name == SELECT:
        out = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{shown(group_name)}">')
            for option in group_choices:
                if option["template_name"] != OPTION:
                    return None
                out.append(f"\n  {option_html(option)}")
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)
    return None


class FormRenderer(DjangoTemplates):
    """Django's template form renderer, writing the plain widgets directly."""

    def __init__(self) -> None:
        super().__init__()
        self._overrides: dict[str, bool] = {}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if request is None and isinstance(widget, dict) and not self._overridden(template_name):
            html = widget_html(template_name, widget)
            if html is not None:
                return html
        return str(super().render(template_name, context, request))

    def _overridden(self, template_name: str) -> bool:
        """An app's template of the same name (APP_DIRS) replaces Django's: that one renders."""
        if template_name not in self._overrides:
            origin = Path(self.get_template(template_name).template.origin.name)
            self._overrides[template_name] = DJANGO_FORMS not in origin.parents
        return self._overrides[template_name]


def field_html(field: BoundField) -> SafeString:
    """partials/field.html's markup for one field, its trailing newline included."""
    invalid = " invalid" if field.errors else ""
    required = ' <span aria-hidden="true">*</span>' if field.field.required else ""
    help_text = (
        f'<small id="{shown(field.id_for_label)}_help">{shown(field.help_text)}</small>'
        if field.help_text
        else ""
    )
    errors = "".join(f'<p class="error" role="alert">{shown(error)}</p>' for error in field.errors)
    return SafeString(
        f'<div class="field{invalid}">\n'
        f'    <label for="{shown(field.id_for_label)}">{shown(field.label)}{required}</label>\n'
        f"    {shown(field)}\n"
        f"    {help_text}\n"
        f"    {errors}\n"
        "  </div>\n"
    )
