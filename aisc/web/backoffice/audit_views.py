"""Auditors and admins browse the audit log (aisc.web.audit) with filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from aisc.web.accounts import authz
from aisc.web.audit.filters import AuditFilter, apply_filter
from aisc.web.audit.models import AuditEvent
from aisc.web.backoffice.audit_labels import object_label, verb_label
from aisc.web.lists import Label, ListSpec


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    verb = forms.CharField(label=_("Verb"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


EVENTS = ListSpec(
    sorts={"time": "at", "verb": "verb"},
    default="-time",
    per_page=50,
    keep=tuple(AuditFilterForm.base_fields),
)
EVENT_COLUMNS: list[tuple[str, Label]] = [
    ("id", "#"),
    ("time", _("Time")),
    ("actor", _("Actor")),
    ("verb", _("Verb")),
    ("object", _("Object")),
    ("change", _("Change")),
]


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.select_related("actor")
    if form.is_valid():
        qs = apply_filter(qs, AuditFilter(**form.cleaned_data))
    listed = EVENTS.apply(request, qs)
    for event in listed.rows:
        event.verb_label = verb_label(event.verb)
        event.object_label = object_label(event.object_type)
    return render(
        request,
        "audit/list.html",
        {"form": form, "listed": listed, "columns": listed.headers(EVENT_COLUMNS)},
    )
