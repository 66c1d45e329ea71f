"""Survey links for respondents: /s/<token>/ (no sign-in)."""

from __future__ import annotations

app_name = "respond"
urlpatterns: list = []  # type: ignore[type-arg]
