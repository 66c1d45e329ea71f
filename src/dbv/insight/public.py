"""`dbv insight --public`: every English LA's caseload forecast and its position against its
DfE statistical neighbours, from the published statistics alone (public-aggregate mode).

One fit of the public engine (:func:`dbv.forecast.public.simulate_public`) forecasts every
current LA; its draws are kept here too (and handed to ``forecast_public``) so that the
England total is summed inside each simulation (the engine's national shock is shared by
every LA in a draw, so adding the LAs' percentiles would overstate the band), and so that each
LA's difference from its neighbours has an interval of its own.

Growth "a year" is the compound rate from the last actual January to the horizon, worked out in
each simulation. The rate compared with neighbours is the share of pupils with an EHC plan
(school census, the benchmark :mod:`dbv.baseline.benchmarks` offers): the store reads no
population estimates, so a rate per 10,000 residents aged 0-25 is not available.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
import polars as pl

from dbv.baseline.benchmarks import newest_neighbours
from dbv.baseline.build import Context
from dbv.baseline.panel import NATIONAL_CODE
from dbv.errors import UsageError
from dbv.forecast.public import MODE, forecast_public, simulate_public
from dbv.geography import LA
from dbv.report.model import Assumption, Note, Pack, Section, Table, Text

Floats = np.ndarray[Any, np.dtype[np.float64]]
RATE_METRIC = "pct_pupils_ehcp"
TOP = 10  # LAs in each of the fastest / slowest growth lists
SOURCE = "public data"
BAND = (0.10, 0.50, 0.90)


@dataclass(frozen=True)
class PublicOptions:
    data_dir: Path
    sims: int = 200
    seed: int = 2025
    horizon: int = 5
    origin: int | None = None  # default: the latest January in the data


@dataclass
class PublicForecasts:
    """Every LA's forecast and neighbour position (one row per LA in ``frame``)."""

    origin: int
    horizon: int
    sims: int
    seed: int
    method: str
    frame: pl.DataFrame  # one row per current LA with a forecast (see ``_la_rows``)
    england: pl.DataFrame  # January, actual, p10, p50, p90, growth bands (summed per sim)
    england_published: float | None  # England's own published total at the origin
    neighbours: dict[str, list[str]]  # LA code -> neighbour codes used (rank order)
    neighbour_model: str | None
    rate_year: int | None
    excluded: list[str] = field(default_factory=list)  # current LAs with nothing to forecast
    finance_assumptions: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def public_section(
    pack: Pack,
    opts: PublicOptions,
    council_codes: set[str],
    progress: Callable[[str], None] | None = None,
) -> list[Assumption]:
    """Adds a Section (id "public") to ``pack.sections``; returns the assumptions to list in
    the pack; extends ``pack.sources`` with the public files used (dataset, file, sha256)."""
    from dbv.store import open_store

    say = progress or (lambda _stage: None)
    say("reading the published files")
    ctx = Context.build(open_store(opts.data_dir))
    return section_from_context(pack, ctx, opts, council_codes, say)


def section_from_context(
    pack: Pack,
    ctx: Context,
    opts: PublicOptions,
    council_codes: set[str],
    progress: Callable[[str], None] | None = None,
) -> list[Assumption]:
    """:func:`public_section` on a store already open (``ctx``)."""
    say = progress or (lambda _stage: None)
    fc = compute(ctx, opts, say)
    say("tables and chart")
    codes = resolve_councils(ctx, council_codes)
    build_section(pack, fc, codes, len(ctx.store.quality))
    seen = {s.get("sha256") for s in pack.sources}
    for s in ctx.store.sources:
        if s.sha256 not in seen:
            seen.add(s.sha256)
            pack.sources.append(
                {
                    "source": SOURCE,
                    "dataset": s.dataset,
                    "file": Path(s.path).name,
                    "sha256": s.sha256,
                }  # fmt: skip
            )
    return assumptions(fc)


