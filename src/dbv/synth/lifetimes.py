"""Plan lifetimes: who gets a plan when, at what age, and when and why it ceases.

New plans are issued each calendar year in proportion to a growth curve, at ages drawn from the
national "age when plan started" profile; some plans are transferred in from other LAs. Each plan
then ceases with an annual hazard by academic age (higher after 16 before the 2014 reforms), at
the end of the academic year the young person turns 25 at the latest. The simulation oversamples
and then thins the plans at random so that the caseload at the census hits the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dbv.synth import dates as D
from dbv.synth.config import Params

Strs = npt.NDArray[np.str_]
Bools = npt.NDArray[np.bool_]
PIPELINE_DAYS = 300  # plans issued up to this long after the census are still in the pipeline


@dataclass
class Plans:
    """One row per plan (and per person with a plan); day numbers, ``NO_DATE`` when absent."""

    birth: D.Days
    start: D.Days
    cease: D.Days
    reason: Strs
    transfer_la: Strs
    pending: Bools  # issued after the census: the request or assessment is still open
    extra: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.start)

    def take(self, idx: npt.NDArray[np.intp] | Bools) -> Plans:
        return Plans(
            self.birth[idx],
            self.start[idx],
            self.cease[idx],
            self.reason[idx],
            self.transfer_la[idx],
            self.pending[idx],
            {k: v[idx] for k, v in self.extra.items()},
        )

    def active_on(self, on: int) -> Bools:
        return (self.start <= on) & (self.cease > on)


def _volumes(p: Params, years: npt.NDArray[np.int64], size: float) -> npt.NDArray[np.float64]:
    g = p.num("volumes", "growth_from_2015")
    g0 = p.num("volumes", "growth_before_2015")
    w = np.where(
        years >= 2015,
        (1 + g) ** (years - 2024),
        (1 + g) ** (2015 - 2024) * (1 + g0) ** (years - 2015),
    )
    per_plan = p.num("volumes", "new_plans_2024_per_plan")
    base = p.num("scale", "active_plans") * per_plan * p.num("volumes", "oversample")
    return np.asarray(w * base * size, dtype=np.float64)


def _draw_starts(
    rng: np.random.Generator, p: Params, size: float, last: int
) -> tuple[D.Days, D.Days, Strs]:
    first = int(p.num("la", "first_issue_year"))
    years = np.arange(first, int(p.num("la", "census_year")) + 1, dtype=np.int64)
    mean_new = _volumes(p, years, size)
    n_new = rng.poisson(mean_new)
    n_in = rng.poisson(mean_new * p.num("volumes", "transfer_in_per_new_plan"))
    ages_new, p_new = p.shares("start_age")
    ages_in, p_in = p.shares("transfer_in_age")
    age = np.concatenate(
        [
            rng.choice(np.array(ages_new, dtype=np.int64), size=int(n_new.sum()), p=p_new),
            rng.choice(np.array(ages_in, dtype=np.int64), size=int(n_in.sum()), p=p_in),
        ]
    )
    year = np.concatenate([np.repeat(years, n_new), np.repeat(years, n_in)])
    start = D.year_start(year) + rng.integers(0, 365, size=len(year))
    years_old = np.maximum(age + rng.random(len(age)), 0.3)  # no plan in the first months
    birth = start - (years_old * 365.25).astype(np.int64) - 1
    las = [str(x) for x in p.get("volumes", "transfer_las")]
    transfer = np.concatenate(
        [np.full(int(n_new.sum()), ""), rng.choice(np.array(las), size=int(n_in.sum()))]
    ).astype(np.str_)
    keep = start <= last
    return birth[keep], start[keep], transfer[keep]


def _exits(
    rng: np.random.Generator, p: Params, birth: D.Days, start: D.Days
) -> tuple[D.Days, Strs]:
    n = len(start)
    cease = np.full(n, D.NO_DATE, dtype=np.int64)
    reason = np.full(n, "", dtype="<U1")
    hazard = np.array(p.by_age("exit", "hazard_by_age", ages=30), dtype=np.float64)
    max_age = int(p.num("exit", "max_age"))
    end_course = p.num("exit", "end_of_course_share")
    t0 = D.academic_year(start)
    for t in range(int(t0.min()), int(p.num("la", "census_year")) + 1):
        live = (t0 <= t) & (cease == D.NO_DATE)
        idx = np.flatnonzero(live)
        if len(idx) == 0:
            continue
        age = np.clip(D.academic_age(birth[idx], t), 0, 29)
        lo, hi = int(D.september(t)), int(D.september(t + 1))
        begin = np.maximum(start[idx], lo)
        frac = (hi - begin) / (hi - lo)
        mult = np.where(
            age >= 16, p.interpolated("exit", "pre_reform_post16_multiplier", at=t)[()], 1.0
        )
        leave = rng.random(len(idx)) < hazard[age] * mult * frac
        summer = (age >= 15) & (rng.random(len(idx)) < end_course)
        july = D.day(t + 1, 7, 10)
        lo_d = np.where(summer & (begin < july), july, begin)
        when = lo_d + (rng.random(len(idx)) * (hi - 1 - lo_d)).astype(np.int64)
        when = np.maximum(when, start[idx] + 1)
        cease[idx[leave]] = when[leave]
        # the end of the academic year in which they turn the maximum age
        last = ~leave & (age >= max_age - 1)
        cease[idx[last]] = np.maximum(D.day(t + 1, 7, 31), start[idx[last]] + 1)
        reason[idx[last]] = "1"
    return cease, reason


def _reasons(
    rng: np.random.Generator, p: Params, birth: D.Days, cease: D.Days, reason: Strs
) -> None:
    todo = np.flatnonzero((cease < D.NO_DATE) & (reason == ""))
    age = D.age_on(birth[todo], cease[todo])
    table = p.by_age("exit", "reasons_by_age", ages=30)
    for a in np.unique(np.clip(age, 0, 29)):
        sel = todo[np.clip(age, 0, 29) == a]
        codes = [str(k) for k in table[int(a)]]
        w = np.array([float(v) for v in table[int(a)].values()])
        reason[sel] = rng.choice(np.array(codes), size=len(sel), p=w / w.sum())
    age_then = D.academic_age(birth[todo], D.academic_year(cease[todo]))
    at_19 = todo[(age_then == 18) | (age_then == 19)]
    custody = at_19[rng.random(len(at_19)) < p.num("exit", "reason_1_at_19_share")]
    reason[custody] = "1"


def simulate(rng: np.random.Generator, p: Params, size: float) -> Plans:
    """Every plan active on or after 1 January of ``la.history_from``, thinned to the target."""
    year = int(p.num("la", "census_year"))
    cutoff = D.census_day(year)
    birth, start, transfer = _draw_starts(rng, p, size, cutoff + PIPELINE_DAYS)
    cease, reason = _exits(rng, p, birth, start)
    _reasons(rng, p, birth, cease, reason)
    after = cease > cutoff
    cease[after] = D.NO_DATE
    reason[after] = ""
    pending = start > cutoff
    keep = (cease >= D.day(int(p.num("la", "history_from")), 1, 1)) & ~(pending & (transfer != ""))
    plans = Plans(birth, start, cease, reason, transfer, pending).take(keep)
    active = int(plans.active_on(cutoff).sum())
    share = min(1.0, p.num("scale", "active_plans") * size / max(active, 1))
    thinned = plans.take(rng.random(len(plans)) < share)
    order = np.lexsort((thinned.birth, thinned.start))
    return thinned.take(order)
