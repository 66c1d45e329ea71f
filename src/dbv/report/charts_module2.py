"""Module 2 survey charts: Likert statements, service awareness and readiness for change (see
:mod:`dbv.report.charts`, which re-exports them)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from dbv.report.charts_base import (
    BLACK,
    BLUE,
    GOVUK_COLOURS,
    GREEN,
    GREY,
    LIGHT_GREY,
    MID_GREY,
    ORANGE,
    PLOT_WIDTH,
    RED,
    band_height,
    count,
    finish,
    frame_rows,
    humanise,
    inline,
    label,
    lines,
    multiline,
    no_data,
    num,
    order_of,
    pct,
    share_axis,
    wrap,
)
from dbv.report.model import Chart

LIKERT = ("strongly_disagree", "disagree", "neither", "agree", "strongly_agree")
LIKERT_COLOURS = [RED, "#f0a08f", LIGHT_GREY, "#8eb8dc", BLUE]
AWARENESS = ("not_aware", "aware", "can_access", "not_effective", "effective")
AWARENESS_NAMES = {  # short forms of the schema's labels, for the legend
    "not_aware": "Not aware",
    "aware": "Aware, cannot access",
    "can_access": "Can access",
    "not_effective": "Accessed, not effective",
    "effective": "Accessed and effective",
}
AWARENESS_COLOURS = [RED, ORANGE, "#28a197", "#b58840", GREEN]
WITHHELD = "Withheld (small numbers)"
CLASSES = {
    "strength": ("Strength", GREEN),
    "mixed": ("Mixed", MID_GREY),
    "barrier": ("Barrier", RED),
}


def _row_label(text: str, group: str, n: Any) -> tuple[str, str]:
    """The row as prose ("Agencies work together well — parents and carers (n = 234)") and as a
    multi-line axis label (the statement wrapped, then the group and n)."""
    who = "" if group == "all" else label("respondent_group", group)
    size = f"(n = {count(n)})" if n is not None else ""
    prose = f"{text} — {who} {size}" if who else f"{text} {size}"
    return prose.strip(), lines(text, f"{who} {size}".strip())


def likert_chart(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """Diverging bars of the five agreement levels per statement and group (disagreement left
    of 0, neither centred on 0, agreement right), from ``surveys.likert``."""
    rows = [r for r in frame_rows(frame, ["x0", "x1", "share"]) if r.get("kind") == "level"]
    if not rows:
        return no_data(key, title)
    names = [label("likert", m) for m in LIKERT]
    for r in rows:
        r["row"], r["_label"] = _row_label(
            label("statement", r["statement"]), r["respondent_group"], r["n"]
        )
        r["level"] = label("likert", r["measure"])
        r["_order"] = LIKERT.index(r["measure"]) if r["measure"] in LIKERT else 9
    order = order_of(r["_label"] for r in rows)
    bars = (
        alt.Chart(inline(rows))
        .mark_bar(height=18)
        .encode(
            y=alt.Y("_label:N", sort=order, title=None, axis=multiline()),
            x=alt.X(
                "x0:Q",
                title="Share of respondents, excluding don't know (%)",
                axis=alt.Axis(labelExpr="format(abs(datum.value), '.0%')"),
            ),
            x2="x1:Q",
            color=alt.Color(
                "level:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=LIKERT_COLOURS),
            ),
        )
    )
    zero = alt.Chart(inline([{"x": 0}])).mark_rule(color=BLACK).encode(x="x:Q")
    agree: dict[str, tuple[float, Any]] = {}
    for r in rows:
        if r["measure"] in ("agree", "strongly_agree"):
            prev = agree.get(r["row"], (0.0, r["n"]))[0]
            agree[r["row"]] = (prev + r["share"], r["n"])
    text = f"{len(order)} statement and group rows shown."
    everything = frame_rows(frame, ["statement", "respondent_group"])
    sets = {(r["statement"], r["respondent_group"]) for r in everything if r.get("kind") == "level"}
    hidden = len(sets) - len({(r["statement"], r["respondent_group"]) for r in rows})
    if hidden > 0:
        text += f" {hidden} more are not shown because small counts are withheld."
    if agree:
        hi = max(agree, key=lambda k: agree[k][0])
        lo = min(agree, key=lambda k: agree[k][0])
        text = (
            f"Agreement (agree or strongly agree) is highest for {hi}: {pct(agree[hi][0])}, "
            f"and lowest for {lo}: {pct(agree[lo][0])}. " + text
        )
    return finish(
        alt.layer(bars, zero), key, title, text, width=PLOT_WIDTH, height=band_height(order)
    )


def awareness_chart(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """100% bars of the five awareness levels per service (and group), from
    ``surveys.awareness``; withheld levels are pooled in a grey 'withheld' part at the end."""
    level = pl.col("kind") == "level"
    rows = frame_rows(frame.filter(level) if "kind" in frame.columns else frame, ["share"])
    if not rows:
        return no_data(key, title)
    names = [*AWARENESS_NAMES.values(), WITHHELD]
    shown: dict[str, float] = {}
    effective: dict[str, float] = {}
    for r in rows:
        r["name"] = label("service", r["service"])
        r["row"], r["_label"] = _row_label(r["name"], r["respondent_group"], r["n"])
        r["level"] = AWARENESS_NAMES.get(r["measure"], label("awareness", r["measure"]))
        r["_order"] = AWARENESS.index(r["measure"]) if r["measure"] in AWARENESS else 9
        shown[r["row"]] = shown.get(r["row"], 0.0) + r["share"]
        if r["measure"] == "effective":
            group = r["respondent_group"]
            who = "" if group == "all" else f", {label('respondent_group', group)}"
            effective[f"{r['name']}{who}, n = {count(r['n'])}"] = r["share"]
    labels = {r["row"]: r["_label"] for r in rows}
    for row, total in shown.items():
        if total < 0.995:
            rows.append(
                {"_label": labels[row], "level": WITHHELD, "share": 1 - total, "_order": 10}
            )
    order = order_of(r["_label"] for r in rows)
    chart = (
        alt.Chart(inline(rows))
        .mark_bar(height=18)
        .encode(
            y=alt.Y("_label:N", sort=order, title=None, axis=multiline()),
            x=alt.X(
                "share:Q",
                stack="zero",
                title="Share of respondents (%)",
                scale=alt.Scale(domain=[0, 1]),
                axis=share_axis(""),
            ),
            color=alt.Color(
                "level:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=[*AWARENESS_COLOURS, "#f3f2f1"]),
            ),
            order=alt.Order("_order:Q"),
        )
    )
    text = f"Awareness of {len(shown)} services."
    if effective:
        hi = max(effective, key=lambda k: effective[k])
        lo = min(effective, key=lambda k: effective[k])
        text = (
            f"The share saying a service is accessible and effective ranges from "
            f"{pct(effective[lo])} ({lo}) to {pct(effective[hi])} ({hi}). " + text
        )
    return finish(
        chart, key, title, text, width=PLOT_WIDTH, height=band_height(order), legend_columns=2
    )


def readiness_chart(frame: pl.DataFrame, title: str, key: str) -> Chart:
    """Mean rating (1 to 5) with its interval per readiness area, coloured strength, mixed or
    barrier, from ``surveys.readiness``; rows with too few answers are left out."""
    rows = frame_rows(frame, ["mean", "mean_low", "mean_high"])
    if not rows:
        return no_data(key, title)
    for r in rows:
        name = label("readiness_area", r["area"])
        r["_label"] = _row_label(name, r.get("respondent_group") or "all", r.get("n"))[1]
        r["class"] = CLASSES.get(r.get("classification") or "", ("Mixed", MID_GREY))[0]
        r["name"] = name
    order = order_of(r["_label"] for r in rows)
    names = [c[0] for c in CLASSES.values()]
    scale = alt.Scale(domain=[1, 5])
    base = alt.Chart(inline(rows)).encode(
        y=alt.Y("_label:N", sort=order, title=None, axis=multiline()),
        color=alt.Color(
            "class:N",
            title=None,
            sort=names,
            scale=alt.Scale(domain=names, range=[c[1] for c in CLASSES.values()]),
        ),
    )
    x = alt.X("mean_low:Q", scale=scale, title="Mean rating (1 = not ready, 5 = ready)")
    rule = base.mark_rule(strokeWidth=2).encode(x=x, x2="mean_high:Q")
    point = base.mark_point(filled=True, size=70, opacity=1).encode(x="mean:Q")
    mid = alt.Chart(inline([{"x": 3}])).mark_rule(color=GREY, strokeDash=[4, 3])
    hi, lo = max(rows, key=lambda r: r["mean"]), min(rows, key=lambda r: r["mean"])
    counts = {c: sum(r["class"] == c for r in rows) for c in names}
    text = (
        f"Mean readiness ratings range from {num(lo['mean'])} ({lo['name']}) to "
        f"{num(hi['mean'])} ({hi['name']}) on a 1 to 5 scale. "
        + f"Of {len(rows)} areas: "
        + ", ".join(f"{n} {c.lower()}" for c, n in counts.items() if n)
        + "."
    )
    chart = alt.layer(mid.encode(x="x:Q"), rule, point)
    return finish(chart, key, title, text, width=PLOT_WIDTH, height=band_height(order))


def proportions_chart(
    frame: pl.DataFrame, label: str, title: str, key: str, group: str | None = None
) -> Chart:
    """Proportions as points with their interval (a rule from low to high), one row per label,
    optionally coloured by ``group``; the x axis runs from 0 to 100%."""
    data = frame_rows(frame, [label, "p"])
    if not data:
        return no_data(key, title)
    for r in data:
        r["_label"] = wrap(str(r[label]))
        r["low"] = r["p"] if r.get("low") is None else r["low"]
        r["high"] = r["p"] if r.get("high") is None else r["high"]
    order = order_of(r["_label"] for r in data)
    y = alt.Y("_label:N", sort=order, title=None, axis=multiline())
    x = alt.X("p:Q", title="Proportion (%)", scale=alt.Scale(domain=[0, 1]))
    extra: dict[str, Any] = {}
    if group is not None:
        groups = [str(g) for g in order_of(r.get(group) for r in data)]
        for r in data:
            r[group] = str(r.get(group))
        scale = alt.Scale(domain=groups, range=GOVUK_COLOURS[: len(groups)])
        extra = {
            "color": alt.Color(f"{group}:N", title=humanise(group), scale=scale),
            "yOffset": alt.YOffset(f"{group}:N", sort=groups),
        }
    base = alt.Chart(inline(data)).encode(y=y, **extra)
    single: dict[str, Any] = {} if group is not None else {"color": BLUE}
    x_low = alt.X(
        "low:Q",
        title="Proportion (%)",
        scale=alt.Scale(domain=[0, 1]),
        axis=share_axis("Proportion (%)"),
    )
    rule = base.mark_rule(strokeWidth=2, **single).encode(x=x_low, x2="high:Q")
    point = base.mark_point(filled=True, size=60, opacity=1, **single).encode(x=x)
    hi, lo = max(data, key=lambda r: r["p"]), min(data, key=lambda r: r["p"])

    def say(r: dict[str, Any]) -> str:
        who = f"{r[group]}, " if group is not None else ""
        n = f"n = {count(r['n'])}; " if r.get("n") is not None else ""
        interval = f"interval {pct(r['low'])} to {pct(r['high'])}"
        return f"{r[label]} at {pct(r['p'])} ({who}{n}{interval})"

    text = f"{len(data)} proportions shown; the highest is {say(hi)}"
    text += f" and the lowest {say(lo)}." if len(data) > 1 else "."
    height = band_height(order, 14 if group is not None else 0)
    return finish(alt.layer(rule, point), key, title, text, width=PLOT_WIDTH, height=height)
