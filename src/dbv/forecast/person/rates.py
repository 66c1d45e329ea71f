"""The rates one projection runs on, and the simulated paths it returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dbv.errors import UsageError
from dbv.forecast.person.shrink import Floats


@dataclass(frozen=True)
class Rates:
    """Rates with a leading axis of 1 (shared) or n (one set per simulation)."""

    leave: Floats  # (p, G, A)
    move: Floats  # (p, G, A)
    move_dest: Floats  # (p, G, A, G)
    need_change: Floats  # (p, A)
    need_dest: Floats  # (p, K, K)
    join: Floats  # (p, A, h) joiners per head of population
    join_dest: Floats  # (p, A, K, G)


@dataclass(frozen=True)
class Paths:
    """Simulated stocks (n, S, h) and the flows behind them (n, h)."""

    stock: Floats
    joiners: Floats
    leavers: Floats  # including those who aged out
    aged_out: Floats
    start: Floats  # (S,) the stock at the origin

    def totals(self) -> Floats:
        """(n, h) caseload totals per simulation."""
        return np.asarray(self.stock.sum(axis=1), dtype=np.float64)


def check(r: Rates, shape: tuple[int, int, int], population: Floats, h: int, n: int) -> None:
    k, g, a = shape
    want = {
        "leave": (g, a),
        "move": (g, a),
        "move_dest": (g, a, g),
        "need_change": (a,),
        "need_dest": (k, k),
        "join": (a, h),
        "join_dest": (a, k, g),
    }
    leading = {name: getattr(r, name).shape[0] for name in want}
    bad = [
        f"{name} {getattr(r, name).shape} (want (p, {', '.join(map(str, dims))}))"
        for name, dims in want.items()
        if getattr(r, name).shape[1:] != dims and not (name == "join" and _long_enough(r, a, h))
    ]
    if len(set(leading.values())) > 1 or next(iter(leading.values())) not in (1, n):
        bad.append(f"leading axes {leading} must all be 1 or n = {n}")
    if population.shape[0] != a or population.shape[1] < h:
        bad.append(f"population {population.shape} (want ({a}, >= {h}))")
    if bad:
        raise UsageError("rates do not fit the state space: " + "; ".join(bad))


def _long_enough(r: Rates, a: int, h: int) -> bool:
    return bool(r.join.shape[1] == a and r.join.shape[2] >= h)
