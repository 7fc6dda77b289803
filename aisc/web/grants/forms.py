"""Forms of the grants portal. They parse; the do_* actions decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aisc.core.grants.rubric import SCORE_MAX, SCORE_MIN, Criterion
from aisc.web.accounts.models import Role, User
from aisc.web.catalogue.capacity import offered_chips
from aisc.web.catalogue.chipcodes import ChipChoiceField
from aisc.web.grants.actions.applications import EDITABLE_FIELDS
from aisc.web.grants.choices import CHIP, DocumentKind, ReportKind
from aisc.web.grants.models import Application

DATE = forms.DateInput(attrs={"type": "date"})


class ApplicationForm(forms.ModelForm[Application]):
    """Every field optional: a draft saves whatever is filled in; submission checks the rest."""

    class Meta:
        model = Application
        fields = EDITABLE_FIELDS
        widgets = {
            "preferred_start": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "lay_summary": forms.Textarea(attrs={"rows": 2}),
            "lay_summary_zh": forms.Textarea(attrs={"rows": 2}),
            "work_plan": forms.Textarea(attrs={"rows": 4}),
            "team": forms.Textarea(attrs={"rows": 2}),
            "track_record": forms.Textarea(attrs={"rows": 2}),
            "other_public_funding": forms.Textarea(attrs={"rows": 2}),
            "ethics_assessment": forms.Textarea(attrs={"rows": 3}),
            "societal_benefit": forms.Textarea(attrs={"rows": 2}),
        }

    # The form in the sections an applicant fills in turn; every editable field in one of them.
    SECTIONS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
        (
            _("Project"),
            (
                "title",
                "title_zh",
                "summary",
                "lay_summary",
                "lay_summary_zh",
                "category",
                "work_plan",
            ),
        ),
        (
            _("Model and data"),
            (
                "model_type",
                "parameters",
                "active_parameters",
                "training_tokens",
                "epochs",
                "seq_len",
                "precision",
                "workload",
                "tokens_served",
            ),
        ),
        (_("Compute request"), ("chip", "gpus", "months", "preferred_start")),
        (_("Team and finance"), ("team", "track_record", "other_public_funding")),
        (_("Declarations"), ("no_double_funding", "ethics_assessment", "societal_benefit")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the chips the centre offers; a stored choice stays shown (the rule then says why).
        offered = {*offered_chips(), self.instance.chip}
        self.fields["chip"] = ChipChoiceField(
            label=self.fields["chip"].label,
            choices=[("", "---------")]
            + [(code, label) for code, label in CHIP if code in offered],
        )
        for name, field in self.fields.items():
            field.required = name == "title"

    def sections(self) -> list[tuple[str | Promise, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, PNG, JPEG or DOCX, at most 10 MB)"))


class CancelAwardForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplaceForm(forms.Form):
    file = forms.FileField(label=_("New file"))


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("pass", _("Pass to review")),
            ("return", _("Return for completion")),
            ("reject", _("Reject as ineligible")),
        ],
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, checklist: list[dict[str, Any]], zh: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for item in checklist:
            label = item.get("label_zh") if zh else item.get("label_en")
            self.fields[f"check_{item['code']}"] = forms.BooleanField(
                label=label or item["code"], required=False
            )

    def answers(self) -> dict[str, bool]:
        return {
            name.removeprefix("check_"): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("check_")
        }


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(roles__code=Role.REVIEWER).order_by("email")


class ReviewForm(forms.Form):
    def __init__(
        self, *args: Any, criteria: tuple[Criterion, ...], zh: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for c in criteria:
            name = c.name_zh if zh and c.name_zh else c.name_en
            self.fields[f"score_{c.code}"] = forms.IntegerField(
                label=f"{name} ({c.weight}%)",
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                help_text=c.guidance_zh if zh and c.guidance_zh else c.guidance,
            )
            self.fields[f"comment_{c.code}"] = forms.CharField(
                label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def scores(self) -> dict[str, int]:
        return {
            k.removeprefix("score_"): int(v)
            for k, v in self.cleaned_data.items()
            if k.startswith("score_")
        }

    def comments(self) -> dict[str, str]:
        return {
            k.removeprefix("comment_"): str(v)
            for k, v in self.cleaned_data.items()
            if k.startswith("comment_") and v
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("What is the conflict?"), max_length=500)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("approve", _("Approve in full")),
            ("approve_in_part", _("Approve in part")),
            ("reject", _("Reject")),
            ("defer", _("Defer")),
        ],
    )
    gpus = forms.IntegerField(label=_("GPUs (approval in part)"), required=False, min_value=1)
    months = forms.IntegerField(label=_("Months (approval in part)"), required=False, min_value=1)
    subsidy_rate = forms.DecimalField(
        label=_("Subsidy rate (e.g. 0.70)"), required=False, max_digits=4, decimal_places=2
    )
    exceptional_reason = forms.CharField(
        label=_("Exceptional reason (needed above 70%)"), required=False
    )
    cap_exception_reason = forms.CharField(
        label=_("Reason for going over a scheme cap (exceptional rule)"), required=False
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    first_tranche = forms.DecimalField(
        label=_("Share released at start (rest after an accepted progress report)"),
        required=False,
        max_digits=3,
        decimal_places=2,
        min_value=0,
        max_value=1,
    )
    members_present = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=User.objects.none()
    )
    conflicts_declared = forms.CharField(label=_("Conflicts declared"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members_present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(roles__code=Role.COMMITTEE).order_by("email")


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 5}))


class ReturnForm(forms.Form):
    message = forms.CharField(label=_("What should change?"), max_length=2000)


class FundingDeclarationForm(forms.Form):
    funder = forms.CharField(label=_("Funder"), max_length=200)
    programme = forms.CharField(label=_("Programme"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount (HK$)"), max_digits=16, decimal_places=2)
    start_date = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class FundingCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("no_overlap", _("Not double funding")), ("overlap", _("Double funding"))],
    )
    note = forms.CharField(label=_("Note"), required=False)
