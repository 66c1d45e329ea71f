"""Rolling-origin backtest of the person-level engine against the naive baselines.

For each origin January the engine is fitted on transitions that end by the origin and run
forward; the naive baselines are fitted on the caseload total series (one series, shape
(1, n_years)) from the first year to the origin. Every method is scored on the caseload total
at origin + h for each horizon h where that January is in the data. The output feeds
:func:`dbv.forecast.evaluate.score` (columns method, h, forecast, actual, p05, p10, p90, p95).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from dbv.errors import DataFileError, UsageError
from dbv.forecast.models.baselines import BASELINES
from dbv.forecast.person.config import PersonConfig
from dbv.forecast.person.model import PersonLevelModel

QUANTILES = {"p05": 5.0, "p10": 10.0, "p50": 50.0, "p90": 90.0, "p95": 95.0}


def backtest_person(
    return_dir: Path,
    origins: Sequence[int],
    horizons: Sequence[int],
    n_sims: int = 1000,
    seed: int = 0,
    first_year: int | None = None,
    config: PersonConfig | None = None,
) -> pl.DataFrame:
    """Backtest on a data return folder (or workbook): derive snapshots and transitions for
    every January, then :func:`backtest_frames`."""
    from dbv.dataret.derive import snapshots, transitions
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years

    ret = read_return(Path(return_dir))
    if not ret.has("population"):
        raise DataFileError(
            "the data return has no population table, which joiner rates need",
            file=ret.root,
            fix="add population.csv (year, age, population, kind) for ages 0-25",
        )
    snaps = snapshots(ret, census_years(ret))
    trans = transitions(snaps, ret)
    return backtest_frames(
        snaps, trans, ret.typed("population"), origins, horizons, n_sims, seed, first_year, config
    )


def backtest_frames(
    snapshots: pl.DataFrame,
    transitions: pl.DataFrame,
    population: pl.DataFrame,
    origins: Sequence[int],
    horizons: Sequence[int],
    n_sims: int = 1000,
    seed: int = 0,
    first_year: int | None = None,
    config: PersonConfig | None = None,
) -> pl.DataFrame:
    """One row per method, origin and horizon: forecast (expected value), actual, percentiles.
    Simulations for origin o use seed ``seed + o``."""
    if not origins or not horizons or min(horizons) < 1:
        raise UsageError("give at least one origin and horizons of 1 year or more")
    last_census = int(snapshots["year"].max())  # type: ignore[arg-type]
    if not any(o + h <= last_census for o in origins for h in horizons):
        raise UsageError(
            f"no origin and horizon leaves a later January to compare with (last {last_census})",
            fix=f"use origins up to {last_census - min(horizons)}",
        )
    totals = snapshots.group_by("year").len().sort("year")
    actual = dict(zip(totals["year"].to_list(), totals["len"].to_list(), strict=True))
    if first_year is None:
        first_year = int(population["year"].min())  # type: ignore[arg-type]
    rows: list[dict[str, object]] = []
    for origin in origins:
        hs = [h for h in sorted(set(horizons)) if origin + h in actual]
        if not hs:
            continue
        h_max = max(hs)
        known = population_known_at(population, origin, origin + h_max)
        model = PersonLevelModel(config).fit(snapshots, transitions, known, origin, first_year)
        point = model.predict(h_max).sum(axis=0)
        sims = model.simulate_paths(h_max, n_sims, seed + origin).totals()
        rows += _rows(model.alias, origin, hs, point, sims, actual)
        years = np.arange(first_year, origin + 1)
        y = np.array([[actual.get(int(t), np.nan) for t in years]], dtype=np.float64)
        for cls in BASELINES:
            base = cls().fit(y, years)
            rows += _rows(
                cls.alias,
                origin,
                hs,
                base.predict(h_max)[0],
                base.simulate(h_max, n_sims, seed + origin)[:, 0, :],
                actual,
            )
    return pl.DataFrame(rows).with_columns(
        pl.col("origin", "h", "year").cast(pl.Int32),
        pl.col("actual").cast(pl.Float64),
    )


def _rows(
    method: str,
    origin: int,
    hs: list[int],
    point: np.ndarray,
    sims: np.ndarray,
    actual: dict[int, int],
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for h in hs:
        q = np.percentile(sims[:, h - 1], list(QUANTILES.values()))
        out.append(
            {
                "method": method,
                "origin": origin,
                "h": h,
                "year": origin + h,
                "forecast": float(point[h - 1]),
                "actual": actual[origin + h],
                **{name: float(v) for name, v in zip(QUANTILES, q, strict=True)},
            }
        )
    return out


def population_known_at(population: pl.DataFrame, origin: int, last: int) -> pl.DataFrame:
    """The population a forecaster had at the origin: estimates up to the origin year and,
    after it, the projections in the table, or else the origin year's figures carried forward
    by age (never the later estimates, which were not yet published)."""
    upto = population.filter(pl.col("year") <= origin)
    later = population.filter((pl.col("year") > origin) & (pl.col("kind") == "projection"))
    have = set(later["year"].unique().to_list())
    base = upto.filter(pl.col("year") == origin)
    carried = [
        base.with_columns(
            pl.lit(y, dtype=base.schema["year"]).alias("year"), pl.lit("projection").alias("kind")
        )
        for y in range(origin + 1, last + 1)
        if y not in have
    ]
    return pl.concat([upto, later, *carried], how="vertical_relaxed")
