from __future__ import annotations

from django import forms

from dbv.web.core.govuk import GovukForm
from dbv.web.core.roles import COUNCIL_ROLES, ROLES


class LoginForm(GovukForm):
    username = forms.CharField(max_length=150, label="Username")
    password = forms.CharField(widget=forms.PasswordInput, label="Password")


class MemberForm(GovukForm):
    username = forms.CharField(
        max_length=150,
        label="Username",
        help_text="A new user is created if the name is not taken.",
    )
    role = forms.ChoiceField(
        choices=sorted((r, label) for r, label in ROLES.items() if r in COUNCIL_ROLES),
        label="Role",
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        min_length=12,
        label="Password for a new user (12 characters or more)",
    )


class ConfirmForm(GovukForm):
    confirm = forms.CharField(max_length=40, label="Type the council code to confirm")
