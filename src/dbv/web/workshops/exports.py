"""Workshops: this council's records out in dbv's import formats (the ``engagement/case_*``
tables of ``dbv/schemas/engagement.yaml``, exactly its columns), their deletion and purge.

The live results page builds its :class:`~dbv.module2.engagement.Engagement` from the same rows
(:func:`engagement`), so the export read back with ``load_engagement`` gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models import QuerySet

from dbv.web.core.models import Organisation
from dbv.web.workshops import returns
from dbv.web.workshops.models import Case, ReturnUpload, Workshop

TABLES = ("case_sample", "case_review", "case_review_reason", "case_consensus", "case_voice")


def _blank(v: str) -> str | None:
    return v or None


def rows(cases: QuerySet[Case]) -> dict[str, list[dict[str, Any]]]:
    """The five case tables for these cases, one dict per row, schema column order."""
    cases = cases.prefetch_related("reviews__reasons", "voices").select_related("consensus")
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for c in cases.order_by("case_id"):
        out["case_sample"].append(
            {
                "case_id": c.case_id,
                "person_id": c.person_id,
                "census_year": c.census_year,
                "setting_group": c.setting_group,
                "primary_need": _blank(c.primary_need),
                "age_band": c.age_band,
                "tenure": c.tenure,
                "stratum": c.stratum,
                "stratum_size": c.stratum_size,
                "selection_probability": c.selection_probability,
                "hand_picked": c.hand_picked,
                "seed": c.seed,
                "selected_on": c.selected_on,
            }
        )
        for r in c.reviews.all():
            out["case_review"].append(
                {
                    "case_id": c.case_id,
                    "reviewer_id": r.reviewer_id,
                    "reviewer_role": r.reviewer_role,
                    "review_date": r.review_date,
                    "ideal_outcome": r.ideal_outcome,
                    "needs_met_effectively": r.needs_met_effectively,
                    "met_without_ehcp": r.met_without_ehcp,
                    "different_provision": r.different_provision,
                    "ideal_provision": _blank(r.ideal_provision),
                    "decision_point": _blank(r.decision_point),
                    "smart_goals": r.smart_goals,
                    "confidence": r.confidence,
                    "dissent": r.dissent,
                }
            )
            for reason in r.reasons.all():
                out["case_review_reason"].append(
                    {
                        "case_id": c.case_id,
                        "reviewer_id": r.reviewer_id,
                        "reason": reason.reason,
                        "is_primary": reason.is_primary,
                        "note": _blank(reason.note),
                    }
                )
        k = getattr(c, "consensus", None)
        if k is not None:
            out["case_consensus"].append(
                {
                    "case_id": c.case_id,
                    "agreed_on": k.agreed_on,
                    "reviewers": k.reviewers,
                    "dissenting": k.dissenting,
                    "ideal_outcome": k.ideal_outcome,
                    "needs_met_effectively": k.needs_met_effectively,
                    "met_without_ehcp": k.met_without_ehcp,
                    "different_provision": k.different_provision,
                    "ideal_provision": _blank(k.ideal_provision),
                    "primary_reason": _blank(k.primary_reason),
                    "decision_point": _blank(k.decision_point),
                    "smart_goals": k.smart_goals,
                    "confidence": k.confidence,
                }
            )
        for v in c.voices.all():
            out["case_voice"].append(
                {
                    "case_id": c.case_id,
                    "person_id": c.person_id,
                    "voice": v.voice,
                    "status": v.status,
                    "decline_reason": _blank(v.decline_reason),
                    "ideal_outcome": _blank(v.ideal_outcome),
                    "agrees_with_panel": _blank(v.agrees_with_panel),
                    "recorded_on": v.recorded_on,
                }
            )
    return out


def tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    found = rows(Case.objects.filter(organisation=org))
    return {f"engagement/{name}": found[name] for name in TABLES}


def frames(found: dict[str, list[dict[str, Any]]]) -> dict[str, pl.DataFrame]:
    """Typed frames (the schema's dtypes) from :func:`rows`."""
    from dbv.dataret.reader import DTYPES
    from dbv.module2.engagement import schema

    sch = schema()
    out = {}
    for name in TABLES:
        cols = sch.tables[name].columns
        types = {c.name: DTYPES.get(c.type, pl.String) for c in cols}
        out[name] = pl.DataFrame(found[name], schema=types, orient="row")
    return out


def engagement(cases: QuerySet[Case]) -> Any:
    """The :class:`~dbv.module2.engagement.Engagement` of these cases."""
    from dbv.module2.engagement import from_frames

    return from_frames(frames(rows(cases)))


def _delete(
    workshops: QuerySet[Workshop], uploads: QuerySet[ReturnUpload], org: Organisation
) -> int:
    ids: Iterable[int] = list(uploads.values_list("pk", flat=True))
    removed = int(workshops.delete()[0]) + int(uploads.delete()[0])
    returns.remove_files(org, ids)
    return removed


def delete(org: Organisation) -> int:
    removed = _delete(
        Workshop.objects.filter(organisation=org),
        ReturnUpload.objects.filter(organisation=org),
        org,
    )
    returns.remove_files(org)
    return removed


def purge(org: Organisation, before: dt.datetime) -> int:
    return _delete(
        Workshop.objects.filter(organisation=org, created__lt=before),
        ReturnUpload.objects.filter(organisation=org, uploaded_at__lt=before),
        org,
    )
