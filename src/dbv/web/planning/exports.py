"""Planning: this council's plan tables out in the formats of ``dbv/schemas/plan.yaml``
("plan/workstream", ...: exactly the schema's columns), their deletion, and their purge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from dbv.web.core.models import Organisation
from dbv.web.planning.data import csv_rows
from dbv.web.planning.models import MODELS, Pack
from dbv.web.planning.pack import remove_files


def tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    return {f"plan/{name}": csv_rows(org, name) for name in MODELS}


def delete(org: Organisation) -> int:
    """Every plan record of the council, and its packs (records and files)."""
    n = 0
    for model in MODELS.values():
        n += model.objects.filter(organisation=org).delete()[0]
    return n + _drop_packs(Pack.objects.filter(organisation=org))


def purge(org: Organisation, before: dt.datetime) -> int:
    """Plan records not changed since ``before``, and packs built before it."""
    n = 0
    for model in MODELS.values():
        n += model.objects.filter(organisation=org, updated__lt=before).delete()[0]
    return n + _drop_packs(Pack.objects.filter(organisation=org, built_at__lt=before))


def _drop_packs(packs: QuerySet[Pack]) -> int:
    for pack in packs:
        remove_files(pack)
    return int(packs.delete()[0])
