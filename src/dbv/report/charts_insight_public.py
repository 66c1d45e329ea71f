"""`dbv insight --public` chart: every LA's forecast growth against its statistical neighbours'
median, the councils in the set highlighted (see :mod:`dbv.insight.public`)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from dbv.report.charts_base import BLUE, GREY, LIGHT_GREY, finish, frame_rows, inline, no_data
from dbv.report.model import Chart

KEY = "public_growth_neighbours"
OTHER, IN_SET = "Other LAs", "Councils in this set"


def growth_scatter(frame: pl.DataFrame, in_set: set[str], origin: int, year: int) -> Chart:
    """Median forecast growth (% a year) of each LA (y) against the median of its neighbours'
    (x), with the line where they are equal; councils in ``in_set`` in blue with their 80%
    interval and name."""
    title = f"Forecast growth of EHC plans, {origin} to {year}: each LA and its neighbours"
    rows = frame_rows(frame, ["growth_p50", "growth_nb_median"])
    if not rows:
        return no_data(KEY, title, "of forecast growth against statistical neighbours")
    for r in rows:
        r["group"] = IN_SET if r["la_code"] in in_set else OTHER
    lo = min(min(r["growth_p50"], r["growth_nb_median"]) for r in rows)
    hi = max(max(r["growth_p50"], r["growth_nb_median"]) for r in rows)
    mine = [r for r in rows if r["group"] == IN_SET]
    lo = min([lo, *(r["growth_p10"] for r in mine)])
    hi = max([hi, *(r["growth_p90"] for r in mine)])
    pad = 0.05 * (hi - lo or 1)
    domain = [lo - pad, hi + pad]
    x = alt.X("growth_nb_median:Q", title="Neighbours' median forecast growth (% a year)",
              scale=alt.Scale(domain=domain, nice=False))  # fmt: skip
    y = alt.Y("growth_p50:Q", title="LA's forecast growth (% a year, median)",
              scale=alt.Scale(domain=domain, nice=False))  # fmt: skip
    groups = [OTHER, IN_SET]
    equal = (
        alt.Chart(inline([{"v": domain[0]}, {"v": domain[1]}]))
        .mark_line(color=GREY, strokeDash=[4, 3], strokeWidth=1)
        .encode(x=alt.X("v:Q", scale=alt.Scale(domain=domain)), y=alt.Y("v:Q"))
    )
    tooltip = [
        alt.Tooltip("la:N", title="LA"),
        alt.Tooltip("growth_p50:Q", title="Growth, % a year", format=".1f"),
        alt.Tooltip("growth_nb_median:Q", title="Neighbours' median", format=".1f"),
    ]
    dots = (
        alt.Chart(inline(rows))
        .mark_circle(opacity=0.85)
        .encode(
            x=x,
            y=y,
            color=alt.Color("group:N", title=None, sort=groups,
                            scale=alt.Scale(domain=groups, range=[LIGHT_GREY, BLUE])),
            size=alt.Size("group:N", sort=groups, legend=None,
                          scale=alt.Scale(domain=groups, range=[30, 80])),
            order=alt.Order("group:N", sort="ascending"),
            tooltip=tooltip,
        )
    )  # fmt: skip
    layers: list[Any] = [equal, dots]
    if mine:
        data = inline(mine)
        layers.insert(
            1,
            alt.Chart(data)
            .mark_rule(color=BLUE, strokeWidth=1.5)
            .encode(x=x, y=alt.Y("growth_p10:Q"), y2="growth_p90:Q"),
        )
        layers.append(
            alt.Chart(data)
            .mark_text(align="left", dx=7, dy=-7, fontSize=11, color=BLUE)
            .encode(x=x, y=y, text="la:N")
        )
    faster = sum(r["growth_p50"] > r["growth_nb_median"] for r in rows)
    text = (
        f"A scatter of {len(rows)} LAs: each LA's median forecast growth in EHC plans from "
        f"{origin} to {year} (% a year) against the median of its statistical neighbours'. "
        f"{faster} LAs lie above the dashed line of equal growth (forecast to grow faster "
        f"than their neighbours) and {len(rows) - faster} on or below it."
    )
    if mine:
        text += " Councils in this set (blue, with the 80% interval of their growth): " + "; ".join(
            f"{r['la']} {r['growth_p50']:.1f}% against {r['growth_nb_median']:.1f}%"
            for r in sorted(mine, key=lambda r: str(r["la"]))
        )
        text += "."
    return finish(alt.layer(*layers), KEY, title, text, height=360)
