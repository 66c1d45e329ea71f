"""The one way to write: every change is an *action* that checks the role and leaves an audit
entry (who, when, what, before and after), in one transaction.

    @action("case.review")
    def record_review(actor: Actor, case: Case, **answers) -> Change: ...

The wrapped function returns a :class:`Change` (the target's label, the record before and
after, and whatever the caller needs back). Views never save models themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction

from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.core.roles import allowed


@dataclass(frozen=True)
class Actor:
    """Who acts, in which council: a signed-in member, or a survey token (no user)."""

    organisation: Organisation
    membership: Membership | None = None
    token_label: str = ""

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def name(self) -> str:
        if self.membership is not None:
            return str(self.membership.user.get_username())
        return self.token_label or "anonymous"

    def can(self, action: str) -> bool:
        return allowed(self.role, action)


@dataclass
class Change:
    target: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    result: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


P = ParamSpec("P")
R = TypeVar("R")


def action(
    name: str, *, token_ok: bool = False
) -> Callable[[Callable[..., Change]], Callable[..., Any]]:
    """Wrap a write: check ``name`` against the actor's role (or allow a survey token when
    ``token_ok``), run it in a transaction, and write the audit entry."""

    def wrap(fn: Callable[..., Change]) -> Callable[..., Any]:
        @wraps(fn)
        def run(actor: Actor, *args: Any, **kwargs: Any) -> Any:
            if not (
                actor.can(name) or (token_ok and actor.membership is None and actor.token_label)
            ):
                raise PermissionDenied(f"{actor.role or 'no role'} may not {name}")
            with transaction.atomic():
                change = fn(actor, *args, **kwargs)
                AuditLog.objects.create(
                    organisation=actor.organisation,
                    user=actor.membership.user if actor.membership else None,
                    actor=actor.name,
                    action=name,
                    target=change.target[:120],
                    before=change.before,
                    after=change.after,
                )
            return change.result

        run.action_name = name  # type: ignore[attr-defined]
        return run

    return wrap
