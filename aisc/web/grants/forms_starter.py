"""The starter-grant forms: the request (which programme, for which organisation, on which chip)
and the secretariat's programme (its terms on a call)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aisc.core.catalogue.chips import CHIPS
from aisc.core.grants.starter import Terms
from aisc.core.grants.workflow import CallStatus
from aisc.web.accounts.models import Organisation
from aisc.web.catalogue.chipcodes import ChipChoiceField, ChipMultipleChoiceField
from aisc.web.grants.models import Call, StarterProgramme


class ProgrammeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.call.code}: {obj.call.title_en}"


class StarterForm(forms.Form):
    programme = ProgrammeChoice(label=_("Programme"), queryset=StarterProgramme.objects)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    chip = ChipChoiceField(label=_("Chip"))
    title = forms.CharField(label=_("Project title"), max_length=200)
    title_zh = forms.CharField(label=_("Project title (Chinese)"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("What you will try"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lay_summary = forms.CharField(
        label=_("Lay summary (public)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lay_summary_zh = forms.CharField(
        label=_("Lay summary in Chinese (public)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        programmes: list[StarterProgramme],
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = StarterProgramme.objects.filter(pk__in=[p.pk for p in programmes])
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        chips = sorted({c for p in programmes for c in p.chips})
        chip_field = self.fields["chip"]
        assert isinstance(chip_field, forms.ChoiceField)
        chip_field.choices = [(c, c.upper()) for c in chips]
        if len(programmes) == 1:
            self.initial.setdefault("programme", programmes[0].pk)
        if len(organisations) == 1:
            self.initial.setdefault("organisation", organisations[0].pk)


class CallChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}: {obj.title_en}"


class ProgrammeForm(forms.Form):
    """A starter-grant programme's terms; the ranges are the core's (aisc.core.grants.starter),
    checked by the action the API calls too, so the form only parses."""

    call = CallChoice(
        label=_("Call (a draft or open call without applications)"), queryset=Call.objects
    )
    chips = ChipMultipleChoiceField(
        label=_("Chips offered"), required=False, widget=forms.CheckboxSelectMultiple
    )
    gpu_hours = forms.DecimalField(label=_("GPU-hours per grant"), max_digits=14, decimal_places=2)
    months = forms.IntegerField(label=_("Months a grant runs"))
    per_org_per_year = forms.IntegerField(label=_("Starter grants per organisation a year"))
    subsidy_rate = forms.DecimalField(
        label=_("Subsidy rate (at most the scheme's maximum, e.g. 0.70)"),
        max_digits=4,
        decimal_places=2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        call = self.fields["call"]
        assert isinstance(call, forms.ModelChoiceField)
        call.queryset = (
            Call.objects.filter(
                status__in=(CallStatus.DRAFT, CallStatus.OPEN), starter_programme__isnull=True
            )
            .select_related("scheme")
            .order_by("code")
        )
        chips = self.fields["chips"]
        assert isinstance(chips, forms.MultipleChoiceField)
        chips.choices = [(code, f"{code.upper()} ({spec.name})") for code, spec in CHIPS.items()]

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            data["gpu_hours"],
            data["months"],
            tuple(data["chips"]),
            data["per_org_per_year"],
            data["subsidy_rate"],
        )
