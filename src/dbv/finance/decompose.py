"""Additive LMDI decompositions of caseload and spend growth (domain spec 2.7).

For a total ``V = sum_k prod_i x_ik`` the change from period 0 to 1 splits exactly into one
effect per factor i: ``sum_k L(V1_k, V0_k) * ln(x1_ik / x0_ik)``, with the logarithmic mean
``L(a, b) = (a - b) / (ln a - ln b)`` (LMDI-I, Ang 2004; no residual). Zeros take the analytical
limit (Ang and Liu 2007): a category that starts (or ends) at zero gives its whole change to the
factors that were zero, in equal parts. Arrays may carry leading dimensions (simulations); the
categories are the last axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from dbv.errors import UsageError
from dbv.finance.dated import FloatArray


@dataclass(frozen=True)
class Decomposition:
    """``total`` change and its ``components`` (summed over categories); ``by_category`` keeps
    the last axis."""

    total: FloatArray
    components: dict[str, FloatArray]
    by_category: dict[str, FloatArray]

    def residual(self) -> FloatArray:
        out: FloatArray = self.total - sum(self.components.values(), np.zeros_like(self.total))
        return out

    def frame(self, categories: list[str] | None = None) -> pl.DataFrame:
        """Component by category for a single decomposition (no leading dimensions)."""
        first = next(iter(self.by_category.values()))
        if first.ndim != 1:
            raise UsageError("frame() needs a decomposition without a simulation dimension")
        names = categories or [str(i) for i in range(first.shape[0])]
        return pl.DataFrame(
            {"category": names, **{k: v for k, v in self.by_category.items()}}
        ).with_columns(total=pl.sum_horizontal(list(self.by_category)))


def logmean(a: FloatArray, b: FloatArray) -> FloatArray:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), with L(a, a) = a and L(a, 0) = 0.
    Near a = b a series keeps full precision: with a = b(1 + r), L = b(1 + r/2 - r^2/12 +
    r^3/24 - 19 r^4/720)."""
    positive = (a > 0) & (b > 0)
    sa, sb = np.where(positive, a, 1.0), np.where(positive, b, 1.0)
    with np.errstate(all="ignore"):  # the branch not chosen may overflow
        r = sa / sb - 1.0
        exact = (sa - sb) / (np.log(sa) - np.log(sb))
        series = sb * (1.0 + r / 2.0 - r**2 / 12.0 + r**3 / 24.0 - 19.0 * r**4 / 720.0)
    near = np.abs(r) < 1e-3
    out: FloatArray = np.where(positive, np.where(near, series, exact), 0.0)
    return out


def lmdi(factors0: list[FloatArray], factors1: list[FloatArray]) -> list[FloatArray]:
    """Effect of each factor, per category (same shape as the factors)."""
    x0 = np.stack(np.broadcast_arrays(*factors0))
    x1 = np.stack(np.broadcast_arrays(*factors1))
    if (
        np.any(x0 < 0)
        or np.any(x1 < 0)
        or not (np.all(np.isfinite(x0)) and np.all(np.isfinite(x1)))
    ):
        raise UsageError("LMDI factors must be finite and not negative")
    v0, v1 = x0.prod(axis=0), x1.prod(axis=0)
    weight = logmean(v1, v0)
    both = (x0 > 0) & (x1 > 0)
    logs = np.log(np.where(both, x1, 1.0)) - np.log(np.where(both, x0, 1.0))
    terms = np.where(both & (weight > 0), weight * logs, 0.0)
    born = (v0 == 0) & (v1 > 0)  # limit: the factors that were zero take the change
    died = (v1 == 0) & (v0 > 0)
    # factors that are zero (if a product underflows to zero with none, all share the change)
    zero0 = (x0 == 0) | ~(x0 == 0).any(axis=0)
    zero1 = (x1 == 0) | ~(x1 == 0).any(axis=0)
    terms = np.where(born, np.where(zero0, v1 / np.maximum(zero0.sum(axis=0), 1), 0.0), terms)
    terms = np.where(died, np.where(zero1, -v0 / np.maximum(zero1.sum(axis=0), 1), 0.0), terms)
    return [np.asarray(t, dtype=np.float64) for t in terms]


def _arr(x: ArrayLike, name: str) -> FloatArray:
    out = np.asarray(x, dtype=np.float64)
    if out.ndim == 0:
        raise UsageError(f"{name} must have a category axis")
    return out


