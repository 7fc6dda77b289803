from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aisc.core.errors import AiscError
from aisc.web.accounts.models import MembershipRole, Organisation, Role


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest: int = settings.AISC_TOKEN_MAX_DAYS
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value = longest
        days.validators.append(MaxValueValidator(longest))
        days.widget.attrs["max"] = str(longest)
        days.initial = min(90, longest)


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = (
            "name_en",
            "name_zh",
            "kind",
            "registration_code",
            "address",
            "contact_name",
            "contact_email",
            "contact_phone",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role in the organisation"),
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the organisation"), choices=MembershipRole.choices)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of mails"), choices=settings.LANGUAGES)
    digest_mail = forms.BooleanField(
        label=_("One daily digest instead of one mail per event"), required=False
    )
    declared_relationships = forms.CharField(
        label=_("Declared relationships"),
        help_text=_(
            "Organisations you work with, advise or hold a stake in: one registration code or "
            "name per line. Applications from them are never assigned to you for review."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, reviewer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not reviewer:
            # Only reviewers and committee members declare relationships.
            del self.fields["declared_relationships"]


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Staff roles"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        chinese = get_language() == "zh-hant"
        field.choices = [
            (r.code, r.name_zh if chinese else r.name_en) for r in Role.objects.order_by("code")
        ]


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Email or name"), required=False)


def add_domain_error(form: forms.BaseForm, exc: AiscError) -> None:
    """Show a rule the action refused on the field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
