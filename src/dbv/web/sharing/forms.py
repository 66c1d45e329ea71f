from __future__ import annotations

from typing import Any

from django import forms

from dbv.web.core.govuk import GovukForm
from dbv.web.core.models import Organisation


class ShareForm(GovukForm):
    recipient = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Share with",
        empty_label="Choose an insight body",
        help_text="DfE, a regional team or a group of councils set up on this service.",
    )

    include_free_text = forms.BooleanField(
        required=False,
        label="Also share the programme's own words",
        help_text="Each grant initiative and what it buys, and each workstream and its aim, as "
        "written in the plan (listed below). Never case notes or survey comments.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(kind=Organisation.INSIGHT).order_by("name")


class BuildForm(GovukForm):
    allow_mixed_years = forms.BooleanField(
        required=False,
        label="Pool exports from different academic years (say so in the pack)",
    )
