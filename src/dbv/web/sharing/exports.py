"""Sharing: the council's shares are the council's data. Out (``sharing/shared_export``: to
whom, when, withdrawn when, and the content exactly as shared, as JSON), deleted (every share
of the council, so nothing stays with any recipient; each recipient's log notes it), and purged
past retention. An insight body's packs are purged past its own retention."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import QuerySet

from dbv.web.core.models import AuditLog, Organisation
from dbv.web.sharing.build import remove_files
from dbv.web.sharing.models import InsightPack, SharedExport

COLUMNS = {
    "sharing/shared_export": [
        "recipient_code", "recipient_name", "pack_built_at", "schema_version", "council_name",
        "diagnostic_date", "shared_by", "shared_at", "withdrawn_at", "withdrawn_by",
        "withdrawn_why", "content",
    ]
}  # fmt: skip


def _iso(v: dt.date | dt.datetime | None) -> str:
    return "" if v is None else v.isoformat()


def tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    shares = SharedExport.objects.select_related("recipient", "pack").filter(organisation=org)
    rows = [
        {"recipient_code": s.recipient.code, "recipient_name": s.recipient.name,
         "pack_built_at": _iso(s.pack.built_at if s.pack else None),
         "schema_version": s.schema_version, "council_name": s.council_name,
         "diagnostic_date": _iso(s.diagnostic_date), "shared_by": s.shared_by,
         "shared_at": _iso(s.shared_at), "withdrawn_at": _iso(s.withdrawn_at),
         "withdrawn_by": s.withdrawn_by, "withdrawn_why": s.withdrawn_why,
         "content": json.dumps(s.content, sort_keys=True)}
        for s in shares.order_by("shared_at", "id")
    ]  # fmt: skip
    return {"sharing/shared_export": rows}


def _drop_shares(shares: QuerySet[SharedExport], why: str) -> int:
    """Delete shares; each current one is noted in its recipient's log as withdrawn."""
    for s in shares.filter(withdrawn_at__isnull=True).select_related("organisation", "recipient"):
        AuditLog.objects.create(organisation=s.recipient, actor=s.organisation.name[:150],
                                action="share.withdrawn",
                                target=f"export of {s.organisation.name}"[:120],
                                after={"council": s.organisation.code, "why": why})  # fmt: skip
    return int(shares.delete()[0])


def _drop_packs(packs: QuerySet[InsightPack]) -> int:
    for pack in packs:
        remove_files(pack)
    return int(packs.delete()[0])


def delete(org: Organisation) -> int:
    """Every share the council made (withdrawn from its recipients); an insight body's packs."""
    n = _drop_shares(SharedExport.objects.filter(organisation=org), "the council deleted its data")
    return n + _drop_packs(InsightPack.objects.filter(organisation=org))


def purge(org: Organisation, before: dt.datetime) -> int:
    """Shares made before ``before`` (withdrawn from the recipient), and insight packs built
    before it."""
    shares = SharedExport.objects.filter(organisation=org, shared_at__lt=before)
    n = _drop_shares(shares, "past the council's retention period")
    return n + _drop_packs(InsightPack.objects.filter(organisation=org, built_at__lt=before))
