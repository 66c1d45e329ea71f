"""Report chart specs built from real library outputs on the synthetic LA: each renders to SVG
with vl-convert, holds its data inline, has a text alternative quoting the data, drops null
(withheld) rows and gives a valid "no data" chart for an empty input."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import vl_convert as vlc

from dbv.dataret.reader import read_return
from dbv.dataret.schema import load_schema
from dbv.errors import UsageError
from dbv.fixtures import cached_return
from dbv.module2 import capacity, surveys, variation
from dbv.module3 import load_plan, plan_tables
from dbv.module3.gantt import gantt
from dbv.module3.grant import by_category
from dbv.module3.risks import heat_map
from dbv.report import charts as C
from dbv.report.charts_base import count, money
from dbv.report.model import Chart
from dbv.synth.engagement import schema_path

SCENARIO = Path(__file__).resolve().parents[2] / "src/dbv/scenarios/library/anyshire_inclusion.yaml"


@dataclass(frozen=True)
class Inputs:
    frames: dict[str, pl.DataFrame]
    run: dict[str, Any]


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    from dbv.scenarios.run import run_person
    from dbv.scenarios.spec import load_scenario

    d = cached_return(tmp_path_factory.getbasetemp() / "synth")
    t = read_return(d / "engagement", load_schema(schema_path())).typed
    ret = read_return(d)
    plan = plan_tables(load_plan(d / "plan"))
    funnel = variation.school_funnel(ret.typed("school_census"), 2025)
    frames = {
        "likert": surveys.likert(t("survey_response"), t("likert_response")),
        "awareness": surveys.awareness(t("survey_response"), t("service_awareness")),
        "readiness": surveys.readiness(t("survey_response"), t("readiness")),
        "funnel": funnel,
        "curve": variation.funnel_curve(
            float(funnel["pooled_rate"][0]),
            int(funnel["pupils"].max()),  # type: ignore[arg-type]
        ),
        "ages": variation.age_peaks(
            ret.typed("person"), ret.typed("named_plan"), ret.typed("sen_need")
        ),
        "capacity": capacity.demand_capacity(t("service_capacity")),
        "gantt": gantt(plan["workstream"], plan["activity"], plan["milestone"]),
        "heat": heat_map(plan["risk"]),
        "grant": by_category(plan["grant_line"]),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        run = run_person(d, 2025, 3, 100, 1, load_scenario(SCENARIO))
    return Inputs(frames, run)


def _history() -> list[dict[str, Any]]:
    return [{"year": 2021 + i, "value": v} for i, v in enumerate([2900.0, 3100.0, 3300.0, 3584.0])]


def _benefits(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"financial_year": y["financial_year"], "lever": lv["lever"], "value": y["p50"]}
        for lv in run["benefits_profile"]["levers"]
        for y in lv["by_year"]
    ]


def _props() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "reason": ["Partnership working", "Timing or delay", "Workforce skills"] * 2,
            "p": [0.31, 0.52, 0.2, 0.35, 0.45, 0.12],
            "low": [0.2, 0.4, 0.1, 0.25, 0.3, 0.05],
            "high": [0.4, 0.6, 0.3, 0.5, 0.6, 0.2],
            "rater": ["panel"] * 3 + ["parent"] * 3,
        }
    )


def _paths(run: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "Unmitigated": run["unmitigated"]["finance"]["cumulative_balance"],
        "Mitigated": run["mitigated"]["finance"]["cumulative_balance"],
    }


Build = Callable[[Inputs], Chart]

# name -> (build from the real outputs, a figure from the data the text alternative must quote)
CASES: dict[str, tuple[Build, Callable[[Inputs], str]]] = {
    "fan": (
        lambda i: C.fan_chart(_history(), i.run["total"], "EHC plans", "EHC plans (number)", "fan"),
        lambda i: count(i.run["total"][-1]["p50"]),
    ),
    "paths": (
        lambda i: C.paths_chart(_paths(i.run), "Balance", "Cumulative balance (£)", "paths"),
        lambda i: money(i.run["mitigated"]["finance"]["cumulative_balance"][-1]["p50"]),
    ),
    "stacked": (
        lambda i: C.stacked_bars(
            _benefits(i.run),
            "financial_year",
            "lever",
            "value",
            "Benefits",
            "Saving (£)",
            "b",
            money=True,
        ),  # fmt: skip
        lambda i: i.run["benefits_profile"]["levers"][0]["by_year"][-1]["financial_year"],
    ),
    "tornado": (
        lambda i: C.tornado_chart(i.run["tornado"], "Sensitivity", "tornado"),
        lambda i: money(
            max(i.run["tornado"], key=lambda r: abs(r["swing_p50"]))["savings_high"]["p50"]
        ),
    ),  # fmt: skip
    "proportions": (
        lambda i: C.proportions_chart(_props(), "reason", "Reasons", "props", group="rater"),
        lambda i: "52%",
    ),
    "likert": (
        lambda i: C.likert_chart(i.frames["likert"], "Views", "likert"),
        lambda i: "(n = ",
    ),
    "awareness": (
        lambda i: C.awareness_chart(i.frames["awareness"], "Awareness", "aware"),
        lambda i: "12 services",
    ),
    "readiness": (
        lambda i: C.readiness_chart(i.frames["readiness"], "Readiness", "ready"),
        lambda i: f"{float(i.frames['readiness']['mean'].max()):.1f}",  # type: ignore[arg-type]
    ),
    "funnel": (
        lambda i: C.funnel_chart(i.frames["funnel"], i.frames["curve"], "Funnel", "funnel"),
        lambda i: f"Of {i.frames['funnel']['rate'].drop_nulls().len()} schools",
    ),
    "ages": (
        lambda i: C.age_peaks_chart(i.frames["ages"], "Ages", "ages"),
        lambda i: "peak at age",
    ),
    "capacity": (
        lambda i: C.demand_capacity_chart(i.frames["capacity"], "Capacity", "dc"),
        lambda i: f"{i.frames['capacity']['service'].n_unique()} services",
    ),
    "gantt": (
        lambda i: C.gantt_chart(i.frames["gantt"], "Plan", "gantt", today=dt.date(2026, 3, 1)),
        lambda i: f"{i.frames['gantt'].height} activities",
    ),
    "heat": (
        lambda i: C.heat_map_chart(i.frames["heat"], "Risks", "heat"),
        lambda i: f"{i.frames['heat']['residual'].sum()} open risks",
    ),
    "grant": (
        lambda i: C.grant_chart(i.frames["grant"], "Grant", "grant"),
        lambda i: money(float(i.frames["grant"]["amount"].sum())),
    ),
}


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def data_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline data row of a spec (top-level datasets and layer/facet data)."""
    rows = [r for v in spec.get("datasets", {}).values() for r in v]
    rows += [r for k, v in _walk(spec) if k == "values" and isinstance(v, list) for r in v]
    return [r for r in rows if isinstance(r, dict)]


