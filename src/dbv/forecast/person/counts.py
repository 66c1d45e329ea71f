"""From long frames (snapshots, transitions, population) to count arrays on the state space.

Axes: T transition years (labelled by the January they start from), K needs, G setting groups,
A NCYs. Leavers, movers and need changes are indexed by the NCY the child starts the year in;
joiners by the NCY they are in at the next January. Everything is counted with ``np.add.at``
over whole columns, never a loop over children.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dbv.errors import DataFileError, UsageError
from dbv.forecast.person.space import StateSpace

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
SNAPSHOT_COLUMNS = ("year", "ncy", "setting_group", "primary_need")
TRANSITION_COLUMNS = (
    "year_from",
    "kind",
    "group_from",
    "group_to",
    "need_from",
    "need_to",
    "ncy_from",
    "ncy_to",
    "moved",
    "need_changed",
)
POPULATION_COLUMNS = ("year", "age", "population")
AGE_AT_NCY0 = 4  # NCY = age on 31 August - 4


@dataclass(frozen=True)
class History:
    years: Ints  # (T,)
    at_risk: Floats  # (T, G, A) children at the start January (stayers + leavers)
    leavers: Floats  # (T, G, A)
    movers: Floats  # (T, G, A, G) stayers whose setting group changed, by destination
    stayers: Floats  # (T, G, A)
    need_changed: Floats  # (T, A)
    need_moves: Floats  # (T, K, K) need changes by need from and to
    joiners: Floats  # (T, A, K, G) by NCY, need and group at the next January
    population: Floats  # (T, A) population of the matching age in year t


def require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(
            f"the {what} frame lacks columns {missing}",
            column=missing[0],
            fix="derive it with dbv.dataret.derive (snapshots, transitions) or read the "
            "population table of the data return",
        )


def stock(snapshots: pl.DataFrame, year: int, space: StateSpace) -> Ints:
    """(K, G, A) children with a plan at the January census of ``year``."""
    rows = snapshots.filter(pl.col("year") == year)
    if rows.is_empty():
        raise UsageError(
            f"no snapshot for the origin January {year}",
            column="year",
            fix="pass snapshots that include the origin year",
        )
    out = np.zeros(space.shape, dtype=np.int64)
    idx = (
        space.need_codes(rows["primary_need"]),
        space.group_codes(rows["setting_group"]),
        space.ncy_codes(rows["ncy"]),
    )
    np.add.at(out, idx, 1)
    return out


def history(
    transitions: pl.DataFrame, population: pl.DataFrame, years: list[int], space: StateSpace
) -> History:
    """Counts for each transition year in ``years`` (January t to January t + 1)."""
    k, g, a = space.shape
    t = len(years)
    tr = transitions.filter(pl.col("year_from").is_in(years))
    year_idx = {y: i for i, y in enumerate(years)}

    def ti(rows: pl.DataFrame) -> Ints:
        return np.asarray(rows["year_from"].replace_strict(year_idx).to_numpy(), dtype=np.int64)

    out = {
        "at_risk": np.zeros((t, g, a)),
        "leavers": np.zeros((t, g, a)),
        "movers": np.zeros((t, g, a, g)),
        "stayers": np.zeros((t, g, a)),
        "need_changed": np.zeros((t, a)),
        "need_moves": np.zeros((t, k, k)),
        "joiners": np.zeros((t, a, k, g)),
    }
    old = tr.filter(pl.col("kind") != "joiner")
    gf, af = space.group_codes(old["group_from"]), space.ncy_codes(old["ncy_from"])
    np.add.at(out["at_risk"], (ti(old), gf, af), 1.0)
    left = (old["kind"] == "leaver").to_numpy()
    np.add.at(out["leavers"], (ti(old)[left], gf[left], af[left]), 1.0)
    stay = tr.filter(pl.col("kind") == "stayer")
    ts, gs, as_ = ti(stay), space.group_codes(stay["group_from"]), space.ncy_codes(stay["ncy_from"])
    np.add.at(out["stayers"], (ts, gs, as_), 1.0)
    moved = stay["moved"].fill_null(False).to_numpy()
    gt = space.group_codes(stay["group_to"])
    np.add.at(out["movers"], (ts[moved], gs[moved], as_[moved], gt[moved]), 1.0)
    changed = stay["need_changed"].fill_null(False).to_numpy()
    np.add.at(out["need_changed"], (ts[changed], as_[changed]), 1.0)
    nf, nt = space.need_codes(stay["need_from"]), space.need_codes(stay["need_to"])
    np.add.at(out["need_moves"], (ts[changed], nf[changed], nt[changed]), 1.0)
    new = tr.filter(pl.col("kind") == "joiner")
    idx = (
        ti(new),
        space.ncy_codes(new["ncy_to"]),
        space.need_codes(new["need_to"]),
        space.group_codes(new["group_to"]),
    )
    np.add.at(out["joiners"], idx, 1.0)
    pop = population_grid(population, years, space)
    return History(np.asarray(years, dtype=np.int64), population=pop, **out)


def population_grid(population: pl.DataFrame, years: list[int], space: StateSpace) -> Floats:
    """(len(years), A): residents aged NCY + 4 in each year; a clear error if any are missing."""
    require(population, POPULATION_COLUMNS, "population")
    ages = space.ncys + AGE_AT_NCY0
    rows = population.filter(pl.col("year").is_in(years) & pl.col("age").is_in(ages.tolist()))
    if "kind" in rows.columns:  # an estimate wins over a projection for the same year
        rows = rows.sort(pl.col("kind") != "estimate")
    rows = rows.unique(["year", "age"], keep="first").with_columns(
        pl.col("population").cast(pl.Float64)
    )
    out = np.full((len(years), space.n_ncy), np.nan)
    yi = rows["year"].replace_strict({y: i for i, y in enumerate(years)}).to_numpy()
    out[yi, rows["age"].to_numpy() - ages[0]] = rows["population"].to_numpy()
    if np.isnan(out).any():
        gaps = [
            f"{y}: ages {_ranges(ages[np.isnan(out[i])].tolist())}"
            for i, y in enumerate(years)
            if np.isnan(out[i]).any()
        ]
        raise DataFileError(
            f"the population table has no figures for {'; '.join(gaps)}",
            file="population",
            column="population",
            fix=f"give residents by single year of age {ages[0]}-{ages[-1]} for every year "
            f"from {years[0]} to {years[-1]} (estimates, then projections)",
        )
    return out


def _ranges(values: list[int]) -> str:
    """[0, 1, 2, 5] -> '0-2, 5'."""
    parts: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)
