"""Shared pieces of the report charts: page width, GOV.UK colours, fonts, inline data, number
formats for the text alternatives and the "no data" chart. See :mod:`dbv.report.charts`."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import altair as alt
import polars as pl

from dbv.charts import GOVUK_COLOURS
from dbv.report.model import Chart

WIDTH = 560  # px: an A4 portrait text column at 96 dpi (whole chart, axes included)
PLOT = WIDTH - 70  # plot area of a chart with a numeric y axis
LABEL_WIDTH = 200  # px kept for long axis labels on horizontal charts
PLOT_WIDTH = WIDTH - LABEL_WIDTH - 20  # plot area of a chart with long labels on the left
BLACK, GREY, LIGHT_GREY, MID_GREY = "#0b0c0c", "#505a5f", "#b1b4b6", "#8a8f92"
BLUE, RED, GREEN, ORANGE = "#1d70b8", "#d4351c", "#00703c", "#f47738"
FONT = "Arial, Helvetica, sans-serif"
BREAK = "|"  # splits an axis label over lines (see ``multiline``)
NO_DATA = "No data to show: the figures are missing or withheld to protect small numbers"

__all__ = [
    "BLACK",
    "BLUE",
    "BREAK",
    "band_height",
    "GOVUK_COLOURS",
    "GREEN",
    "GREY",
    "LABEL_WIDTH",
    "LIGHT_GREY",
    "MID_GREY",
    "ORANGE",
    "PLOT",
    "PLOT_WIDTH",
    "RED",
    "WIDTH",
    "count",
    "finish",
    "humanise",
    "label",
    "lines",
    "money",
    "money_axis",
    "multiline",
    "no_data",
    "pct",
    "records",
    "wrap",
]


def records(rows: Iterable[Mapping[str, Any]], needed: Iterable[str]) -> list[dict[str, Any]]:
    """JSON-ready copies of the rows whose ``needed`` values are all present and finite (dates
    become ISO strings), so withheld or missing figures are left out, never drawn as 0."""
    keys = list(needed)
    out = []
    for row in rows:
        if all(_present(row.get(k)) for k in keys):
            out.append({k: _json(v) for k, v in row.items()})
    return out


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and not math.isfinite(v))


def _json(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def frame_rows(frame: pl.DataFrame, needed: Iterable[str]) -> list[dict[str, Any]]:
    """``records`` of a frame; an empty frame (even without its columns) gives no rows."""
    if frame.is_empty():
        return []
    return records(frame.to_dicts(), needed)


def inline(rows: list[dict[str, Any]]) -> Any:
    """Vega-Lite inline data (values, never a URL)."""
    return alt.InlineData(values=rows)


def finish(
    chart: Any,
    key: str,
    title: str,
    alt_text: str,
    width: int | None = PLOT,
    height: int = 300,
    legend_columns: int = 3,
) -> Chart:
    """The report :class:`Chart`: title, size, fonts and GOV.UK styling, data inline."""
    sized = chart if width is None else chart.properties(width=width, height=height)
    styled = sized.properties(
        title=alt.TitleParams(title, anchor="start", fontSize=14, color=BLACK, offset=10)
    ).configure(font=FONT, background="white", padding=8)
    styled = (
        styled.configure_axis(
            labelFontSize=11,
            titleFontSize=12,
            labelColor=BLACK,
            titleColor=BLACK,
            titleFontWeight="normal",
            gridColor="#e5e6e7",
            domainColor=GREY,
            tickColor=GREY,
        )
        .configure_legend(
            labelFontSize=11,
            titleFontSize=12,
            orient="bottom",
            direction="horizontal",
            columns=legend_columns,
            labelLimit=260,
            titleFontWeight="normal",
            symbolStrokeWidth=2,
        )
        .configure_view(stroke=None)
        .configure_header(labelFontSize=11, titleFontSize=12)
    )
    spec: dict[str, Any] = styled.to_dict()
    return Chart(key=key, title=title, spec=spec, alt=alt_text)


def no_data(key: str, title: str, what: str = "") -> Chart:
    """A valid chart holding only a "no data" message (for an empty or fully withheld input)."""
    text = alt.Chart(inline([{"text": NO_DATA}])).mark_text(fontSize=12, color=GREY, align="center")
    chart = text.encode(text=alt.Text("text:N"))
    about = f" {what}" if what else ""
    return finish(chart, key, title, f"No data to show{about}: {NO_DATA[14:]}.", height=80)


def count(v: float) -> str:
    """A count as text: 3,522."""
    return f"{v:,.0f}"


def num(v: float, digits: int = 1) -> str:
    return f"{v:,.{digits}f}"


def pct(v: float, digits: int = 0) -> str:
    """A share 0-1 as a percentage: 45%."""
    return f"{100 * v:.{digits}f}%"


def money(v: float) -> str:
    """Pounds in short form: £12.3m, £450k, £900, -£1.2m."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    if a >= 1e6:
        body = f"£{a / 1e6:,.1f}m"
    elif a >= 1e3:
        body = f"£{a / 1e3:,.0f}k"
    else:
        body = f"£{a:,.0f}"
    return sign + body


