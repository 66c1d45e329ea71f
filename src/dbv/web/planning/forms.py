"""Forms of the planning app: one model form per plan table (built from the schema), and the
CSV upload form."""

from __future__ import annotations

from typing import Any

from django import forms

from dbv.module3.load import plan_schema
from dbv.web.core.govuk import GovukForm, GovukModelForm
from dbv.web.core.models import Organisation
from dbv.web.planning.models import MODELS, TITLES, columns


class PlanRowForm(GovukModelForm):
    """Dates as ISO date inputs; columns that name a record of another table (a workstream, a
    governance body) as a choice of this council's records."""

    table = ""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = plan_schema().tables[self.table]
        for c in schema.columns:
            field = self.fields[c.name]
            if c.type == "date":
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                field.help_text = f"{c.description} For example, 2025-09-30."
            if c.ref:
                ref_table, ref_col = c.ref.split(".")
                values = sorted(
                    str(v)
                    for v in MODELS[ref_table]
                    .objects.filter(organisation=organisation)
                    .values_list(ref_col, flat=True)
                )
                current = self.initial.get(c.name) or ""
                if current and current not in values:
                    values.append(current)  # keep an imported value that points nowhere
                if values:
                    blank = [("", "None (blank)" if not c.required else "Choose one")]
                    field.widget = forms.Select(choices=blank + [(v, v) for v in values])
        from dbv.web.core.govuk import style

        style(self)


def form_class(table: str) -> type[PlanRowForm]:
    """The model form of ``table``: every schema column, in the schema's order."""
    meta = type("Meta", (), {"model": MODELS[table], "fields": columns(table)})
    return type(f"{MODELS[table].__name__}Form", (PlanRowForm,), {"Meta": meta, "table": table})


class ImportForm(GovukForm):
    """One optional CSV file per plan table; only the tables given are replaced."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MODELS:
            self.fields[name] = forms.FileField(
                required=False,
                label=f"{TITLES[name]} ({name}.csv)",
                help_text=plan_schema().tables[name].description,
                widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
            )
        from dbv.web.core.govuk import style

        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(n) for n in MODELS):
            raise forms.ValidationError("Choose at least one CSV file to import")
        return data


class ConfirmDeleteForm(GovukForm):
    pass
