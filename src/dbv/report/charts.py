"""Chart specs for the diagnostic pack: each function returns a :class:`~dbv.report.model.Chart`
holding a static Vega-Lite spec (data inline, about 560 px wide for A4 portrait, GOV.UK colours)
and a plain-English text alternative computed from the data.

Every function drops rows whose value is missing or withheld (small counts) rather than drawing
them as 0, and returns a "no data" chart when nothing is left. This module holds the forecast
and generic charts; module 2 (engagement, variation, capacity) charts are in
:mod:`dbv.report.charts_module2` and module 3 (plan) charts in :mod:`dbv.report.charts_module3`,
all re-exported here.
"""

from __future__ import annotations

import contextlib
from typing import Any

import altair as alt

from dbv.report.charts_base import (
    BLACK,
    BLUE,
    GOVUK_COLOURS,
    PLOT_WIDTH,
    RED,
    count,
    finish,
    humanise,
    inline,
    money,
    money_axis,
    no_data,
    order_of,
    records,
)
from dbv.report.charts_module2 import (
    awareness_chart,
    likert_chart,
    proportions_chart,
    readiness_chart,
)
from dbv.report.charts_module3 import gantt_chart, grant_chart, heat_map_chart
from dbv.report.charts_variation import age_peaks_chart, demand_capacity_chart, funnel_chart
from dbv.report.model import Chart

__all__ = [
    "age_peaks_chart",
    "awareness_chart",
    "demand_capacity_chart",
    "fan_chart",
    "funnel_chart",
    "gantt_chart",
    "grant_chart",
    "heat_map_chart",
    "likert_chart",
    "paths_chart",
    "proportions_chart",
    "readiness_chart",
    "stacked_bars",
    "tornado_chart",
]

QUANTILES = ("p05", "p10", "p50", "p90", "p95")
PATH_COLOURS = [RED, BLUE, *[c for c in GOVUK_COLOURS if c not in (RED, BLUE)]]


def _fmt(money_: bool) -> Any:
    return money if money_ else count


def _subject(y_title: str) -> str:
    """'EHC plans (number)' -> 'EHC plans'."""
    return y_title.split(" (")[0].strip() or "The value"