def resolve_councils(ctx: Context, council_codes: Iterable[str]) -> set[str]:
    """DfE 3-digit codes of the councils (an ONS E-code is accepted too)."""
    by_e = {la.e_code: la.code for la in ctx.geo.current()}
    return {by_e.get(c.strip(), c.strip()) for c in council_codes}


# --- computing -----------------------------------------------------------------------------


def compute(
    ctx: Context, opts: PublicOptions, progress: Callable[[str], None] | None = None
) -> PublicForecasts:
    """Forecast every current LA and place it among its statistical neighbours."""
    say = progress or (lambda _stage: None)
    origin = opts.origin or ctx.geo.latest_year
    h = opts.horizon
    if opts.sims < 20:
        raise UsageError(f"{opts.sims} simulations are too few for an interval", fix="sims 200")
    say(f"forecasting every LA ({opts.sims:,} simulations)")
    run = simulate_public(ctx, origin, h, opts.sims, opts.seed)  # one fit, used twice below
    p, sims = run.panel, run.sims  # (n, LAs, h)
    las: list[LA] = []
    excluded: list[LA] = []
    for la in ctx.geo.current():
        ok = la.code in p.codes and bool(np.isfinite(sims[0, p.row(la.code), 0]))
        (las if ok else excluded).append(la)
    records = forecast_public(ctx, las, origin, h, opts.sims, opts.seed, run)
    actual = _caseload_at(ctx, origin)
    start = np.array(
        [actual.get(la.code, float(p.data["S"][p.row(la.code), p.col(origin)])) for la in las]
    )
    rows = np.array([p.row(la.code) for la in las], dtype=np.intp)
    paths: Floats = sims[:, rows, :]  # (n, LAs, h)
    growth = 100 * ((paths[:, :, -1] / start[None, :]) ** (1 / h) - 1)  # (n, LAs)
    say("statistical neighbours")
    nb_model, neighbours = _neighbours(ctx, [la.code for la in las])
    rate, rate_year = _rates(ctx)
    frame = _la_rows(las, records, start, growth, neighbours, rate)
    england = _england(paths, float(start.sum()), origin)
    published = _caseload_at(ctx, origin, level="national").get(NATIONAL_CODE)
    fin: dict[str, Any] = next((r["finance"] for r in records if r["finance"].get("available")), {})
    return PublicForecasts(
        origin=origin,
        horizon=h,
        sims=opts.sims,
        seed=opts.seed,
        method=run.alias,
        frame=frame,
        england=england,
        england_published=published,
        neighbours=neighbours,
        neighbour_model=nb_model,
        rate_year=rate_year,
        excluded=[la.name for la in excluded],
        finance_assumptions=list(fin.get("assumptions", [])),
        records=records,
    )


def _caseload_at(ctx: Context, year: int, level: str = "la") -> dict[str, float]:
    rows = ctx.panel.filter(
        (pl.col("metric") == "caseload") & (pl.col("year") == year) & (pl.col("level") == level)
    )
    return {c: float(v) for c, v in rows.select("code", "value").iter_rows() if v is not None}


def _neighbours(ctx: Context, codes: list[str]) -> tuple[str | None, dict[str, list[str]]]:
    """The newest DfE statistical-neighbour model: each LA's neighbours in rank order."""
    raw = ctx.store.table("statistical_neighbours")
    table = newest_neighbours(raw)
    model = None
    if raw is not None and not raw.is_empty() and "model" in raw.columns:
        model = str(raw["model"].cast(pl.String).max())
    out: dict[str, list[str]] = {c: [] for c in codes}
    if table is None:
        return model, out
    for la, _rank, nb in table.sort("la_code", "rank").iter_rows():
        if la in out:
            out[la].append(nb)
    return model, out


def _rates(ctx: Context) -> tuple[dict[str, dict[str, Any]], int | None]:
    """Each LA's share of pupils with a plan (%), its neighbours' median and its rank, as
    :func:`dbv.baseline.benchmarks.benchmark_table` worked them out."""
    rows = ctx.bench.filter(pl.col("metric") == RATE_METRIC)
    out = {r["la_code"]: r for r in rows.to_dicts()}
    years = rows["year"].drop_nulls()
    return out, int(years.max()) if len(years) else None  # type: ignore[arg-type]