def check(chart: Chart) -> str:
    """Renders to SVG with inline data only; returns the SVG."""
    assert chart.spec and chart.key and chart.title
    assert not any(k == "url" for k, _ in _walk(chart.spec)), "data must be inline"
    assert chart.alt.strip() and re.search(r"\d", chart.alt), chart.alt
    svg: str = vlc.vegalite_to_svg(chart.spec)
    width = float(re.search(r'width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert width <= 640, f"{chart.key} is {width:.0f} px wide: too wide for A4 portrait"
    return svg


@pytest.mark.parametrize("name", list(CASES))
def test_chart_renders_from_library_output(inputs: Inputs, name: str) -> None:
    build, figure = CASES[name]
    chart = build(inputs)
    check(chart)
    assert figure(inputs) in chart.alt, chart.alt


# frame charts: (name of the input frame, value column nulled, the chart, key of the spec data
# rows to inspect)
FRAMES: dict[str, tuple[str, str, Callable[[pl.DataFrame, Inputs], Chart]]] = {
    "likert": ("likert", "x0", lambda f, i: C.likert_chart(f, "Views", "k")),
    "awareness": ("awareness", "share", lambda f, i: C.awareness_chart(f, "Aw", "k")),
    "readiness": ("readiness", "mean", lambda f, i: C.readiness_chart(f, "Ready", "k")),
    "funnel": ("funnel", "rate", lambda f, i: C.funnel_chart(f, i.frames["curve"], "F", "k")),
    "ages": ("ages", "plans", lambda f, i: C.age_peaks_chart(f, "Ages", "k")),
    "capacity": ("capacity", "demand", lambda f, i: C.demand_capacity_chart(f, "D", "k")),
    "gantt": ("gantt", "start", lambda f, i: C.gantt_chart(f, "Plan", "k")),
    "heat": ("heat", "likelihood", lambda f, i: C.heat_map_chart(f, "Risks", "k")),
    "grant": ("grant", "amount", lambda f, i: C.grant_chart(f, "Grant", "k")),
    "proportions": ("", "p", lambda f, i: C.proportions_chart(f, "reason", "P", "k", "rater")),
}


def _frame(inputs: Inputs, name: str) -> pl.DataFrame:
    return _props() if name == "" else inputs.frames[name]


@pytest.mark.parametrize("name", list(FRAMES))
def test_null_rows_are_dropped(inputs: Inputs, name: str) -> None:
    source, col, build = FRAMES[name]
    frame = _frame(inputs, source).with_row_index("_i")
    nulled = frame.with_columns(
        pl.when(pl.col("_i") == 0).then(None).otherwise(pl.col(col)).alias(col)
    ).drop("_i")
    chart = build(nulled, inputs)
    check(chart)
    assert all(r.get(col, 0) is not None for r in data_rows(chart.spec)), "a null row is drawn"


@pytest.mark.parametrize("name", list(FRAMES))
def test_empty_frame_gives_no_data_chart(inputs: Inputs, name: str) -> None:
    source, _, build = FRAMES[name]
    chart = build(_frame(inputs, source).clear(), inputs)
    svg = vlc.vegalite_to_svg(chart.spec)
    assert "No data to show" in svg and chart.alt.startswith("No data")


def test_empty_lists_give_no_data_charts() -> None:
    charts = [
        C.fan_chart([], [], "Fan", "EHC plans (number)", "a"),
        C.paths_chart({"Unmitigated": []}, "Paths", "£", "b"),
        C.stacked_bars([], "x", "c", "v", "Bars", "Number", "c"),
        C.tornado_chart([], "Tornado", "d"),
        C.heat_map_chart(pl.DataFrame(), "Heat", "e"),
    ]
    for chart in charts:
        assert "No data to show" in vlc.vegalite_to_svg(chart.spec)


def test_list_inputs_drop_nulls(inputs: Inputs) -> None:
    bands = [dict(r) for r in inputs.run["total"]]
    bands[-1]["p50"] = None
    fan = C.fan_chart([*_history(), {"year": 2025, "value": None}], bands, "F", "Plans", "f")
    check(fan)
    years = {r["year"] for r in data_rows(fan.spec) if "value" in r}
    assert 2025 not in years and bands[-1]["year"] not in {r["year"] for r in data_rows(fan.spec)}
    # the fan starts at the last actual value, so the forecast joins the history
    assert any(r.get("p50") == 3584.0 for r in data_rows(fan.spec))
    tornado = [*inputs.run["tornado"], {"lever": "x", "savings_low": {"p50": None}}]
    assert "X" not in str(data_rows(C.tornado_chart(tornado, "T", "t").spec))
    rows = [{"x": 1, "c": "state_special", "v": 2.0}, {"x": 1, "c": "inmss", "v": None}]
    bars = C.stacked_bars(rows, "x", "c", "v", "Bars", "Number", "s")
    assert [r["c"] for r in data_rows(bars.spec) if "c" in r] == ["State special"]


def test_heat_map_which_and_gantt_today(inputs: Inputs) -> None:
    heat = inputs.frames["heat"]
    before = C.heat_map_chart(heat, "Risks", "h", which="inherent")
    assert f"{heat['inherent'].sum()} open risks before mitigation" in before.alt
    with pytest.raises(UsageError):
        C.heat_map_chart(heat, "Risks", "h", which="both")
    plain = C.gantt_chart(inputs.frames["gantt"], "Plan", "g")
    assert "Today" not in vlc.vegalite_to_svg(plain.spec)
    dated = C.gantt_chart(inputs.frames["gantt"], "Plan", "g", today=dt.date(2026, 3, 1))
    assert "Today" in vlc.vegalite_to_svg(dated.spec)


def test_money_axis_and_labels(inputs: Inputs) -> None:
    svg = check(C.paths_chart(_paths(inputs.run), "Balance", "Cumulative balance (£)", "p"))
    assert re.search(r"-£\d+m", svg), "money axis labels like -£80m"
    svg = check(C.likert_chart(inputs.frames["likert"], "Views", "l"))
    assert "Agencies work together well" in svg and "parents and carers (n = " in svg
    labelled = C.tornado_chart(inputs.run["tornado"], "T", "t", labels={"sen_support_first": "Z"})
    assert "Z" in {r.get("lever") for r in data_rows(labelled.spec)}
