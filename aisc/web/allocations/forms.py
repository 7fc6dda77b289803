from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aisc.web.allocations.models import RequestKind
from aisc.web.catalogue.chipcodes import ChipCharField


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    # Chip codes typed in any case; the allocation's lines name them in lower case.
    chip = ChipCharField(label=_("Chip"), required=False, max_length=20)
    to_chip = ChipCharField(label=_("To chip (exchange)"), required=False, max_length=20)
    gpu_hours = forms.DecimalField(
        label=_("GPU-hours"), required=False, max_digits=14, decimal_places=2
    )
    new_end_date = forms.DateField(
        label=_("New end date (extension)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CapacityPlanForm(forms.Form):
    """A capacity scenario to plan (docs/capacity.md); empty: the centre as configured."""

    scenario = forms.CharField(
        label=_("Scenario (TOML)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "Leave empty to plan the centre as configured: its nodes, pipeline and history."
        ),
    )
    months = forms.IntegerField(label=_("Months ahead"), min_value=1, max_value=36, initial=12)
    seeds = forms.IntegerField(label=_("Seeds"), min_value=1, max_value=5, initial=3)
