"""Councils, memberships, the audit log and login attempts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from dbv.web.core.roles import ROLES


def default_retention_days() -> int:
    """DBV_RETENTION_DAYS (settings.RETENTION_DAYS) for a new council; each council may change
    its own."""
    return int(settings.RETENTION_DAYS)


class Organisation(models.Model):
    """A council, or an insight body (DfE, a regional team, a group of councils) that sees only
    the insight exports councils choose to share with it. Every other record belongs to one."""

    COUNCIL, INSIGHT = "council", "insight"
    KINDS = [(COUNCIL, "Council"),
             (INSIGHT, "Insight body (DfE, a regional team or a group of councils)")]  # fmt: skip

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KINDS, default=COUNCIL, db_index=True)
    la_code = models.CharField(max_length=10, blank=True, help_text="DfE LA code, if a council")
    retention_days = models.PositiveIntegerField(default=default_retention_days)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_insight(self) -> bool:
        return self.kind == self.INSIGHT


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")  # fmt: skip
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships")  # fmt: skip
    role = models.CharField(max_length=30, choices=sorted(ROLES.items()))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} in {self.organisation}"


class AuditLog(models.Model):
    """Who did what, when, to what, with the record before and after."""

    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL,
                                     related_name="audit")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=150, help_text="username or 'token' at the time")
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    success = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict[str, Any] | None:
    """A record as JSON-ready values, for the audit log."""
    if obj is None:
        return None
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    out: dict[str, Any] = {}
    for name in names:
        v = getattr(obj, name)
        out[name] = v if isinstance(v, str | int | float | bool | type(None)) else str(v)
    return out
