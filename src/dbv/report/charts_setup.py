"""Set-up charts: the stakeholder map (interest against influence)."""

from __future__ import annotations

import altair as alt
import polars as pl

from dbv.report.charts_base import BLUE, GREEN, GREY, ORANGE, finish, inline, no_data
from dbv.report.model import Chart

LEVELS = ["inform", "consult", "involve", "collaborate"]
COLOURS = [GREY, ORANGE, BLUE, GREEN]


def stakeholder_map(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """Each stakeholder group at (influence, interest), coloured by how it is engaged; the
    quadrants are the usual manage closely / keep satisfied / keep informed / monitor."""
    rows = frame.select("name", "interest", "influence", "engagement").drop_nulls().to_dicts()
    if not rows:
        return no_data(key, title, "stakeholder map")
    seen: dict[tuple[int, int], int] = {}
    for r in rows:  # groups at the same point: their labels stack downwards
        at = (r["interest"], r["influence"])
        r["label_y"] = r["interest"] - 0.22 * seen.get(at, 0)
        seen[at] = seen.get(at, 0) + 1
    data = inline(rows)
    base = alt.Chart(data).encode(
        x=alt.X("influence:Q", title="Influence (1 low to 5 high)",
                scale=alt.Scale(domain=[0.5, 5.5]), axis=alt.Axis(values=[1, 2, 3, 4, 5])),
        y=alt.Y("interest:Q", title="Interest (1 low to 5 high)",
                scale=alt.Scale(domain=[0.5, 5.5]), axis=alt.Axis(values=[1, 2, 3, 4, 5])),
    )  # fmt: skip
    points = base.mark_circle(size=140, opacity=0.9).encode(
        color=alt.Color("engagement:N", title="Engagement",
                        scale=alt.Scale(domain=LEVELS, range=COLOURS), sort=LEVELS)
    )  # fmt: skip
    labels = base.mark_text(align="left", dx=9, fontSize=9).encode(
        y=alt.Y("label_y:Q", scale=alt.Scale(domain=[0.5, 5.5])), text="name:N"
    )
    rule = alt.Chart(inline([{"v": 3}])).mark_rule(color="#b1b4b6", strokeDash=[4, 3])
    layered = rule.encode(x="v:Q") + rule.encode(y="v:Q") + points + labels
    close = sum(1 for r in rows if r["interest"] >= 4 and r["influence"] >= 4)
    alt_text = (
        f"{len(rows)} stakeholder groups by influence and interest; {close} have high influence "
        "and high interest (manage closely)."
    )
    return finish(layered, key, title, alt_text, height=320)