def _ratio(num: FloatArray, den: FloatArray, other: FloatArray) -> FloatArray:
    """num / den, taking ``other`` (the other period's ratio, else 1) where den is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    fallback = np.where(np.isfinite(other), other, 1.0)
    out: FloatArray = np.where(den > 0, r, fallback)
    return out


def decompose_caseload(
    pop0: ArrayLike,
    pop1: ArrayLike,
    rate0: ArrayLike,
    rate1: ArrayLike,
    sen0: ArrayLike | None = None,
    sen1: ArrayLike | None = None,
) -> Decomposition:
    """Caseload ``C = sum_a P_a * rho_a`` (rho: EHC plans per head of age band a) into
    ``population`` and ``rate`` effects. With SEN prevalence ``s`` (pupils with SEN support or
    a plan, per head) given for the school-age bands (NaN elsewhere), ``rho = s * q`` and the
    rate effect of those bands splits into ``sen_prevalence`` and ``ehcp_conversion`` (q, the
    share of pupils with SEN who have a plan); other bands keep a ``rate`` effect."""
    p0, p1, r0, r1 = (
        _arr(x, n) for x, n in ((pop0, "pop0"), (pop1, "pop1"), (rate0, "rate0"), (rate1, "rate1"))
    )
    pop, rate = lmdi([p0, r0], [p1, r1])
    total = p1 * r1 - p0 * r0
    parts = {"population": pop, "rate": rate}
    if sen0 is not None and sen1 is not None:
        s0, s1 = _arr(sen0, "sen0"), _arr(sen1, "sen1")
        school = np.isfinite(s0) & np.isfinite(s1)
        s0, s1 = np.where(school, s0, 1.0), np.where(school, s1, 1.0)
        if np.any(school & ((s0 < r0) | (s1 < r1))):
            raise UsageError(
                "SEN prevalence is below the EHC plan rate in a school-age band",
                fix="SEN prevalence counts pupils with SEN support or a plan, so it is at least "
                "the plan rate; check both are per head of the same population",
            )
        q0 = _ratio(r0, s0, np.full_like(r0, np.nan))
        q1 = _ratio(r1, s1, q0)
        q0 = _ratio(r0, s0, q1)
        pop3, prev, conv = lmdi([p0, s0, q0], [p1, s1, q1])
        parts = {
            "population": np.where(school, pop3, pop),
            "rate": np.where(school, 0.0, rate),
            "sen_prevalence": np.where(school, prev, 0.0),
            "ehcp_conversion": np.where(school, conv, 0.0),
        }
    return _result(total, parts)


def decompose_spend(
    c0: ArrayLike,
    c1: ArrayLike,
    u0: ArrayLike,
    u1: ArrayLike,
    price_change: ArrayLike | None = None,
) -> Decomposition:
    """Spend ``E = sum_k C_k * u_k = C * sum_k s_k * u_k`` (s: provision mix) into ``volume``
    (total caseload), ``mix`` and ``unit_cost`` effects. With ``price_change`` (price level in
    period 1 over period 0) the unit-cost effect splits into ``unit_cost_price`` and
    ``unit_cost_real``. A unit cost where a group has no placements is not used (may be NaN)."""
    a0, a1 = _arr(c0, "c0"), _arr(c1, "c1")
    b0, b1 = _arr(u0, "u0"), _arr(u1, "u1")
    b0 = np.where((a0 == 0) & ~np.isfinite(b0), b1, b0)
    b1 = np.where((a1 == 0) & ~np.isfinite(b1), b0, b1)
    b0, b1 = np.nan_to_num(b0), np.nan_to_num(b1)
    t0 = a0.sum(axis=-1, keepdims=True)
    t1 = a1.sum(axis=-1, keepdims=True)
    m1 = _ratio(a1, np.broadcast_to(t1, a1.shape), np.full_like(a1, np.nan))
    m0 = _ratio(a0, np.broadcast_to(t0, a0.shape), m1)
    m1 = _ratio(a1, np.broadcast_to(t1, a1.shape), m0)
    total = a1 * b1 - a0 * b0
    if price_change is None:
        vol, mix, cost = lmdi([t0, m0, b0], [t1, m1, b1])
        return _result(total, {"volume": vol, "mix": mix, "unit_cost": cost})
    pc = np.asarray(price_change, dtype=np.float64)[..., None]
    if np.any(pc <= 0):
        raise UsageError("price_change must be positive (period-1 price level over period 0)")
    ones = np.ones_like(pc)
    vol, mix, price, real = lmdi([t0, m0, ones, b0], [t1, m1, pc, b1 / pc])
    return _result(
        total, {"volume": vol, "mix": mix, "unit_cost_price": price, "unit_cost_real": real}
    )


def _result(total: FloatArray, parts: dict[str, FloatArray]) -> Decomposition:
    return Decomposition(
        total=np.asarray(total.sum(axis=-1), dtype=np.float64),
        components={k: np.asarray(v.sum(axis=-1), dtype=np.float64) for k, v in parts.items()},
        by_category={k: np.asarray(v, dtype=np.float64) for k, v in parts.items()},
    )