def money_axis(values: Iterable[float]) -> str:
    """A Vega label expression printing pounds as £12m, £450k or £900 for this range."""
    top = max((abs(v) for v in values), default=0.0)
    scale, suffix = (1e6, "m") if top >= 1e6 else (1e3, "k") if top >= 2e3 else (1.0, "")
    body = f"format(abs(datum.value) / {scale:g}, ',.1~f')"
    return f"(datum.value < 0 ? '-£' : '£') + {body} + '{suffix}'"


def humanise(code: str) -> str:
    """A code as words: 'sen_support_first' -> 'Sen support first'."""
    words = [ACRONYMS.get(w, w) for w in str(code).replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


ACRONYMS = {
    a.lower(): a
    for a in (
        "SEN",
        "SEND",
        "EHC",
        "EHCP",
        "SENCO",
        "CAMHS",
        "LA",
        "AP",
        "PRU",
        "INMSS",
        "SLCN",
        "SEMH",
        "ASD",
        "MLD",
        "SLD",
        "PMLD",
    )
}


@cache
def _engagement_labels() -> dict[str, dict[str, str]]:
    from dbv.module2.engagement import schema

    s = schema()
    return {name: dict(s.code_list(name)) for name in s.codes}


GROUPS = {"parent_carer": "parents and carers", "school_staff": "school staff", "all": "all"}


def label(code_list: str, code: Any) -> str:
    """The engagement schema's label for a code (humanised code if the list has none)."""
    if code_list == "respondent_group" and code in GROUPS:
        return GROUPS[str(code)]
    try:
        labels = _engagement_labels().get(code_list, {})
    except Exception:  # noqa: BLE001 - labels are cosmetic; never fail a chart for them
        labels = {}
    return labels.get(str(code), humanise(str(code)))


def wrap(text: str, width: int = 34) -> str:
    """``text`` broken into lines of about ``width`` characters, joined by BREAK."""
    return BREAK.join(textwrap.wrap(text, width) or [text])


def lines(text: str, tail: str = "", width: int = 34) -> str:
    """An axis label: ``text`` wrapped, then ``tail`` (e.g. "parents and carers (n = 234)")
    on its own line when given."""
    return wrap(text, width) + (BREAK + tail if tail else "")


def band_height(labels: list[str], extra: int = 0) -> int:
    """Plot height for one band per label, tall enough for the longest multi-line label."""
    most = max((label.count(BREAK) + 1 for label in labels), default=1)
    return max(60, (max(24, 12 * most + 10) + extra) * len(labels))


def multiline(**kw: Any) -> Any:
    """An axis whose labels split at BREAK onto several lines."""
    return alt.Axis(labelExpr=f"split(datum.value, '{BREAK}')", labelLimit=LABEL_WIDTH, **kw)


def share_axis(title: str, **kw: Any) -> Any:
    return alt.Axis(title=title, format=".0%", **kw)


def order_of(values: Iterable[Any]) -> list[Any]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values))
