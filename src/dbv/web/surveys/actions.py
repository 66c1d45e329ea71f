"""Every survey write, each an audited action. The audit never holds a token, a token's hash or,
for an anonymous survey, anything that links a response to its token."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db.models import Model
from django.utils import timezone

from dbv.web.core.actions import Actor, Change, action
from dbv.web.core.models import Organisation, snapshot
from dbv.web.surveys.codes import ITEM_TABLE
from dbv.web.surveys.models import (
    AwarenessAnswer,
    LikertAnswer,
    PartnershipAnswer,
    ReadinessAnswer,
    Response,
    Survey,
    Token,
    token_hash,
)

SURVEY_FIELDS = ["kind", "title", "anonymous", "opens", "closes", "closed_at"]
MAX_TOKENS = 500  # the links CSV posts them back: under Django's 1,000-field limit


def _same_council(actor: Actor, survey: Survey) -> None:
    if survey.organisation_id != actor.organisation.pk:
        raise Survey.DoesNotExist("no such survey in this council")


@action("survey.manage")
def create_survey(
    actor: Actor,
    kind: str,
    title: str,
    anonymous: bool = True,
    opens: dt.date | None = None,
    closes: dt.date | None = None,
) -> Change:
    survey = Survey.objects.create(
        organisation=actor.organisation,
        kind=kind,
        title=title,
        anonymous=anonymous,
        opens=opens,
        closes=closes,
    )
    return Change(f"survey {survey.pk}", None, snapshot(survey, SURVEY_FIELDS), survey)


@action("survey.manage")
def issue_tokens(
    actor: Actor, survey: Survey, count: int, respondent_group: str = "", respondent_org: str = ""
) -> Change:
    """``count`` new one-use links; returns the tokens (the only time they exist in clear)."""
    _same_council(actor, survey)
    if not 1 <= count <= MAX_TOKENS:
        raise ValueError(f"issue from 1 to {MAX_TOKENS} links at a time")
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    Token.objects.bulk_create(
        Token(
            survey=survey,
            token_hash=token_hash(t),
            respondent_group=respondent_group,
            respondent_org=respondent_org,
        )
        for t in tokens
    )
    after = {"issued": count, "respondent_group": respondent_group, "organisation": respondent_org}
    return Change(f"survey {survey.pk} links", None, after, tokens)


@action("survey.manage")
def close_survey(actor: Actor, survey: Survey) -> Change:
    _same_council(actor, survey)
    before = snapshot(survey, SURVEY_FIELDS)
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    return Change(f"survey {survey.pk}", before, snapshot(survey, SURVEY_FIELDS), survey)


def next_response_id(org: Organisation, taken: int = 0) -> str:
    """The next free "SR00001"-style ID in this council."""
    ids = Response.objects.filter(organisation=org, response_id__regex=r"^SR[0-9]+$")
    top = max((int(r[2:]) for r in ids.values_list("response_id", flat=True)), default=0)
    return f"SR{top + 1 + taken:05d}"


def _save_items(response: Response, table: str, items: list[dict[str, Any]]) -> int:
    objs: list[Model]
    if table == "service_awareness":
        objs = [
            AwarenessAnswer(response=response, service=i["service"], awareness=i["awareness"])
            for i in items
        ]
        AwarenessAnswer.objects.bulk_create(objs)  # type: ignore[arg-type]
    elif table == "likert_response":
        objs = [
            LikertAnswer(response=response, statement=i["statement"], agreement=i["response"])
            for i in items
        ]
        LikertAnswer.objects.bulk_create(objs)  # type: ignore[arg-type]
    elif table == "readiness":
        objs = [
            ReadinessAnswer(response=response, area=i["area"], rating=int(i["rating"]))
            for i in items
        ]
        ReadinessAnswer.objects.bulk_create(objs)  # type: ignore[arg-type]
    elif table == "partnership_rating":
        objs = [
            PartnershipAnswer(
                response=response, partner=i["partner"], aspect=i["aspect"], rating=int(i["rating"])
            )
            for i in items
        ]
        PartnershipAnswer.objects.bulk_create(objs)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown item table {table}")
    return len(objs)


@action("survey.respond", token_ok=True)
def submit_response(
    actor: Actor,
    token: Token,
    respondent_group: str,
    respondent_org: str,
    items: list[dict[str, Any]],
) -> Change:
    """Save one response through a survey link (rows of the survey's item table, in the
    engagement columns without response_id). One response per link; in an anonymous survey
    the response is not linked to the link."""
    token = Token.objects.select_for_update().select_related("survey").get(pk=token.pk)
    survey = token.survey
    if survey.organisation_id != actor.organisation.pk:
        raise PermissionError("this link belongs to another council")
    if token.used_on is not None:
        raise PermissionError("this link has already been used")
    if not survey.is_open:
        raise PermissionError("this survey is closed")
    today = timezone.localdate()
    response = Response.objects.create(
        organisation=actor.organisation,
        survey=survey,
        response_id=next_response_id(actor.organisation),
        respondent_group=respondent_group,
        respondent_org=respondent_org,
        submitted_on=today,
        token=None if survey.anonymous else token,
    )
    token.used_on = today
    token.save(update_fields=["used_on"])
    n = _save_items(response, ITEM_TABLE[survey.kind], items)
    after = {
        "survey": survey.pk,
        "response_id": response.response_id,
        "respondent_group": respondent_group,
        "answers": n,
    }
    return Change(f"survey {survey.pk} response {response.response_id}", None, after, response)


@action("survey.manage")
def import_responses(
    actor: Actor, survey: Survey, responses: list[dict[str, Any]], items: list[dict[str, Any]]
) -> Change:
    """Responses already validated (:mod:`dbv.web.surveys.imports`), keeping their IDs."""
    _same_council(actor, survey)
    table = ITEM_TABLE[survey.kind]
    by_id: dict[str, list[dict[str, Any]]] = {}
    for i in items:
        by_id.setdefault(str(i["response_id"]), []).append(i)
    saved = answers = 0
    for r in responses:
        response = Response.objects.create(
            organisation=actor.organisation,
            survey=survey,
            response_id=r["response_id"],
            respondent_group=r["respondent_group"],
            respondent_org=r.get("organisation") or "",
            submitted_on=r["submitted_on"],
        )
        answers += _save_items(response, table, by_id.get(r["response_id"], []))
        saved += 1
    after = {"survey": survey.pk, "responses": saved, "answers": answers}
    return Change(f"survey {survey.pk} import", None, after, saved)


@action("survey.manage")
def record_export(actor: Actor, survey: Survey, responses: int) -> Change:
    _same_council(actor, survey)
    return Change(f"survey {survey.pk} export", None, {"responses": responses})
