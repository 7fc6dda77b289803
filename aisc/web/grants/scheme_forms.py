"""Forms the secretariat sets a scheme and a call's rubric and checklist with. They parse; the
do_* actions (and the core rules behind them) decide what is allowed, such as weights summing
to 100."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from aisc.core.allocations.credit import FULL_CARRY_OVER
from aisc.core.grants.obligations import DEFAULT_FINAL_REPORT_DAYS, MAX_FINAL_REPORT_DAYS
from aisc.core.grants.overlap import DEFAULT_THRESHOLD
from aisc.web.accounts.models import Organisation, OrgKind
from aisc.web.grants.models import Call, Scheme, default_checklist, default_rubric


def scheme_field(name: str, label: Any, **options: Any) -> Any:
    """The form field of the `Scheme` model's field: digits, places and blankness are the
    model's, so a form cannot accept what the column cannot hold."""
    field = Scheme._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column, not a relation
    return field.formfield(label=label, **options)


def rate_field(name: str, label: Any) -> Any:
    """A subsidy rate as a fraction of the list price (0.70 = 70 %)."""
    return scheme_field(name, label, min_value=0, max_value=1)


class SchemeForm(forms.Form):
    code = forms.SlugField(label=_("Code (e.g. aiss)"), max_length=50)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    fund = scheme_field("fund", _("Fund (HK$)"))
    default_rate = rate_field("default_rate", _("Default subsidy rate (e.g. 0.70)"))
    max_rate = rate_field("max_rate", _("Normal maximum subsidy rate"))
    exceptional_max_rate = rate_field("exceptional_max_rate", _("Exceptional maximum subsidy rate"))
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Eligible applicant types"),
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Range and default are the core's (aisc.core.grants.obligations), checked again there.
    final_report_days = forms.IntegerField(
        label=_("Final report due (days after an award ends; empty: 90)"),
        required=False,
        min_value=0,
        max_value=MAX_FINAL_REPORT_DAYS,
    )

    overlap_threshold = scheme_field(
        "overlap_threshold",
        _("Similarity that flags a likely overlap with an earlier award (0-1; empty: 0.30)"),
        required=False,
    )
    exchange_auto_gpu_hours = forms.DecimalField(
        label=_(
            "Chip exchanges approved automatically up to (GPU-hours; empty: every exchange "
            "waits for the secretariat)"
        ),
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    # The range (0-100) is the core's (aisc.core.allocations.credit), checked by the action.
    carry_over_percent = scheme_field(
        "carry_over_percent",
        _(
            "Carry-over of unused GPU-hours into the next tranche (%; 0-100; empty: 100, all "
            "go on until the award's end)"
        ),
        required=False,
    )
    # Cumulative caps across the scheme's calls; empty: no cap (aisc.core.grants.caps).
    org_cap_subsidy = scheme_field(
        "org_cap_subsidy", _("Cap of subsidy per organisation (HK$; empty: none)")
    )
    org_cap_gpu_hours = scheme_field(
        "org_cap_gpu_hours", _("Cap of GPU-hours per organisation (empty: none)")
    )
    group_cap_subsidy = scheme_field(
        "group_cap_subsidy",
        _("Cap of subsidy per group of related organisations (HK$; empty: none)"),
    )
    group_cap_gpu_hours = scheme_field(
        "group_cap_gpu_hours",
        _("Cap of GPU-hours per group of related organisations (empty: none)"),
    )

    def clean_overlap_threshold(self) -> Decimal:
        value = self.cleaned_data.get("overlap_threshold")
        return DEFAULT_THRESHOLD if value is None else Decimal(value)

    def clean_carry_over_percent(self) -> Decimal:
        value = self.cleaned_data.get("carry_over_percent")
        return FULL_CARRY_OVER if value is None else Decimal(value)

    def clean_final_report_days(self) -> int:
        days = self.cleaned_data.get("final_report_days")
        return DEFAULT_FINAL_REPORT_DAYS if days is None else int(days)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The code keys the scheme's calls; it is shown, not changed.
            self.fields["code"].disabled = True


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_en = forms.CharField(label=_("Criterion (English)"), max_length=200)
    name_zh = forms.CharField(label=_("Criterion (Chinese)"), max_length=200, required=False)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    guidance = forms.CharField(
        label=_("Description for reviewers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    guidance_zh = forms.CharField(
        label=_("Description for reviewers (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChecklistItemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    label_en = forms.CharField(label=_("Item (English)"), max_length=200)
    label_zh = forms.CharField(label=_("Item (Chinese)"), max_length=200, required=False)


RubricFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)
ChecklistFormSet = forms.formset_factory(ChecklistItemForm, extra=1, can_delete=True)


def criteria_formsets(data: Any, call: Call | None = None) -> dict[str, forms.BaseFormSet[Any]]:
    """The rubric and checklist formsets, keyed by the field a refusal names; a new call starts
    from the scheme's defaults, an existing one from what it holds."""
    if data is not None:
        # Posted rows stand on their own: compared with an initial, a row left as it was would
        # count as an untouched extra row and be dropped.
        return {
            "rubric": RubricFormSet(data, prefix="rubric"),
            "checklist": ChecklistFormSet(data, prefix="checklist"),
        }
    rubric = call.rubric if call is not None else default_rubric()
    checklist = call.checklist if call is not None else default_checklist()
    return {
        "rubric": RubricFormSet(initial=rubric, prefix="rubric"),
        "checklist": ChecklistFormSet(initial=checklist, prefix="checklist"),
    }


def rows_of(formset: forms.BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The rows kept: filled in and not marked for deletion (blank extra rows are skipped)."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class RelatedGroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=200)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Related organisations"),
        queryset=Organisation.objects.order_by("name_en"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
