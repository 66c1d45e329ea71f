"""Module 2 variation and capacity charts: school funnel plots, new plans by age and need, and
demand against capacity (see :mod:`dbv.report.charts`, which re-exports them)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from dbv.report.charts_base import (
    BLUE,
    GOVUK_COLOURS,
    GREY,
    LIGHT_GREY,
    RED,
    count,
    finish,
    frame_rows,
    inline,
    label,
    no_data,
    order_of,
    pct,
)
from dbv.report.model import Chart


def funnel_chart(
    schools: pl.DataFrame,
    curve: pl.DataFrame,
    title: str,
    key: str,
    y_title: str = "Share of pupils (%)",
) -> Chart:
    """Schools' rates against their size with the LA's pooled rate and its control limits, from
    ``variation.school_funnel`` and ``variation.funnel_curve``; withheld schools are left out."""
    points = frame_rows(schools, ["pupils", "rate"])
    if not points:
        return no_data(key, title)
    flags = {
        "above_outer": "Above the upper outer limit",
        "below_outer": "Below the lower outer limit",
    }
    for r in points:
        r["group"] = flags.get(r.get("flag") or "", "Within the outer limits")
    first = points[0]
    inner, outer = (
        f"{100 * float(first.get(k) or d):g}%"
        for k, d in (("inner_level", 0.95), ("outer_level", 0.998))
    )
    lo_n, hi_n = min(r["pupils"] for r in points), max(r["pupils"] for r in points)
    lines = []
    for r in frame_rows(curve, ["pupils"]):
        if lo_n * 0.8 <= r["pupils"] <= hi_n * 1.05:
            for col, name, side in (
                ("pooled_rate", "LA rate", "mid"),
                ("low_inner", f"{inner} limits", "low"),
                ("high_inner", f"{inner} limits", "high"),
                ("low_outer", f"{outer} limits", "low"),
                ("high_outer", f"{outer} limits", "high"),
            ):
                if r.get(col) is not None:
                    lines.append(
                        {"pupils": r["pupils"], "rate": r[col], "line": name, "side": side}
                    )
    groups = [flags["above_outer"], "Within the outer limits", flags["below_outer"]]
    x = alt.X("pupils:Q", title="Pupils on roll (number)", axis=alt.Axis(format=",d"))
    y = alt.Y("rate:Q", title=y_title, axis=alt.Axis(format=".0%"))
    dots = (
        alt.Chart(inline(points))
        .mark_circle(size=40, opacity=0.85)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "group:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups, range=[RED, LIGHT_GREY, BLUE]),
            ),
        )
    )
    layers: list[Any] = []
    if lines:
        names = ["LA rate", f"{inner} limits", f"{outer} limits"]
        layers.append(
            alt.Chart(inline(lines))
            .mark_line(color=GREY, strokeWidth=1.5)
            .encode(
                x=x,
                y=y,
                detail="side:N",
                strokeDash=alt.StrokeDash(
                    "line:N",
                    title=None,
                    legend=alt.Legend(orient="top"),
                    sort=names,
                    scale=alt.Scale(domain=names, range=[[1, 0], [6, 3], [2, 2]]),
                ),
            )
        )
    layers.append(dots)
    above = sum(r.get("flag") == "above_outer" for r in points)
    below = sum(r.get("flag") == "below_outer" for r in points)
    withheld = schools.height - len(points)
    pooled = first.get("pooled_rate")
    text = (
        f"Of {len(points)} schools shown, {above} are above the upper {outer} limit and {below} "
        f"below the lower one"
        + (f"; the LA rate is {pct(pooled, 1)}." if pooled is not None else ".")
    )
    if withheld:
        text += f" {withheld} schools with small counts are not shown."
    chart = alt.layer(*layers).resolve_scale(color="independent")
    return finish(chart, key, title, text, height=320)


def age_peaks_chart(frame: pl.DataFrame, title: str, key: str, top: int = 6) -> Chart:
    """New EHC plans by age at issue for the ``top`` primary needs (the rest pooled as 'Other
    needs', summing the counts shown), from ``variation.age_peaks``; withheld counts omitted."""
    rows = frame_rows(frame, ["primary_need", "age", "plans"])
    if not rows:
        return no_data(key, title)
    totals: dict[str, float] = {}
    for r in rows:
        totals[r["primary_need"]] = totals.get(r["primary_need"], 0) + r["plans"]
    keep = sorted(totals, key=lambda k: (-totals[k], k))[:top]
    data: dict[tuple[str, int], float] = {}
    for r in rows:
        need = r["primary_need"] if r["primary_need"] in keep else "Other needs"
        data[(need, r["age"])] = data.get((need, r["age"]), 0) + r["plans"]
    needs = [*keep, *(["Other needs"] if len(totals) > len(keep) else [])]
    values: list[dict[str, Any]] = [{"need": n, "age": a, "plans": v} for (n, a), v in data.items()]
    palette = [*GOVUK_COLOURS[: len(keep)], GREY][: len(needs)]
    chart = (
        alt.Chart(inline(values))
        .mark_line(point=alt.OverlayMarkDef(size=20), strokeWidth=2)
        .encode(
            x=alt.X(
                "age:Q",
                title="Age at first EHC plan (years)",
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=alt.Y("plans:Q", title="New EHC plans (number)"),
            color=alt.Color(
                "need:N",
                title="Primary need",
                sort=needs,
                scale=alt.Scale(domain=needs, range=palette),
            ),
        )
    )
    peaks = []
    for need in keep[:3]:
        best = max((v for v in values if v["need"] == need), key=lambda v: v["plans"])
        peaks.append(f"{best['age']} for {need} ({count(best['plans'])} plans)")
    text = "New EHC plans peak at age " + ", ".join(peaks) + "."
    text += " Withheld small counts are left out."
    return finish(chart, key, title, text)


def demand_capacity_chart(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """Per service: demand (actual solid, forecast dashed, joined at the last actual year)
    against capacity (grey steps), from ``capacity.demand_capacity``; small multiples in three
    columns, each with its own scale."""
    rows = frame_rows(frame, ["service", "year"])
    if not any(r.get("demand") is not None or r.get("capacity") is not None for r in rows):
        return no_data(key, title)
    names = ["Demand (actual)", "Demand (forecast)", "Capacity"]
    values: list[dict[str, Any]] = []
    last_actual: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["service"], r["year"])):
        svc = label("service", r["service"])
        if r.get("unit"):
            svc = f"{svc} ({r['unit']})"
        kind = names[1] if r.get("kind") == "forecast" else names[0]
        if r.get("demand") is not None:
            values.append({"service": svc, "year": r["year"], "series": kind, "v": r["demand"]})
            if kind == names[0]:
                last_actual[svc] = r
            elif svc in last_actual and last_actual[svc]["year"] == r["year"] - 1:
                a = last_actual.pop(svc)  # join the dashed forecast to the last actual point
                values.append({"service": svc, "year": a["year"], "series": kind, "v": a["demand"]})
        if r.get("capacity") is not None:
            values.append(
                {"service": svc, "year": r["year"], "series": names[2], "v": r["capacity"]}
            )
    y_title = "Number a year"
    colour = alt.Color(
        "series:N", title=None, sort=names, scale=alt.Scale(domain=names, range=[BLUE, BLUE, GREY])
    )
    dash = alt.StrokeDash(
        "series:N",
        title=None,
        sort=names,
        scale=alt.Scale(domain=names, range=[[1, 0], [5, 3], [1, 0]]),
    )
    x = alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=-45))
    y = alt.Y("v:Q", title=y_title, scale=alt.Scale(zero=False))
    base = alt.Chart().encode(x=x, y=y, color=colour, strokeDash=dash)
    demand = base.transform_filter(alt.datum.series != names[2]).mark_line(strokeWidth=2)
    cap = base.transform_filter(alt.datum.series == names[2]).mark_line(
        interpolate="step-after", strokeWidth=1.5
    )
    services = order_of(v["service"] for v in values)
    chart = (
        alt.layer(cap, demand, data=inline(values))
        .properties(width=104, height=110)
        .facet(
            facet=alt.Facet(
                "service:N",
                title=None,
                sort=services,
                header=alt.Header(labelLimit=170, labelFontSize=11),
            ),
            columns=3,
            spacing={"row": 16, "column": 14},
        )
        .resolve_scale(y="independent")
    )
    text = _demand_text(rows)
    return finish(chart, key, title, text, width=None)


