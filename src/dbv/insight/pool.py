"""Pooling a proportion across councils whose cases cluster within them.

Each council i reports k_i of n_i. The naive pooled interval (Wilson on sum k / sum n) treats
every case as independent, which is wrong when councils differ: it is too narrow. The
clustered interval is a random-effects meta-analysis on the logit scale (DerSimonian and
Laird, with the Hartung-Knapp-Sidik-Jonkman t-based interval, which holds its coverage with
few councils): it estimates the typical council's rate (the back-transformed mean logit, the
median council) and widens with the between-council variance tau^2. Zero cells get the usual
0.5 continuity correction. ``I^2`` describes heterogeneity, and the prediction interval (on
m - 2 degrees of freedom, Higgins, Thompson and Spiegelhalter 2009) says where a new council's
rate would likely lie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from dbv.errors import UsageError
from dbv.stats import t_quantile, wilson


@dataclass(frozen=True)
class Pooled:
    councils: int
    k: int
    n: int
    mean: float  # random-effects estimate of the mean council rate
    low: float
    high: float
    naive_p: float
    naive_low: float
    naive_high: float
    tau2: float
    i2: float
    level: float
    pred_low: float  # where a new council's rate would likely fall (Higgins et al. 2009)
    pred_high: float


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def pool(k: list[int], n: list[int], level: float = 0.90) -> Pooled:
    if len(k) != len(n) or not k:
        raise UsageError("pooling needs one k and one n per council")
    ks, ns = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    if np.any(ns <= 0) or np.any(ks < 0) or np.any(ks > ns):
        raise UsageError("every council needs 0 <= k <= n and n > 0")
    adj = (ks == 0) | (ks == ns)
    ka, na = ks + 0.5 * adj, ns + 1.0 * adj
    y = np.log(ka / (na - ka))
    v = 1.0 / ka + 1.0 / (na - ka)
    w = 1.0 / v
    m = len(y)
    y_fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - y_fixed) ** 2))
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - (m - 1)) / c) if m > 1 and c > 0 else 0.0
    ws = 1.0 / (v + tau2)
    mu = float(np.sum(ws * y) / np.sum(ws))
    if m > 1:
        # Hartung-Knapp-Sidik-Jonkman: t on m - 1 df with a rescaled variance (floored at the
        # usual one, a common safeguard)
        var_hk = float(np.sum(ws * (y - mu) ** 2) / ((m - 1) * np.sum(ws)))
        se = math.sqrt(max(var_hk, 1.0 / float(np.sum(ws))))
        crit = t_quantile(level, m - 1)
    else:
        se = math.sqrt(1.0 / float(np.sum(ws)))
        crit = NormalDist().inv_cdf(0.5 + level / 2)
    # with two councils or fewer there is no spread to predict from: the estimate's interval
    half = t_quantile(level, m - 2) * math.sqrt(tau2 + se**2) if m > 2 else crit * se
    naive = wilson(int(ks.sum()), int(ns.sum()), level)
    i2 = max(0.0, (q - (m - 1)) / q) if q > 0 and m > 1 else 0.0
    return Pooled(
        councils=m, k=int(ks.sum()), n=int(ns.sum()),
        mean=_expit(mu), low=_expit(mu - crit * se), high=_expit(mu + crit * se),
        naive_p=float(naive.p or 0.0), naive_low=float(naive.low or 0.0),
        naive_high=float(naive.high or 0.0), tau2=tau2, i2=i2, level=level,
        pred_low=_expit(mu - half), pred_high=_expit(mu + half),
    )  # fmt: skip
