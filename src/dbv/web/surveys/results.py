"""A survey's results through the analytic core (dbv.module2.surveys, dbv.report.publish): every
share as text with k, n and its interval, counts from 1 to 4 never shown."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dbv.dataret.reader import typed
from dbv.module2 import surveys
from dbv.module2.engagement import schema
from dbv.privacy import threshold
from dbv.report.publish import publish_proportions
from dbv.web.surveys.codes import ITEM_TABLE, codes, label
from dbv.web.surveys.exports import rows
from dbv.web.surveys.models import Response, Survey

log = logging.getLogger(__name__)

MEASURES = {
    "aware_or_better": "Aware or better",
    "can_access_or_better": "Can access or better",
    "agree_or_strongly_agree": "Agree or strongly agree",
    "disagree_or_strongly_disagree": "Disagree or strongly disagree",
    "dont_know": "Don't know (of all answers)",
}
CLASSES = {
    "strength": "Strength",
    "barrier": "Barrier",
    "mixed": "Mixed",
    "too_few": "Too few answers",
}
GROUPS = {"all": "All respondents", "school_staff": "School staff", "not_recorded": "Not recorded"}


@dataclass
class ResultTable:
    caption: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Results:
    responses: str  # "12", or "fewer than 5"
    enough: bool
    tables: list[ResultTable] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


def frame(table: str, found: list[dict[str, Any]]) -> pl.DataFrame:
    """Rows in the engagement columns as the typed frame dbv reads from CSV."""
    cols = schema().tables[table].names
    raw = pl.DataFrame(
        [{c: None if r[c] in (None, "") else str(r[c]) for c in cols} for r in found],
        schema=dict.fromkeys(cols, pl.String),
        orient="row",
    )
    return typed(raw, schema().tables[table])


def _group(code: str) -> str:
    return GROUPS.get(code) or label("respondent_group", code)


def _measure(list_name: str, code: str) -> str:
    return MEASURES.get(code) or label(list_name, code)


def shares(out: pl.DataFrame, group: Sequence[str]) -> list[dict[str, Any]]:
    """publish_proportions on the share rows ('share' renamed 'p'); rows withheld upstream with
    no n say 'withheld' (never 'no cases')."""
    if out.is_empty():
        return []
    gone = out["n"].is_null().to_list()
    pub = publish_proportions(out.rename({"share": "p"}), group=group).to_dicts()
    for r, none in zip(pub, gone, strict=True):
        if none:
            r["text"] = "withheld to protect small numbers"
    return pub


def _mean_text(r: dict[str, Any]) -> str:
    if r.get("n") is None or r.get("mean") is None:
        return f"withheld (fewer than {threshold()} answers)"
    if r.get("mean_low") is None:
        return f"{r['mean']:.1f} (n = {r['n']})"
    return f"{r['mean']:.1f} (95% CI {r['mean_low']:.1f} to {r['mean_high']:.1f}; n = {r['n']})"


def _awareness(resp: pl.DataFrame, items: pl.DataFrame, out: Results) -> None:
    aw = surveys.awareness(resp, items)
    table = ResultTable(
        "Awareness, access and effectiveness by service",
        ["Service", "Answer", "Share of respondents (k of n, 95% CI)"],
    )
    levels = shares(aw.filter(pl.col("kind") == "level"), ("service", "respondent_group"))
    cum = shares(
        aw.filter(pl.col("kind") == "cumulative"), ("service", "respondent_group", "measure")
    )
    place = {c: i for i, c in enumerate(codes("service"))}
    for r in sorted(
        levels + cum, key=lambda r: (place.get(r["service"], 99), r["kind"] != "level")
    ):
        table.rows.append(
            [label("service", r["service"]), _measure("awareness", r["measure"]), r["text"]]
        )
    out.tables.append(table)
    out.charts.append(_chart("awareness_chart", aw, "Awareness of local services"))


def _likert(resp: pl.DataFrame, items: pl.DataFrame, out: Results) -> None:
    lk = surveys.likert(resp, items)
    table = ResultTable(
        "Agreement with each statement (don't know excluded from n, except on its own row)",
        ["Statement", "Group", "Answer", "Share (k of n, 95% CI)"],
    )
    keys = ("statement", "respondent_group")
    found = shares(lk.filter(pl.col("kind") == "level"), keys)
    found += shares(lk.filter(pl.col("kind") == "cumulative"), (*keys, "measure"))
    found += shares(lk.filter(pl.col("kind") == "dont_know"), (*keys, "measure"))
    order = {"level": 0, "cumulative": 1, "dont_know": 2}
    place = {c: i for i, c in enumerate(codes("statement"))}
    found.sort(
        key=lambda r: (place.get(r["statement"], 99), r["respondent_group"], order[r["kind"]])
    )
    for r in found:
        table.rows.append(
            [
                label("statement", r["statement"]),
                _group(r["respondent_group"]),
                _measure("likert", r["measure"]),
                r["text"],
            ]
        )
    out.tables.append(table)
    out.charts.append(_chart("likert_chart", lk, "Agreement with each statement"))


def _readiness(resp: pl.DataFrame, items: pl.DataFrame, out: Results) -> None:
    from dbv.stats import wilson

    rd = surveys.readiness(resp, items)
    long: list[dict[str, Any]] = []
    for r in rd.iter_rows(named=True):
        for band, name in (("1_2", "Rating 1 or 2"), ("3", "Rating 3"), ("4_5", "Rating 4 or 5")):
            k, n = r[f"k_{band}"], r["n"]
            est = wilson(int(k), int(n)) if k is not None and n else None
            long.append(
                {
                    "area": r["area"],
                    "band": name,
                    "k": k,
                    "n": n,
                    "share": None if est is None else est.p,
                    "low": None if est is None else est.low,
                    "high": None if est is None else est.high,
                    "withheld": k is None,
                }
            )
    bands = (
        {
            (r["area"], r["band"]): r["text"]
            for r in shares(pl.DataFrame(long, orient="row"), ("area",))
        }
        if long
        else {}
    )
    table = ResultTable(
        "Readiness for change (1 not ready to 5 ready)",
        ["Area", "Mean rating", "Rating 1 or 2", "Rating 4 or 5", "Strength or barrier"],
    )
    for r in rd.iter_rows(named=True):
        table.rows.append(
            [
                label("readiness_area", r["area"]),
                _mean_text(r),
                bands.get((r["area"], "Rating 1 or 2"), ""),
                bands.get((r["area"], "Rating 4 or 5"), ""),
                CLASSES.get(r["classification"], r["classification"]),
            ]
        )
    out.tables.append(table)
    out.charts.append(_chart("readiness_chart", rd, "Readiness for change"))


def _partnership(resp: pl.DataFrame, items: pl.DataFrame, out: Results) -> None:
    for by_aspect, caption in (
        (False, "Partnership working: mean over the aspects"),
        (True, "Partnership working by aspect"),
    ):
        pt = surveys.partnership(resp, items, by_aspect=by_aspect)
        headers = (
            ["Rating organisation", "Partner", "Aspect", "Mean rating (1 poor to 5 excellent)"]
            if by_aspect
            else ["Rating organisation", "Partner", "Mean rating (1 poor to 5 excellent)"]
        )
        table = ResultTable(caption, headers)
        for r in pt.iter_rows(named=True):
            cells = [
                label("organisation", r["rater"]) or "Not recorded",
                label("organisation", r["partner"]),
            ]
            if by_aspect:
                cells.append(label("partnership_aspect", r["aspect"]))
            table.rows.append([*cells, _mean_text(r)])
        out.tables.append(table)


def _chart(name: str, data: pl.DataFrame, title: str) -> str:
    """The chart as inline SVG (static, so the CSP allows it); empty if it cannot be drawn."""
    try:
        from dbv.report import charts
        from dbv.report.html_blocks import chart_svg

        return chart_svg(getattr(charts, name)(data, title, name))
    except Exception:  # a chart is a nicety: the tables carry every figure
        log.warning("survey chart %s could not be drawn", name, exc_info=True)
        return ""


def results(survey: Survey, charts: bool = True) -> Results:
    found = rows(Response.objects.filter(survey=survey, organisation=survey.organisation))
    n = len(found["survey_response"])
    t = threshold()
    out = Results(str(n) if n == 0 or n >= t else f"fewer than {t}", n >= t)
    if not out.enough:
        return out
    table = ITEM_TABLE[survey.kind]
    resp, items = frame("survey_response", found["survey_response"]), frame(table, found[table])
    {
        "service_awareness": _awareness,
        "likert": _likert,
        "readiness": _readiness,
        "partnership": _partnership,
    }[survey.kind](resp, items, out)
    out.charts = [c for c in out.charts if c] if charts else []
    return out
