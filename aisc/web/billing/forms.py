"""The finance and secretariat forms of billing: what a person types, handed as text to the do_*
action that checks it (aisc.core.billing.settlement), so a refusal names the field and the rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aisc.core.grants.workflow import AwardStatus
from aisc.web.grants.models import Award


class RecoveryForm(forms.Form):
    award = forms.ChoiceField(label=_("Award"))
    amount = forms.CharField(label=_("Amount to recover (HK$)"), max_length=30)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        awards = (
            Award.objects.exclude(status=AwardStatus.APPROVED)
            .select_related("organisation")
            .order_by("project_code")
        )
        field = self.fields["award"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *((str(a.pk), f"{a.project_code} · {a.organisation}") for a in awards),
        ]


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount received (HK$)"), max_length=30)
    received_on = forms.CharField(
        label=_("Received on"), max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=200, required=False)


class WriteOffForm(forms.Form):
    write_off_reason = forms.CharField(
        label=_("Reason for the write-off"), widget=forms.Textarea(attrs={"rows": 2})
    )
