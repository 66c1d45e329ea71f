from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dbv.web.core.roles import ROLES


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current council and role, for the header of every page."""
    org = getattr(request, "organisation", None)
    actor = getattr(request, "actor", None)
    role = actor.role if actor is not None else None
    return {"organisation": org, "role": role, "role_label": ROLES.get(role or "", "")}
