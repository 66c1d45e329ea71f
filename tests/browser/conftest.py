"""Playwright (sync API) against pytest-django's live server, in Debian's Chromium.

The browser tests never skip silently: if Chromium is missing they fail, unless
DBV_SKIP_BROWSER=1 is set explicitly (CI never sets it). DBV_CHROMIUM names another binary;
without it /usr/bin/chromium (or chromium on PATH), else Playwright's own download."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from dbv.web.core.models import Membership, Organisation
from web_helpers import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are ordinary synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return (
        os.environ.get("DBV_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if os.environ.get("DBV_SKIP_BROWSER") == "1":
        pytest.skip("DBV_SKIP_BROWSER=1: browser tests skipped on request")
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        executable = _chromium()
        try:
            b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.fail(
                f"cannot start Chromium ({executable or 'Playwright download'}): {exc}\n"
                "Install it (Debian: apt-get install chromium) or set DBV_SKIP_BROWSER=1.",
                pytrace=False,
            )
        yield b
        b.close()


@pytest.fixture
def council(transactional_db: None) -> Organisation:
    return Organisation.objects.create(code="anyshire", name="Anyshire Council", la_code="999")


@pytest.fixture
def other_council(transactional_db: None) -> Organisation:
    return Organisation.objects.create(code="otherton", name="Otherton Council", la_code="998")


@pytest.fixture
def member(transactional_db: None) -> Callable[[Organisation, str], User]:
    def make(org: Organisation, role: str) -> User:
        user = User.objects.create_user(f"{role}-{org.code}", password=PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make
