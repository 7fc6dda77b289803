from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aisc.core.errors import AiscError
from aisc.core.organisations import SELF_REGISTERED_KINDS
from aisc.web.accounts.actions import ORG_FIELDS
from aisc.web.accounts.models import MembershipRole, Organisation, OrgKind, Role
from aisc.web.i18n import explain


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(
                _(
                    "Confirm your e-mail address first: open the link we mailed you when you "
                    "signed up."
                ),
                code="unverified",
            )


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language of mails"), choices=settings.LANGUAGES)

    def clean_password_again(self) -> str:
        again: str = self.cleaned_data["password_again"]
        if again != self.cleaned_data.get("password"):
            raise forms.ValidationError(_("The two passwords differ."), code="mismatch")
        return again


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ORG_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class RegisterOrganisationForm(OrganisationForm):
    document = forms.FileField(
        label=_("Registration document"),
        help_text=_(
            "A business registration certificate or an institution's proof of registration "
            "(PDF, PNG, JPEG or DOCX, at most 10 MB). The secretariat reads it to verify the "
            "organisation."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, v) for k, v in OrgKind.choices if k in SELF_REGISTERED_KINDS]

    def validate_unique(self) -> None:
        """The action refuses a taken code with a message that says what to do instead."""


class JoinForm(forms.Form):
    registration_code = forms.CharField(
        label=_("The organisation's registration code"), max_length=40
    )


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Registration document"))


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        help_text=_("Mailed to the organisation's admins, who may answer with a new document."),
        widget=forms.Textarea(attrs={"rows": 3}),
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
    # A text box offering the zones (the profile page's datalist), not a select of ~600 options:
    # Django renders each option of a select through its own template, a third of a second.
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("Pages, lists and exports show times in this zone."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    digest_mail = forms.BooleanField(
        label=_("One daily digest instead of one mail per event"), required=False
    )
    analytics_report_mail = forms.BooleanField(
        label=_("The centre analytics report of each past month by mail"),
        help_text=_(
            "Early each month: the past month's GPU-hours by organisation, utilisation by "
            "partition, waits by gang size, top users and approval times."
        ),
        required=False,
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

    def __init__(
        self, *args: Any, reviewer: bool = False, analytics: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not reviewer:
            # Only reviewers and committee members declare relationships.
            del self.fields["declared_relationships"]
        if not analytics:  # only staff who may see the centre analytics get its report
            del self.fields["analytics_report_mail"]


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
    form.add_error(exc.field if exc.field in form.fields else None, explain(exc))


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
