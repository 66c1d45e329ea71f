"""Forms of the workshops app (GOV.UK styled); choices come from the engagement schema's code
lists, so answers are the codes of the import format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dbv.web.core.govuk import GovukForm, style
from dbv.web.workshops import returns
from dbv.web.workshops.actions import codes

STRATA_CHOICES = [
    ("setting_group", "Setting group"),
    ("need", "Primary need"),
    ("age_band", "Age band"),
    ("tenure", "Tenure (plan issued in the last two years or earlier)"),
]


def _choices(code_list: str, blank: str | None = None) -> list[tuple[str, str]]:
    out = list(codes(code_list).items())
    return [("", blank), *out] if blank is not None else out


class _Form(GovukForm):
    """Sets choices (``setup``) before the GOV.UK styling, which validates a bound form."""

    required: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        self.setup()
        for name, message in self.required.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        style(self)

    def setup(self) -> None:
        return None


class UploadForm(_Form):
    required = {"file": "Select the data return file"}
    file = forms.FileField(
        label="Data return file",
        help_text="A .zip of the return's CSV files, or the .xlsx workbook 'dbv template' "
        "writes. No names or addresses: the return holds pseudonymous IDs only.",
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        returns.check_upload(f.name or "", int(f.size or 0), f)
        return f


class WorkshopForm(_Form):
    required = {"name": "Enter the workshop name", "date": "Enter the date of the workshop"}
    name = forms.CharField(label="Workshop name", max_length=200)
    date = forms.DateField(
        error_messages={"invalid": "Enter a real date, for example 2025-03-14"},
        label="Date of the workshop",
        help_text="For example, 2025-03-14",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SampleForm(_Form):
    required = {
        "n": "Enter the number of cases to draw",
        "seed": "Enter a seed (any whole number)",
        "strata": "Select at least one characteristic to stratify by",
        "min_per_stratum": "Enter the minimum number of cases in each group",
    }
    n = forms.IntegerField(label="Number of cases to draw", min_value=1, max_value=500, initial=40)
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2**31 - 1,
        initial=2025,
        help_text="Any whole number. The same seed and data always draw the same sample: record "
        "it so anyone can check the draw.",
    )
    strata = forms.MultipleChoiceField(
        label="Stratify by",
        choices=STRATA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["setting_group", "tenure"],
        help_text="Every group with plans gets at least the minimum; the rest is shared in "
        "proportion to the number of plans.",
    )
    min_per_stratum = forms.IntegerField(
        label="Minimum cases in each group", min_value=0, max_value=10, initial=1
    )


class HandPickForm(_Form):
    required = {"person_id": "Enter the child's pseudonymous ID"}
    person_id = forms.CharField(
        label="Pseudonymous ID of the child (person_id in the data return)",
        max_length=60,
        help_text="Hand-picked cases are reviewed like the others but excluded from extrapolation.",
    )


class AnswersForm(_Form):
    required = {
        "reviewer_role": "Select your role",
        "ideal_outcome": "Select whether the child or young person is in the ideal setting or "
        "receiving the ideal support",
        "needs_met_effectively": "Select whether their needs are being met effectively",
        "met_without_ehcp": "Select whether their needs could have been met without an EHC plan",
        "different_provision": "Select whether a different provision would be better",
        "smart_goals": "Select whether the plan's outcomes are SMART",
        "confidence": "Select your confidence, from 1 (low) to 5 (high)",
    }
    ideal_outcome = forms.ChoiceField(
        label="Is the child or young person in the ideal setting, or receiving the ideal "
        "support, for their long-term outcomes?",
        widget=forms.RadioSelect,
    )
    needs_met_effectively = forms.ChoiceField(
        label="Are their needs being met effectively now?", widget=forms.RadioSelect
    )
    met_without_ehcp = forms.ChoiceField(
        label="Could their needs have been met without an EHC plan (at SEN support with the "
        "right offer)?",
        widget=forms.RadioSelect,
    )
    different_provision = forms.ChoiceField(
        label="Would a different provision be better?", widget=forms.RadioSelect
    )
    ideal_provision = forms.ChoiceField(
        label="Which provision would be ideal?",
        required=False,
        help_text="Required when a different provision would be better.",
    )
    decision_point = forms.ChoiceField(
        label="Decision point where a different choice could have changed the trajectory",
        required=False,
    )
    smart_goals = forms.ChoiceField(
        label="Are the plan's outcomes SMART?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    confidence = forms.TypedChoiceField(
        label="Confidence in this judgement",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (str(i), f"{i}{' (low)' if i == 1 else ' (high)' if i == 5 else ''}")
            for i in range(1, 6)
        ],
    )

    def setup(self) -> None:
        f = self.fields
        f["ideal_outcome"].choices = _choices("judgement")  # type: ignore[attr-defined]
        f["needs_met_effectively"].choices = _choices("judgement")  # type: ignore[attr-defined]
        f["met_without_ehcp"].choices = _choices("yes_no")  # type: ignore[attr-defined]
        f["different_provision"].choices = _choices("yes_no")  # type: ignore[attr-defined]
        f["ideal_provision"].choices = _choices(  # type: ignore[attr-defined]
            "ideal_provision", "Not applicable"
        )
        f["decision_point"].choices = _choices(  # type: ignore[attr-defined]
            "decision_point", "None recorded"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("different_provision") == "yes" and not data.get("ideal_provision"):
            self.add_error(
                "ideal_provision",
                "Select the ideal provision, as a different provision would be better",
            )
        return data

    def answers(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["smart_goals"] = d.get("smart_goals") == "yes"
        return d


class ReviewForm(AnswersForm):
    reviewer_role = forms.ChoiceField(label="Your role")
    reasons = forms.MultipleChoiceField(
        label="Reasons the outcome is not ideal",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Required when the outcome is partly or not ideal. Tick all that apply.",
    )
    primary_reason = forms.ChoiceField(
        label="Main reason",
        required=False,
        help_text="Required when you tick more than one reason.",
    )
    note = forms.CharField(
        label="Describe the other reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you tick 'Other'. Do not write names.",
    )

    field_order = [
        "reviewer_role",
        "ideal_outcome",
        "needs_met_effectively",
        "met_without_ehcp",
        "different_provision",
        "ideal_provision",
        "decision_point",
        "reasons",
        "primary_reason",
        "note",
        "smart_goals",
        "confidence",
    ]

    def setup(self) -> None:
        super().setup()
        f = self.fields
        f["reviewer_role"].choices = _choices("reviewer_role", "Select your role")  # type: ignore[attr-defined]
        f["reasons"].choices = _choices("reason")  # type: ignore[attr-defined]
        f["primary_reason"].choices = _choices(  # type: ignore[attr-defined]
            "reason", "Not applicable"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reasons = data.get("reasons") or []
        outcome = data.get("ideal_outcome")
        if outcome in ("partly", "no") and not reasons:
            self.add_error("reasons", "Select at least one reason, as the outcome is not ideal")
        if outcome == "yes" and reasons:
            self.add_error("reasons", "Leave the reasons blank, as the outcome is ideal")
        if len(reasons) > 1 and data.get("primary_reason") not in reasons:
            self.add_error("primary_reason", "Select the main reason from the reasons you ticked")
        if "other" in reasons and not (data.get("note") or "").strip():
            self.add_error("note", "Describe the other reason")
        return data


class ConsensusForm(AnswersForm):
    primary_reason = forms.ChoiceField(
        label="Agreed main reason",
        required=False,
        help_text="Required when the agreed outcome is partly or not ideal.",
    )
    dissenting = forms.MultipleChoiceField(
        label="Reviewers who disagree with the consensus",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, reviewers: list[str] | None = None, **kwargs: Any) -> None:
        self.reviewers = reviewers or []
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.fields["primary_reason"].choices = _choices(  # type: ignore[attr-defined]
            "reason", "Not applicable"
        )
        self.fields["dissenting"].choices = [  # type: ignore[attr-defined]
            (r, f"Reviewer {r}") for r in self.reviewers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("ideal_outcome") in ("partly", "no") and not data.get("primary_reason"):
            self.add_error(
                "primary_reason", "Select the agreed main reason, as the outcome is not ideal"
            )
        return data


class VoiceForm(_Form):
    required = {"voice": "Select whose view this is", "status": "Select whether a view was given"}
    voice = forms.ChoiceField(label="Whose view")
    status = forms.ChoiceField(label="Was a view given?", widget=forms.RadioSelect)
    decline_reason = forms.ChoiceField(
        label="Why no view was recorded",
        required=False,
        help_text="Required when no view was given.",
    )
    ideal_outcome = forms.ChoiceField(
        label="Their view: is the child or young person in the ideal setting, or receiving the "
        "ideal support?",
        required=False,
    )
    agrees_with_panel = forms.ChoiceField(label="How far they agree with the panel", required=False)

    def __init__(self, *args: Any, voices: list[str] | None = None, **kwargs: Any) -> None:
        self.voices = voices
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        f = self.fields
        voices = self.voices
        f["voice"].choices = [  # type: ignore[attr-defined]
            (k, v) for k, v in codes("voice").items() if voices is None or k in voices
        ]
        f["status"].choices = _choices("voice_status")  # type: ignore[attr-defined]
        f["decline_reason"].choices = _choices(  # type: ignore[attr-defined]
            "decline_reason", "Not applicable"
        )
        f["ideal_outcome"].choices = _choices("judgement", "Not given")  # type: ignore[attr-defined]
        f["agrees_with_panel"].choices = _choices(  # type: ignore[attr-defined]
            "agreement", "Not given"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == "given" and not data.get("ideal_outcome"):
            self.add_error("ideal_outcome", "Select their view of the ideal outcome")
        if data.get("status") in ("declined", "not_sought") and not data.get("decline_reason"):
            self.add_error("decline_reason", "Select why no view was recorded")
        return data


class ShareForm(_Form):
    required = {"membership": "Select a parent, carer or young person"}
    membership = forms.ChoiceField(label="Parent, carer or young person")

    def __init__(
        self, *args: Any, people: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        self.people = people or []
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        self.fields["membership"].choices = self.people  # type: ignore[attr-defined]


def validation_message(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]
