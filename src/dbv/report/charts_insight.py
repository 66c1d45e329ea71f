"""Charts of the cross-council insight pack: the forest plot (each council's share with its
interval, then the clustered and the naive pooled estimates, with the clustered estimate as a
dashed line through every row)."""

from __future__ import annotations

from typing import Any

import altair as alt

from dbv.report.charts_base import (
    BLACK,
    BLUE,
    GREEN,
    PLOT_WIDTH,
    RED,
    band_height,
    finish,
    inline,
    multiline,
    no_data,
    pct,
    share_axis,
    wrap,
)
from dbv.report.model import Chart

KINDS = {"council": BLUE, "pooled, councils as clusters": RED, "pooled, naive": GREEN}


def forest_chart(rows: list[dict[str, Any]], title: str, key: str) -> Chart:
    """``rows``: label, p, low, high, kind (a key of ``KINDS``), in the order to draw."""
    data = [dict(r, _label=wrap(str(r["label"]), 30)) for r in rows if r.get("p") is not None]
    if not data:
        return no_data(key, title)
    order = [r["_label"] for r in data]
    y = alt.Y("_label:N", sort=order, title=None, axis=multiline())
    colour = alt.Color(
        "kind:N",
        title="Estimate",
        scale=alt.Scale(domain=list(KINDS), range=list(KINDS.values())),
    )
    base = alt.Chart(inline(data)).encode(y=y, color=colour)
    x_low = alt.X("low:Q", scale=alt.Scale(domain=[0, 1]), axis=share_axis("Proportion (%)"))
    rule = base.mark_rule(strokeWidth=2).encode(x=x_low, x2="high:Q")
    point = base.mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X("p:Q", scale=alt.Scale(domain=[0, 1])),
        shape=alt.Shape("kind:N", legend=None, scale=alt.Scale(
            domain=list(KINDS), range=["circle", "diamond", "square"])),
    )  # fmt: skip
    layers: list[Any] = [rule, point]
    pooled = next((r for r in data if r["kind"] == "pooled, councils as clusters"), None)
    if pooled is not None:
        line = alt.Chart(inline([{"p": pooled["p"]}])).mark_rule(
            strokeDash=[4, 3], color=BLACK, opacity=0.5
        )
        layers.insert(0, line.encode(x="p:Q"))
    councils = [r for r in data if r["kind"] == "council"]
    text = f"{len(councils)} councils' shares with their 90% intervals"
    if councils:
        lo, hi = min(councils, key=lambda r: r["p"]), max(councils, key=lambda r: r["p"])
        text += f", from {pct(lo['p'])} ({lo['label']}) to {pct(hi['p'])} ({hi['label']})"
    for r in data:
        if r["kind"] != "council":
            text += f"; {r['kind']}: {pct(r['p'])} (interval {pct(r['low'])} to {pct(r['high'])})"
    return finish(alt.layer(*layers), key, title, text + ".", width=PLOT_WIDTH,
                  height=band_height(order))  # fmt: skip


__all__ = ["forest_chart", "KINDS", "GREEN", "RED"]
