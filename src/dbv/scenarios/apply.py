"""Levers applied to the person-level engine's rates, one yearly step at a time.

The engine's leave, move and destination rates are not time-varying, while a lever ramps up, so
:func:`run_steps` steps the engine one January at a time with that year's mitigated rates.
:func:`mitigate` never mutates its input and returns the input rates' values unchanged where every
effect is 0, so a zero lever reproduces the unmitigated run exactly (same seed).

Levers act on future flows only (domain spec 2.5), in this order, each on what the earlier ones
left: ``sen_support`` lowers the joiner rate of its cohort (those children never get a plan, so no
later lever sees them); the redirect levers (``mainstream_not_specialist``, ``rp_not_special``,
``state_not_independent``) move a fraction of the joiner destination probability, and of the
phase-transfer move destinations, from their ``from`` groups to their ``to`` group;
``timely_ceasing`` raises the leaving probability of its cohort by ``effect x (1 - leave)``.
``unit_cost`` acts in finance (:func:`unit_cost_factor`). A redirect lever with ``applies_to:
existing`` also redirects moves at every NCY, not only at phase transfer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
from numpy.typing import NDArray

from dbv.errors import UsageError
from dbv.forecast.person.config import PersonConfig
from dbv.forecast.person.project import _expected, _random
from dbv.forecast.person.rates import Rates, check
from dbv.forecast.person.sampling import Tables
from dbv.forecast.person.space import StateSpace
from dbv.scenarios.spec import Lever, Scenario

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
REDIRECT = ("mainstream_not_specialist", "rp_not_special", "state_not_independent")
ORDER = {"sen_support": 0, **{k: 1 for k in REDIRECT}, "timely_ceasing": 2, "unit_cost": 3}
COHORT_KEYS = {"ncy", "need", "groups"}
OVERFLOW_GROUP = "inmss"


def ordered(levers: Sequence[Lever]) -> list[Lever]:
    """Levers in the order they act (sen_support first; file order within a kind class)."""
    return sorted(levers, key=lambda lv: ORDER[lv.kind])


def cohort_ncys(lever: Lever, space: StateSpace) -> NDArray[np.bool_]:
    """(A,) NCYs the lever's cohort covers (every NCY by default; ``ncy: [lo, hi]``)."""
    unknown = set(lever.cohort) - COHORT_KEYS
    if unknown:
        raise UsageError(
            f"lever {lever.id}: unknown cohort keys {sorted(unknown)}",
            fix=f"use {sorted(COHORT_KEYS)}",
        )
    rng = lever.cohort.get("ncy")
    if rng is None:
        return np.ones(space.n_ncy, dtype=np.bool_)
    lo, hi = (int(x) for x in rng)
    return np.asarray((space.ncys >= lo) & (space.ncys <= hi), dtype=np.bool_)


def cohort_needs(lever: Lever, space: StateSpace) -> NDArray[np.bool_]:
    """(K,) needs the cohort covers (every need by default; ``need: [ASD, SEMH]``)."""
    needs = lever.cohort.get("need")
    if needs is None:
        return np.ones(len(space.needs), dtype=np.bool_)
    return np.isin(np.array(space.needs), [str(n) for n in needs])


def cohort_groups(lever: Lever, groups: Sequence[str]) -> NDArray[np.bool_]:
    """(G,) setting groups a unit-cost lever covers (``groups:``, else ``from``, else all)."""
    chosen = lever.cohort.get("groups") or list(lever.from_groups)
    if not chosen:
        return np.ones(len(groups), dtype=np.bool_)
    unknown = sorted(set(chosen) - set(groups))
    if unknown:
        raise UsageError(f"lever {lever.id}: unknown setting groups {unknown}")
    return np.isin(np.array(groups), list(chosen))


def _group_index(space: StateSpace, lever: Lever) -> tuple[list[int], int]:
    names = list(lever.from_groups) + [str(lever.to_group)]
    unknown = [g for g in names if g not in space.groups]
    if unknown or lever.to_group is None:
        raise UsageError(
            f"lever {lever.id}: setting groups {unknown or ['to']} are not in the state space",
            fix=f"use {', '.join(space.groups)}",
        )
    to = space.groups.index(str(lever.to_group))
    return [space.groups.index(g) for g in lever.from_groups if g != lever.to_group], to


def _per_sim(x: Floats, n: int) -> Floats:
    return np.array(np.broadcast_to(x, (n, *x.shape[1:])), dtype=np.float64)


