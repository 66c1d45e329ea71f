"""`dbv forecast` and `dbv backtest`: Module 1 caseload forecasts with prediction intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table

from dbv.cli.common import (
    CacheDir,
    DataDir,
    app,
    boundary,
    console,
    emit_json,
    err_console,
    progress_bar,
)
from dbv.errors import UsageError
from dbv.runinfo import file_hashes, output_dir, run_record, write_json

LAArg = Annotated[str, typer.Option("--la", help="LA name, 3-digit code or E-code; or 'all'.")]


def _years(text: str) -> list[int]:
    """'2019..2024' or '2019,2021' → years."""
    try:
        if ".." in text:
            a, b = text.split("..", 1)
            values = list(range(int(a), int(b) + 1))
        else:
            values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        values = []
    if not values or values != sorted(set(values)):
        raise UsageError(
            f"cannot read years from '{text}' (empty, repeated or reversed)",
            fix="e.g. 2019..2024 or 1,2,3",
        )
    return values


def _check_horizons(hs: list[int]) -> None:
    if hs[0] < 1 or hs[-1] > 5:
        raise UsageError(f"horizons must be 1 to 5 years (got {hs})", fix="e.g. --horizons 1,2,3")


@app.command("forecast")
def forecast_cmd(
    la: Annotated[
        str | None, typer.Option("--la", help="LA name, 3-digit code or E-code; or 'all'.")
    ] = None,
    origin: Annotated[int | None, typer.Option(help="Last January used (default: latest).")] = None,
    horizon: Annotated[int, typer.Option(help="Years ahead (1-5).")] = 5,
    sims: Annotated[int, typer.Option(help="Monte Carlo simulations.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same output).")] = 2025,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write JSON and run.json.")] = None,
    return_dir: Annotated[
        Path | None,
        typer.Option("--return", help="Person-level mode: the council's data return (folder)."),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Mitigated scenario (YAML levers).")
    ] = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
) -> None:
    """Forecast EHC plans with prediction intervals (p05-p95), total, by setting and by need.

    With --return (the council's own data return) the forecast is person-level and carries the
    high needs finance (spend, income, in-year and cumulative DSG balance) through every
    simulation; with --scenario it adds the mitigated run, the remaining gap, the benefits
    profile, the opportunity matrix, a tornado of the levers and a goal-seek."""
    if return_dir is not None:
        _person(return_dir, origin, horizon, sims, seed, scenario, as_json, out)
        return
    if la is None:
        with boundary(as_json):
            raise UsageError(
                "say which LA (--la NAME or all) or give --return DIR",
                fix="e.g. dbv forecast --la Derby",
            )
    from dbv.baseline.build import Context
    from dbv.forecast.public import forecast_public
    from dbv.store import open_store

    with boundary(as_json):
        if not 100 <= sims <= 20_000:
            raise UsageError(f"{sims:,} simulations is outside 100 to 20,000", fix="--sims 1000")
        store = open_store(data_dir, cache_dir)
        ctx = Context.build(store)
        las = ctx.geo.current() if la.lower() == "all" else [ctx.geo.resolve(la)]
        records = forecast_public(ctx, las, origin or ctx.geo.latest_year, horizon, sims, seed)
        payload = records if la.lower() == "all" else records[0]
        if out is not None:
            _write(out, payload, records[0]["run"])
    if as_json:
        emit_json(payload)
        return
    for r in records[:1] if la.lower() != "all" else []:
        t = _bands_table(
            f"{r['la']['name']}: EHC plans at January (forecast from {r['origin']}; "
            f"{sims:,} simulations, seed {seed})",
            r["total"],
        )
        console.print(t)
        fin = r["finance"]
        if fin["available"]:
            console.print(
                _finance_table(
                    fin, f"Indicative high needs block (public data, base {fin['base_year']})"
                )
            )
            for a in fin["assumptions"]:
                console.print(f"[yellow]Assumption:[/] {a}")
        else:
            console.print(f"[yellow]No finance:[/] {fin['why']}")
        for w in r["warnings"]:
            console.print(f"[yellow]Note:[/] {w}")
    if la.lower() == "all":
        t = Table(title=f"EHC plans forecast for every LA (median and 80% interval), {sims:,} sims")
        for c in ("LA", "last", "year", "p10", "p50", "p90"):
            t.add_column(c, justify="right" if c != "LA" else "left")
        for r in records:
            last = r["total"][-1]
            t.add_row(
                r["la"]["name"],
                str(r["origin"]),
                str(last["year"]),
                f"{last['p10']:,.0f}",
                f"{last['p50']:,.0f}",
                f"{last['p90']:,.0f}",
            )
        console.print(t)


def _finance_table(fin: dict[str, Any], title: str) -> Table:
    f = Table(title=f"{title}: median and 80% interval")
    for c in ("financial year", "spend", "income", "in-year balance", "cumulative balance"):
        f.add_column(c, justify="right")
    for i, row in enumerate(fin["total_spend"]):
        inc, bal, cum = (
            fin["total_income"][i],
            fin["in_year_balance"][i],
            fin["cumulative_balance"][i],
        )
        f.add_row(
            row["financial_year"],
            _money(row["p50"]),
            _money(inc["p50"]),
            f"{_money(bal['p50'])} ({_money(bal['p10'])} to {_money(bal['p90'])})",
            f"{_money(cum['p50'])} ({_money(cum['p10'])} to {_money(cum['p90'])})",
        )
    return f


def _write(out: Path, payload: Any, run: Any) -> None:
    """forecast.json and run.json, sorted keys (same inputs and seed: identical bytes)."""
    output_dir(out)
    write_json(out / "forecast.json", payload)
    write_json(out / "run.json", run)
    err_console.print(f"Wrote forecast.json and run.json to {out}")


def _bands_table(title: str, rows: list[dict[str, Any]]) -> Table:
    t = Table(title=title)
    for c in ("January", "p05", "p10", "p50", "p90", "p95"):
        t.add_column(c, justify="right")
    for row in rows:
        t.add_row(
            str(row["year"]), *(f"{row[k]:,.0f}" for k in ("p05", "p10", "p50", "p90", "p95"))
        )
    return t


def _money(v: float) -> str:
    return f"£{v / 1e6:,.1f}m"


def _person(
    return_dir: Path,
    origin: int | None,
    horizon: int,
    sims: int,
    seed: int,
    scenario_path: Path | None,
    as_json: bool,
    out: Path | None,
) -> None:
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years
    from dbv.scenarios.run import run_person
    from dbv.scenarios.spec import load_scenario

    with boundary(as_json):
        if not 100 <= sims <= 20_000:
            raise UsageError(f"{sims:,} simulations is outside 100 to 20,000", fix="--sims 1000")
        if not 1 <= horizon <= 10:
            raise UsageError(f"horizon {horizon} is outside 1 to 10 years", fix="--horizon 5")
        scenario = None if scenario_path is None else load_scenario(scenario_path)
        start = origin or census_years(read_return(return_dir))[-1]
        with progress_bar(not as_json and err_console.is_terminal) as bar:
            bar("forecast, finance and scenario", 0, 1)
            result = run_person(return_dir, start, horizon, sims, seed, scenario)
        inputs = [return_dir] + ([] if scenario_path is None else [scenario_path])
        result["run"] = run_record(
            {
                "return": str(return_dir),
                "origin": start,
                "horizon": horizon,
                "sims": sims,
                "scenario": None if scenario_path is None else str(scenario_path),
            },
            seed,
            file_hashes(inputs, return_dir),
        )
        if out is not None:
            _write(out, result, result["run"])
    if as_json:
        emit_json(result)
        return
    t = _bands_table(
        f"{result['la']}: EHC plans at January (person-level, from {start}; "
        f"{sims:,} simulations, seed {seed})",
        result["total"],
    )
    console.print(t)
    console.print(_finance_table(result["finance"], "High needs block (unmitigated)"))
    if "gap" in result:
        g = Table(title="Unmitigated and mitigated in-year deficit, and the gap that remains")
        for c in ("financial year", "unmitigated deficit", "mitigated deficit (gap)"):
            g.add_column(c, justify="right")
        un = result["unmitigated"]["finance"]["in_year_balance"]
        for i, row in enumerate(result["gap"]["in_year_deficit"]):
            u = un[i]
            g.add_row(
                row["financial_year"],
                f"{_money(-u['p50'])} ({_money(-u['p90'])} to {_money(-u['p10'])})",
                f"{_money(row['p50'])} ({_money(row['p10'])} to {_money(row['p90'])})",
            )
        console.print(g)
        goal = result["goal_seek"]
        console.print(
            f"Goal seek ({goal.get('criterion', '')} by {goal.get('target_financial_year', '')}):"
            f" {goal.get('result', goal)}"
            + (f" (multiplier {goal['multiplier']:.2f})" if goal.get("multiplier") else "")
        )
        console.print(
            "Levers, their assumptions and the provision each requires: see "
            "benefits_profile and opportunity_matrix in --json / --out."
        )


@app.command("backtest")
def backtest_cmd(
    la: LAArg = "all",
    origins: Annotated[str, typer.Option(help="Origins, e.g. 2019..2024.")] = "2019..2024",
    horizons: Annotated[str, typer.Option(help="Horizons, e.g. 1,2,3.")] = "1,2,3",
    sims: Annotated[int, typer.Option(help="Monte Carlo simulations.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2025,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write every forecast as CSV.")] = None,
    return_dir: Annotated[
        Path | None,
        typer.Option("--return", help="Person-level mode: the council's data return (folder)."),
    ] = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
) -> None:
    """Rolling-origin backtest: the engine and every naive baseline, side by side (MAPE, median
    APE, bias, 80% and 90% interval coverage per method and horizon)."""
    from dbv.baseline.build import Context
    from dbv.forecast.backtest import backtest_public
    from dbv.forecast.evaluate import score
    from dbv.forecast.models.indicators import FIRST_ORIGIN
    from dbv.forecast.public import panel_for
    from dbv.store import open_store

    with boundary(as_json), progress_bar(not as_json and err_console.is_terminal) as bar:
        years, hs = _years(origins), _years(horizons)
        _check_horizons(hs)
        mode = "public-aggregate" if return_dir is None else "person-level"
        if return_dir is not None:
            from dbv.forecast.person.backtest import backtest_person

            results = backtest_person(return_dir, years, hs, sims, seed)
            data = file_hashes([return_dir], return_dir)
            _report(
                results, score(results), out, as_json, return_dir.name, years, hs, sims, seed, mode,
                data,
            )  # fmt: skip
            return
        ctx = Context.build(open_store(data_dir, cache_dir, progress=bar))
        p = panel_for(ctx)
        codes = None if la.lower() == "all" else {ctx.geo.resolve(la).code}
        last = int(p.years[-1])
        bad = [o for o in years if not FIRST_ORIGIN <= o <= last - min(hs)]
        if bad:
            raise UsageError(
                f"origin {bad[0]} cannot be backtested at horizon {min(hs)}",
                fix=f"origins must leave a later January to compare with: "
                f"{FIRST_ORIGIN}..{last - min(hs)}",
            )
        results = backtest_public(p, years, hs, sims, seed, codes=codes)
        data = [{"dataset": s.dataset, "sha256": s.sha256} for s in ctx.store.sources]
        _report(results, score(results), out, as_json, la, years, hs, sims, seed, mode, data)


def _report(
    results: pl.DataFrame,
    table: pl.DataFrame,
    out: Path | None,
    as_json: bool,
    la: str,
    years: list[int],
    hs: list[int],
    sims: int,
    seed: int,
    mode: str,
    data: list[dict[str, str]],
) -> None:
    if out is not None:
        config = {"la": la, "origins": years, "horizons": hs, "sims": sims, "mode": mode}
        output_dir(out)
        results.write_csv(out / "backtest_forecasts.csv")
        table.write_csv(out / "backtest_scores.csv")
        write_json(out / "run.json", run_record(config, seed, data))
    if as_json:
        emit_json(
            {
                "la": la,
                "origins": years,
                "horizons": hs,
                "sims": sims,
                "seed": seed,
                "mode": mode,
                "scores": table.to_dicts(),
            }
        )
        return
    t = Table(title=f"Backtest ({la}; origins {years[0]}-{years[-1]}; {mode} mode)")
    for c in ("method", "h", "MAPE %", "median APE %", "bias %", "80% cover %", "90% cover %", "n"):
        t.add_column(c, justify="right" if c != "method" else "left")
    for r in table.iter_rows(named=True):
        t.add_row(
            r["method"],
            str(r["h"]),
            f"{r['mape']:.2f}",
            f"{r['mdape']:.2f}",
            f"{r['bias']:+.2f}",
            f"{r['coverage_80']:.1f}",
            f"{r['coverage_90']:.1f}",
            str(r["n"]),
        )
    console.print(t)
