"""Forms for an award's outcomes: outputs (the fields follow the kind), a publications file to
import, KPIs and their values, the follow-up survey. Every field is optional here, so that the
do_* action names the field and the rule in its own words (aisc.core.grants.outputs, kpis,
survey); the forms only keep lengths the database cannot hold from reaching it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aisc.core.errors import RuleViolation
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.citations import FORMATS, MAX_FILE_BYTES, uploaded_text
from aisc.web.grants.models import Kpi
from aisc.web.i18n import explain

if TYPE_CHECKING:  # a type-checking package only
    from django_stubs_ext import StrPromise

# The fields each kind of output asks for besides its title, in the order shown; the action
# says which of them are required (aisc.core.grants.outputs.check_output).
RELEASE_FIELDS = ("url", "licence", "doi")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    OutputKind.PUBLICATION: ("doi", "url"),
    OutputKind.MODEL: RELEASE_FIELDS,
    OutputKind.DATASET: RELEASE_FIELDS,
    OutputKind.SOFTWARE: RELEASE_FIELDS,
    OutputKind.PATENT_FILED: ("reference", "url"),
    OutputKind.PATENT_GRANTED: ("reference", "url"),
    OutputKind.PRODUCT: ("url",),
    OutputKind.PEOPLE_HIRED: ("quantity",),
    OutputKind.PEOPLE_TRAINED: ("quantity",),
    OutputKind.FOLLOW_ON_FUNDING: ("quantity", "url"),
}
PEOPLE_LABEL = _("How many people")
LABELS: dict[str, dict[str, StrPromise]] = {
    OutputKind.PEOPLE_HIRED: {"title": _("Roles"), "quantity": PEOPLE_LABEL},
    OutputKind.PEOPLE_TRAINED: {"title": _("Course or programme"), "quantity": PEOPLE_LABEL},
    OutputKind.FOLLOW_ON_FUNDING: {
        "title": _("Funder and programme"),
        "quantity": _("Amount raised (HK$)"),
    },
    OutputKind.PATENT_FILED: {"reference": _("Application number")},
    OutputKind.PATENT_GRANTED: {"reference": _("Patent number")},
    OutputKind.PRODUCT: {"title": _("Name of the product or service")},
}


def _text(label: StrPromise, max_length: int | None = None, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


class KindForm(forms.Form):
    """The kind picked on the new-output page (a GET form): the output form then follows it."""

    kind = forms.ChoiceField(label=_("Kind of output"), choices=OutputKind.choices)


class OutputForm(forms.Form):
    title = _text(_("Title"), 300)
    doi = _text(_("DOI"), 200, help_text=_("10.NNNN/suffix, e.g. 10.1038/nature14539"))
    url = _text(_("Web address"), 500)
    licence = _text(_("Licence"), 100, help_text=_("e.g. Apache-2.0, CC-BY-4.0"))
    reference = _text(_("Number"), 100)
    quantity = _text(_("How many / amount (HK$)"), 30)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shown = ("title", *KIND_FIELDS[kind])
        self.fields = {name: self.fields[name] for name in shown}
        for name, label in LABELS.get(kind, {}).items():
            self.fields[name].label = label

    def values(self) -> dict[str, str]:
        """Every field the action takes: the kind's own as typed, the rest empty."""
        every = ("title", "doi", "url", "licence", "reference", "quantity")
        return {name: self.cleaned_data.get(name, "") for name in every}


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("bibtex", "BibTeX (.bib)"), ("csl-json", "CSL-JSON (.json)")],
    )
    file = forms.FileField(label=_("File"))

    def clean_file(self) -> str:
        """The file's text; its entries are read and checked by the action."""
        try:
            return uploaded_text(self.cleaned_data["file"])
        except RuleViolation as exc:
            raise forms.ValidationError(explain(exc)) from None


class ImportConfirmForm(forms.Form):
    """The confirmation of a previewed import carries the file's text back; the action reads and
    checks it again, so what is saved is exactly what was shown."""

    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=MAX_FILE_BYTES)


class KpiForm(forms.Form):
    name = _text(_("KPI"), 200)
    target = _text(_("Target"), 30)
    unit = _text(_("Unit"), 40, help_text=_("e.g. users, papers, HK$"))


class KpiChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.target.normalize():f} {obj.unit})"


class KpiValueForm(forms.Form):
    kpi = KpiChoice(label=_("KPI"), queryset=Kpi.objects.none())
    value = _text(_("Value"), 30)

    def __init__(self, *args: Any, kpis: QuerySet[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kpi"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = kpis


class SurveyForm(forms.Form):
    revenue = _text(_("Revenue (HK$)"), 30)
    users = _text(_("Users"), 30)
    jobs = _text(_("Jobs"), 30)
