"""Surveys: this council's records out in dbv's import formats (engagement.yaml), deletion and
retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from dbv.web.core.models import Organisation
from dbv.web.surveys.models import (
    AwarenessAnswer,
    LikertAnswer,
    PartnershipAnswer,
    ReadinessAnswer,
    Response,
    Survey,
)

PREFIX = "engagement/"


def rows(responses: QuerySet[Response]) -> dict[str, list[dict[str, Any]]]:
    """The five survey tables (bare names, e.g. 'survey_response') for these responses, with
    exactly the engagement.yaml columns."""
    ids = responses.values("id")
    out: dict[str, list[dict[str, Any]]] = {
        "survey_response": [
            {
                "response_id": r.response_id,
                "survey": r.survey.kind,
                "respondent_group": r.respondent_group,
                "organisation": r.respondent_org,
                "submitted_on": r.submitted_on.isoformat(),
            }
            for r in responses.select_related("survey").order_by("response_id")
        ],
        "service_awareness": [
            {"response_id": a.response.response_id, "service": a.service, "awareness": a.awareness}
            for a in AwarenessAnswer.objects.filter(response__in=ids)
            .select_related("response")
            .order_by("response__response_id", "id")
        ],
        "likert_response": [
            {
                "response_id": a.response.response_id,
                "statement": a.statement,
                "response": a.agreement,
            }
            for a in LikertAnswer.objects.filter(response__in=ids)
            .select_related("response")
            .order_by("response__response_id", "id")
        ],
        "readiness": [
            {"response_id": a.response.response_id, "area": a.area, "rating": a.rating}
            for a in ReadinessAnswer.objects.filter(response__in=ids)
            .select_related("response")
            .order_by("response__response_id", "id")
        ],
        "partnership_rating": [
            {
                "response_id": a.response.response_id,
                "partner": a.partner,
                "aspect": a.aspect,
                "rating": a.rating,
            }
            for a in PartnershipAnswer.objects.filter(response__in=ids)
            .select_related("response")
            .order_by("response__response_id", "id")
        ],
    }
    return out


def tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    found = rows(Response.objects.filter(organisation=org))
    return {PREFIX + name: table for name, table in found.items()}


def delete(org: Organisation) -> int:
    removed, _ = Survey.objects.filter(organisation=org).delete()
    return removed


def purge(org: Organisation, before: datetime) -> int:
    """Responses submitted before the cut-off, and surveys created before it that have no
    responses left (with their links)."""
    removed, _ = Response.objects.filter(organisation=org, submitted_on__lt=before.date()).delete()
    old = Survey.objects.filter(organisation=org, created__lt=before, responses__isnull=True)
    gone, _ = Survey.objects.filter(id__in=list(old.values_list("id", flat=True))).delete()
    return removed + gone
