"""Assemble the Module 1 baseline for one LA (or all) from the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dbv import params
from dbv.baseline.benchmarks import benchmark_table, newest_neighbours
from dbv.baseline.metrics import BY_KEY, METRICS
from dbv.baseline.panel import build_panel
from dbv.geography import LA, Geography, Reorganisation
from dbv.store import DataStore

GROWTH_YEARS = (1, 3, 5, 6)
FLOW_METRICS = (
    "new_plans",
    "requests",
    "requests_refused",
    "refusal_rate_pct",
    "assessments",
    "timeliness_pct",
    "timeliness_ex_pct",
    "ceased",
)


@dataclass
class Context:
    """Everything computed once and shared by every LA's baseline."""

    store: DataStore
    geo: Geography
    panel: pl.DataFrame
    bench: pl.DataFrame
    has_neighbours: bool

    @classmethod
    def build(cls, store: DataStore) -> Context:
        geo = Geography(store.areas)
        panel = build_panel(store.facts)
        current = [la.code for la in geo.current()]
        region_of = {la.code: la.region_code for la in geo.current()}
        neighbours = newest_neighbours(store.table("statistical_neighbours"))
        bench = benchmark_table(panel, current, region_of, neighbours)
        return cls(store, geo, panel, bench, neighbours is not None)

    def series(self, code: str) -> dict[str, dict[int, float]]:
        """metric -> {year: value} for one area."""
        rows = self.panel.filter(pl.col("code") == code)
        out: dict[str, dict[int, float]] = {}
        for metric, year, value in rows.select("metric", "year", "value").iter_rows():
            out.setdefault(metric, {})[year] = value
        return out

    def denominators(self, code: str) -> dict[str, dict[int, float]]:
        rows = self.panel.filter((pl.col("code") == code) & pl.col("n").is_not_null())
        out: dict[str, dict[int, float]] = {}
        for metric, year, n in rows.select("metric", "year", "n").iter_rows():
            out.setdefault(metric, {})[year] = n
        return out


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(float(v), 2)


def _breaks(ctx: Context, la: LA) -> list[dict[str, Any]]:
    out = []
    for event in ctx.geo.history(la.code):
        role = "successor" if la.code in event.successors else "predecessor"
        members = event.predecessors + event.successors
        combined: dict[int, float] = {}
        for code in members:
            for year, v in ctx.series(code).get("caseload", {}).items():
                combined[year] = combined.get(year, 0.0) + v
        out.append(
            {
                "event": event.name,
                "date": event.date,
                "role": role,
                "first_census_after": event.first_census,
                "predecessors": [_name(ctx, c) for c in event.predecessors],
                "successors": [_name(ctx, c) for c in event.successors],
                "note": event.note,
                "combined_area_caseload": [
                    {"year": y, "total": _num(v)} for y, v in sorted(combined.items())
                ]
                if event.exact
                else [],
            }
        )
    return out


def _name(ctx: Context, code: str) -> dict[str, str]:
    la = ctx.geo.las.get(code)
    return {"old_code": code, "name": la.name if la else code}


def _break_year(events: list[Reorganisation], code: str) -> int | None:
    years = [e.first_census for e in events if code in e.successors]
    return max(years) if years else None


def baseline(ctx: Context, la: LA) -> dict[str, Any]:
    s = ctx.series(la.code)
    n = ctx.denominators(la.code)
    groups: dict[str, str] = params.load("setting_groups")["groups"]
    warnings: list[str] = []
    starts = _break_year(ctx.geo.events, la.code)
    caseload_years = sorted(s.get("caseload", {}))
    first = min([2010, *caseload_years]) if caseload_years else 2010
    last = ctx.geo.latest_year
    caseload = []
    for year in range(first, last + 1):
        total = s.get("caseload", {}).get(year)
        entry: dict[str, Any] = {
            "year": year,
            "total": _num(total),
            "by_setting": {g: _num(s.get(f"setting_{g}", {}).get(year)) for g in groups},
            "unexplained": _num(s.get("setting_remainder", {}).get(year)),
        }
        if total is None:
            if starts is not None and year < starts:
                entry["note"] = f"{la.name} did not report before January {starts} (reorganisation)"
            elif year > la.last_year:
                entry["note"] = f"{la.name} no longer reports (reorganised)"
            else:
                entry["note"] = "not published"
        caseload.append(entry)
    if la.last_year < last:
        warnings.append(
            f"{la.name} ({la.code}) last reported in {la.last_year}: it was reorganised; "
            "see 'breaks' for its successors."
        )
    if starts is not None:
        warnings.append(
            f"{la.name} reports from January {starts}; earlier years belong to its predecessor "
            "area. 'breaks' gives the combined area's continuous series."
        )
    gaps = [e["year"] for e in caseload if e["unexplained"] not in (None, 0)]
    if gaps:
        warnings.append(
            "Setting groups do not add up to the total in "
            + ", ".join(str(y) for y in gaps)
            + ": the 'unexplained' field holds the remainder (suppressed or unpublished cells)."
        )
    result: dict[str, Any] = {
        "la": la.as_dict(),
        "latest_year": last,
        "setting_groups": groups,
        "caseload": caseload,
        "growth": _growth(s, last, starts),
        "age_mix": _mix(s, n, "age_", params.load("age_bands")["bands"]),
        "need_mix": _mix(s, n, "need_", None),
        "flows": _flows(s, n),
        "pupils": [
            {
                "year": y,
                "pct_ehcp": _num(v),
                "pct_sen_support": _num(s.get("pct_pupils_sen_support", {}).get(y)),
            }
            for y, v in sorted(s.get("pct_pupils_ehcp", {}).items())
        ],
        "dsg": [
            {"financial_year": f"{y}-{(y + 1) % 100:02d}", "hnb_allocation": _num(v)}
            for y, v in sorted(s.get("dsg_hnb_allocation", {}).items())
        ],
        "breaks": _breaks(ctx, la),
        "benchmarks": benchmarks_for(ctx, la),
        "sources": [
            {"dataset": src.dataset, "file": str(src.path), "sha256": src.sha256}
            for src in ctx.store.sources
        ],
        "overlaps": ctx.store.resolution,
        "warnings": warnings,
    }
    for issue in ctx.store.quality:
        if la.code in issue["la_codes"]:
            warnings.append(
                f"Data quality: {issue['measure']} {issue['year']} ({issue['dataset']}): "
                f"{issue['found']}; {issue['action']}."
            )
    if not ctx.has_neighbours:
        warnings.append(
            "No statistical-neighbour workbook in the data directory: neighbour comparisons "
            "are missing ('dbv data status' says where it is published)."
        )
    return result


