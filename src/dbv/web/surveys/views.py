"""Survey pages: staff pages under /o/<council>/surveys/ and the respondent's page /s/<token>/."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dbv.web.core.access import actor_of, org_view, organisation_of
from dbv.web.core.actions import Actor
from dbv.web.surveys import actions, imports
from dbv.web.surveys.codes import ITEM_TABLE, TABLES, columns, label
from dbv.web.surveys.exports import rows
from dbv.web.surveys.forms import ImportForm, IssueForm, Questionnaire, SurveyForm
from dbv.web.surveys.models import Response, Survey, Token, token_hash
from dbv.web.surveys.results import results

TOKEN_LABEL = "survey token"


def _survey(request: HttpRequest, pk: int) -> Survey:
    """A survey of this council (404 for any other council's)."""
    return get_object_or_404(Survey, pk=pk, organisation=organisation_of(request))


def _counted(org_surveys: Any) -> Any:
    return org_surveys.annotate(
        issued=Count("tokens", distinct=True),
        used=Count("tokens", filter=Q(tokens__used_on__isnull=False), distinct=True),
        answered=Count("responses", distinct=True),
    )


@org_view("survey.results")
def survey_list(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    found = _counted(Survey.objects.filter(organisation=org))
    return render(
        request,
        "surveys/list.html",
        {
            "surveys": found,
            "can_manage": actor_of(request).can("survey.manage"),
        },
    )


@org_view("survey.manage")
def create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = actions.create_survey(actor_of(request), **form.cleaned_data)
        return redirect("surveys:detail", org=organisation_of(request).code, pk=survey.pk)
    return render(request, "surveys/create.html", {"form": form})


@org_view("survey.manage")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _counted(Survey.objects.filter(organisation=organisation_of(request)))
    found = get_object_or_404(survey, pk=pk)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": found,
            "issue_form": IssueForm(),
            "item_table": ITEM_TABLE[found.kind],
        },
    )


@require_POST
@org_view("survey.manage")
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue links and show them, once: only their hashes are kept."""
    survey = _survey(request, pk)
    form = IssueForm(request.POST)
    if survey.status == "closed":
        form.add_error(None, "This survey is closed: create a new survey to ask again")
    if not form.is_valid():
        found = get_object_or_404(_counted(Survey.objects.filter(pk=survey.pk)))
        return render(
            request,
            "surveys/detail.html",
            {
                "survey": found,
                "issue_form": form,
                "item_table": ITEM_TABLE[survey.kind],
            },
            status=400,
        )
    tokens = actions.issue_tokens(actor_of(request), survey, **form.cleaned_data)
    links = [request.build_absolute_uri(reverse("respond:answer", args=[t])) for t in tokens]
    return render(
        request,
        "surveys/links.html",
        {
            "survey": survey,
            "links": links,
            "tokens": tokens,
        },
    )


@require_POST
@org_view("survey.manage")
def links_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The links just shown, as CSV: the page posts them back (nothing is kept); only tokens of
    this survey are accepted."""
    survey = _survey(request, pk)
    given = [t for t in request.POST.getlist("token") if t and len(t) <= 100]
    known = set(
        Token.objects.filter(
            survey=survey, token_hash__in=[token_hash(t) for t in given]
        ).values_list("token_hash", flat=True)
    )
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["link"])
    for t in given:
        if token_hash(t) in known:
            w.writerow([request.build_absolute_uri(reverse("respond:answer", args=[t]))])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-links.csv"'
    return response


@require_POST
@org_view("survey.manage")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.closed_at is None:
        actions.close_survey(actor_of(request), survey)
    return redirect("surveys:detail", org=organisation_of(request).code, pk=survey.pk)


@org_view("survey.manage")
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        up = imports.check(survey, d.get("archive"), d.get("responses_file"), d.get("items_file"))
        for where, message in up.errors[: imports.MAX_ERRORS]:
            form.add_error(where, message)
        if len(up.errors) > imports.MAX_ERRORS:
            form.add_error(None, f"… and {len(up.errors) - imports.MAX_ERRORS} more problems")
        if not up.errors:
            saved = actions.import_responses(actor_of(request), survey, up.responses, up.items)
            return render(request, "surveys/imported.html", {"survey": survey, "saved": saved})
    if form.errors:
        status = 400
    return render(
        request,
        "surveys/import.html",
        {
            "survey": survey,
            "form": form,
            "item_table": ITEM_TABLE[survey.kind],
            "columns": {n: columns(n) for n in ("survey_response", ITEM_TABLE[survey.kind])},
        },
        status=status,
    )


def csv_zip(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """engagement/<table>.csv for each table, always with its header row."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, found in tables.items():
            text = io.StringIO()
            w = csv.DictWriter(text, fieldnames=columns(name), lineterminator="\n")
            w.writeheader()
            w.writerows(found)
            z.writestr(f"engagement/{name}.csv", text.getvalue())
    return buf.getvalue()


@org_view("survey.manage")
def export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    found = rows(Response.objects.filter(survey=survey, organisation=survey.organisation))
    actions.record_export(actor_of(request), survey, len(found["survey_response"]))
    wanted = {"survey_response", ITEM_TABLE[survey.kind]}
    response = HttpResponse(
        csv_zip({n: found[n] for n in TABLES if n in wanted}), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.zip"'
    return response


@org_view("survey.results")
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": results(survey),
            "can_manage": actor_of(request).can("survey.manage"),
        },
    )


# --- respondents: no sign-in; the token in the link is the only key ---------------------------


def _token(token: str) -> Token:
    """The link's record, looked up by the token's hash (404 if unknown)."""
    if not 20 <= len(token) <= 100:
        raise Http404("No such survey link")
    found = (
        Token.objects.select_related("survey", "survey__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        raise Http404("No such survey link")
    return found


def answer(request: HttpRequest, token: str) -> HttpResponse:
    link = _token(token)
    survey = link.survey
    context: dict[str, Any] = {
        "survey": survey,
        "council": survey.organisation,
        "kind": label("survey", survey.kind),
    }
    if link.used_on is not None:
        return render(request, "surveys/respond/used.html", context, status=409)
    if not survey.is_open:
        return render(request, "surveys/respond/closed.html", context, status=410)
    form = Questionnaire(survey, link, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            actor = Actor(survey.organisation, None, token_label=TOKEN_LABEL)
            try:
                actions.submit_response(
                    actor, link, form.respondent_group, form.respondent_org, form.items()
                )
            except PermissionError:
                return render(request, "surveys/respond/used.html", context, status=409)
            return redirect("respond:thanks")
        status = 400
    context["form"] = form
    return render(request, "surveys/respond/form.html", context, status=status)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/respond/thanks.html", {})
