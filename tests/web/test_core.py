"""Councils, roles, the audit log, tenancy, sign-in rate limiting and security headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from dbv.web.core import services
from dbv.web.core.actions import Actor
from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.core.roles import ACTIONS, ROLES
from web_helpers import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_action_names_known_roles() -> None:
    for action, roles in ACTIONS.items():
        assert roles <= set(ROLES), action


def test_other_councils_pages_are_invisible(
    council: Organisation, other_council: Organisation, client_as: Callable[..., Client]
) -> None:
    c = client_as(council, "council_admin")
    assert c.get(f"/o/{council.code}/").status_code == 200
    for path in ("", "members/", "audit/", "export/", "workshops/", "surveys/", "plan/"):
        assert c.get(f"/o/{other_council.code}/{path}").status_code == 404, path


def test_roles_are_enforced(council: Organisation, client_as: Callable[..., Client]) -> None:
    reviewer = client_as(council, "reviewer")
    assert reviewer.get(f"/o/{council.code}/members/").status_code == 403
    assert reviewer.get(f"/o/{council.code}/export/").status_code == 403
    parent = client_as(council, "parent_carer")
    assert parent.get(f"/o/{council.code}/audit/").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(council: Organisation) -> None:
    r = Client().get(f"/o/{council.code}/")
    assert r.status_code == 302 and "/sign-in/" in r["Location"]


def test_writes_go_through_actions_with_an_audit_entry(
    council: Organisation, actor_as: Callable[..., Actor]
) -> None:
    admin = actor_as(council, "council_admin")
    services.add_member(admin, username="new-ep", role="reviewer", password=PASSWORD)
    services.add_member(admin, username="new-ep", role="facilitator")
    log = AuditLog.objects.filter(organisation=council, action="org.manage_members")
    assert log.count() == 2
    latest = log.first()
    assert latest is not None and latest.actor == admin.name
    assert latest.before == {"role": "reviewer"} and latest.after == {"role": "facilitator"}
    reviewer = actor_as(council, "reviewer")
    with pytest.raises(PermissionDenied):
        services.add_member(reviewer, username="x", role="council_admin", password=PASSWORD)
    assert not User.objects.filter(username="x").exists()


def test_sign_in_is_rate_limited(council: Organisation, member: Callable[..., User]) -> None:
    user = member(council, "analyst")
    c = Client()
    for _ in range(5):
        r = c.post("/sign-in/", {"username": user.username, "password": "wrong-password-123"})
        assert r.status_code == 400
    r = c.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 429 and b"Too many failed sign-in attempts" in r.content
    other = member(council, "reviewer")
    assert (
        c.post("/sign-in/", {"username": other.username, "password": PASSWORD}).status_code == 302
    )


def test_sign_in_form_shows_an_error_summary() -> None:
    r = Client().post("/sign-in/", {"username": "", "password": ""})
    assert b"govuk-error-summary" in r.content and b'href="#id_username"' in r.content


def test_security_headers_and_csrf(council: Organisation, client_as: Callable[..., Client]) -> None:
    c = client_as(council, "council_admin")
    r = c.get(f"/o/{council.code}/")
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin" and r["Cache-Control"] == "no-store"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(Membership.objects.get(organisation=council).user)
    assert strict.post(f"/o/{council.code}/members/", {"username": "z"}).status_code == 403


def test_export_and_delete(council: Organisation, client_as: Callable[..., Client]) -> None:
    c = client_as(council, "council_admin")
    r = c.get(f"/o/{council.code}/export/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    r = c.post(f"/o/{council.code}/delete/", {"confirm": "wrong"})
    assert b"Type anyshire exactly" in r.content
    r = c.post(f"/o/{council.code}/delete/", {"confirm": council.code})
    assert r.status_code == 200 and b"records were deleted" in r.content
    assert AuditLog.objects.filter(action="org.delete_data").exists()


def test_createadmin_command(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from dbv.cli import app

    monkeypatch.setenv("DBV_ADMIN_PASSWORD", PASSWORD)
    r = CliRunner().invoke(
        app, ["createadmin", "--username", "boss", "--council-code", "derby",
              "--council-name", "Derby City Council", "--la-code", "831"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    m = Membership.objects.get(user__username="boss")
    assert m.role == "council_admin" and m.organisation.la_code == "831"
    monkeypatch.setenv("DBV_ADMIN_PASSWORD", "short")
    r = CliRunner().invoke(
        app, ["createadmin", "--username", "weak", "--council-code", "x", "--council-name", "X"]
    )
    assert r.exit_code != 0 and "password" in r.output.lower()