def _q(x: Floats) -> tuple[float, float, float]:
    lo, mid, hi = np.quantile(x, BAND)
    return float(lo), float(mid), float(hi)


def _la_rows(
    las: list[LA],
    records: list[dict[str, Any]],
    start: Floats,
    growth: Floats,
    neighbours: dict[str, list[str]],
    rate: dict[str, dict[str, Any]],
) -> pl.DataFrame:
    col = {la.code: j for j, la in enumerate(las)}
    g50 = np.quantile(growth, 0.5, axis=0)
    rows = []
    for j, (la, rec) in enumerate(zip(las, records, strict=True)):
        last = rec["total"][-1]
        g10, gmid, g90 = _q(growth[:, j])
        nb = [col[c] for c in neighbours.get(la.code, []) if c in col]
        row: dict[str, Any] = {
            "la_code": la.code,
            "la": la.name,
            "region": la.region_name,
            "actual": float(start[j]),
            "year": int(last["year"]),
            "p10": last["p10"],
            "p50": last["p50"],
            "p90": last["p90"],
            "growth_p10": g10,
            "growth_p50": gmid,
            "growth_p90": g90,
            "neighbours": len(nb),
            "growth_nb_median": float(median(g50[nb])) if nb else None,
            "growth_diff_p10": None,
            "growth_diff_p50": None,
            "growth_diff_p90": None,
            "growth_rank": 1 + int((g50[nb] > g50[j]).sum()) if nb else None,
        }
        if nb:
            diff = growth[:, j] - np.median(growth[:, nb], axis=1)
            lo, mid, hi = _q(diff)
            row |= {"growth_diff_p10": lo, "growth_diff_p50": mid, "growth_diff_p90": hi}
        r = rate.get(la.code, {})
        value, nb_rate = r.get("value"), r.get("neighbours_median")
        row |= {
            "rate": value,
            "rate_nb_median": nb_rate,
            "rate_diff": None if value is None or nb_rate is None else value - nb_rate,
            "rate_rank": r.get("rank_neighbours") if value is not None else None,
            "rate_of": (r.get("neighbours_n") or 0) + 1 if value is not None else None,
        }
        fin = rec["finance"]
        bal = fin["in_year_balance"][-1] if fin.get("available") else {}
        row |= {
            "finance_year": bal.get("financial_year"),
            "balance_p10": bal.get("p10"),
            "balance_p50": bal.get("p50"),
            "balance_p90": bal.get("p90"),
            "finance_why": "" if fin.get("available") else fin.get("why", ""),
            "quality_warnings": sum(w.startswith("Data quality:") for w in rec["warnings"]),
        }
        rows.append(row)
    schema_over: dict[str, Any] = {
        k: pl.Float64
        for k in (
            "growth_nb_median",
            "growth_diff_p10",
            "growth_diff_p50",
            "growth_diff_p90",
            "rate",
            "rate_nb_median",
            "rate_diff",
            "balance_p10",
            "balance_p50",
            "balance_p90",
        )  # fmt: skip
    }
    schema_over |= {"growth_rank": pl.Int64, "rate_rank": pl.Int64, "rate_of": pl.Int64,
                    "finance_year": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema_overrides=schema_over, infer_schema_length=None)


def _england(paths: Floats, start: float, origin: int) -> pl.DataFrame:
    """England (the LAs forecast) summed inside each simulation."""
    total = paths.sum(axis=1)  # (n, h)
    rows: list[dict[str, Any]] = [
        {
            "year": origin,
            "kind": "actual",
            "actual": start,
            "p10": None,
            "p50": None,
            "p90": None,
            "growth_p10": None,
            "growth_p50": None,
            "growth_p90": None,
        }  # fmt: skip
    ]
    for j in range(total.shape[1]):
        lo, mid, hi = _q(total[:, j])
        g = 100 * ((total[:, j] / start) ** (1 / (j + 1)) - 1)
        g10, g50, g90 = _q(g)
        rows.append(
            {
                "year": origin + j + 1,
                "kind": "forecast",
                "actual": None,
                "p10": lo,
                "p50": mid,
                "p90": hi,
                "growth_p10": g10,
                "growth_p50": g50,
                "growth_p90": g90,
            }  # fmt: skip
        )
    return pl.DataFrame(rows, infer_schema_length=None)


