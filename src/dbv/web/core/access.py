"""Tenancy: every council page is under /o/<code>/ and needs a membership of that council.

A person who is not a member gets 404, not 403: another council's pages are invisible, not
merely forbidden. Every query in a council view filters by ``request.organisation``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from dbv.web.core.actions import Actor
from dbv.web.core.models import Membership, Organisation

View = Callable[..., HttpResponse]


def org_view(action: str) -> Callable[[View], View]:
    """A council page: signed in, a member of ``org`` (else 404), allowed ``action`` (else
    403). Sets ``request.organisation`` and ``request.actor``."""

    def wrap(view: View) -> View:
        @login_required
        @wraps(view)
        def run(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = (
                Membership.objects.select_related("organisation", "user")
                .filter(user_id=request.user.pk or 0, organisation__code=org)
                .first()
            )
            if membership is None:
                raise Http404("No such council")
            actor = Actor(membership.organisation, membership)
            request.organisation = membership.organisation  # type: ignore[attr-defined]
            request.actor = actor  # type: ignore[attr-defined]
            if not actor.can(action):
                raise PermissionDenied(f"Your role cannot {action}")
            return view(request, *args, **kwargs)

        run.dbv_action = action  # type: ignore[attr-defined]  # read by the tenancy tests
        return run

    return wrap


def organisation_of(request: HttpRequest) -> Organisation:
    org = getattr(request, "organisation", None)
    if not isinstance(org, Organisation):
        raise Http404
    return org


def actor_of(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if not isinstance(actor, Actor):
        raise PermissionDenied
    return actor
