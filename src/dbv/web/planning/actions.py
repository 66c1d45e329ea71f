"""Every write of the planning app: one audited action each (see dbv.web.core.actions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from dbv.module3.grant import grant_limit
from dbv.web.core.actions import Actor, Change, action
from dbv.web.core.models import snapshot
from dbv.web.planning.models import MODELS, GrantLine, Pack, PlanRow, columns


class GrantLimitExceeded(ValueError):
    """A grant line that would take the application over the limit."""


def _own(actor: Actor, row: PlanRow) -> None:
    if row.organisation_id != actor.organisation.pk:
        raise PermissionDenied("That record belongs to another council")


def over_limit(actor: Actor, amount: Decimal | None, line: GrantLine | None) -> str | None:
    """The message refusing ``amount`` if it takes the council's total over the limit."""
    if amount is None:
        return None
    others = GrantLine.objects.filter(organisation=actor.organisation)
    if line is not None and line.pk is not None:
        others = others.exclude(pk=line.pk)
    rest = others.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    lim = grant_limit()
    total = float(rest) + float(amount)
    if total <= lim.maximum:
        return None
    room = max(lim.maximum - float(rest), 0.0)
    return (
        f"This line would take the grant to £{total:,.0f}, over the £{lim.maximum:,.0f} limit. "
        f"The most it can be is £{room:,.0f}: reduce it, or reduce other lines first."
    )


@action("plan.edit")
def save_row(actor: Actor, table: str, pk: int | None, values: dict[str, Any]) -> Change:
    """Add a record to ``table`` (``pk`` None) or change record ``pk`` of this council; a grant
    line that takes the total over the limit is refused with :class:`GrantLimitExceeded`, and
    values the model refuses with Django's ValidationError."""
    model = MODELS[table]
    names = columns(table)
    row: PlanRow
    if pk is None:
        row = model(organisation=actor.organisation)
        before = None
    else:
        found = model.objects.filter(organisation=actor.organisation, pk=pk).first()
        if found is None:
            raise PermissionDenied("No such record in this council")
        row = found
        before = snapshot(row, names)
    for name in names:
        if name in values:
            setattr(row, name, values[name])
    if isinstance(row, GrantLine):
        refused = over_limit(actor, row.amount, row)
        if refused:
            raise GrantLimitExceeded(refused)
    row.full_clean()
    row.save()
    return Change(f"{table} {row.key()}", before, snapshot(row, names), row)


@action("plan.edit")
def delete_row(actor: Actor, row: PlanRow) -> Change:
    _own(actor, row)
    before = snapshot(row, columns(row.table))
    target = f"{row.table} {row.key()}"
    row.delete()
    return Change(target, before, None, None)


@action("plan.edit")
def import_tables(actor: Actor, records: dict[str, list[dict[str, Any]]]) -> Change:
    """Replace the council's rows of each table in ``records`` (in one transaction)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for table, rows in records.items():
        model = MODELS[table]
        existing = model.objects.filter(organisation=actor.organisation)
        before[table] = existing.count()
        existing.delete()
        model.objects.bulk_create([model(organisation=actor.organisation, **r) for r in rows])
        after[table] = len(rows)
    return Change("plan import " + ", ".join(sorted(records)), before, after, after)


def build_pack(actor: Actor) -> Pack:
    """Build the diagnostic pack from this council's app data and data return (see
    :mod:`dbv.web.planning.pack`) and record it; a failed build is recorded with its error.

    The build (up to a minute) runs outside any transaction, so that it never holds the
    database while practitioners record reviews; only the record is written in the action."""
    from dbv.web.planning.pack import run_pack

    if not actor.can("pack.build"):
        raise PermissionDenied(f"{actor.role or 'no role'} may not pack.build")
    pack: Pack = record_pack(actor, run_pack(actor.organisation, actor.name))
    return pack


@action("pack.build")
def record_pack(actor: Actor, pack: Pack) -> Change:
    """Store the record of a pack build (built or failed) for the actor's council."""
    pack.organisation = actor.organisation
    pack.save()
    after = {"status": pack.status, "folder": pack.folder, "with_return": pack.with_return}
    if pack.error:
        after["error"] = pack.error[:500]
    return Change(f"pack {pack.built_at:%Y-%m-%d %H:%M:%S}", None, after, pack)