# --- the section ---------------------------------------------------------------------------


def _band(mid: float | None, lo: float | None, hi: float | None, digits: int = 1,
          unit: str = "") -> str | None:  # fmt: skip
    if mid is None or lo is None or hi is None:
        return None
    return f"{mid:,.{digits}f}{unit} ({lo:,.{digits}f} to {hi:,.{digits}f})"


def _signed(v: float | None, lo: float | None = None, hi: float | None = None) -> str | None:
    if v is None:
        return None
    text = f"{v:+.1f}"
    return text if lo is None or hi is None else f"{text} ({lo:+.1f} to {hi:+.1f})"


def _ordinal(k: int) -> str:
    end = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{end}"


def _of(rank: int | None, n: int | None) -> str | None:
    """'4th of 11' (an ordinal, so the pack's last masking pass never reads it as k of n)."""
    return None if rank is None or not n else f"{_ordinal(rank)} of {n}"


def _compact(frame: pl.DataFrame, in_set: set[str]) -> pl.DataFrame:
    """Web / PDF columns: each forecast with its 80% interval as one text cell."""
    rows = []
    for r in frame.to_dicts():
        rows.append(
            {
                "la": r["la"] + (" (in this set)" if r["la_code"] in in_set else ""),
                "actual": r["actual"],
                "forecast": _band(r["p50"], r["p10"], r["p90"], 0),
                "growth": _band(r["growth_p50"], r["growth_p10"], r["growth_p90"]),
                "growth_nb_median": r["growth_nb_median"],
                "growth_diff": _signed(
                    r["growth_diff_p50"], r["growth_diff_p10"], r["growth_diff_p90"]
                ),
                "growth_rank": _of(r["growth_rank"], r["neighbours"] + 1),
                "rate": r["rate"],
                "rate_nb_median": r["rate_nb_median"],
                "rate_rank": _of(r["rate_rank"], r["rate_of"]),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "la": pl.String,
            "region": pl.String,
            "actual": pl.Float64,
            "forecast": pl.String,
            "growth": pl.String,
            "growth_nb_median": pl.Float64,
            "growth_diff": pl.String,
            "growth_rank": pl.String,
            "rate": pl.Float64,
            "rate_nb_median": pl.Float64,
            "rate_rank": pl.String,
        },  # fmt: skip
    )


def _compact_table(key: str, title: str, frame: pl.DataFrame, fc: PublicForecasts,
                   in_set: set[str], note: str = "") -> Table:  # fmt: skip
    h = fc.horizon
    return Table(
        key,
        title,
        _compact(frame, in_set),
        {
            "la": "text",
            "region": "text",
            "actual": "int",
            "forecast": "text",
            "growth": "text",
            "growth_nb_median": "num",
            "growth_diff": "text",
            "growth_rank": "text",
            "rate": "num",
            "rate_nb_median": "num",
            "rate_rank": "text",
        },  # fmt: skip
        {
            "la": "LA",
            "actual": f"EHC plans, January {fc.origin}",
            "forecast": f"Forecast, January {fc.origin + h}: median (80% interval)",
            "growth": "Growth, % a year: median (80% interval)",
            "growth_nb_median": "Neighbours' median growth, % a year",
            "growth_diff": "Difference from neighbours, points (80% interval)",
            "growth_rank": "Growth rank among neighbours (1 = fastest)",
            "rate": f"Pupils with a plan, % ({fc.rate_year})",
            "rate_nb_median": "Neighbours' median, %",
            "rate_rank": "Rank among neighbours (1 = highest)",
        },
        note,
    )


