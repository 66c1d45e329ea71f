"""GOV.UK Design System classes and ARIA wiring on Django's form widgets."""

from __future__ import annotations

from typing import Any

from django import forms

CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovukForm(forms.Form):
    """Adds the GOV.UK class to each widget and points aria-describedby at its hint and
    error, so screen readers hear both."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def full_clean(self) -> None:
        super().full_clean()
        style(self)  # again, now that the errors are known


class GovukModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def full_clean(self) -> None:
        super().full_clean()
        style(self)


def style(form: forms.BaseForm) -> None:
    """Classes and ARIA links; error states only once the form has been validated (reading
    ``form.errors`` here would validate it before a subclass has set its choices)."""
    errors = getattr(form, "_errors", None) or {}  # None until full_clean has run
    for name, field in form.fields.items():
        w = field.widget
        if isinstance(w, forms.RadioSelect | forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        cls = next((c for t, c in CLASSES.items() if isinstance(w, t)), "govuk-input")
        if errors.get(name):
            cls += " govuk-input--error" if "input" in cls else f" {cls.split()[0]}--error"
        w.attrs["class"] = cls
        described = []
        bound = form[name]
        if field.help_text:
            described.append(f"{bound.id_for_label}-hint")
        if name in errors:
            described.append(f"{bound.id_for_label}-error")
        if described:
            w.attrs["aria-describedby"] = " ".join(described)
