"""Key journeys through the real pages in Chromium: forms filled by their labels, buttons pressed.

1. An analyst uploads the synthetic data return; a facilitator creates a workshop and draws a
   seeded sample: the sampling log shows pseudonymous IDs, never names or dates of birth.
2. Two reviewers (each signed in, in their own browser) judge the same case independently; the
   facilitator records the consensus and shares the case with a parent, who gives their view
   from 'my cases'; the facilitator closes the case.
3. The workshop's results page shows the case, with small counts withheld.
4. A survey is created and links issued; a link is answered with no sign-in and JavaScript off,
   and the same link then says it has been used.
5. The diagnostic pack is built from the pack page and report.html downloads (slow).

Only the set-up the journey is not about (users, memberships, and in 2, 3 and 5 the data return)
is made with the ORM and the actions.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from dbv.fixtures import cached_return
from dbv.web.core.actions import Actor
from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.planning.models import Pack
from dbv.web.surveys.models import Response, Survey
from dbv.web.workshops import actions
from dbv.web.workshops.models import Case, ReturnUpload, Workshop
from web_helpers import PASSWORD

pytestmark = pytest.mark.browser

SMALL_COUNT = re.compile(r"(?<![\d.])[1-4] of \d")


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth", size=0.3)


@pytest.fixture(scope="session")
def return_zip(synth: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("return") / "anyshire-return.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(synth.glob("*.csv")):
            z.write(p, f"anyshire/{p.name}")
    return path


@pytest.fixture(autouse=True)
def uploads_in_tmp(tmp_path: Path) -> Iterator[Path]:
    """Settings are process-wide, so the live server's threads store uploads here too."""
    with override_settings(UPLOAD_DIR=tmp_path / "uploads"):
        yield tmp_path / "uploads"


