from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