def fan_chart(
    history: list[dict[str, Any]],
    bands: list[dict[str, Any]],
    title: str,
    y_title: str,
    key: str,
    money: bool = False,
    x_title: str = "January",
) -> Chart:
    """Actual values (solid line with points) then the forecast: 90% (light) and 80% (darker)
    prediction intervals and the median (dashed)."""
    hist = sorted(records(history, ["year", "value"]), key=lambda r: r["year"])
    fan = sorted(records(bands, ["year", *QUANTILES]), key=lambda r: r["year"])
    if not hist and not fan:
        return no_data(key, title)
    fmt = _fmt(money)
    if hist and fan and fan[0]["year"] > hist[-1]["year"]:  # start the fan at the last actual
        last = hist[-1]
        fan = [{"year": last["year"], **dict.fromkeys(QUANTILES, last["value"])}, *fan]
    names = ["Actual", "Median forecast", "80% prediction interval", "90% prediction interval"]
    scale = alt.Scale(domain=names, range=[BLACK, BLUE, "#8eb8dc", "#d2e2f1"])
    colour = alt.Color("series:N", scale=scale, title=None)
    x = alt.X("year:Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1))
    y_axis = alt.Axis(labelExpr=money_axis(r["p95"] for r in fan)) if money else alt.Axis()
    fan_data = inline(fan)
    layers: list[Any] = []
    for lo, hi, name in (("p05", "p95", names[3]), ("p10", "p90", names[2])):
        band = alt.Chart(fan_data).transform_calculate(series=f"'{name}'").mark_area()
        layers.append(
            band.encode(
                x=x, y=alt.Y(f"{lo}:Q", title=y_title, axis=y_axis), y2=f"{hi}:Q", color=colour
            )
        )
    if fan:
        median = alt.Chart(fan_data).transform_calculate(series=f"'{names[1]}'")
        layers.append(
            median.mark_line(strokeDash=[6, 4], strokeWidth=2).encode(
                x=x, y=alt.Y("p50:Q", title=y_title), color=colour
            )
        )
    if hist:
        actual = alt.Chart(inline(hist)).transform_calculate(series=f"'{names[0]}'")
        layers.append(
            actual.mark_line(point=True, strokeWidth=2).encode(
                x=x, y=alt.Y("value:Q", title=y_title, axis=y_axis), color=colour
            )
        )
    sentences = []
    what = _subject(y_title)
    when = "January " if x_title == "January" else ""
    if hist and fan:
        v0, end = hist[0], fan[-1]
        verb = "rise" if end["p50"] > v0["value"] else "fall" if end["p50"] < v0["value"] else "go"
        sentences.append(
            f"{what} {verb} from {fmt(v0['value'])} in {when}{v0['year']} to a median of "
            f"{fmt(end['p50'])} in {when}{end['year']} (80% interval {fmt(end['p10'])} to "
            f"{fmt(end['p90'])}; 90% interval {fmt(end['p05'])} to {fmt(end['p95'])})."
        )
    elif hist:
        v0, v1 = hist[0], hist[-1]
        sentences.append(
            f"{what}: {fmt(v0['value'])} in {when}{v0['year']} and {fmt(v1['value'])} in "
            f"{when}{v1['year']}; no forecast is shown."
        )
    else:
        end = fan[-1]
        sentences.append(
            f"{what}: a median forecast of {fmt(end['p50'])} in {when}{end['year']} (80% "
            f"interval {fmt(end['p10'])} to {fmt(end['p90'])})."
        )
    return finish(alt.layer(*layers), key, title, " ".join(sentences))


def paths_chart(
    series: dict[str, list[dict[str, Any]]], title: str, y_title: str, key: str, money: bool = True
) -> Chart:
    """Named forecast paths by financial year: the median line and the 80% band of each."""
    rows = [
        {**r, "series": name}
        for name, values in series.items()
        for r in records(values, ["financial_year", "p10", "p50", "p90"])
    ]
    if not rows:
        return no_data(key, title)
    fmt = _fmt(money)
    names = order_of(r["series"] for r in rows)
    years = sorted(order_of(r["financial_year"] for r in rows))
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=PATH_COLOURS[: len(names)]),
        title=None,
        legend=alt.Legend(symbolOpacity=1, symbolType="stroke"),
    )
    extent = [v for r in rows for v in (r["p10"], r["p90"])]
    axis = alt.Axis(labelExpr=money_axis(extent)) if money else alt.Axis(format=",.0f")
    x = alt.X("financial_year:O", title="Financial year", sort=years, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(inline(rows))
    band = base.mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("p10:Q", title=y_title, axis=axis), y2="p90:Q", color=colour
    )
    line = base.mark_line(point=True, strokeWidth=2).encode(x=x, y="p50:Q", color=colour)
    last = years[-1]
    parts = [
        f"{name} {fmt(r['p50'])} (80% interval {fmt(r['p10'])} to {fmt(r['p90'])})"
        for name in names
        for r in rows
        if r["series"] == name and r["financial_year"] == last
    ]
    text = f"{_subject(y_title)} from {years[0]} to {last}, median with 80% intervals. "
    text += f"In {last}: " + "; ".join(parts) + "."
    return finish(alt.layer(band, line), key, title, text)