def mitigate(
    rates: Rates,
    state_space: StateSpace,
    scenario_effects: Mapping[str, Floats],
    scenario: Scenario,
    years: Sequence[int],
    step: int = 0,
    config: PersonConfig | None = None,
) -> Rates:
    """Rates for the step of year ``years[step]``, one set per simulation (a copy).

    ``scenario_effects`` maps lever id to (n, len(years)) effective fractions (see
    :func:`dbv.scenarios.sample.effects`); column ``step`` is applied to every rate, including
    every column of the joiner rate (the caller takes that step's column)."""
    if not 0 <= step < len(years):
        raise UsageError(f"step {step} is outside the {len(years)} years")
    config = config or PersonConfig.load()
    n = max([e.shape[0] for e in scenario_effects.values()] + [rates.leave.shape[0]])
    leave, move, move_dest = (_per_sim(x, n) for x in (rates.leave, rates.move, rates.move_dest))
    join, join_dest = _per_sim(rates.join, n), _per_sim(rates.join_dest, n)
    valid = state_space.valid(config)  # (G, A)
    transfer = np.isin(state_space.ncys, config.phase_transfer_ncys)
    for lever in ordered(scenario.levers):
        if lever.id not in scenario_effects or lever.kind == "unit_cost":
            continue
        e = np.asarray(scenario_effects[lever.id], dtype=np.float64)
        if e.ndim != 2 or e.shape[1] != len(years):
            raise UsageError(f"effects of {lever.id} are {e.shape}; want (n, {len(years)})")
        eff = np.broadcast_to(np.clip(e[:, step], 0.0, 1.0), (n,))
        if not eff.any():
            continue
        ncy = cohort_ncys(lever, state_space)
        if lever.kind == "sen_support":
            need = cohort_needs(lever, state_space)
            share = join_dest[:, ncy][:, :, need].sum(axis=(2, 3))  # (n, a_c)
            removed = eff[:, None] * share
            keep = 1.0 - removed
            join[:, ncy] *= keep[:, :, None]
            sub = join_dest[:, ncy]
            sub[:, :, need] *= (1.0 - eff)[:, None, None, None]
            sub /= np.where(keep > 0, keep, 1.0)[:, :, None, None]
            join_dest[:, ncy] = sub
        elif lever.kind in REDIRECT:
            src, to = _group_index(state_space, lever)
            need = cohort_needs(lever, state_space)
            cols = ncy & valid[to]
            _redirect_joiners(join_dest, eff, cols, need, src, to)
            moves = cols & (transfer if lever.applies_to == "new_entrants" else True)
            if "need" in lever.cohort and moves.any():
                raise UsageError(
                    f"lever {lever.id}: a need cohort cannot act on moves (moves have no need)",
                    fix="drop 'need' from the cohort",
                )
            _redirect_moves(move, move_dest, eff, moves, src, to)
        elif lever.kind == "timely_ceasing":
            if "need" in lever.cohort:
                raise UsageError(f"lever {lever.id}: leaving rates have no need axis")
            leave[:, :, ncy] += eff[:, None, None] * (1.0 - leave[:, :, ncy])
    return replace(
        rates, leave=leave, move=move, move_dest=move_dest, join=join, join_dest=join_dest
    )


def _redirect_joiners(
    dest: Floats,
    eff: Floats,
    cols: NDArray[np.bool_],
    need: NDArray[np.bool_],
    src: list[int],
    to: int,
) -> None:
    """In place on (n, A, K, G): a fraction ``eff`` of the ``src`` mass goes to ``to``."""
    if not src or not cols.any():
        return
    sub = dest[:, cols][:, :, need]  # (n, a, k, G)
    moved = sub[..., src] * eff[:, None, None, None]
    sub[..., src] -= moved
    sub[..., to] += moved.sum(axis=-1)
    block = dest[:, cols]
    block[:, :, need] = sub
    dest[:, cols] = block


def _redirect_moves(
    move: Floats, dest: Floats, eff: Floats, cols: NDArray[np.bool_], src: list[int], to: int
) -> None:
    """In place on move (n, G, A) and move_dest (n, G, A, G) at the NCYs ``cols``. From the
    ``to`` group itself a redirected move is a stay: its move rate falls instead."""
    if not src or not cols.any():
        return
    n_g = dest.shape[1]
    for origin in range(n_g):
        d = dest[:, origin][:, cols]  # (n, a, G)
        moved = d[..., src] * eff[:, None, None]
        d[..., src] -= moved
        if origin == to:
            kept = d.sum(axis=-1)  # 1 - redirected share
            m = move[:, origin][:, cols]
            move[:, origin, np.flatnonzero(cols)] = m * kept
            d /= np.where(kept > 0, kept, 1.0)[..., None]
        else:
            d[..., to] += moved.sum(axis=-1)
        dest[:, origin, np.flatnonzero(cols)] = d


def unit_cost_factor(
    scenario: Scenario, effects: Mapping[str, Floats], groups: Sequence[str], n: int, n_years: int
) -> Floats:
    """(n, G, T) multiplier on placement spend by group from the ``unit_cost`` levers (1 where
    none applies); T is the number of effect years."""
    out = np.ones((n, len(groups), n_years))
    for lever in scenario.levers:
        if lever.kind != "unit_cost" or lever.id not in effects:
            continue
        e = np.broadcast_to(np.clip(effects[lever.id], 0.0, 1.0), (n, n_years))
        mask = cohort_groups(lever, groups)
        out[:, mask] *= (1.0 - e)[:, None, :]
    return out


