"""Survey forms: staff forms, and the questionnaire built from the engagement code lists."""

from __future__ import annotations

from typing import Any

from django import forms

from dbv.web.core.govuk import GovukForm, style
from dbv.web.surveys.actions import MAX_TOKENS
from dbv.web.surveys.codes import choices, codes
from dbv.web.surveys.models import Survey, Token

READINESS_SCALE = [("1", "1 – not ready"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 – ready")]
PARTNERSHIP_SCALE = [
    ("1", "1 – poor"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 – excellent"),
    ("na", "Does not apply, or I don't know"),
]
DATE_HINT = "For example, 2026-03-31. Leave blank for no limit."


class Radios(forms.RadioSelect):
    """Radios whose field id is the first radio's, so the error summary link lands on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _optional(name: str, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *choices(name)]


class SurveyForm(GovukForm):
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="Respondents see this, e.g. 'Partner awareness 2026'.",
    )
    kind = forms.ChoiceField(choices=choices("survey"), widget=Radios, label="Kind of survey")
    anonymous = forms.BooleanField(
        required=False,
        initial=True,
        label="Anonymous: responses are not linked to the link they came through",
    )
    opens = forms.DateField(required=False, label="Opens on", help_text=DATE_HINT)
    closes = forms.DateField(required=False, label="Closes after", help_text=DATE_HINT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes < opens:
            self.add_error("closes", "The closing date must be on or after the opening date")
        return data


class IssueForm(GovukForm):
    count = forms.IntegerField(
        min_value=1,
        max_value=MAX_TOKENS,
        label="How many links",
        help_text=f"From 1 to {MAX_TOKENS}. Each link can be used once.",
    )
    respondent_group = forms.ChoiceField(
        choices=_optional("respondent_group", "Let each respondent choose"),
        required=False,
        label="Respondent group (optional)",
    )
    respondent_org = forms.ChoiceField(
        choices=_optional("organisation", "Let each respondent choose"),
        required=False,
        label="Respondent's organisation (optional)",
    )


class ImportForm(GovukForm):
    archive = forms.FileField(
        required=False,
        label="A zip of the CSV files",
        help_text="Holding survey_response.csv and the survey's item table.",
    )
    responses_file = forms.FileField(required=False, label="Or: survey_response.csv")
    items_file = forms.FileField(required=False, label="And the item table CSV")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("archive") and not (data.get("responses_file") or data.get("items_file")):
            self.add_error("archive", "Choose a zip, or the two CSV files")
        return data


def _radio(label: str, scale: list[tuple[str, str]], within: str = "") -> forms.ChoiceField:
    what = f"{within}: {label}" if within else label
    return forms.ChoiceField(
        choices=scale,
        widget=Radios,
        label=label,
        error_messages={"required": f"Choose an answer for '{what}'"},
    )


class Questionnaire(GovukForm):
    """The questions of one survey kind; ``items()`` gives the answers as rows of the item
    table (engagement columns, without response_id)."""

    def __init__(self, survey: Survey, token: Token, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey, self.token = survey, token
        self.groups: list[tuple[str, list[str]]] = []
        if not token.respondent_group:
            self.fields["respondent_group"] = forms.ChoiceField(
                choices=_optional("respondent_group", "Choose your role"),
                label="Which best describes you?",
                error_messages={"required": "Choose which best describes you"},
            )
        if not token.respondent_org:
            need = survey.kind == "partnership"
            self.fields["respondent_org"] = forms.ChoiceField(
                choices=_optional("organisation", "Choose your organisation"),
                required=need,
                label="Your organisation" + ("" if need else " (optional)"),
                error_messages={"required": "Choose your organisation"},
            )
        if survey.kind == "service_awareness":
            self._group("", "service", codes("service"), choices("awareness"))
        elif survey.kind == "likert":
            self._group("", "statement", codes("statement"), choices("likert"))
        elif survey.kind == "readiness":
            self._group("", "area", codes("readiness_area"), READINESS_SCALE)
        else:
            aspects = codes("partnership_aspect")
            for partner, name in codes("organisation").items():
                if partner == token.respondent_org:
                    continue
                self._group(name, f"partner__{partner}", aspects, PARTNERSHIP_SCALE)
        style(self)

    def _group(
        self, heading: str, prefix: str, items: dict[str, str], scale: list[tuple[str, str]]
    ) -> None:
        names = []
        for code, label in items.items():
            name = f"{prefix}__{code}"
            self.fields[name] = _radio(label, scale, heading)
            names.append(name)
        self.groups.append((heading, names))

    @property
    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(h, [self[n] for n in names]) for h, names in self.groups]

    @property
    def respondent_group(self) -> str:
        return self.token.respondent_group or str(self.cleaned_data["respondent_group"])

    @property
    def respondent_org(self) -> str:
        return self.token.respondent_org or str(self.cleaned_data.get("respondent_org") or "")

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        out: list[dict[str, Any]] = []
        for _, names in self.groups:
            for name in names:
                parts, value = name.split("__"), data[name]
                if self.survey.kind == "service_awareness":
                    out.append({"service": parts[1], "awareness": value})
                elif self.survey.kind == "likert":
                    out.append({"statement": parts[1], "response": value})
                elif self.survey.kind == "readiness":
                    out.append({"area": parts[1], "rating": int(value)})
                elif value != "na":
                    out.append({"partner": parts[1], "aspect": parts[2], "rating": int(value)})
        return out
