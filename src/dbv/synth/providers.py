"""Anyshire's schools and post-16 providers, and which one each placement spell is at.

Schools get synthetic 6-digit URNs starting with 9 and post-16 providers synthetic 8-digit UKPRNs
starting with 19, so none can be mistaken for a real establishment. Mainstream schools carry a
random "inclusion" effect that makes EHCP numbers vary between schools more than chance would
(overdispersion); the same effect nudges their SEN support rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.settings import INDEX, Spells

Strs = npt.NDArray[np.str_]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# the kind of school or provider each setting state places a child with
SCHOOL_POOLS = {
    "MS": "mainstream", "MS_RP": "mainstream", "MS_SU": "mainstream", "IMS": "independent",
    "MSS": "special", "NMSS": "non_maintained", "ISS": "independent_special", "AP": "ap",
}  # fmt: skip
PROVIDER_POOLS = {"FE": "fe", "SPI": "spi", "WBL": "wbl"}


@dataclass
class Providers:
    """Every school (``urn``) and post-16 provider (``ukprn``) with its attributes."""

    id: Strs
    kind: Strs  # primary, secondary, special, ap, independent, independent_special, ...
    is_school: Bools
    local: Bools
    has_rp: Bools
    has_su: Bools
    size: Floats  # relative roll within its phase
    inclusion: Floats  # log effect on EHCP placement (mainstream)
    sen_effect: Floats  # logit effect on the SEN support rate
    fsm: Floats  # % FSM in 2020


def _count(base: float, size: float, least: int = 1) -> int:
    return max(least, int(round(base * size)))


def build(rng: np.random.Generator, p: Params, size: float) -> Providers:
    sc = p.mapping("scale", "schools")
    n_ind = _count(p.num("scale", "independent_schools"), size, 4)
    n_post = _count(p.num("scale", "post16_providers"), size, 3)
    kinds: list[tuple[str, int, bool, bool]] = [  # kind, count, school, local
        ("primary", _count(sc["primary"], size), True, True),
        ("secondary", _count(sc["secondary"], size), True, True),
        ("special", _count(sc["special"], size), True, True),
        ("ap", _count(sc["ap"], size), True, True),
        ("special", _count(p.num("scale", "out_of_area_special_schools"), size), True, False),
        ("independent_special", n_ind // 2, True, True),
        ("independent_special", n_ind // 2, True, False),
        ("non_maintained", max(1, n_ind // 5), True, False),
        ("independent", max(1, n_ind // 5), True, True),
        ("independent", max(1, n_ind // 5), True, False),
        ("fe", max(1, n_post // 3), False, True),
        ("fe", max(1, n_post // 3), False, False),
        ("spi", max(1, n_post // 6), False, True),
        ("spi", max(1, n_post // 6), False, False),
        ("wbl", max(1, n_post // 3), False, True),
    ]
    kind = np.array([k for k, n, _, _ in kinds for _ in range(n)])
    is_school = np.array([s for _, n, s, _ in kinds for _ in range(n)])
    local = np.array([loc for _, n, _, loc in kinds for _ in range(n)])
    n = len(kind)
    ids = np.empty(n, dtype="<U8")
    urns = 900000 + rng.choice(100000, size=int(is_school.sum()), replace=False)
    ukprns = 19000000 + rng.choice(1000000, size=int((~is_school).sum()), replace=False)
    ids[is_school] = urns.astype(str)
    ids[~is_school] = ukprns.astype(str)
    mainstream = np.isin(kind, ["primary", "secondary"])
    sch = p.mapping("schools")
    has_rp = mainstream & (rng.random(n) < float(sch["rp_share"]))
    has_su = mainstream & ~has_rp & (rng.random(n) < float(sch["su_share"]))
    size_w = np.exp(rng.normal(0.0, float(sch["size_sigma"]), n))
    z_sen, z_own, z_fsm = rng.standard_normal((3, n))
    sen = z_sen * float(sch["sen_support_sigma"])
    inclusion = (0.5 * z_sen + 0.87 * z_own) * float(sch["inclusion_sigma"])
    fsm_2020 = float(sch["fsm_mean"]) - 5 * float(sch["fsm_growth"])
    fsm = np.clip(fsm_2020 + (0.5 * z_sen + 0.87 * z_fsm) * float(sch["fsm_sigma"]), 2.0, 65.0)
    return Providers(ids, kind, is_school, local, has_rp, has_su, size_w, inclusion, sen, fsm)


def _pool(pr: Providers, state: str, age: int) -> npt.NDArray[np.intp]:
    if state in ("MS", "MS_RP", "MS_SU"):
        phase = "primary" if age < 11 else "secondary"
        base = pr.kind == phase
        flag = {"MS_RP": pr.has_rp, "MS_SU": pr.has_su}.get(state)
        if flag is not None and bool((base & flag).any()):
            base = base & flag
        return np.flatnonzero(base)
    kind = SCHOOL_POOLS.get(state) or PROVIDER_POOLS[state]
    return np.flatnonzero(pr.kind == kind)


def assign(
    rng: np.random.Generator, p: Params, pr: Providers, spells: Spells, birth: D.Days
) -> Ints:
    """The provider index of each spell (-1 for settings without one)."""
    out = np.full(len(spells.plan), -1, dtype=np.int64)
    age = np.clip(D.academic_age(birth[spells.plan], D.academic_year(spells.entry)), 0, 29)
    ooa = p.mapping("settings", "out_of_area")
    weight = pr.size * np.exp(pr.inclusion)
    for state in list(SCHOOL_POOLS) + list(PROVIDER_POOLS):
        for secondary in (False, True):
            sel = np.flatnonzero((spells.state == INDEX[state]) & ((age >= 11) == secondary))
            if len(sel) == 0:
                continue
            pool = _pool(pr, state, 11 if secondary else 0)
            far = rng.random(len(sel)) < float(ooa.get(state, 0.0))
            for want_local in (True, False):
                part = sel[far != want_local]
                cands = pool[pr.local[pool] == want_local]
                if len(cands) == 0:
                    cands = pool
                w = weight[cands] / weight[cands].sum()
                out[part] = rng.choice(cands, size=len(part), p=w)
    return out
