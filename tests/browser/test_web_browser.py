"""The web app in a real browser: keyboard-only sign-in, the GOV.UK error summary, tenancy,
forms that work without JavaScript, no Content-Security-Policy violations, the stylesheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from dbv.web.core.models import AuditLog, Membership, Organisation
from web_helpers import PASSWORD

pytestmark = pytest.mark.browser

# Recorded before any page script runs (init scripts are not subject to the page's CSP).
RECORD_CSP_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")


def active_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_keyboard_only_sign_in_lands_on_the_councils_page(
    page: Any, live_server: Any, council: Organisation, member: Callable[..., User]
) -> None:
    user = member(council, "reviewer")
    page.goto("/sign-in/")
    for _ in range(10):  # skip link, service name, then the first field
        page.keyboard.press("Tab")
        if active_id(page) == "id_username":
            break
    assert active_id(page) == "id_username"
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert active_id(page) == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == "Your councils"
    assert page.get_by_role("link", name="Anyshire Council").is_visible()


def test_a_bad_sign_in_shows_a_focused_error_summary_linking_to_the_field(
    page: Any, council: Organisation, member: Callable[..., User]
) -> None:
    user = member(council, "reviewer")
    sign_in(page, user.username, "not-the-password-1")
    summary = page.locator(".govuk-error-summary")
    assert "The username or password is not right." in summary.inner_text()
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")

    page.fill("#id_username", "")
    page.fill("#id_password", "")
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    link = summary.locator("a[href='#id_username']")
    assert link.count() == 1
    link.click()
    assert active_id(page) == "id_username"
    assert page.locator("#id_username-error").is_visible()


def test_another_councils_page_is_not_found(
    page: Any, council: Organisation, other_council: Organisation, member: Callable[..., User]
) -> None:
    sign_in(page, member(council, "council_admin").username)
    page.wait_for_url("**/")
    assert page.goto(f"/o/{council.code}/").status == 200
    for path in ("", "members/", "audit/", "workshops/"):
        response = page.goto(f"/o/{other_council.code}/{path}")
        assert response.status == 404, path
    assert "Otherton" not in page.content()


def test_sign_in_and_the_members_form_work_without_javascript(
    no_js_page: Any, live_server: Any, council: Organisation, member: Callable[..., User]
) -> None:
    page = no_js_page
    sign_in(page, "nobody", "not-the-password-1")
    assert page.locator(".govuk-error-summary").is_visible()
    sign_in(page, member(council, "council_admin").username)
    page.wait_for_url(live_server.url + "/")
    assert not page.evaluate("document.body.classList.contains('js-enabled')")  # init.js off

    page.goto(f"/o/{council.code}/members/")
    page.fill("#id_username", "ep-reviewer")
    page.select_option("#id_role", "reviewer")
    page.fill("#id_password", "another-long-password-9")
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    assert page.url == f"{live_server.url}/o/{council.code}/members/"
    assert page.locator("td", has_text="ep-reviewer").count() == 1
    membership = Membership.objects.get(user__username="ep-reviewer", organisation=council)
    assert membership.role == "reviewer"
    assert AuditLog.objects.filter(organisation=council, action="org.manage_members").exists()


@pytest.mark.parametrize("path", ["", "members/", "audit/", "workshops/", "surveys/", "plan/"])
def test_pages_run_their_scripts_without_csp_violations(
    page: Any, council: Organisation, member: Callable[..., User], path: str
) -> None:
    """The dashboard (and each app's first page) with a console free of CSP reports."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    sign_in(page, member(council, "council_admin").username)
    page.wait_for_url("**/")
    page.wait_for_load_state("networkidle")  # nothing of the previous page still loading
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    response = page.goto(f"/o/{council.code}/{path}")
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    if path == "":
        assert page.locator("h1").inner_text() == "Anyshire Council"
    assert page.evaluate("document.body.classList.contains('js-enabled')")  # init.js ran
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_the_govuk_stylesheet_is_applied(page: Any) -> None:
    page.goto("/sign-in/")
    header = page.locator(".govuk-header")
    style = header.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return {bg: s.backgroundColor, font: s.fontFamily, pad: s.paddingTop}; }"
    )
    assert style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), style
    assert "GDS Transport" in style["font"], style
    body_margin = page.evaluate("getComputedStyle(document.body).marginTop")
    assert body_margin == "0px"  # the browser default is 8px
