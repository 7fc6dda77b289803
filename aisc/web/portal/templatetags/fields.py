"""{% load fields %}{% field_html field %}: one form field's label, widget, help text and
errors (aisc.web.portal.form_html.field_html), as partials/form_fields.html lays them out."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from aisc.web.portal.form_html import field_html as _field_html

register = template.Library()


@register.simple_tag
def field_html(field: BoundField) -> SafeString:
    return _field_html(field)
