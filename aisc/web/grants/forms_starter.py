"""The starter-grant request form: which programme, for which organisation, on which chip."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aisc.web.accounts.models import Organisation
from aisc.web.grants.models import StarterProgramme


class ProgrammeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.call.code}: {obj.call.title_en}"


class StarterForm(forms.Form):
    programme = ProgrammeChoice(label=_("Programme"), queryset=StarterProgramme.objects)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    chip = forms.ChoiceField(label=_("Chip"))
    title = forms.CharField(label=_("Project title"), max_length=200)
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
