"""Where each child is placed over time: a state machine over setting types, run one academic
year at a time for every plan at once.

Each plan starts in a setting drawn by age; on 1 September it may move at a phase transfer
(Reception, Year 7, Year 12, the end of school sixth forms); during the year it may move with an
annual probability by age band. Moves into special, independent, AP and unit settings are tilted
by the child's primary need. The result is a list of spells (plan, state, entry day, whether a
new school is needed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.lifetimes import Plans
from dbv.synth.seeding import categorical

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

STATES = (
    "EY", "MS", "MS_RP", "MS_SU", "IMS", "MSS", "NMSS", "ISS", "AP",
    "FE", "SPI", "WBL", "OLA", "OPA", "EHE", "NEET", "NIEO", "OTH",
)  # fmt: skip
SETTING_TYPE = {s: s.split("_")[0] for s in STATES}
GROUP = {
    "EY": "early_years", "MS": "mainstream", "MS_RP": "resourced_provision",
    "MS_SU": "sen_unit", "IMS": "mainstream", "MSS": "state_special", "NMSS": "inmss",
    "ISS": "inmss", "AP": "ap_pru", "FE": "post16", "SPI": "post16", "WBL": "post16",
}  # fmt: skip
MAINSTREAM = np.array([s in ("MS", "MS_RP", "MS_SU") for s in STATES])
INDEX = {s: i for i, s in enumerate(STATES)}


def group_of(state: str) -> str:
    return GROUP.get(state, "other")


@dataclass
class Spells:
    """Rank-1 placement spells in plan order: the state entered on ``entry`` (a day number).
    Every spell is a new placement (a new setting, or a new school in the same setting)."""

    plan: Ints
    state: Ints
    entry: D.Days


def _matrix(rows: dict[str, dict[str, float]]) -> Floats:
    m = np.zeros((len(STATES), len(STATES)))
    for src, dests in rows.items():
        for dst, prob in dests.items():
            m[INDEX[src], INDEX[dst]] = float(prob)
    return m


def _vector(row: dict[str, float]) -> Floats:
    v = np.zeros(len(STATES))
    for s, prob in row.items():
        v[INDEX[s]] = float(prob)
    return np.asarray(v / v.sum(), dtype=np.float64)


def _tilt(p: Params, needs: list[str]) -> Floats:
    """Multiplier on entering each state, by need (rows: states, columns: needs)."""
    mix = p.mapping("calibration", "need_mix_2025")
    w = np.array([float(mix[n]) for n in needs])
    w = w / w.sum()
    tilt = np.ones((len(STATES), len(needs)))
    for group, by_need in p.mapping("settings", "need_tilt").items():
        row = np.array([float(by_need.get(n, 1.0)) for n in needs])
        row = row / float(row @ w)
        for s in STATES:
            if group_of(s) == group:
                tilt[INDEX[s]] = row
    return tilt


def _choose(rng: np.random.Generator, probs: Floats, stay: Ints) -> Ints:
    """Move to a state per row of off-diagonal probabilities (the rest stays in ``stay``)."""
    total = probs.sum(axis=1)
    probs = probs / np.maximum(total / 0.98, 1.0)[:, None]
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    pick = (cum < u).sum(axis=1)
    return np.where(pick >= len(STATES), stay, pick).astype(np.int64)


class _Model:
    def __init__(self, p: Params, needs: list[str]) -> None:
        self.start = np.array([_vector(r) for r in p.by_age("settings", "start", ages=30)])
        self.yearly = np.array([_matrix(r) for r in p.by_age("settings", "yearly", ages=30)])
        at_age = p.mapping("settings", "at_age")
        self.at_age = {int(a): _matrix(rows) for a, rows in at_age.items()}
        self.tilt = _tilt(p, needs)
        self.school_move = p.num("settings", "school_move_rate")

    def initial(self, rng: np.random.Generator, age: Ints, need: Ints) -> Ints:
        return categorical(rng, self.start[age] * self.tilt[:, need].T)

    def move(
        self, rng: np.random.Generator, m: Floats, state: Ints, need: Ints, scale: Floats
    ) -> Ints:
        probs = m[state] * self.tilt[:, need].T * scale[:, None]
        probs[np.arange(len(state)), state] = 0.0
        return _choose(rng, probs, state)


def simulate(rng: np.random.Generator, p: Params, plans: Plans, need: Ints, cutoff: int) -> Spells:
    """Placement spells of every issued plan, up to the census day ``cutoff``."""
    model = _Model(p, [str(c) for c in p.mapping("calibration", "need_mix_2025")])
    state = np.full(len(plans), -1, dtype=np.int64)
    out: list[tuple[Ints, Ints, D.Days]] = []
    issued = ~plans.pending
    first = int(D.academic_year(plans.start[issued]).min())
    for t in range(first, int(D.academic_year(np.array([cutoff]))[0]) + 1):
        lo, hi = int(D.september(t)), int(D.september(t + 1))
        age = np.clip(D.academic_age(plans.birth, t), 0, 29)
        out.extend(
            _phase_transfers(rng, model, plans, state, need, age, issued & (plans.start < lo), lo)
        )
        starting = np.flatnonzero(issued & (plans.start >= lo) & (plans.start < hi))
        state[starting] = model.initial(rng, age[starting], need[starting])
        out.append((starting, state[starting], plans.start[starting]))
        out.append(_in_year_moves(rng, model, plans, state, need, age, issued, lo, hi))
    plan = np.concatenate([o[0] for o in out])
    st = np.concatenate([o[1] for o in out])
    entry = np.concatenate([o[2] for o in out])
    keep = entry <= cutoff
    order = np.lexsort((entry[keep], plan[keep]))
    return Spells(plan[keep][order], st[keep][order], entry[keep][order])


def _phase_transfers(
    rng: np.random.Generator,
    model: _Model,
    plans: Plans,
    state: Ints,
    need: Ints,
    age: Ints,
    running: npt.NDArray[np.bool_],
    lo: int,
) -> list[tuple[Ints, Ints, D.Days]]:
    """Moves on (about) 1 September; every mainstream pupil entering Year 7 changes school."""
    idx = np.flatnonzero(running & (plans.cease > lo + 10))
    entry = lo + rng.integers(0, 7, size=len(idx))
    ok = plans.cease[idx] > entry + 1
    idx, entry = idx[ok], entry[ok]
    out = []
    for a, m in model.at_age.items():
        sel = age[idx] == a
        who = idx[sel]
        new = model.move(rng, m, state[who], need[who], np.ones(len(who)))
        change = (new != state[who]) | ((a == 11) & MAINSTREAM[new])
        out.append((who[change], new[change], entry[sel][change]))
        state[who] = new
    return out


def _in_year_moves(
    rng: np.random.Generator,
    model: _Model,
    plans: Plans,
    state: Ints,
    need: Ints,
    age: Ints,
    issued: npt.NDArray[np.bool_],
    lo: int,
    hi: int,
) -> tuple[Ints, Ints, D.Days]:
    """At most one move (or change of mainstream school) per plan during the year."""
    idx = np.flatnonzero(issued & (plans.start < hi) & (plans.cease > lo) & (state >= 0))
    first = np.maximum(plans.start[idx], lo) + 20
    last = np.minimum(plans.cease[idx], hi) - 1
    ok = last > first
    idx, first, last = idx[ok], first[ok], last[ok]
    scale = (last - first) / (hi - lo)
    new = state[idx].copy()
    bands = age[idx]
    for b in np.unique(bands):
        sel = bands == b
        new[sel] = model.move(rng, model.yearly[b], state[idx][sel], need[idx][sel], scale[sel])
    moved = new != state[idx]
    school = ~moved & MAINSTREAM[new] & (rng.random(len(idx)) < model.school_move * scale)
    change = moved | school
    when = first + (rng.random(len(idx)) * (last - first)).astype(np.int64)
    state[idx] = new
    return idx[change], new[change], when[change]