@pytest.fixture
def person(transactional_db: None) -> Callable[[Organisation, str, str], User]:
    def make(org: Organisation, role: str, username: str) -> User:
        user = User.objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """A page in a fresh browser context (its own cookies), signed in as ``username`` if
    given; ``js=False`` turns JavaScript off."""
    contexts: list[Any] = []

    def make(username: str | None = None, js: bool = True) -> Any:
        context = browser.new_context(base_url=live_server.url, java_script_enabled=js)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            sign_in(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Your councils", username


def press(page: Any, name: str) -> None:
    """Press a button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def answer(page: Any, question: str, choice: str) -> None:
    """Choose a radio by the question's legend and the answer's label."""
    group = page.get_by_role("group", name=question, exact=True)
    group.get_by_label(choice, exact=True).check()


def table(page: Any, caption: str) -> Any:
    """The table with exactly this caption."""
    return page.locator("table").filter(
        has=page.locator("caption").get_by_text(caption, exact=True)
    )


def body_text(page: Any) -> str:
    return re.sub(r"\s+", " ", str(page.locator("main").inner_text()))


def upload_by_action(org: Organisation, analyst: User, zip_path: Path) -> ReturnUpload:
    data = zip_path.read_bytes()
    actor = Actor(org, Membership.objects.get(user=analyst, organisation=org))
    up = actions.upload_return(actor, zip_path.name, len(data), io.BytesIO(data))
    assert isinstance(up, ReturnUpload) and up.usable, up.validation
    return up


def sampled_workshop(org: Organisation, facilitator: User, up: ReturnUpload) -> Workshop:
    actor = Actor(org, Membership.objects.get(user=facilitator, organisation=org))
    w = actions.create_workshop(actor, name="March panel", date=dt.date(2025, 3, 14))
    actions.draw_sample(actor, w, up, 12, 7, ("setting_group",), 1)
    w.refresh_from_db()
    return w


# ---------------------------------------------------------------------------- 1. upload, sample


def test_upload_create_a_workshop_and_draw_a_pseudonymous_sample(
    open_page: Callable[..., Any],
    live_server: Any,
    council: Organisation,
    person: Callable[..., User],
    return_zip: Path,
    synth: Path,
) -> None:
    person(council, "analyst", "ana")
    person(council, "facilitator", "fay")
    base = f"/o/{council.code}/workshops"

    # the analyst uploads the return (facilitators may not: return.upload is for analysts)
    page = open_page("ana")
    page.goto(f"{base}/return/")
    page.get_by_label("Data return file").set_input_files(str(return_zip))
    press(page, "Upload and check")
    assert re.search(r"/workshops/return/\d+/$", page.url), page.url
    assert page.locator(".govuk-panel__title").inner_text() == "No errors"
    up = ReturnUpload.objects.get(organisation=council)
    assert up.usable and up.census_year == 2025
    assert up.sha256 in page.content()

    # the facilitator creates a workshop and draws a seeded sample
    page = open_page("fay")
    assert page.goto(f"{base}/return/").status == 403  # uploading is not the facilitator's
    page.goto(f"{base}/new/")
    page.get_by_label("Workshop name").fill("Spring panel")
    page.get_by_label("Date of the workshop").fill("2025-03-14")
    press(page, "Create")
    w = Workshop.objects.get(organisation=council, name="Spring panel")
    assert page.url == f"{live_server.url}{base}/{w.pk}/"
    with page.expect_navigation():
        page.get_by_role("link", name="Draw the random sample from the latest data return").click()
    page.get_by_label("Number of cases to draw").fill("12")
    page.get_by_label("Seed", exact=True).fill("4242")
    page.get_by_label("Setting group").check()
    page.get_by_label("Tenure (plan issued in the last two years or earlier)").uncheck()
    page.get_by_label("Minimum cases in each group").fill("1")
    press(page, "Draw the sample")
    assert page.url == f"{live_server.url}{base}/{w.pk}/"

    table = page.locator("table", has_text="Cases (sampling log)")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert headers == [
        "Case",
        "Pseudonymous ID",
        "Setting",
        "Stratum",
        "Chance of selection",
        "Status",
    ]
    rows = table.locator("tbody tr")
    assert rows.count() == 12
    ids = [t.strip() for t in rows.locator("td:nth-child(2)").all_inner_texts()]
    drawn = Case.objects.filter(workshop=w).values_list("person_id", flat=True)
    assert sorted(ids) == sorted(drawn)
    people = pl.read_csv(synth / "person.csv", infer_schema=False)
    known = set(people["person_id"].to_list())
    assert set(ids) <= known  # the return's own pseudonymous IDs
    births = people.filter(pl.col("person_id").is_in(ids))["birth_date"].to_list()
    text = page.content()
    assert not any(b in text for b in births)  # never a date of birth
    assert "Name" not in headers and "name" not in " ".join(headers).lower()
    assert "4242" in body_text(page)  # the seed is recorded for anyone to check the draw
    entry = AuditLog.objects.get(organisation=council, action="workshop.sample")
    assert entry.after is not None and entry.after["seed"] == 4242


# ---------------------------------------------------------------------------- 2 and 3. one case


def test_reviews_consensus_family_view_close_and_results(
    open_page: Callable[..., Any],
    live_server: Any,
    council: Organisation,
    person: Callable[..., User],
    return_zip: Path,
) -> None:
    analyst = person(council, "analyst", "ana")
    facilitator = person(council, "facilitator", "fay")
    person(council, "reviewer", "rev-a")
    person(council, "reviewer", "rev-b")
    parent = person(council, "parent_carer", "parent-1")
    w = sampled_workshop(council, facilitator, upload_by_action(council, analyst, return_zip))
    case = w.cases.first()
    assert case is not None
    case_url = f"/o/{council.code}/workshops/case/{case.pk}/"

    # reviewer A records a judgement
    a = open_page("rev-a")
    a.goto(case_url)
    assert "No reviews yet." in body_text(a)
    with a.expect_navigation():
        a.get_by_role("link", name="Record your review").click()
    a.get_by_label("Your role").select_option(label="Educational psychologist")
    answer(
        a,
        "Is the child or young person in the ideal setting, or receiving the ideal support, "
        "for their long-term outcomes?",
        "Partly",
    )
    answer(a, "Are their needs being met effectively now?", "Yes")
    answer(
        a,
        "Could their needs have been met without an EHC plan (at SEN support with the right "
        "offer)?",
        "No",
    )
    answer(a, "Would a different provision be better?", "No")
    a.get_by_role("group", name="Reasons the outcome is not ideal").get_by_label(
        "Timing or delay"
    ).check()
    answer(a, "Are the plan's outcomes SMART?", "Yes")
    answer(a, "Confidence in this judgement", "4")
    press(a, "Submit your review")
    assert a.url == live_server.url + case_url
    assert "(you)" in body_text(a) and "Timing or delay" in body_text(a)

    # reviewer B cannot see A's judgement until B has submitted their own
    b = open_page("rev-b")
    b.goto(case_url)
    text = body_text(b)
    assert "hidden until you submit your own (1 submitted so far)" in text
    assert "Timing or delay" not in text and "Educational psychologist" not in text
    with b.expect_navigation():
        b.get_by_role("link", name="Record your review").click()
    b.get_by_label("Your role").select_option(label="SEND casework officer or EHC coordinator")
    answer(
        b,
        "Is the child or young person in the ideal setting, or receiving the ideal support, "
        "for their long-term outcomes?",
        "Yes",
    )
    answer(b, "Are their needs being met effectively now?", "Yes")
    answer(
        b,
        "Could their needs have been met without an EHC plan (at SEN support with the right "
        "offer)?",
        "No",
    )
    answer(b, "Would a different provision be better?", "No")
    answer(b, "Are the plan's outcomes SMART?", "No")
    answer(b, "Confidence in this judgement", "3")
    press(b, "Submit your review")
    assert b.locator(".govuk-summary-card").count() == 2  # now both are shown
    assert case.reviews.count() == 2

    # the facilitator records the consensus and shares the case with the parent
    f = open_page("fay")
    f.goto(case_url)
    assert f.locator(".govuk-summary-card").count() == 2
    with f.expect_navigation():
        f.get_by_role("link", name="Record the panel's consensus").click()
    answer(
        f,
        "Is the child or young person in the ideal setting, or receiving the ideal support, "
        "for their long-term outcomes?",
        "Partly",
    )
    answer(f, "Are their needs being met effectively now?", "Yes")
    answer(
        f,
        "Could their needs have been met without an EHC plan (at SEN support with the right "
        "offer)?",
        "No",
    )
    answer(f, "Would a different provision be better?", "No")
    f.get_by_label("Agreed main reason").select_option(label="Timing or delay")
    answer(f, "Are the plan's outcomes SMART?", "Yes")
    answer(f, "Confidence in this judgement", "4")
    press(f, "Save the consensus")
    assert f.url == live_server.url + case_url
    assert "2 reviewers, 0 dissenting" in body_text(f)
    with f.expect_navigation():
        f.get_by_role(
            "link", name="Let a parent, carer or young person record their own view"
        ).click()
    f.get_by_label("Parent, carer or young person").select_option(
        label="parent-1 (Parent or carer)"
    )
    press(f, "Share")
    assert f.url == live_server.url + case_url
    assert AuditLog.objects.filter(organisation=council, action="case.share").count() == 1

    # the parent finds the case under 'my cases' and gives their view
    p = open_page("parent-1")
    p.goto(f"/o/{council.code}/workshops/my-cases/")
    with p.expect_navigation():
        p.get_by_role("link", name=f"Case {case.case_id}").click()
    assert "The panel's view" in body_text(p) and "Partly" in body_text(p)
    assert p.get_by_label("Whose view").locator("option").all_inner_texts() == ["Parent or carer"]
    answer(p, "Was a view given?", "View given")
    p.get_by_label(
        "Their view: is the child or young person in the ideal setting, or receiving the ideal "
        "support?"
    ).select_option(label="No")
    p.get_by_label("How far they agree with the panel").select_option(label="Partly agrees")
    press(p, "Save the view")
    assert p.url == f"{live_server.url}/o/{council.code}/workshops/my-cases/"
    voice = case.voices.get()
    assert (voice.voice, voice.status, voice.ideal_outcome) == ("parent_carer", "given", "no")
    assert p.goto(case_url).status == 403  # not the practitioners' page

    # the facilitator closes the case
    f.goto(case_url)
    assert "ideal outcome: No; Partly agrees" in body_text(f)
    press(f, "Close the case")
    assert f.url == live_server.url + case_url
    assert f.locator(".govuk-tag", has_text="Closed").count() == 1
    case.refresh_from_db()
    assert case.closed_at is not None
    logged = set(AuditLog.objects.filter(organisation=council).values_list("action", flat=True))
    assert {"case.review", "case.consensus", "case.share", "case.voice", "case.close"} <= logged
    assert AuditLog.objects.get(action="case.voice").user == parent

    # 3. the results page counts the case, with every small count withheld
    f.goto(f"/o/{council.code}/workshops/{w.pk}/results/")
    assert f.locator("h1").inner_text() == f"Live results: {w.name}"
    ideal = table(f, "In the ideal setting or receiving the ideal support")
    assert ideal.count() == 1
    header = ideal.locator("thead th").all_inner_texts()
    assert header == ["Answer", "Share (95% interval; k of n)"]
    shares = ideal.locator("tbody td:nth-child(2)").all_inner_texts()
    assert shares and all("withheld" in x for x in shares), shares  # counted (n = 1), not shown
    assert "no cases (n = 0)" not in ideal.inner_text()
    assert table(f, "Needs being met effectively").count() == 1
    text = body_text(f)
    assert not SMALL_COUNT.findall(text), SMALL_COUNT.findall(text)
    assert "withheld" in text or "fewer than" in text
    # reviewer agreement: two reviews of one case is too few for a kappa
    kappa = f.locator("table", has_text="Fleiss' kappa among reviewers")
    assert kappa.count() == 1 and kappa.locator("tbody tr").count() >= 1
    assert "not shown: fewer than" in kappa.inner_text()
    assert f.get_by_role("heading", name="Families beside the panel").is_visible()
    assert f.get_by_role("heading", name="Parent or carer").is_visible()
    assert table(f, "Whether a view was recorded").count() == 2  # parent, young person


# ---------------------------------------------------------------------------- 4. a survey link


def test_a_survey_link_is_answered_once_without_sign_in_or_javascript(
    open_page: Callable[..., Any],
    live_server: Any,
    council: Organisation,
    person: Callable[..., User],
) -> None:
    person(council, "facilitator", "fay")
    f = open_page("fay")
    f.goto(f"/o/{council.code}/surveys/new/")
    f.get_by_label("Title").fill("Readiness 2026")
    answer(f, "Kind of survey", "Readiness for change")
    assert f.get_by_label(
        "Anonymous: responses are not linked to the link they came through"
    ).is_checked()
    press(f, "Create survey")
    survey = Survey.objects.get(organisation=council, title="Readiness 2026")
    assert f.url == f"{live_server.url}/o/{council.code}/surveys/{survey.pk}/"

    f.get_by_label("How many links").fill("2")
    f.get_by_label("Respondent group (optional)").select_option(label="SENCO")
    press(f, "Issue links")
    assert f.locator("h1").inner_text() == "2 links issued"
    links = [t.strip() for t in f.locator(".dbv-links li").all_inner_texts()]
    assert len(links) == 2 and all(x.startswith(f"{live_server.url}/s/") for x in links)

    # a respondent: no sign-in, no JavaScript
    r = open_page(js=False)
    response = r.goto(links[0])
    assert response.status == 200
    assert not r.evaluate("document.body.classList.contains('js-enabled')")  # init.js off
    assert r.locator("h1").inner_text() == "Readiness 2026"
    assert r.get_by_role("link", name="Sign out").count() == 0
    assert r.get_by_label("Which best describes you?").count() == 0  # fixed by the link
    areas = [
        "Practicalities",
        "Capacity",
        "Capability",
        "Leadership",
        "Internal communications and engagement",
    ]
    for area in areas:
        answer(r, area, "4")
    press(r, "Send my answers")  # one area left unanswered: the error summary
    assert r.url == links[0]
    summary = r.locator(".govuk-error-summary")
    assert "Choose an answer for 'Culture'" in summary.inner_text()
    answer(r, "Culture", "2")
    press(r, "Send my answers")
    assert r.url == f"{live_server.url}/s/thank-you/"
    assert r.locator(".govuk-panel__title").inner_text() == "Thank you"
    saved = Response.objects.get(survey=survey)
    assert saved.respondent_group == "senco"

    # the same link again
    again = r.goto(links[0])
    assert again.status == 409
    assert r.locator("h1").inner_text() == "You have already answered"
    assert Response.objects.filter(survey=survey).count() == 1
    f.goto(f"/o/{council.code}/surveys/{survey.pk}/")
    used = f.locator(".govuk-summary-list__row", has_text="Links used")
    assert used.locator("dd").inner_text() == "1"


# ---------------------------------------------------------------------------- 5. the pack


@pytest.mark.slow
def test_the_pack_is_built_from_the_pack_page_and_report_html_downloads(
    open_page: Callable[..., Any],
    live_server: Any,
    council: Organisation,
    person: Callable[..., User],
    return_zip: Path,
) -> None:
    analyst = person(council, "analyst", "ana")
    upload_by_action(council, analyst, return_zip)  # the real return, read by the pack
    page = open_page("ana")
    page.goto(f"/o/{council.code}/plan/pack/")
    assert "No data return has been uploaded yet" not in body_text(page)
    assert "No pack has been built yet." in body_text(page)
    with page.expect_navigation(timeout=300_000):
        page.get_by_role("button", name="Build the pack").click()
    pack = Pack.objects.get(organisation=council)
    assert pack.status == Pack.BUILT, pack.error
    assert pack.with_return
    row = page.locator("tbody tr").first
    assert row.locator(".govuk-tag").inner_text() == "Built"
    assert "(no data return)" not in row.inner_text()
    for name in ("report.html", "report.xlsx", "report.pdf", "run.json"):
        assert row.get_by_role("link", name=name).count() == 1, name
    with page.expect_download() as info:
        row.get_by_role("link", name="report.html").click()
    download = info.value
    assert download.suggested_filename == "report.html"
    html = Path(download.path()).read_text(encoding="utf-8")
    assert council.name in html and "<html" in html.lower()
    assert AuditLog.objects.filter(organisation=council, action="pack.build").count() == 1
