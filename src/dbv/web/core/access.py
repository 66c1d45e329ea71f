"""Tenancy: every council page is under /o/<code>/ and needs a membership of that council.

A person who is not a member gets 404, not 403: another council's pages are invisible, not
merely forbidden. Every query in a council view filters by ``request.organisation``.

An insight body's pages are under /i/<code>/ (:func:`insight_view`), on the same terms. The two
never cross: a council page finds only councils and an insight page only insight bodies, so a
member of DfE gets 404 on every council page and a council's member on every DfE page, whatever
the role; there is no superuser shortcut.
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
            _enter(request, org, Organisation.COUNCIL, action)
            return view(request, *args, **kwargs)

        run.dbv_action = action  # type: ignore[attr-defined]  # read by the tenancy tests
        return run

    return wrap


def insight_view(action: str) -> Callable[[View], View]:
    """An insight body's page (/i/<body>/): signed in, a member of that insight body (else
    404), allowed ``action`` (else 403). Sets ``request.organisation`` and ``request.actor``."""

    def wrap(view: View) -> View:
        @login_required
        @wraps(view)
        def run(request: HttpRequest, body: str, *args: Any, **kwargs: Any) -> HttpResponse:
            _enter(request, body, Organisation.INSIGHT, action)
            return view(request, *args, **kwargs)

        run.dbv_action = action  # type: ignore[attr-defined]
        return run

    return wrap


def _enter(request: HttpRequest, code: str, kind: str, action: str) -> None:
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user_id=request.user.pk or 0, organisation__code=code, organisation__kind=kind)
        .first()
    )
    if membership is None:
        raise Http404("No such council" if kind == Organisation.COUNCIL else "No such body")
    actor = Actor(membership.organisation, membership)
    request.organisation = membership.organisation  # type: ignore[attr-defined]
    request.actor = actor  # type: ignore[attr-defined]
    if not actor.can(action):
        raise PermissionDenied(f"Your role cannot {action}")


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
