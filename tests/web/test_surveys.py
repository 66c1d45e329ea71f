"""Surveys: one-use links (kept only as hashes), the questionnaire, results through the analytic
core with small counts withheld, CSV import and export in the engagement formats, tenancy, roles
and the audit log."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dbv.module2.engagement import load_engagement
from dbv.web.core.actions import Actor
from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.surveys import actions, exports
from dbv.web.surveys.codes import codes, columns
from dbv.web.surveys.models import Response, Survey, Token, token_hash

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/s/([A-Za-z0-9_-]{40,})/")


def make_survey(actor: Actor, kind: str = "likert", anonymous: bool = True) -> Survey:
    survey: Survey = actions.create_survey(
        actor, kind=kind, title=f"{kind} 2026", anonymous=anonymous
    )
    return survey


def issue(c: Client, org: Organisation, survey: Survey, n: int, **extra: str) -> list[str]:
    r = c.post(f"/o/{org.code}/surveys/{survey.pk}/links/", {"count": n, **extra})
    assert r.status_code == 200, r.content[:2000]
    return LINK.findall(r.content.decode())


def answers(kind: str, pick: Callable[[int], int] = lambda i: 0) -> dict[str, str]:
    """A full questionnaire POST; ``pick(i)`` chooses the option of item i."""
    if kind == "likert":
        scale = list(codes("likert"))
        return {f"statement__{s}": scale[pick(i)] for i, s in enumerate(codes("statement"))}
    if kind == "service_awareness":
        scale = list(codes("awareness"))
        return {f"service__{s}": scale[pick(i)] for i, s in enumerate(codes("service"))}
    if kind == "readiness":
        return {f"area__{a}": str(1 + pick(i)) for i, a in enumerate(codes("readiness_area"))}
    return {
        f"partner__{p}__{a}": str(1 + pick(i))
        for i, (p, a) in enumerate(
            (p, a) for p in codes("organisation") for a in codes("partnership_aspect")
        )
    }


def test_token_flow_answer_once_and_never_stored_in_clear(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    staff = client_as(council, "facilitator")
    r = staff.post(
        f"/o/{council.code}/surveys/new/",
        {"title": "Parents 2026", "kind": "likert", "anonymous": "on"},
    )
    survey = Survey.objects.get(organisation=council)
    assert r.status_code == 302 and survey.anonymous
    r = staff.post(f"/o/{council.code}/surveys/{survey.pk}/links/", {"count": 501})
    assert r.status_code == 400 and b'href="#id_count"' in r.content
    tokens = issue(staff, council, survey, 3)
    assert len(tokens) == 3 and len(set(tokens)) == 3
    # the detail page afterwards shows counts only, never a link
    page = staff.get(f"/o/{council.code}/surveys/{survey.pk}/").content.decode()
    assert not LINK.search(page) and "Links issued" in page
    # the links CSV: only this survey's tokens are accepted
    r = staff.post(
        f"/o/{council.code}/surveys/{survey.pk}/links.csv",
        {"token": [*tokens, "made-up-token-" + "x" * 30]},
    )
    lines = r.content.decode().splitlines()
    assert r["Content-Type"].startswith("text/csv") and lines[0] == "link" and len(lines) == 4

    respondent = Client(enforce_csrf_checks=True)
    page = respondent.get(f"/s/{tokens[0]}/")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    assert b"<fieldset" in page.content and b"govuk-radios__input" in page.content
    assert b"<script>" not in page.content and b'style="' not in page.content
    csrf = page.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": csrf, "respondent_group": "parent_carer", **answers("likert")}
    assert (
        respondent.post(
            f"/s/{tokens[0]}/", {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
        ).status_code
        == 403
    )
    r = respondent.post(f"/s/{tokens[0]}/", data)
    assert r.status_code == 302 and r["Location"] == "/s/thank-you/"
    response = Response.objects.get(survey=survey)
    assert response.response_id == "SR00001" and response.respondent_group == "parent_carer"
    assert response.token is None  # anonymous: not linked to its token
    assert response.likert.count() == len(codes("statement"))
    # one response per token
    again = Client().get(f"/s/{tokens[0]}/")
    assert b"You have already answered" in again.content
    assert Client().post(f"/s/{tokens[0]}/", data).status_code == 409
    assert Response.objects.count() == 1
    # unknown token
    assert Client().get("/s/" + "A" * 43 + "/").status_code == 404
    # the token itself is nowhere in the database; its SHA-256 is
    assert Token.objects.filter(token_hash=token_hash(tokens[0]), used_on__isnull=False).exists()
    stores = ("surveys", "core", "sessions", "auth")  # (other apps hold nothing of a survey)
    for model in (m for a in stores for m in apps.get_app_config(a).get_models()):
        for obj in model.objects.all():
            for f in model._meta.concrete_fields:
                for t in tokens:
                    assert t not in str(getattr(obj, f.attname)), (model, f.name)
    entry = AuditLog.objects.get(action="survey.respond")
    assert entry.actor == "survey token" and entry.user is None
    assert entry.after is not None and entry.after["response_id"] == "SR00001"
    text = str(entry.before) + str(entry.after) + entry.target
    assert all(t not in text and token_hash(t) not in text for t in tokens)
    assert "token" not in str(entry.after)
    issued = AuditLog.objects.get(action="survey.manage", target__endswith="links")
    assert issued.after == {"issued": 3, "respondent_group": "", "organisation": ""}


def test_named_survey_links_response_to_token_and_preset_group(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    staff = client_as(council, "analyst")
    survey = Survey.objects.create(
        organisation=council, kind="readiness", title="Ready?", anonymous=False
    )
    [token] = issue(staff, council, survey, 1, respondent_group="la_send")
    page = Client().get(f"/s/{token}/").content.decode()
    assert 'name="respondent_group"' not in page and "1 – not ready" in page
    r = Client().post(f"/s/{token}/", answers("readiness", lambda i: 3))
    assert r.status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.token is not None and response.respondent_group == "la_send"
    assert sorted(a.rating for a in response.readiness.all()) == [4] * 6


def test_questionnaire_errors_are_summarised(
    council: Organisation, actor_as: Callable[..., Actor]
) -> None:
    survey = make_survey(actor_as(council, "council_admin"), "service_awareness")
    [token] = actions.issue_tokens(actor_as(council, "facilitator"), survey, 1)
    data = answers("service_awareness")
    data.pop("service__camhs")
    r = Client().post(f"/s/{token}/", data)
    html = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in html
    assert 'href="#id_service__camhs_0"' in html and 'id="id_service__camhs_0"' in html
    assert "Choose an answer for &#x27;CAMHS&#x27;" in html
    assert 'href="#id_respondent_group"' in html
    assert not Response.objects.exists() and Token.objects.get().used_on is None


def test_partnership_grid_is_one_fieldset_per_partner(
    council: Organisation, actor_as: Callable[..., Actor]
) -> None:
    survey = make_survey(actor_as(council, "council_admin"), "partnership")
    [token] = actions.issue_tokens(
        actor_as(council, "facilitator"), survey, 1, respondent_org="health"
    )
    html = Client().get(f"/s/{token}/").content.decode()
    partners = [p for p in codes("organisation") if p != "health"]
    assert html.count("govuk-fieldset__legend--m") == len(partners)
    assert "partner__health__" not in html
    data = {k: v for k, v in answers("partnership").items() if "health" not in k}
    data["partner__schools__timeliness"] = "na"
    data["respondent_group"] = "health"
    assert Client().post(f"/s/{token}/", data).status_code == 302
    response = Response.objects.get()
    assert response.respondent_org == "health"
    assert response.partnership.count() == len(partners) * 5 - 1


def test_closed_survey_says_so(council: Organisation, client_as: Callable[..., Client]) -> None:
    staff = client_as(council, "facilitator")
    survey = Survey.objects.create(organisation=council, kind="likert", title="L")
    [token] = issue(staff, council, survey, 1)
    assert staff.post(f"/o/{council.code}/surveys/{survey.pk}/close/").status_code == 302
    r = Client().get(f"/s/{token}/")
    assert r.status_code == 410 and b"This survey is closed" in r.content
    r = Client().post(f"/s/{token}/", {"respondent_group": "senco", **answers("likert")})
    assert r.status_code == 410 and not Response.objects.exists()
    entry = AuditLog.objects.filter(action="survey.manage", target=f"survey {survey.pk}").first()
    assert entry is not None and entry.before is not None and entry.before["closed_at"] is None
    assert entry.after is not None and entry.after["closed_at"] is not None


def _respond(
    survey: Survey,
    org: Organisation,
    n: int,
    kind: str,
    pick: Callable[[int, int], int],
    group: str = "parent_carer",
) -> None:
    tokens = actions.issue_tokens(
        Actor(org, org.memberships.filter(role="council_admin").first()), survey, n
    )
    for j, t in enumerate(tokens):
        data = {
            "respondent_group": group,
            "respondent_org": "schools",
            **answers(kind, lambda i, j=j: pick(i, j)),
        }
        assert Client().post(f"/s/{t}/", data).status_code == 302


def test_results_show_k_of_n_and_withhold_small_counts(
    council: Organisation, client_as: Callable[..., Client], member: Callable[..., Any]
) -> None:
    member(council, "council_admin")
    survey = Survey.objects.create(organisation=council, kind="likert", title="Parents")
    reader = client_as(council, "read_only")
    # fewer than 5 responses: nothing but "fewer than 5"
    _respond(survey, council, 3, "likert", lambda i, j: 3)
    html = reader.get(f"/o/{council.code}/surveys/{survey.pk}/results/").content.decode()
    assert "Responses: fewer than 5" in html and " of 3" not in html and "n = 3" not in html
    # 12 responses, one disagreeing on every statement (a count of 1 that must not show)
    _respond(survey, council, 9, "likert", lambda i, j: 1 if j == 0 else 3)
    r = reader.get(f"/o/{council.code}/surveys/{survey.pk}/results/")
    html = r.content.decode()
    assert r.status_code == 200 and "Responses: 12" in html
    assert "of 12" in html and "95% CI" in html
    assert "withheld" in html and "no cases" not in html
    for k in range(1, 5):
        assert f"; {k} of " not in html and f" {k} of 12" not in html
    assert "<svg" in html  # the chart, inline and static


def test_readiness_and_awareness_results(
    council: Organisation, client_as: Callable[..., Client], member: Callable[..., Any]
) -> None:
    member(council, "council_admin")
    staff = client_as(council, "analyst")
    ready = Survey.objects.create(organisation=council, kind="readiness", title="Ready")
    _respond(ready, council, 10, "readiness", lambda i, j: 4 if i == 0 else j % 3)
    html = staff.get(f"/o/{council.code}/surveys/{ready.pk}/results/").content.decode()
    assert "Strength" in html and "95% CI" in html and "n = 10" in html
    aware = Survey.objects.create(organisation=council, kind="service_awareness", title="Aw")
    _respond(aware, council, 6, "service_awareness", lambda i, j: 4)
    html = staff.get(f"/o/{council.code}/surveys/{aware.pk}/results/").content.decode()
    assert "6 of 6" in html and "Aware or better" in html
    part = Survey.objects.create(organisation=council, kind="partnership", title="Pt")
    _respond(part, council, 5, "partnership", lambda i, j: 2)
    html = staff.get(f"/o/{council.code}/surveys/{part.pk}/results/").content.decode()
    assert "3.0 (n = 5)" in html or "3.0 (95% CI" in html


def test_tenancy(
    council: Organisation,
    other_council: Organisation,
    client_as: Callable[..., Client],
    actor_as: Callable[..., Actor],
) -> None:
    survey = make_survey(actor_as(council, "council_admin"))
    [token] = actions.issue_tokens(actor_as(council, "facilitator"), survey, 1)
    other = client_as(other_council, "council_admin")
    base = f"/o/{other_council.code}/surveys/{survey.pk}"
    for path in ("/", "/results/", "/import/", "/export/"):
        assert other.get(base + path).status_code == 404, path
    assert other.post(base + "/close/").status_code == 404
    assert other.post(base + "/links/", {"count": 2}).status_code == 404
    assert other.get(f"/o/{council.code}/surveys/{survey.pk}/results/").status_code == 404
    assert Token.objects.count() == 1 and Survey.objects.get().closed_at is None
    # the links CSV of B's own survey refuses A's token
    mine = make_survey(actor_as(other_council, "facilitator"))
    r = other.post(f"/o/{other_council.code}/surveys/{mine.pk}/links.csv", {"token": token})
    assert r.content.decode().strip() == "link"
    # an action cannot reach another council's survey
    with pytest.raises(Survey.DoesNotExist):
        actions.close_survey(actor_as(other_council, "analyst"), survey)
    # a token answers only its own council's survey
    t = Token.objects.get()
    with pytest.raises(PermissionError):
        actions.submit_response(
            Actor(other_council, None, token_label="survey token"), t, "senco", "", []
        )
    assert (
        Client()
        .post(f"/s/{token}/", {"respondent_group": "senco", **answers("likert")})
        .status_code
        == 302
    )
    assert Response.objects.get().organisation == council
    assert exports.tables(other_council)["engagement/survey_response"] == []
    assert len(exports.tables(council)["engagement/survey_response"]) == 1


def test_roles(
    council: Organisation, client_as: Callable[..., Client], actor_as: Callable[..., Actor]
) -> None:
    reviewer = client_as(council, "reviewer")
    assert reviewer.get(f"/o/{council.code}/surveys/").status_code == 403
    r = reviewer.post(f"/o/{council.code}/surveys/new/", {"title": "x", "kind": "likert"})
    assert r.status_code == 403 and not Survey.objects.exists()
    with pytest.raises(PermissionDenied):
        as_reviewer = Actor(council, Membership.objects.get(organisation=council, role="reviewer"))
        actions.create_survey(as_reviewer, kind="likert", title="x")
    survey = make_survey(actor_as(council, "analyst"))
    reader = client_as(council, "read_only")
    assert reader.get(f"/o/{council.code}/surveys/").status_code == 200
    assert reader.get(f"/o/{council.code}/surveys/{survey.pk}/results/").status_code == 200
    assert reader.get(f"/o/{council.code}/surveys/{survey.pk}/").status_code == 403
    assert (
        reader.post(f"/o/{council.code}/surveys/{survey.pk}/links/", {"count": 1}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        actions.issue_tokens(actor_as(council, "parent_carer"), survey, 1)
    # a signed-in member cannot answer as a token
    [token] = actions.issue_tokens(actor_as(council, "facilitator"), survey, 1)
    with pytest.raises(PermissionDenied):
        actions.submit_response(
            actor_as(council, "young_person"), Token.objects.get(), "senco", "", []
        )
    assert token and not Response.objects.exists()
    entry = AuditLog.objects.get(action="survey.manage", target=f"survey {survey.pk}")
    assert entry.actor == f"analyst-{council.code}" and entry.after is not None
    assert entry.after["kind"] == "likert"


def test_create_form_errors(council: Organisation, client_as: Callable[..., Client]) -> None:
    c = client_as(council, "council_admin")
    r = c.post(
        f"/o/{council.code}/surveys/new/",
        {"title": "", "kind": "nope", "opens": "2026-05-01", "closes": "2026-04-01"},
    )
    html = r.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_title"' in html
    assert 'href="#id_kind_0"' in html and "on or after the opening date" in html
    assert not Survey.objects.exists()


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode()


def test_csv_import_locates_errors_and_saves_good_files(
    council: Organisation, client_as: Callable[..., Client], actor_as: Callable[..., Actor]
) -> None:
    survey = make_survey(actor_as(council, "council_admin"), "readiness")
    c = client_as(council, "analyst")
    url = f"/o/{council.code}/surveys/{survey.pk}/import/"
    resp_cols, item_cols = columns("survey_response"), columns("readiness")
    bad_resp = _csv(
        resp_cols,
        [
            ["R1", "readiness", "la_send", "", "2026-01-05"],
            ["R2", "readiness", "teacher", "", "05/01/2026"],
        ],
    )
    bad_items = _csv(item_cols, [["R1", "culture", "7"], ["R9", "capacity", "3"]])
    r = c.post(
        url,
        {
            "responses_file": SimpleUploadedFile("survey_response.csv", bad_resp),
            "items_file": SimpleUploadedFile("readiness.csv", bad_items),
        },
    )
    html = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in html
    assert "survey_response.csv, row 3, column respondent_group: &#x27;teacher&#x27;" in html
    assert "survey_response.csv, row 3, column submitted_on" in html
    assert "readiness.csv, row 2, column rating: 7 is outside 1 to 5" in html
    assert "readiness.csv, row 3, column response_id: R9 is not in survey_response.csv" in html
    assert 'href="#id_responses_file"' in html and 'href="#id_items_file"' in html
    assert not Response.objects.exists()
    # the wrong type of file
    r = c.post(url, {"archive": SimpleUploadedFile("x.zip", b"not a zip")})
    assert b"not a valid zip" in r.content
    r = c.post(
        url,
        {
            "responses_file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04"),
            "items_file": SimpleUploadedFile("i.csv", b"a\x00b"),
        },
    )
    assert b"must be a CSV file" in r.content and b"binary data" in r.content
    # a good zip (files in engagement/)
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as z:
        z.writestr(
            "engagement/survey_response.csv",
            _csv(resp_cols, [["R1", "readiness", "la_send", "", "2026-01-05"]]),
        )
        z.writestr("engagement/readiness.csv", _csv(item_cols, [["R1", "culture", "4"]]))
    r = c.post(url, {"archive": SimpleUploadedFile("responses.zip", good.getvalue())})
    assert r.status_code == 200 and b"1 responses added" in r.content
    assert Response.objects.get().readiness.get().rating == 4
    entry = AuditLog.objects.get(action="survey.manage", target=f"survey {survey.pk} import")
    assert entry.after == {"survey": survey.pk, "responses": 1, "answers": 1}
    # the same IDs again are refused
    r = c.post(url, {"archive": SimpleUploadedFile("responses.zip", good.getvalue())})
    assert b"R1 is already in this council" in r.content and Response.objects.count() == 1


def test_export_round_trip_through_load_engagement(
    council: Organisation,
    client_as: Callable[..., Client],
    member: Callable[..., Any],
    tmp_path: Path,
) -> None:
    member(council, "council_admin")
    kinds = ("likert", "service_awareness", "readiness", "partnership")
    for kind in kinds:
        s = Survey.objects.create(organisation=council, kind=kind, title=kind)
        _respond(s, council, 2, kind, lambda i, j: (i + j) % 4, group="senco")
    tables = exports.tables(council)
    assert set(tables) == {
        f"engagement/{n}"
        for n in (
            "survey_response",
            "service_awareness",
            "likert_response",
            "readiness",
            "partnership_rating",
        )
    }
    for name, rows in tables.items():
        assert rows and all(list(r) == columns(name.split("/")[1]) for r in rows), name
        folder = tmp_path / "engagement"
        folder.mkdir(exist_ok=True)
        import csv

        with (folder / f"{name.split('/')[1]}.csv").open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    eng = load_engagement(tmp_path)
    resp = eng.table("survey_response")
    assert resp.height == 8 and resp["response_id"].n_unique() == 8
    assert set(resp["survey"]) == set(kinds) and resp["submitted_on"].null_count() == 0
    assert eng.table("likert_response").height == 2 * len(codes("statement"))
    assert eng.table("readiness")["rating"].null_count() == 0
    assert eng.table("partnership_rating").height == 2 * 7 * 5
    # one survey's download, audited
    c = client_as(council, "facilitator")
    s = Survey.objects.get(kind="likert")
    r = c.get(f"/o/{council.code}/surveys/{s.pk}/export/")
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert names == ["engagement/survey_response.csv", "engagement/likert_response.csv"]
    assert AuditLog.objects.filter(target=f"survey {s.pk} export").exists()
    # delete and purge
    assert exports.delete(council) > 0 and not Response.objects.exists()


def test_purge_removes_old_responses(council: Organisation, actor_as: Callable[..., Actor]) -> None:
    import datetime as dt

    from django.utils import timezone

    survey = make_survey(actor_as(council, "council_admin"))
    Response.objects.create(
        organisation=council,
        survey=survey,
        response_id="OLD",
        respondent_group="senco",
        submitted_on=dt.date(2020, 1, 1),
    )
    Response.objects.create(
        organisation=council,
        survey=survey,
        response_id="NEW",
        respondent_group="senco",
        submitted_on=timezone.localdate(),
    )
    assert exports.purge(council, timezone.now() - dt.timedelta(days=30)) == 1
    assert list(Response.objects.values_list("response_id", flat=True)) == ["NEW"]
