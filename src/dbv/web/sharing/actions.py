"""Every write of the sharing app: one audited action each (see dbv.web.core.actions).

Sharing and withdrawing are the council administrator's (``share.create``,
``share.withdraw``); each leaves an entry in the council's audit log (by the action) and one in
the recipient's (``share.received``, ``share.withdrawn``), naming the council and the
diagnostic date only. Building the insight pack is the insight body's (``insight.build``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dbv.insight.read import parse_export
from dbv.web.core.actions import Actor, Change, action
from dbv.web.core.models import AuditLog, Organisation
from dbv.web.planning.models import Pack
from dbv.web.sharing.content import read_pack_export, source_of, with_free_text
from dbv.web.sharing.models import InsightPack, SharedExport


def _facts(share: SharedExport) -> dict[str, Any]:
    """What the audit logs keep of a share: never its content."""
    return {
        "id": share.pk,
        "council": share.organisation.code,
        "recipient": share.recipient.code,
        "diagnostic_date": share.diagnostic_date.isoformat(),
        "schema_version": share.schema_version,
        "withdrawn_at": None if share.withdrawn_at is None else share.withdrawn_at.isoformat(),
    }


def _tell_recipient(share: SharedExport, what: str, why: str = "") -> None:
    after = _facts(share) | ({"why": why} if why else {})
    AuditLog.objects.create(
        organisation=share.recipient,
        user=None,  # the council's people are not named in another organisation's log
        actor=share.organisation.name[:150],
        action=what,
        target=f"export of {share.organisation.name}"[:120],
        after=after,
    )


def _withdraw(actor: Actor, share: SharedExport, why: str) -> None:
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = actor.name
    share.withdrawn_why = why[:200]
    share.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_why"])
    _tell_recipient(share, "share.withdrawn", why)


@action("share.create")
def share_export(actor: Actor, pack: Pack, recipient: Organisation,
                 free_text: list[dict[str, str]] | None = None) -> Change:  # fmt: skip
    """Share ``pack``'s insight export with the insight body ``recipient``: the file exactly as
    the pack wrote it (plus ``free_text``, the programme's own words, when the council ticked
    the box), checked by ``parse_export`` (a DataFileError if it fails). A current share of
    this council with the same body is withdrawn (replaced) first."""
    if pack.organisation_id != actor.organisation.pk:
        raise PermissionDenied("That pack belongs to another council")
    if recipient.kind != Organisation.INSIGHT:
        raise PermissionDenied("Exports are shared with insight bodies only")
    data, export = read_pack_export(pack)
    if free_text:
        data = with_free_text(data, free_text)
        export = parse_export(data, source_of(pack))
    replaced = SharedExport.objects.filter(organisation=actor.organisation, recipient=recipient,
                                           withdrawn_at__isnull=True).first()  # fmt: skip
    if replaced is not None:
        _withdraw(actor, replaced, "replaced by a newer export")
    share = SharedExport.objects.create(
        organisation=actor.organisation,
        recipient=recipient,
        pack=pack,
        content=data,
        schema_version=str(data.get("schema_version")),
        council_name=export.council,
        diagnostic_date=export.diagnostic_date,
        shared_by=actor.name,
        shared_at=timezone.now(),
    )
    _tell_recipient(share, "share.received")
    before = None if replaced is None else _facts(replaced)
    return Change(f"insight export to {recipient.code}", before, _facts(share), share)


@action("share.withdraw")
def withdraw_share(actor: Actor, share: SharedExport) -> Change:
    """Stop sharing: the recipient no longer sees the export nor uses it in a new insight pack
    (a pack it built before keeps what it was built from)."""
    if share.organisation_id != actor.organisation.pk:
        raise PermissionDenied("That share belongs to another council")
    before = _facts(share)
    if share.withdrawn_at is None:
        _withdraw(actor, share, "withdrawn by the council")
    return Change(f"insight export to {share.recipient.code}", before, _facts(share), share)


def build_insight_pack(actor: Actor, allow_mixed_years: bool = False) -> InsightPack:
    """Build the insight pack from the exports currently shared with the actor's body, and
    record it (see :mod:`dbv.web.sharing.build`). A set that cannot be pooled (a council twice,
    mixed academic years) raises DataFileError or UsageError and records nothing; a failed
    build is recorded with its error. The build runs outside any transaction."""
    from dbv.web.sharing.build import current_exports, run_insight_pack

    if not actor.can("insight.build"):
        raise PermissionDenied(f"{actor.role or 'no role'} may not insight.build")
    shares, exports = current_exports(actor.organisation, allow_mixed_years)
    built = run_insight_pack(actor.organisation, actor.name, shares, exports, allow_mixed_years)
    pack: InsightPack = record_insight_pack(actor, built)
    return pack


@action("insight.build")
def record_insight_pack(actor: Actor, pack: InsightPack) -> Change:
    pack.organisation = actor.organisation
    pack.save()
    after: dict[str, Any] = {"status": pack.status, "folder": pack.folder,
                             "councils": [s["council"] for s in pack.sources]}  # fmt: skip
    if pack.error:
        after["error"] = pack.error[:500]
    return Change(f"insight pack {pack.built_at:%Y-%m-%d %H:%M:%S}", None, after, pack)
