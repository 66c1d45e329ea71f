"""``{{ labels.judgement|label:value }}``: the label of a code (the code itself if unknown)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def label(labels: dict[str, str] | None, code: Any) -> str:
    if code in (None, ""):
        return ""
    return (labels or {}).get(str(code), str(code))
