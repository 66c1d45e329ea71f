"""Chart specs (Altair / Vega-Lite): one spec for web, HTML and PDF; static files via vl-convert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from dbv.errors import DbvError

GOVUK_COLOURS = [
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#f47738",
    "#4c2c92",
    "#b58840",
    "#28a197",
    "#f499be",
    "#6f72af",
    "#912b88",
    "#85994b",
    "#505a5f",
]


def caseload_with_neighbours(rows: list[dict[str, Any]], la_name: str) -> alt.LayerChart:
    """Caseload indexed to 100 in a base year: the LA (bold), its neighbours (grey), England."""
    df = pl.DataFrame(
        rows, schema={"area": pl.String, "year": pl.Int64, "index": pl.Float64, "role": pl.String}
    )
    base = alt.Chart(df).encode(
        x=alt.X("year:O", title="January"),
        y=alt.Y("index:Q", title="EHC plans (base year = 100)"),
        detail="area:N",
        tooltip=["area:N", "year:O", alt.Tooltip("index:Q", format=".0f")],
    )
    neighbours = base.transform_filter(alt.datum.role == "neighbour").mark_line(
        color="#b1b4b6", strokeWidth=1
    )
    england = base.transform_filter(alt.datum.role == "england").mark_line(
        color="#0b0c0c", strokeDash=[4, 3], strokeWidth=2
    )
    own = base.transform_filter(alt.datum.role == "la").mark_line(
        color=GOVUK_COLOURS[0], strokeWidth=3, point=True
    )
    layered: alt.LayerChart = neighbours + england + own
    return layered.properties(
        title=f"{la_name}: EHC plans against neighbours (grey) and England (dashed)",
        width=560,
        height=320,
    )


def setting_mix(rows: list[dict[str, Any]], la_name: str) -> alt.Chart:
    df = pl.DataFrame(
        rows,
        schema={"year": pl.Int64, "setting": pl.String, "plans": pl.Float64, "order": pl.Int64},
    )
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="January"),
            y=alt.Y("plans:Q", title="EHC plans", stack="zero"),
            color=alt.Color(
                "setting:N",
                sort=alt.SortField("order"),
                scale=alt.Scale(range=GOVUK_COLOURS),
                title="Setting",
                legend=alt.Legend(labelLimit=400),
            ),
            order=alt.Order("order:Q"),
            tooltip=["year:O", "setting:N", alt.Tooltip("plans:Q", format=",.0f")],
        )
        .properties(title=f"{la_name}: EHC plans by setting", width=560, height=320)
    )
    return chart


def save(chart: alt.Chart | alt.LayerChart, path: Path) -> None:
    """Write a chart as .svg, .png or .json (the Vega-Lite spec) by the path's suffix."""
    import vl_convert as vlc

    spec = chart.to_json()
    try:
        if path.suffix == ".svg":
            path.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
        elif path.suffix == ".png":
            path.write_bytes(vlc.vegalite_to_png(spec, scale=2))
        elif path.suffix == ".json":
            path.write_text(spec, encoding="utf-8")
        else:
            raise DbvError(
                f"unknown chart format '{path.suffix}'", file=path, fix="use .svg, .png or .json"
            )
    except DbvError:
        raise
    except Exception as exc:  # noqa: BLE001 - vl-convert raises plain errors
        raise DbvError(f"could not render chart: {exc}", file=path) from None
