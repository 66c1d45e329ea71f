"""Public-aggregate caseload model: national growth plus LA leading indicators.

Each LA's log caseload h years ahead is its last value, plus h times the recent national log
growth, plus a pooled regression of its cumulative growth *above national* on leading
indicators measured at the origin (all as the LA's ratio minus the national ratio): requests,
new plans and ceased plans in the last calendar year per plan held, the refusal rate, 20-week
timeliness, and the log % of pupils with a plan. It is the stock-flow identity in regression
form: requests lead new plans, and the pooled coefficients (< 1) shrink each LA toward England.

Intervals: residual scale depends on LA size (σ² = a + k/S), the standardised residuals keep
their empirical (heavy-tailed) quantiles, paths are coherent across horizons (a Gaussian random
walk mapped through ranks), and a national shock shared by every LA in a draw carries the
uncertainty of England's growth itself.

Backtest (all LAs, origins 2019-2024): see benchmarks/forecast-accuracy/README.md.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import NDArray

from dbv.forecast.models.base import Array

REGIME = 2017  # first year with requests data; the statement-to-EHCP conversion ended in 2018
FIRST = {
    "req": 2017,
    "new": 2011,
    "cea": 2016,
    "ref": 2017,
    "tim": 2015,
    "prev": 2016,
    "d0": 2011,
    "dbar3": 2013,
}
FEATURE_SETS = (("req", "new", "cea", "ref", "tim", "prev"), ("prev", "dbar3"), ("d0", "dbar3"), ())
MIN_ROWS = 100
FALLBACK_NATIONAL_SHOCK = 0.02  # sd of England's yearly log growth when history is too short
FIRST_ORIGIN = 2018  # earliest origin with any post-2017 growth to learn from
NATIONAL_WINDOW = 3


def national_growth(s: Array) -> Array:
    both = np.isfinite(s[:, 1:]) & np.isfinite(s[:, :-1])
    g = np.full(s.shape[1], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        g[1:] = np.log(np.where(both, s[:, 1:], 0).sum(0) / np.where(both, s[:, :-1], 0).sum(0))
    return g


def _ratio_dev(num: Array, den: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    ok = np.isfinite(r) & (den > 0)
    return r - num[ok].sum() / den[ok].sum() if ok.any() else r


def winsor(x: Array, k: float = 4.0) -> Array:
    if not np.isfinite(x).any():
        return x
    m = np.nanmedian(x)
    s = 1.4826 * np.nanmedian(np.abs(x - m)) + 1e-9
    return np.clip(x, m - k * s, m + k * s)


class LeadingIndicators:
    alias = "dbv_indicators"

    def fit(
        self,
        y: Array,
        periods: NDArray[np.int64],
        x: dict[str, Array] | None = None,
        max_h: int = 5,
    ) -> Self:
        x = x or {}
        self.y_, self.periods_, self.x_ = y, periods, x
        self.origin_ = int(periods[-1])
        s = y
        c = s.shape[1] - 1
        g = national_growth(s)
        with np.errstate(invalid="ignore", divide="ignore"):
            lg = np.full_like(s, np.nan)
            lg[:, 1:] = np.log(s[:, 1:] / s[:, :-1])
        d = lg - g[None, :]
        self.mu_ = float(np.mean(g[c - NATIONAL_WINDOW + 1 : c + 1]))
        errs = [
            g[self._col(t) + 1] - np.mean(g[self._col(t) - NATIONAL_WINDOW + 1 : self._col(t) + 1])
            for t in range(REGIME + NATIONAL_WINDOW - 1, self.origin_)
        ]
        recent = g[self._col(REGIME) : c + 1]
        recent = recent[np.isfinite(recent)]
        if len(errs) >= 2:
            self.s_n_ = float(np.sqrt(np.mean(np.square(errs))))
        elif recent.size >= 2:
            self.s_n_ = float(np.std(recent, ddof=1))
        else:  # too little history since the regime change: a stated, generous default
            self.s_n_ = FALLBACK_NATIONAL_SHOCK
        s0 = s[:, c]
        n, horizons = s.shape[0], max_h
        self.cum_ = np.zeros((n, horizons))
        self.scale_ = np.zeros((n, horizons))
        self.zq_: list[Array] = []
        self.features_used_: list[tuple[str, ...]] = []
        for h in range(1, horizons + 1):
            names, xs, ys, ss = self._training(s, d, h)
            xm, yv, sz = np.vstack(xs), np.concatenate(ys), np.concatenate(ss)
            b = np.linalg.lstsq(xm, yv, rcond=None)[0]
            r = yv - xm @ b
            a = np.column_stack([np.ones_like(sz), 1 / sz])
            ab = np.maximum(np.linalg.lstsq(a, winsor(r) ** 2, rcond=None)[0], [1e-5, 0.0])
            self.zq_.append(np.sort(r / np.sqrt(a @ ab)))
            self.cum_[:, h - 1] = self._features(self.origin_, names, d) @ b
            with np.errstate(invalid="ignore", divide="ignore"):
                self.scale_[:, h - 1] = np.sqrt(ab[0] + ab[1] / s0)
            self.features_used_.append(names)
        self.logpt_ = np.log(s0)[:, None] + self.mu_ * np.arange(1, horizons + 1) + self.cum_
        return self

    def _col(self, year: int) -> int:
        return int(year - self.periods_[0])

    def _training(
        self, s: Array, d: Array, h: int
    ) -> tuple[tuple[str, ...], list[Array], list[Array], list[Array]]:
        for names in FEATURE_SETS:
            start = max([2013, *[FIRST[f] for f in names]])
            xs, ys, ss = [], [], []
            for t in range(start, self.origin_ - h + 1):  # train only where t + h <= origin
                yv = d[:, self._col(t) + 1 : self._col(t) + h + 1].sum(1)
                ok = np.isfinite(yv) & np.isfinite(s[:, self._col(t)])
                xs.append(self._features(t, names, d)[ok])
                ys.append(yv[ok])
                ss.append(s[ok, self._col(t)])
            if sum(len(v) for v in ys) >= MIN_ROWS or not names:
                if not ys:  # not even one cross-section: the national rule alone
                    return names, [np.ones((1, 1))], [np.zeros(1)], [np.ones(1)]
                return names, xs, ys, ss
        raise AssertionError("unreachable: the empty feature set always returns")

    def _features(self, t: int, names: tuple[str, ...], d: Array) -> Array:
        c = self._col(t)
        s = self.y_[:, c]
        x = self.x_
        out = [np.ones(len(s))]
        for f in names:
            if f == "req":
                v = _ratio_dev(x["REQ"][:, c - 1], s)
            elif f == "new":
                v = _ratio_dev(x["NEW"][:, c - 1], s)
            elif f == "cea":
                v = _ratio_dev(x["CEA"][:, c - 1], s)
            elif f == "ref":
                v = _ratio_dev(x["REF"][:, c - 1], x["REQ"][:, c - 1])
            elif f == "tim":
                v = _ratio_dev(x["T20"][:, c - 1], x["T20D"][:, c - 1])
            elif f == "prev":
                with np.errstate(divide="ignore", invalid="ignore"):
                    v = np.log(x["PREV"][:, c])
                v = v - np.nanmedian(v) if np.isfinite(v).any() else v
            elif f == "d0":
                v = d[:, c]
            else:  # dbar3: mean of the last three deviations (NaN where none)
                window = d[:, max(c - 2, 0) : c + 1]
                count = np.isfinite(window).sum(axis=1)
                v = np.where(count > 0, np.nansum(window, axis=1) / np.maximum(count, 1), np.nan)
            v = winsor(v)
            out.append(np.where(np.isfinite(v), v, 0.0))
        return np.column_stack(out)

    def predict(self, h: int) -> Array:
        return np.asarray(np.exp(self.logpt_[:, :h]), dtype=np.float64)

    def simulate(self, h: int, n: int, seed: int) -> Array:
        rng = np.random.default_rng(seed)
        lp = self.logpt_[:, :h]
        eta = rng.standard_normal((n, lp.shape[0], h)).cumsum(axis=2)
        u = (eta.argsort(0).argsort(0) + 0.5) / n
        idio = np.stack(
            [
                np.interp(
                    u[:, :, j] * (len(self.zq_[j]) - 1), np.arange(len(self.zq_[j])), self.zq_[j]
                )
                * self.scale_[:, j]
                for j in range(h)
            ],
            axis=2,
        )
        common = self.s_n_ * rng.standard_normal((n, 1, 1)) * np.arange(1, h + 1)
        return np.asarray(np.exp(lp[None] + idio + common), dtype=np.float64)