def _growth(s: dict[str, dict[int, float]], last: int, starts: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    totals = s.get("caseload", {})
    for k in GROWTH_YEARS:
        a, b = totals.get(last - k), totals.get(last)
        entry: dict[str, Any] = {"from_year": last - k, "to_year": last}
        if a is None or b is None:
            entry |= {"from": _num(a), "to": _num(b), "change": None, "pct": None, "cagr_pct": None}
            if starts is not None and last - k < starts:
                entry["note"] = "crosses the LA's reorganisation"
        else:
            entry |= {
                "from": _num(a),
                "to": _num(b),
                "change": _num(b - a),
                "pct": _num((b / a - 1) * 100) if a else None,
                "cagr_pct": _num(((b / a) ** (1 / k) - 1) * 100) if a else None,
            }
        out[f"{k}y"] = entry
    return out


def _mix(
    s: dict[str, dict[int, float]],
    n: dict[str, dict[int, float]],
    prefix: str,
    labels: dict[str, str] | None,
) -> list[dict[str, Any]]:
    keys = [k for k in s if k.startswith(prefix)]
    if labels is not None:
        keys = [prefix + band for band in labels if prefix + band in s]
    years = sorted({y for k in keys for y in s[k]})
    out = []
    for y in years:
        counts = {k.removeprefix(prefix): s[k].get(y) for k in keys}
        total = sum(v for v in counts.values() if v is not None)
        out.append(
            {
                "year": y,
                "n": _num(total),
                "counts": {k: _num(v) for k, v in counts.items()},
                "pct": {
                    k: (_num(v / total * 100) if v is not None and total else None)
                    for k, v in counts.items()
                },
            }
        )
    return out


def _flows(s: dict[str, dict[int, float]], n: dict[str, dict[int, float]]) -> list[dict[str, Any]]:
    years = sorted({y for k in FLOW_METRICS for y in s.get(k, {})})
    stock = s.get("caseload", {})
    out = []
    for y in years:
        row: dict[str, Any] = {"year": y}
        for k in FLOW_METRICS:
            row[k] = _num(s.get(k, {}).get(y))
        row["refusal_rate_n"] = _num(n.get("refusal_rate_pct", {}).get(y))
        row["timeliness_n"] = _num(n.get("timeliness_pct", {}).get(y))
        a, b = stock.get(y), stock.get(y + 1)
        new, ceased = s.get("new_plans", {}).get(y), s.get("ceased", {}).get(y)
        row["identity"] = {
            "stock_january": _num(a),
            "stock_next_january": _num(b),
            "stock_change": _num(b - a) if a is not None and b is not None else None,
            "new_minus_ceased": _num(new - ceased)
            if new is not None and ceased is not None
            else None,
        }
        ident = row["identity"]
        ident["unexplained"] = (
            _num(ident["stock_change"] - ident["new_minus_ceased"])
            if ident["stock_change"] is not None and ident["new_minus_ceased"] is not None
            else None
        )
        out.append(row)
    return out


def benchmarks_for(ctx: Context, la: LA) -> list[dict[str, Any]]:
    rows = ctx.bench.filter(pl.col("la_code") == la.code)
    out = []
    for r in rows.iter_rows(named=True):
        m = BY_KEY.get(r["metric"])
        if m is None:
            continue
        neighbours = [
            {
                "old_code": x["neighbour_code"],
                "name": _name(ctx, x["neighbour_code"])["name"],
                "value": _num(x["value"]),
            }
            for x in (r.get("neighbours") or [])
        ]
        out.append(
            {
                "metric": m.key,
                "label": m.label,
                "unit": m.unit,
                "year": r["year"],
                "value": _num(r["value"]),
                "n": _num(r["n"]),
                "england": _num(r["england"]),
                "region": _num(r["region"]),
                "neighbours_median": _num(r["neighbours_median"]),
                "rank_in_neighbours": r["rank_neighbours"] if r["value"] is not None else None,
                "neighbours_compared": r["neighbours_n"],
                "rank_in_england": _num(r["rank_england"]),
                "las_compared": r["of_england"],
                "quartile": _num(r["quartile"]),
                "neighbours": neighbours,
            }
        )
    order = {m.key: i for i, m in enumerate(METRICS)}
    return sorted(out, key=lambda b: order[b["metric"]])
