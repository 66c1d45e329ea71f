"""Module 3 charts: the implementation plan as a Gantt chart, the risk heat map and the grant
request by category (see :mod:`dbv.report.charts`, which re-exports them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import polars as pl

from dbv.errors import UsageError
from dbv.report.charts_base import (
    BLACK,
    BLUE,
    GREEN,
    LIGHT_GREY,
    ORANGE,
    PLOT_WIDTH,
    RED,
    band_height,
    finish,
    frame_rows,
    humanise,
    inline,
    lines,
    money,
    money_axis,
    multiline,
    no_data,
    order_of,
    pct,
    wrap,
)
from dbv.report.model import Chart

STATUS = {
    "done": ("Done", GREEN),
    "on_track": ("On track", BLUE),
    "at_risk": ("At risk", ORANGE),
    "late": ("Late", RED),
    "not_started": ("Not started", LIGHT_GREY),
}
RAG = {"green": ("Green", GREEN), "amber": ("Amber", ORANGE), "red": ("Red", RED)}


def _month(day: str) -> str:
    return dt.date.fromisoformat(day[:10]).strftime("%B %Y")


def gantt_chart(frame: pl.DataFrame, title: str, key: str, today: dt.date | None = None) -> Chart:
    """Activities as bars from start to end in plan order, coloured by status, with milestone
    diamonds (filled once achieved) and, when ``today`` is given, a line for today; from
    ``module3.gantt.gantt``. Activities without both dates are left out."""
    rows = sorted(frame_rows(frame, ["start", "end"]), key=lambda r: r.get("order") or 0)
    if not rows:
        return no_data(key, title)
    seen: set[str] = set()
    marks: list[dict[str, Any]] = []
    for r in rows:
        name = str(r.get("activity") or r.get("activity_id") or "")
        if r.get("workstream_id"):
            name = f"{r['workstream_id']}: {name}"
        if name in seen:
            name = f"{name} ({r.get('activity_id')})"
        seen.add(name)
        r["_label"] = wrap(name, 34)
        r["state"] = STATUS.get(r.get("status") or "", ("Not started", LIGHT_GREY))[0]
        for m in r.pop("milestones", None) or []:
            if m.get("due") is not None:
                done = m.get("achieved_on") is not None
                marks.append(
                    {
                        "_label": r["_label"],
                        "due": m["due"].isoformat(),
                        "milestone": "Milestone achieved" if done else "Milestone due",
                    }
                )
    order = order_of(r["_label"] for r in rows)
    y = alt.Y("_label:N", sort=order, title=None, axis=multiline())
    x_axis = alt.Axis(format="%b %Y", formatType="time", labelAngle=-45, tickCount="month")
    x = alt.X("start:T", title="Date", scale=alt.Scale(type="utc"), axis=x_axis)
    names = [s[0] for s in STATUS.values()]
    bars = (
        alt.Chart(inline(rows))
        .mark_bar(height=12, cornerRadius=2)
        .encode(
            y=y,
            x=x,
            x2="end:T",
            color=alt.Color(
                "state:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=[s[1] for s in STATUS.values()]),
            ),
        )
    )
    layers: list[Any] = [bars]
    if marks:
        kinds = ["Milestone achieved", "Milestone due"]
        layers.append(
            alt.Chart(inline(marks))
            .mark_point(shape="diamond", size=70, stroke=BLACK, strokeWidth=1.2, opacity=1)
            .encode(
                y=y,
                x=alt.X("due:T", scale=alt.Scale(type="utc")),
                fill=alt.Fill(
                    "milestone:N",
                    title=None,
                    legend=alt.Legend(orient="top"),
                    sort=kinds,
                    scale=alt.Scale(domain=kinds, range=[BLACK, "white"]),
                ),
            )
        )
    if today is not None:
        now = alt.Chart(inline([{"day": today.isoformat(), "text": "Today"}]))
        layers.append(
            now.mark_rule(color=RED, strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=alt.X("day:T", scale=alt.Scale(type="utc"))
            )
        )
        layers.append(
            now.mark_text(
                color=RED, align="left", dx=3, dy=-4, baseline="bottom", fontSize=11, y=0
            ).encode(x=alt.X("day:T", scale=alt.Scale(type="utc")), text="text:N")
        )
    counts = {n: sum(r["state"] == n for r in rows) for n in names}
    streams = order_of(r.get("workstream") for r in rows if r.get("workstream"))
    first, last = min(r["start"] for r in rows), max(r["end"] for r in rows)
    text = (
        f"{len(rows)} activities in {len(streams)} workstreams run from {_month(first)} to "
        f"{_month(last)}: " + ", ".join(f"{n} {s.lower()}" for s, n in counts.items() if n) + "."
    )
    if marks:
        achieved = sum(m["milestone"] == "Milestone achieved" for m in marks)
        text += f" {len(marks)} milestones are shown, {achieved} achieved."
    height = band_height(order)
    return finish(alt.layer(*layers), key, title, text, width=PLOT_WIDTH, height=height)


def heat_map_chart(frame: pl.DataFrame, title: str, key: str, which: str = "residual") -> Chart:
    """The 5 x 5 likelihood by impact grid coloured by RAG band, with the number of open risks
    in each cell before ('inherent') or after ('residual') mitigation, from
    ``module3.risks.heat_map``."""
    if which not in ("inherent", "residual"):
        raise UsageError(f"which must be 'inherent' or 'residual' (got {which!r})")
    rows = frame_rows(frame, ["likelihood", "impact"])
    if not rows:
        return no_data(key, title)
    for r in rows:
        r["band"] = RAG.get(str(r.get("rag")), (humanise(str(r.get("rag"))), LIGHT_GREY))[0]
        n = r.get(which)
        r["n"] = "" if n is None else str(n)
        r["_ink"] = "white" if r.get("rag") in ("green", "red") else BLACK
    names = [v[0] for v in RAG.values()]
    base = alt.Chart(inline(rows)).encode(
        x=alt.X("impact:O", title="Impact (1 = minimal, 5 = severe)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "likelihood:O", title="Likelihood (1 = rare, 5 = almost certain)", sort="descending"
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "band:N",
            title="Risk rating",
            sort=names,
            scale=alt.Scale(domain=names, range=[v[1] for v in RAG.values()]),
        ),
    )
    labels = base.mark_text(fontSize=14, fontWeight="bold").encode(
        text="n:N", color=alt.Color("_ink:N", scale=None)
    )
    when = "after mitigation" if which == "residual" else "before mitigation"
    by_band = {b: sum(int(r.get(which) or 0) for r in rows if r["band"] == b) for b in names}
    total = sum(by_band.values())
    text = f"{total} open risks {when}: " + ", ".join(
        f"{n} {b.lower()}" for b, n in reversed(by_band.items())
    )
    text += "."
    return finish(alt.layer(cells, labels), key, title, text, width=360, height=300)


def grant_chart(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """The grant request in pounds by category, largest first, each labelled with its share of
    the total and its number of lines, from ``module3.grant.by_category``."""
    rows = frame_rows(frame, ["amount"])
    if not rows:
        return no_data(key, title)
    total = sum(r["amount"] for r in rows)
    for r in rows:
        name = r.get("label") or humanise(str(r.get("category") or "uncategorised"))
        share = r.get("share")
        share = r["amount"] / total if share is None and total else share
        n_lines = r.get("lines")
        extra = [pct(share)] if share is not None else []
        if n_lines is not None:
            extra.append(f"{n_lines} line{'s' if n_lines != 1 else ''}")
        r["name"] = name
        r["_label"] = lines(name, f"({', '.join(extra)})" if extra else "")
        r["value"] = money(r["amount"])
    rows.sort(key=lambda r: -r["amount"])
    order = order_of(r["_label"] for r in rows)
    base = alt.Chart(inline(rows)).encode(
        y=alt.Y("_label:N", sort=order, title=None, axis=multiline())
    )
    bars = base.mark_bar(color=BLUE, height=18).encode(
        x=alt.X(
            "amount:Q",
            title="Grant requested (£)",
            axis=alt.Axis(labelExpr=money_axis(r["amount"] for r in rows)),
        )
    )
    text_marks = base.mark_text(align="left", dx=4, fontSize=11, color=BLACK).encode(
        x="amount:Q", text="value:N"
    )
    top = rows[0]
    lines_total = sum(int(r.get("lines") or 0) for r in rows)
    text = f"The grant request totals {money(total)}"
    text += f" across {lines_total} lines" if lines_total else ""
    text += f"; the largest category is {top['name']} ({top['value']}"
    text += f", {pct(top['amount'] / total)})." if total else ")."
    return finish(
        alt.layer(bars, text_marks),
        key,
        title,
        text,
        width=PLOT_WIDTH - 40,
        height=band_height(order),
    )
