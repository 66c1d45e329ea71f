"""Proportions with their sample size and interval: the one way dbv prints a share of a sample.

Every percentage dbv shows from a sample is an :class:`Estimate`: the count, the sample size,
the point estimate and an interval (Wilson score by default; a Beta posterior, Jeffreys prior by
default, where a distribution is wanted, e.g. to size a scenario lever). ``Estimate.text()``
formats "30% (95% CI 18% to 46%; 11 of 38)" so no report can print a bare percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from dbv.errors import UsageError

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """k of n, with an interval at ``level``. ``p`` is k / n (None when n is 0)."""

    k: int
    n: int
    low: float | None
    high: float | None
    level: float = LEVEL
    method: str = "wilson"

    @property
    def p(self) -> float | None:
        return self.k / self.n if self.n else None

    def text(self, digits: int = 0) -> str:
        """'30% (95% CI 18% to 46%; 11 of 38)', or 'no cases (n = 0)'."""
        if not self.n or self.p is None or self.low is None or self.high is None:
            return "no cases (n = 0)"
        pct = f"{{:.{digits}f}}%"
        lvl = f"{round(self.level * 100):d}%"
        return (
            f"{pct.format(100 * self.p)} ({lvl} CI {pct.format(100 * self.low)} to "
            f"{pct.format(100 * self.high)}; {self.k} of {self.n})"
        )

    def as_dict(self) -> dict[str, float | int | str | None]:
        return {
            "k": self.k,
            "n": self.n,
            "p": self.p,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "method": self.method,
        }


def _check(k: int, n: int, level: float) -> None:
    if n < 0 or k < 0 or k > n:
        raise UsageError(f"a proportion needs 0 <= k <= n (got k={k}, n={n})")
    if not 0 < level < 1:
        raise UsageError(f"the interval level must be between 0 and 1 (got {level})")


def wilson(k: int, n: int, level: float = LEVEL) -> Estimate:
    """Wilson score interval: sound at small n and at 0 or n, unlike the Wald interval."""
    _check(k, n, level)
    if n == 0:
        return Estimate(0, 0, None, None, level, "wilson")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Estimate(k, n, low, high, level, "wilson")


def beta_posterior(
    k: int, n: int, level: float = LEVEL, prior: tuple[float, float] = (0.5, 0.5)
) -> Estimate:
    """Equal-tailed interval of the Beta(k + a, n - k + b) posterior (Jeffreys prior default);
    no interval when n is 0."""
    _check(k, n, level)
    if n == 0:
        return Estimate(0, 0, None, None, level, "beta")
    a, b = k + prior[0], n - k + prior[1]
    tail = (1 - level) / 2
    low = 0.0 if k == 0 else beta_ppf(tail, a, b)
    high = 1.0 if k == n else beta_ppf(1 - tail, a, b)
    return Estimate(k, n, low, high, level, "beta")


def t_quantile(level: float, df: int) -> float:
    """Two-sided Student t critical value with ``df`` degrees of freedom, from
    P(|T| > t) = I_{df / (df + t^2)}(df / 2, 1 / 2)."""
    x = beta_ppf(1 - level, df / 2, 0.5)
    return math.sqrt(df * (1 - x) / x)


def beta_ppf(q: float, a: float, b: float) -> float:
    """Quantile of Beta(a, b) by bisection on the regularised incomplete beta function (upper
    quantiles through the mirror image, so both tails keep their precision)."""
    if q > 0.5:
        return 1.0 - beta_ppf(1.0 - q, b, a)
    lo, hi = 0.0, 1.0
    for _ in range(1100):  # relative precision even for quantiles near 0 (small a)
        if hi - lo <= 1e-13 * hi:
            break
        mid = (lo + hi) / 2
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b) (continued fraction, Lentz's method)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _betacf(x, a, b) / a
    return 1 - math.exp(log_front) * _betacf(1 - x, b, a) / b


def _betacf(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
        ):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-14:
            break
    return h