FULL_FORMATS: dict[str, Any] = {
    "la_code": "text", "la": "text", "region": "text", "in_set": "text", "actual": "int",
    "year": "int", "p10": "num", "p50": "num", "p90": "num", "growth_p10": "num",
    "growth_p50": "num", "growth_p90": "num", "neighbours": "int", "growth_nb_median": "num",
    "growth_diff_p10": "num", "growth_diff_p50": "num", "growth_diff_p90": "num",
    "growth_rank": "int", "rate": "num", "rate_nb_median": "num", "rate_diff": "num",
    "rate_rank": "int", "rate_of": "int", "finance_year": "text", "balance_p10": "money",
    "balance_p50": "money", "balance_p90": "money", "finance_why": "text",
    "quality_warnings": "int",
}  # fmt: skip


def _full_labels(fc: PublicForecasts) -> dict[str, str]:
    y = fc.origin + fc.horizon
    return {
        "la_code": "LA code", "la": "LA", "region": "Region", "in_set": "In this set",
        "actual": f"EHC plans, January {fc.origin}", "year": "Forecast January",
        "p10": f"Forecast {y}: p10", "p50": f"Forecast {y}: median", "p90": f"Forecast {y}: p90",
        "growth_p10": "Growth % a year: p10", "growth_p50": "Growth % a year: median",
        "growth_p90": "Growth % a year: p90", "neighbours": "Neighbours with a forecast",
        "growth_nb_median": "Neighbours' median growth (of their medians)",
        "growth_diff_p10": "Difference from neighbours: p10",
        "growth_diff_p50": "Difference from neighbours: median",
        "growth_diff_p90": "Difference from neighbours: p90",
        "growth_rank": "Growth rank among neighbours (1 = fastest)",
        "rate": f"Pupils with a plan, % ({fc.rate_year})",
        "rate_nb_median": "Neighbours' median, %", "rate_diff": "Difference, points",
        "rate_rank": "Rank (1 = highest)", "rate_of": "Of (LA and neighbours)",
        "finance_year": "Financial year", "balance_p10": "In-year HNB balance: p10",
        "balance_p50": "In-year HNB balance: median", "balance_p90": "In-year HNB balance: p90",
        "finance_why": "No finance because", "quality_warnings": "Data quality warnings",
    }  # fmt: skip


