"""Public EHCP statistics as aligned arrays for forecasting every LA at once.

Rows are LA codes, columns calendar years. Stocks (``caseload``, ``pct_pupils_ehcp``) are January
censuses; flows (requests, new plans, ...) are calendar years. :func:`known_at` hides what was not
yet published at an origin (the January census of the origin year is known; flows only up to the
year before), so fitting can never look ahead.

LAs created by a reorganisation get a back-cast history before their first census: their share
of the new area at the first census times the predecessors' combined series. Their growth history
is the combined area's, their level their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dbv.geography import Reorganisation

STOCKS = {"S": "caseload", "PREV": "pct_pupils_ehcp"}
FLOWS = {
    "NEW": "new_plans",
    "CEA": "ceased",
    "REQ": "requests",
    "REF": "requests_refused",
    "T20": "plans_issued_20wk",
    "T20D": "plans_issued_20wk_den",
}
FIRST_YEAR = 2009


@dataclass(frozen=True)
class PublicPanel:
    codes: list[str]
    years: NDArray[np.int64]
    data: dict[str, NDArray[np.float64]]
    events: list[tuple[list[int], list[int], int]]  # predecessor rows, successor rows, 1st census

    def col(self, year: int) -> int:
        return int(year - self.years[0])

    def row(self, code: str) -> int:
        return self.codes.index(code)


def load_panel(panel: pl.DataFrame, events: list[Reorganisation], last_year: int) -> PublicPanel:
    """Arrays of every LA metric from the baseline panel (``dbv.baseline.panel``)."""
    la = panel.filter(pl.col("level") == "la")
    codes = sorted(la["code"].unique().to_list())
    idx = {c: i for i, c in enumerate(codes)}
    years = np.arange(FIRST_YEAR, last_year + 1)
    data: dict[str, NDArray[np.float64]] = {}
    for key, metric in {**STOCKS, **FLOWS}.items():
        arr = np.full((len(codes), len(years)), np.nan)
        rows = la.filter(
            (pl.col("metric") == metric) & pl.col("year").is_between(FIRST_YEAR, last_year)
        ).select("code", "year", "value")
        if rows.height:
            r = np.array([idx[c] for c in rows["code"].to_list()])
            c = rows["year"].to_numpy() - FIRST_YEAR
            arr[r, c] = rows["value"].to_numpy()
        data[key] = arr
    ev = [
        (
            [idx[c] for c in e.predecessors if c in idx],
            [idx[c] for c in e.successors if c in idx],
            e.first_census,
        )
        for e in events
        if e.exact and all(c in idx for c in e.successors)
    ]
    return PublicPanel(codes, years, data, ev)


def known_at(p: PublicPanel, origin: int) -> dict[str, NDArray[np.float64]]:
    """What was published by the origin January, with successors back-cast."""
    view = {k: v.copy() for k, v in p.data.items()}
    for k in view:
        first_hidden = p.col(origin) + (1 if k in STOCKS else 0)
        view[k][:, first_hidden:] = np.nan
    for pred, succ, first in p.events:
        if first > origin:
            continue
        fc = p.col(first)
        share = view["S"][succ, fc] / np.nansum(view["S"][succ, fc])
        for k in ["S", *FLOWS]:
            last = fc if k == "S" else fc - 1
            combined = np.nansum(view[k][pred, :last], axis=0)
            combined[np.all(np.isnan(view[k][pred, :last]), axis=0)] = np.nan
            view[k][succ, :last] = share[:, None] * combined[None, :]
        for k in view:
            view[k][pred, :] = np.nan
    return view
