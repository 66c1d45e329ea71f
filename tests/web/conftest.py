"""Shared fixtures for the web app: councils, people in every role, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from dbv.web.core.actions import Actor
from dbv.web.core.models import Membership, Organisation
from dbv.web.core.roles import ROLES
from web_helpers import PASSWORD  # noqa: F401


@pytest.fixture
def council(db: None) -> Organisation:
    return Organisation.objects.create(code="anyshire", name="Anyshire Council", la_code="999")


@pytest.fixture
def other_council(db: None) -> Organisation:
    return Organisation.objects.create(code="otherton", name="Otherton Council", la_code="998")


@pytest.fixture
def member(db: None) -> Callable[[Organisation, str], User]:
    def make(org: Organisation, role: str) -> User:
        assert role in ROLES
        user = User.objects.create_user(f"{role}-{org.code}", password=PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make


@pytest.fixture
def client_as(member: Callable[[Organisation, str], User]) -> Callable[[Organisation, str], Client]:
    def make(org: Organisation, role: str) -> Client:
        c = Client()
        c.force_login(member(org, role))
        return c

    return make


@pytest.fixture
def actor_as(member: Callable[[Organisation, str], User]) -> Callable[[Organisation, str], Actor]:
    def make(org: Organisation, role: str) -> Actor:
        user = member(org, role)
        return Actor(org, Membership.objects.get(user=user, organisation=org))

    return make