def stacked_bars(
    rows: list[dict[str, Any]],
    x: str,
    colour: str,
    value: str,
    title: str,
    y_title: str,
    key: str,
    money: bool = False,
    x_title: str | None = None,
    colour_title: str | None = None,
) -> Chart:
    """Bars of ``value`` per ``x``, stacked by ``colour`` (negative parts stack below 0)."""
    data = records(rows, [x, colour, value])
    if not data:
        return no_data(key, title)
    fmt = _fmt(money)
    xs = order_of(r[x] for r in data)
    with contextlib.suppress(TypeError):
        xs = sorted(xs)
    for r in data:  # codes such as 'state_special' in words for the legend
        v = r[colour]
        if isinstance(v, str) and " " not in v and v == v.lower():
            r[colour] = humanise(v)
    parts = order_of(r[colour] for r in data)
    rank = {p: i for i, p in enumerate(parts)}
    for r in data:
        r["_order"] = rank[r[colour]]
    palette = (GOVUK_COLOURS * (len(parts) // len(GOVUK_COLOURS) + 1))[: len(parts)]
    axis = alt.Axis(labelExpr=money_axis(r[value] for r in data)) if money else alt.Axis()
    longest = max(len(str(p)) for p in parts)
    columns = 1 if longest > 40 else 2 if longest > 22 else 3
    chart = (
        alt.Chart(inline(data))
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title or humanise(x), sort=xs, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{value}:Q", title=y_title, stack="zero", axis=axis),
            color=alt.Color(
                f"{colour}:N",
                title=colour_title or humanise(colour),
                scale=alt.Scale(domain=parts, range=palette),
            ),
            order=alt.Order("_order:Q"),
        )
    )
    totals = {k: sum(r[value] for r in data if r[x] == k) for k in xs}
    first, last = xs[0], xs[-1]
    top = max((r for r in data if r[x] == last), key=lambda r: r[value])
    text = f"{_subject(y_title)}: {fmt(totals[first])} in {first}"
    text += f" and {fmt(totals[last])} in {last}." if last != first else "."
    text += f" The largest part in {last} is {top[colour]} ({fmt(top[value])})."
    return finish(chart, key, title, text, legend_columns=columns)


def tornado_chart(
    rows: list[dict[str, Any]], title: str, key: str, labels: dict[str, str] | None = None
) -> Chart:
    """Median savings with each lever at its low and at its high size, widest swing on top;
    ``labels`` maps lever codes to names (else the row's ``label`` or the code in words)."""
    data = []
    for r in rows:
        low, high = (r.get(k) or {} for k in ("savings_low", "savings_high"))
        lo, hi = low.get("p50"), high.get("p50")
        if lo is None or hi is None:
            continue
        code = str(r.get("lever", ""))
        name = (labels or {}).get(code) or r.get("label") or humanise(code)
        swing = abs(hi - lo)
        data.append(
            {
                "lever": name,
                "low": min(lo, hi),
                "high": max(lo, hi),
                "swing": swing,
                "low_text": money(min(lo, hi)),
                "high_text": money(max(lo, hi)),
            }
        )
    if not data:
        return no_data(key, title)
    data.sort(key=lambda r: -r["swing"])
    order = [r["lever"] for r in data]
    base = alt.Chart(inline(data)).encode(
        y=alt.Y("lever:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
    )
    axis = alt.Axis(labelExpr=money_axis([*(r["low"] for r in data), *(r["high"] for r in data)]))
    bars = base.mark_bar(color=BLUE, height=16).encode(
        x=alt.X("low:Q", title="Median savings over the forecast (£)", axis=axis), x2="high:Q"
    )
    lo_text = base.mark_text(align="right", dx=-4, fontSize=11, color=BLACK).encode(
        x="low:Q", text="low_text:N"
    )
    hi_text = base.mark_text(align="left", dx=4, fontSize=11, color=BLACK).encode(
        x="high:Q", text="high_text:N"
    )
    top = data[0]
    text = (
        f"Savings are most sensitive to {top['lever']}: from {top['low_text']} to "
        f"{top['high_text']} between its low and high size (a swing of {money(top['swing'])})."
    )
    if len(data) > 1:
        low = data[-1]
        text += f" They are least sensitive to {low['lever']} (a swing of {money(low['swing'])})."
    height = max(80, 28 * len(data))
    return finish(
        alt.layer(bars, lo_text, hi_text), key, title, text, width=PLOT_WIDTH, height=height
    )
