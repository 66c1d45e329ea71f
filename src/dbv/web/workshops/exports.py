"""Workshops: this council's records out in dbv's import formats, and their deletion."""

from __future__ import annotations

from typing import Any

from dbv.web.core.models import Organisation


def tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    return {}


def delete(org: Organisation) -> int:
    return 0
