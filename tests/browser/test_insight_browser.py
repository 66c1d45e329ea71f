"""Sharing with an insight body, in a real browser without JavaScript: the council's
administrator shares a pack's insight export with DfE; DfE's reader sees it, builds the
insight pack and downloads insight.html; the reader gets "not found" on the council's pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from dbv.web.core import services
from dbv.web.core.actions import Actor
from dbv.web.core.models import Membership, Organisation
from dbv.web.planning.models import Pack
from dbv.web.sharing.actions import share_export
from dbv.web.sharing.models import InsightPack, SharedExport
from web.test_insight_sharing import export_dict
from web_helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(username: str) -> Any:
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        return page

    yield make
    for context in contexts:
        context.close()


def test_share_with_dfe_and_build_the_insight_pack_without_javascript(
    no_js: Any, council: Organisation, tmp_path: Path
) -> None:
    pytest.importorskip("dbv.insight.pipeline")
    admin = User.objects.create_user("admin", password=PASSWORD)
    Membership.objects.create(user=admin, organisation=council, role="council_admin")
    dfe = services.create_insight_body("dfe", "Department for Education")
    services.add_insight_reader(dfe, "dfe-reader", PASSWORD)
    other = Organisation.objects.create(code="otherton", name="Otherton Council")
    for org in (council, other):
        folder = tmp_path / org.code
        folder.mkdir()
        data = export_dict(org.name, yes=12 if org == council else 20)
        (folder / "insight-export.json").write_text(json.dumps(data), "utf-8")
        Pack.objects.create(organisation=org, built_at=timezone.now(), built_by="ana",
                            folder=str(folder), status=Pack.BUILT)  # fmt: skip
    # Otherton shares by its own action (its administrator is not in this journey)
    other_admin = User.objects.create_user("other-admin", password=PASSWORD)
    m = Membership.objects.create(user=other_admin, organisation=other, role="council_admin")
    share_export(Actor(other, m), Pack.objects.get(organisation=other), dfe)

    page = no_js("admin")
    page.goto(f"/o/{council.code}/plan/pack/")
    with page.expect_navigation():
        page.get_by_role("link", name="Share the insight export").click()
    assert "Exactly what leaves the council" in page.locator("main").inner_text()
    page.get_by_label("Share with").select_option(label="Department for Education")
    with page.expect_navigation():
        page.get_by_role("button", name="Share this export").click()
    assert "shared with Department for Education" in page.locator("main").inner_text()
    assert SharedExport.objects.filter(organisation=council, recipient=dfe).count() == 1

    reader = no_js("dfe-reader")
    with reader.expect_navigation():
        reader.get_by_role("link", name="Department for Education").first.click()
    text = reader.locator("main").inner_text()
    assert "Anyshire Council" in text and "Otherton Council" in text
    with reader.expect_navigation(timeout=120_000):
        reader.get_by_role("button", name="Build the insight pack").click()
    pack = InsightPack.objects.get(organisation=dfe)
    assert pack.status == InsightPack.BUILT, pack.error
    with reader.expect_download() as info:
        reader.get_by_role("link", name="insight.html").click()
    html = Path(info.value.path()).read_text("utf-8")
    assert "Anyshire Council" in html and "<html" in html.lower()
    for path in (f"/o/{council.code}/", f"/o/{council.code}/plan/pack/"):
        assert reader.goto(path).status == 404
