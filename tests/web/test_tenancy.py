"""Every council URL, tried by everyone who should not reach it.

The URL list is read from the URL configuration itself, so a new page is covered without
editing this file: a member of council B gets 404 on every page of council A (and on A's
records reached through B's own address), and every role without a page's action gets 403 or
404, on GET and on POST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dbv.web.core.models import Organisation
from dbv.web.core.roles import ROLES, allowed
from dbv.web.planning.models import Pack, Workstream
from dbv.web.surveys.models import Survey
from dbv.web.workshops.models import Case, Workshop

pytestmark = pytest.mark.django_db


def council_urls() -> Iterator[tuple[str, str, Any]]:
    """(route, name, view) for every page under /o/<org>/."""

    def walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[tuple[str, str, Any]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern),
                                f"{p.namespace}:" if p.namespace else ns)  # fmt: skip
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("o/<slug:org>/"):
                    yield route, ns + (p.name or ""), p.callback

    yield from walk(get_resolver().url_patterns, "", "")


def records(org: Organisation) -> dict[str, Any]:
    """One record of each kind in ``org``, for the routes that need a key."""
    ws = Workshop.objects.create(organisation=org, name="W", date=dt.date(2025, 3, 1))
    case = Case.objects.create(
        organisation=org, workshop=ws, case_id="CR-001", person_id="P1", census_year=2025,
        setting_group="mainstream", age_band="age_5_10", tenure="new", stratum="mainstream|new",
        stratum_size=10, seed=1, selected_on=dt.date(2025, 2, 1),
    )  # fmt: skip
    survey = Survey.objects.create(organisation=org, kind="likert", title="S")
    row = Workstream.objects.create(
        organisation=org, workstream_id="WS1", name="Inclusion", lead_role="head_of_send",
        opportunity="sen_support_first", objective="o", reports_to="Board",
    )  # fmt: skip
    pack = Pack.objects.create(organisation=org, built_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
                               folder="/nonexistent", status="built")  # fmt: skip
    return {"workshop": ws.pk, "case": case.pk, "survey": survey.pk, "row": row.pk,
            "pack": pack.pk}  # fmt: skip


def fill(route: str, name: str, org: str, keys: dict[str, Any]) -> str:
    path = "/" + route.replace("<slug:org>", org)
    if "<int:pk>" in path:
        if name.startswith("workshops:"):
            pk = keys["case"] if "case/" in route else keys["workshop"]
        elif name.startswith("surveys:"):
            pk = keys["survey"]
        elif "pack" in route:
            pk = keys["pack"]
        else:
            pk = keys["row"]
        path = path.replace("<int:pk>", str(pk))
    path = path.replace("<slug:table>", "workstream").replace("<slug:kind>", "html")
    assert "<" not in path, f"add a value for {path} to this test"
    return path


def test_every_council_page_is_protected_by_an_action() -> None:
    urls = list(council_urls())
    assert len(urls) >= 40
    for route, name, view in urls:
        assert getattr(view, "dbv_action", None), f"{name} ({route}) has no @org_view action"


def test_council_b_cannot_reach_anything_of_council_a(
    council: Organisation, other_council: Organisation, client_as: Callable[..., Client]
) -> None:
    keys = records(council)
    records(other_council)  # B has records of its own, with other keys
    b_admin = client_as(other_council, "council_admin")
    b_members: dict[str, Client] = {"council_admin": b_admin}
    for route, name, view in council_urls():
        # A's pages under A's address: not a member, so nothing exists
        for method in (b_admin.get, b_admin.post):
            r = method(fill(route, name, council.code, keys))
            assert r.status_code in (404, 405), (name, r.status_code)  # 405: a POST-only page
        # A's records through B's own address, by a B member allowed the page: filtered by
        # council, so not found
        if "<int:pk>" in route:
            role = next(r for r in sorted(ROLES) if allowed(r, view.dbv_action))
            if role not in b_members:
                b_members[role] = client_as(other_council, role)
            r = b_members[role].get(fill(route, name, other_council.code, keys))
            assert r.status_code in (404, 405), (name, role, r.status_code)


def test_every_role_is_refused_what_it_may_not_do(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    keys = records(council)
    clients = {role: client_as(council, role) for role in ROLES}
    checked = 0
    for route, name, view in council_urls():
        action = view.dbv_action
        for role, c in clients.items():
            if allowed(role, action):
                continue
            path = fill(route, name, council.code, keys)
            assert c.get(path).status_code in (403, 404, 405), (name, role)  # 405: POST-only
            assert c.post(path, {}).status_code in (403, 404, 405), (name, role)
            checked += 1
    assert checked > 100
