"""Pooling one measure across councils: the random-effects estimate, the naive interval
beside it, and what the withheld cells could do to it.

A council whose k is only known within bounds (a withheld count among the answers wanted,
e.g. "from 1 to 4") takes the middle of its bounds in the estimate, and a sensitivity range
gives the pooled estimate with every such council at its lowest k and at its highest. Leaving
such councils out instead would bias the estimate: their counts are withheld because they are
small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dbv.insight.pool import Pooled, pool
from dbv.insight.tallies import Share
from dbv.report.publish import estimate_text
from dbv.stats import wilson

LEVEL = 0.90


@dataclass(frozen=True)
class Result:
    shares: list[Share]
    main: Pooled | None  # every council, bounded ones at the middle of their bounds
    low: Pooled | None = None  # every council, bounded ones at their lowest k
    high: Pooled | None = None
    excluded: dict[str, str] = field(default_factory=dict)  # council -> why

    @property
    def exact(self) -> list[Share]:
        return [s for s in self.shares if s.exact]

    @property
    def bounded(self) -> list[Share]:
        return [s for s in self.shares if not s.exact]


def pool_shares(
    shares: Sequence[Share | None], absent: Mapping[str, str] | None = None, level: float = LEVEL
) -> Result:
    """``absent``: each council asked that has no share, and why."""
    got = [s for s in shares if s is not None]
    excluded = dict(absent or {})
    mid = [(s.k_low + s.k_high) // 2 for s in got]
    main = pool(mid, [s.n for s in got], level) if got else None
    low = high = None
    if any(not s.exact for s in got):
        low = pool([s.k_low for s in got], [s.n for s in got], level)
        high = pool([s.k_high for s in got], [s.n for s in got], level)
    return Result(got, main, low, high, excluded)


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def clustered_text(p: Pooled | None) -> str:
    if p is None:
        return "no council's count can be used (withheld)"
    lvl = round(100 * p.level)
    who = "1 council" if p.councils == 1 else f"{p.councils} councils"
    return f"{pct(p.mean)} ({lvl}% CI {pct(p.low)} to {pct(p.high)}; {who}, n = {p.n:,})"


def naive_text(p: Pooled | None, r: Result | None = None) -> str:
    if p is None:
        return ""
    if r is not None and r.bounded:  # k holds estimated counts: never print it as a count
        lvl = round(100 * p.level)
        return (
            f"{pct(p.naive_p)} ({lvl}% CI {pct(p.naive_low)} to {pct(p.naive_high)}; "
            f"n = {p.n:,}, some counts withheld and estimated)"
        )
    return estimate_text(p.k, p.n, p.naive_low, p.naive_high, p.level)


def spread_text(p: Pooled | None) -> str:
    """Between-council heterogeneity in words."""
    if p is None or p.councils < 2:
        return "one council: no spread to estimate"
    if p.councils < 3:
        return f"I² {100 * p.i2:.0f}%; too few councils to predict a new one"
    return f"I² {100 * p.i2:.0f}%; new council {pct(p.pred_low)} to {pct(p.pred_high)}"


def range_text(r: Result) -> str:
    if r.low is None or r.high is None:
        return ""
    lo, hi = sorted((r.low.mean, r.high.mean))
    who = len(r.bounded)
    return f"{pct(lo)} to {pct(hi)} ({who} withheld count{'s' if who > 1 else ''})"


def council_interval(s: Share, level: float = LEVEL) -> tuple[float, float, float]:
    """A council's share and interval; for bounded k, the middle and the outer limits."""
    lo, hi = wilson(s.k_low, s.n, level), wilson(s.k_high, s.n, level)
    mid = (s.k_low + s.k_high) // 2 / s.n
    return mid, float(lo.low or 0.0), float(hi.high or 0.0)
