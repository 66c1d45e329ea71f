"""SEN needs of each plan: a primary need at the start (by age), an optional secondary need, and
a few primary-need changes later in the plan's life."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.lifetimes import Plans
from dbv.synth.seeding import categorical

Ints = npt.NDArray[np.int64]


@dataclass
class Needs:
    """Need rows: plan index, need code index into ``codes``, rank, start and end days."""

    codes: list[str]
    primary_at_start: Ints  # per plan
    plan: Ints
    need: Ints
    rank: Ints
    start: D.Days
    end: D.Days


def simulate(rng: np.random.Generator, p: Params, plans: Plans, cutoff: int) -> Needs:
    codes = [str(c) for c in p.mapping("calibration", "need_mix_2025")]
    table = p.by_age("need_at_start", ages=30)
    mix = np.array([[float(row.get(c, 0.0)) for c in codes] for row in table])
    n = len(plans)
    age = np.clip(D.academic_age(plans.birth, D.academic_year(plans.start)), 0, 29)
    weights = mix[age]
    primary = categorical(rng, weights)
    has_second = rng.random(n) < p.num("needs", "secondary_share")
    second_w = weights.copy()
    second_w[np.arange(n), primary] = 0.0
    secondary = np.where(has_second, categorical(rng, second_w), -1)

    end_of_life = np.minimum(plans.cease, cutoff)
    years = rng.exponential(1.0 / p.num("needs", "change_rate"), size=n)
    when = plans.start + 30 + (years * 365.25).astype(np.int64)
    changes = (when < end_of_life - 30) & ~plans.pending
    change_to = p.mapping("needs", "change_to")
    new = primary.copy()
    for k, code in enumerate(codes):
        sel = np.flatnonzero(changes & (primary == k))
        if len(sel) == 0:
            continue
        dest = change_to.get(code, change_to["other"])
        w = np.array([[float(dest.get(c, 0.0)) if c != code else 0.0 for c in codes]])
        new[sel] = categorical(rng, np.repeat(w, len(sel), axis=0))
    swap = changes & (new == secondary)

    idx = np.arange(n, dtype=np.int64)
    no_end = np.full(n, D.NO_DATE, dtype=np.int64)
    first_end = np.where(changes, when, no_end)
    sec_end = np.where(swap, when, no_end)
    s2 = secondary >= 0
    parts = [
        (idx, primary, 1, plans.start, first_end),
        (idx[changes], new[changes], 1, when[changes], no_end[changes]),
        (idx[s2], secondary[s2], 2, plans.start[s2], sec_end[s2]),
        (idx[swap], primary[swap], 2, when[swap], no_end[swap]),
    ]
    live = ~plans.pending
    keep = [live[part[0]] for part in parts]
    return Needs(
        codes=codes,
        primary_at_start=primary,
        plan=np.concatenate([part[0][k] for part, k in zip(parts, keep, strict=True)]),
        need=np.concatenate([part[1][k] for part, k in zip(parts, keep, strict=True)]),
        rank=np.concatenate(
            [
                np.full(int(k.sum()), part[2], dtype=np.int64)
                for part, k in zip(parts, keep, strict=True)
            ]
        ),
        start=np.concatenate([part[3][k] for part, k in zip(parts, keep, strict=True)]),
        end=np.concatenate([part[4][k] for part, k in zip(parts, keep, strict=True)]),
    )