def build_section(
    pack: Pack,
    fc: PublicForecasts,
    in_set: set[str],
    quality_issues: int = 0,
) -> Section:
    """The "public" section of the pack from :func:`compute`."""
    from dbv.report.charts_insight_public import growth_scatter

    y = fc.origin + fc.horizon
    frame = fc.frame.with_columns(
        pl.when(pl.col("la_code").is_in(sorted(in_set)))
        .then(pl.lit("yes"))
        .otherwise(pl.lit(""))
        .alias("in_set")
    ).select(list(FULL_FORMATS))
    sec = pack.section("public", "Every LA: caseload forecasts and statistical neighbours")
    eng = fc.england.filter(pl.col("kind") == "forecast").row(-1, named=True)
    start = float(fc.england["actual"][0])
    sec.add(
        Text(
            f"From the published statistics alone, {fc.frame.height} English LAs' EHC plans are "
            f"forecast from January {fc.origin} to January {y}. Together they held "
            f"{start:,.0f} plans in January {fc.origin}; the forecast for January {y} is "
            f"{eng['p50']:,.0f} plans (80% interval {eng['p10']:,.0f} to {eng['p90']:,.0f}): "
            f"growth of {eng['growth_p50']:.1f}% a year ({eng['growth_p10']:.1f}% to "
            f"{eng['growth_p90']:.1f}%).",
            "lead",
        )
    )
    fore = sec.sub("public-forecasts", "Caseload forecasts")
    fore.add(
        Table(
            "public_england",
            f"England (the {fc.frame.height} LAs forecast): EHC plans at January",
            fc.england.drop("kind"),
            {
                "year": "text",
                "actual": "int",
                "p10": "int",
                "p50": "int",
                "p90": "int",
                "growth_p10": "num",
                "growth_p50": "num",
                "growth_p90": "num",
            },  # fmt: skip
            {
                "year": "January",
                "actual": "Actual",
                "p10": "p10",
                "p50": "Median",
                "p90": "p90",
                "growth_p10": f"Growth from {fc.origin}, % a year: p10",
                "growth_p50": "Growth, % a year: median",
                "growth_p90": "Growth: p90",
            },  # fmt: skip
            "Summed inside each simulation, so the interval allows for growth shared by every "
            "LA in a draw."
            + (
                f" England's own published total for January {fc.origin} is "
                f"{fc.england_published:,.0f}."
                if fc.england_published is not None
                else ""
            ),
        )
    )
    mine = frame.filter(pl.col("in_set") == "yes")
    if mine.height:
        fore.add(
            _compact_table(
                "public_councils",
                "The councils in this set against their statistical neighbours",
                fc.frame.filter(pl.col("la_code").is_in(sorted(in_set))).sort("la"),
                fc,
                set(),
            )
        )
    missing = sorted(in_set - set(fc.frame["la_code"].to_list()))
    if missing:
        fore.add(
            Note(
                f"No public forecast for council code(s) {', '.join(missing)}: not a current "
                "English LA in the published data, or nothing to forecast from.",
                "warning",
                "check the LA code in the council's export (a 3-digit DfE code)",
            )
        )
    ranked = fc.frame.sort("growth_p50", descending=True)
    fore.add(
        _compact_table(
            "public_fastest",
            f"The {TOP} LAs forecast to grow fastest (median growth, % a year, to {y})",
            ranked.head(TOP),
            fc,
            in_set,
        ),
        _compact_table(
            "public_slowest",
            f"The {TOP} LAs forecast to grow slowest",
            ranked.tail(TOP).reverse(),
            fc,
            in_set,
            "Every LA is in the 'public_forecasts' and 'public_neighbours' sheets of the "
            "Excel workbook.",
        ),
        Table(
            "public_forecasts",
            f"Every LA: EHC plans forecast to January {y}, growth and indicative finance",
            frame.select(
                "la_code",
                "la",
                "region",
                "in_set",
                "actual",
                "year",
                "p10",
                "p50",
                "p90",
                "growth_p10",
                "growth_p50",
                "growth_p90",
                "finance_year",
                "balance_p10",
                "balance_p50",
                "balance_p90",
                "finance_why",
                "quality_warnings",
            ),  # fmt: skip
            FULL_FORMATS,
            _full_labels(fc),
            "Forecast bands are p10, median and p90 of the simulations; the in-year high needs "
            "block balance (below zero: a deficit) is indicative (public data only).",
            web=False,
        ),
    )
    nbs = sec.sub("public-neighbours", "Position against statistical neighbours")
    above = int((fc.frame["growth_diff_p10"] > 0).sum())
    below = int((fc.frame["growth_diff_p90"] < 0).sum())
    nbs.add(
        Text(
            f"Each LA's forecast growth is set against the median of its DfE statistical "
            f"neighbours' (model {fc.neighbour_model or 'not found'}). For {above} LAs the "
            f"whole 80% interval of the difference is above zero (growing faster than their "
            f"neighbours) and for {below} it is below zero; the rest cannot be told apart from "
            "their neighbours."
        ),
        growth_scatter(fc.frame, in_set, fc.origin, y),
        Table(
            "public_neighbours",
            "Every LA against its statistical neighbours: forecast growth and the share of "
            "pupils with a plan",
            frame.select(
                "la_code",
                "la",
                "region",
                "in_set",
                "neighbours",
                "growth_p50",
                "growth_nb_median",
                "growth_diff_p10",
                "growth_diff_p50",
                "growth_diff_p90",
                "growth_rank",
                "rate",
                "rate_nb_median",
                "rate_diff",
                "rate_rank",
                "rate_of",
            ),  # fmt: skip
            FULL_FORMATS,
            _full_labels(fc),
            "Neighbours' median growth is the median of their median forecasts; the difference "
            "is worked out in each simulation, so its median need not equal the difference of "
            "the medians.",
            web=False,
        ),
    )
    sec.sub("public-method", "Method and limits").add(*_notes(fc, quality_issues))
    return sec