@dataclass(frozen=True)
class Capacity:
    """Places per setting group for the stock at the end of each step (the January after the
    step's year); children over it are placed in ``OVERFLOW_GROUP`` (same need and NCY), this
    step's arrivals first."""

    limits: dict[str, dict[int, float]]

    def apply(
        self, x: Floats | Ints, before: Floats | Ints, space: StateSpace, year: int
    ) -> tuple[Floats | Ints, Floats]:
        """(new stock, (n,) overflow). ``before`` is the stock at the start of the step."""
        overflow = np.zeros(x.shape[0])
        if OVERFLOW_GROUP not in space.groups:
            return x, overflow
        sink = space.groups.index(OVERFLOW_GROUP)
        for group, by_year in self.limits.items():
            if year not in by_year or group not in space.groups or group == OVERFLOW_GROUP:
                continue
            g = space.groups.index(group)
            cells = x[:, :, g, :]
            excess = np.maximum(cells.sum(axis=(1, 2)) - by_year[year], 0.0)
            if np.issubdtype(x.dtype, np.integer):
                excess = np.ceil(excess)
            if not excess.any():
                continue
            aged = np.zeros_like(x[:, :, g, :])
            aged[..., 1:] = before[:, :, g, :-1]
            arrivals = np.maximum(cells - aged, 0)
            first = _take(arrivals, excess)
            rest = _take(cells - first, excess - first.sum(axis=(1, 2)))
            taken = first + rest
            x = x.copy()
            x[:, :, g, :] -= taken
            x[:, :, sink, :] += taken
            overflow += taken.reshape(x.shape[0], -1).sum(axis=1)
        return x, overflow


def _take(counts: Floats | Ints, amount: Floats) -> Floats | Ints:
    """Take ``amount[i]`` from simulation i of ``counts`` (n, K, A), oldest NCY first."""
    n, k, a = counts.shape
    order = counts.transpose(0, 2, 1)[:, ::-1].reshape(n, a * k)  # oldest NCY first
    before = np.cumsum(order, axis=1) - order
    taken = np.clip(amount[:, None] - before, 0, order).reshape(n, a, k)[:, ::-1]
    return cast("Floats | Ints", taken.transpose(0, 2, 1).astype(counts.dtype))


@dataclass(frozen=True)
class Run:
    """Stocks (n, S, h) of one run and, per simulation and year, children over capacity."""

    stock: Floats
    overflow: Floats  # (n, h)


def run_steps(
    start: Ints,
    rates: Rates,
    population: Floats,
    space: StateSpace,
    years: Sequence[int],
    seed: int,
    scenario: Scenario | None = None,
    effects: Mapping[str, Floats] | None = None,
    capacity: Capacity | None = None,
    expected: bool = False,
    config: PersonConfig | None = None,
) -> Run:
    """Step ``start`` (K, G, A) through ``years`` (step j is January years[j] to years[j] + 1)
    with the year's mitigated rates. Each step draws from its own stream of ``seed``, so runs
    with the same seed share their random numbers (common random numbers); ``expected`` replaces
    every draw by its expectation."""
    h = len(years)
    n = rates.leave.shape[0]
    if effects:
        n = max(n, *(e.shape[0] for e in effects.values()))
    k, g, a = start.shape
    check(rates, (k, g, a), population, h, rates.leave.shape[0])
    streams = np.random.SeedSequence(seed).spawn(h)
    stock = np.empty((n, k * g * a, h))
    overflow = np.zeros((n, h))
    dtype = np.float64 if expected else np.int64
    x = cast("Floats | Ints", np.broadcast_to(start.astype(dtype), (n, k, g, a)).copy())
    for j in range(h):
        r = rates
        if scenario is not None and effects:
            r = mitigate(rates, space, effects, scenario, years, j, config)
        r = replace(r, join=r.join[:, :, j : j + 1])
        if r.leave.shape[0] == 1 and n > 1:
            r = Rates(*(_per_sim(getattr(r, f), n) for f in Rates.__dataclass_fields__))
        before = x
        if expected:
            x = _expected(np.asarray(x, dtype=np.float64), r, population[:, j], 0)[0]
        else:
            rng = np.random.default_rng(streams[j])
            x = _random(
                np.asarray(x, dtype=np.int64),
                r,
                Tables.build(r, (k, g, a)),
                population[:, j],
                0,
                rng,
            )[0]
        if capacity is not None:
            x, overflow[:, j] = capacity.apply(x, before, space, years[j])
        stock[:, :, j] = x.reshape(n, -1)
    return Run(stock, overflow)
