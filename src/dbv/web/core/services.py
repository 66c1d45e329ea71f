"""Core actions: councils and their members, export and deletion (each audited); set-up of
insight bodies and their readers (``dbv web insightbody``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from dbv.web.core.actions import Actor, Change, action
from dbv.web.core.exports import delete_all
from dbv.web.core.models import AuditLog, Membership, Organisation, snapshot
from dbv.web.core.roles import INSIGHT_READER, ROLES, ROLES_OF_KIND


def create_organisation(
    code: str, name: str, admin_username: str, admin_password: str, la_code: str = ""
) -> Organisation:
    """Set-up only (``dbv createadmin``): a council and its first administrator."""
    User = get_user_model()
    org, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "la_code": la_code}
    )
    if org.kind != Organisation.COUNCIL:
        raise ValidationError(f"{code} is an insight body, not a council", code="not_a_council")
    user = User.objects.filter(username=admin_username).first()
    if user is None:
        validate_password(admin_password)
        user = User.objects.create_user(admin_username, password=admin_password)
    Membership.objects.update_or_create(
        user=user, organisation=org, defaults={"role": "council_admin"}
    )
    AuditLog.objects.create(
        organisation=org,
        user=user,
        actor="dbv createadmin",
        action="org.create",
        target=f"organisation {code}",
        after=snapshot(org),
    )
    return org


def create_insight_body(code: str, name: str) -> Organisation:
    """Set-up only (``dbv web insightbody``): an insight body (DfE, a regional team, a group of
    councils), or the existing one of that code. A council's code is refused."""
    org, made = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "kind": Organisation.INSIGHT}
    )
    if org.kind != Organisation.INSIGHT:
        raise ValidationError(f"{code} is a council, not an insight body: choose another code")
    if made:
        AuditLog.objects.create(organisation=org, actor="dbv web insightbody",
                                action="org.create", target=f"insight body {code}",
                                after=snapshot(org))  # fmt: skip
    return org


def add_insight_reader(body: Organisation, username: str, password: str = "") -> Membership:
    """Set-up only: ``username`` (created with ``password`` if new) reads ``body``'s insight."""
    if body.kind != Organisation.INSIGHT:
        raise ValidationError(f"{body.code} is not an insight body")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        validate_password(password)
        user = User.objects.create_user(username, password=password)
    m, _ = Membership.objects.update_or_create(
        user=user, organisation=body, defaults={"role": INSIGHT_READER}
    )
    AuditLog.objects.create(organisation=body, user=user, actor="dbv web insightbody",
                            action="org.manage_members", target=f"member {username}",
                            after=snapshot(m, ["role"]))  # fmt: skip
    return m


@action("org.manage_members")
def add_member(actor: Actor, username: str, role: str, password: str = "") -> Change:
    if role not in ROLES_OF_KIND[actor.organisation.kind]:
        raise ValidationError(f"{ROLES.get(role, role)} is not a role in a council")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        validate_password(password)
        user = User.objects.create_user(username, password=password)
    m = Membership.objects.filter(user=user, organisation=actor.organisation).first()
    before = snapshot(m, ["role"])
    if m is None:
        m = Membership.objects.create(user=user, organisation=actor.organisation, role=role)
    else:
        m.role = role
        m.save(update_fields=["role"])
    return Change(f"member {username}", before, snapshot(m, ["role"]), m)


@action("org.manage_members")
def remove_member(actor: Actor, membership_id: int) -> Change:
    m = Membership.objects.get(id=membership_id, organisation=actor.organisation)
    before = snapshot(m, ["role"])
    name = m.user.get_username()
    m.delete()
    return Change(f"member {name}", before, None)


@action("org.delete_data")
def delete_council_data(actor: Actor) -> Change:
    removed = delete_all(actor.organisation)
    return Change(f"all data of {actor.organisation.code}", {"records": removed}, None, removed)


@action("org.export")
def record_export(actor: Actor, tables: int) -> Change:
    return Change(f"export of {actor.organisation.code}", None, {"tables": tables})