def _notes(fc: PublicForecasts, quality_issues: int) -> list[Note]:
    lagged = int((fc.frame["quality_warnings"] > 0).sum())
    no_fin = int(fc.frame["balance_p50"].is_null().sum())
    deficit = int((fc.frame["balance_p50"] < 0).sum())
    notes = [
        Note(
            f"Method: public-aggregate mode ({fc.method}): every LA's caseload is fitted "
            f"together from the published statistics at January {fc.origin} (national growth "
            f"plus LA leading indicators: requests, new and ceased plans, refusals, 20-week "
            f"timeliness, share of pupils with a plan); {fc.sims:,} simulations, seed {fc.seed}. "
            "Intervals are 80% (p10 to p90). Growth a year is the compound rate from the last "
            "actual January to the horizon."
        ),
        Note(
            "Limits: public data are coarse. Settings and needs keep the shares of the latest "
            "January (no transitions between settings); no LA's own policy, sufficiency plans "
            "or data return is used. For a council's own figures use its person-level "
            "forecast (dbv diagnose).",
            "warning",
        ),
        Note(
            f"The rate compared with neighbours is the share of pupils with an EHC plan (school "
            f"census, {fc.rate_year}); the data store reads no population estimates, so a rate "
            "per 10,000 residents aged 0-25 is not shown.",
            "missing",
            "a reader for the ONS mid-year estimates would add the rate per 10,000 aged 0-25",
        ),
        Note(
            f"Indicative finance: {fc.frame.height - no_fin} LAs have a published DSG high "
            f"needs allocation and split by setting to cost; {deficit} of them have a median "
            f"in-year deficit in the last forecast year. Unit costs are national defaults and "
            "the opening DSG balance is unknown, so the figures are indicative only and are "
            "not summed across LAs.",
            "info",
        ),
        Note(
            f"Data quality: the published files raised {quality_issues} warning(s); "
            f"{lagged} LAs are named in one up to the origin (see the 'Data quality warnings' "
            "column).",
            "warning" if lagged else "info",
        ),
    ]
    if fc.excluded:
        notes.append(
            Note(
                f"Not forecast (no caseload at January {fc.origin}): {', '.join(fc.excluded)}.",
                "warning",
            )
        )
    return notes


def assumptions(fc: PublicForecasts) -> list[Assumption]:
    src = "dbv.forecast.public (published DfE statistics)"
    out = [
        Assumption("public data", "forecast method", f"{fc.method} ({MODE} mode)", src),
        Assumption("public data", "origin and horizon",
                   f"January {fc.origin}, {fc.horizon} years ahead", src),
        Assumption("public data", "simulations and seed", f"{fc.sims:,}, seed {fc.seed}", src),
        Assumption("public data", "settings and needs",
                   "shares of the latest January applied to each simulated total", src),
        Assumption("public data", "statistical neighbours",
                   f"DfE model {fc.neighbour_model or 'not found'}; neighbours without a "
                   "forecast left out", "statistical_neighbours file"),
        Assumption("public data", "rate compared with neighbours",
                   f"share of pupils with an EHC plan, school census {fc.rate_year}",
                   "dbv.baseline.benchmarks"),
    ]  # fmt: skip
    for text in fc.finance_assumptions:
        name, _, rest = text.partition(":")
        if name.startswith("Income"):
            rest = " the latest published DSG high needs block allocation up to the origin; "
            rest += "later years grow by the default income-growth assumption."
        out.append(Assumption("public data", f"indicative finance: {name.lower()}",
                              rest.strip(), "dbv.forecast.public_finance"))  # fmt: skip
    return out