def _demand_text(rows: list[dict[str, Any]]) -> str:
    both = [r for r in rows if r.get("demand") is not None and r.get("capacity") is not None]
    services = order_of(r["service"] for r in rows)
    actual = [r for r in both if r.get("kind") != "forecast"]
    text = f"Demand against capacity for {len(services)} services."
    if actual:
        year = max(r["year"] for r in actual)
        now = [r for r in actual if r["year"] == year]
        over = sum(r["demand"] > r["capacity"] for r in now)
        text += f" In {year} demand exceeded capacity for {over} services (out of {len(now)})."
    future = [r for r in both if r.get("kind") == "forecast"]
    if future:
        year = max(r["year"] for r in future)
        end = [r for r in future if r["year"] == year]
        over_rows = [r for r in end if r["demand"] > r["capacity"]]
        text += f" By {year} the forecast exceeds capacity for {len(over_rows)} (out of {len(end)})"
        if over_rows:
            worst = max(over_rows, key=lambda r: r["demand"] / r["capacity"])
            gap = worst["demand"] - worst["capacity"]
            text += (
                f"; the largest shortfall is {label('service', worst['service'])} "
                f"({count(gap)} {worst.get('unit') or ''} over, "
                f"{pct(worst['demand'] / worst['capacity'] - 1)} above capacity)."
            )
        else:
            text += "."
    return text.replace("  ", " ").replace(" ,", ",")
