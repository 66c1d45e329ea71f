"""Small formatting helpers for the pack's sentences (tables format themselves)."""

from __future__ import annotations

from typing import Any


def money(x: float) -> str:
    sign = "−" if x < 0 else ""
    a = abs(x)
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.1f}m"
    if a >= 1e3:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"


def band(row: dict[str, Any], money_: bool = True, lo: str = "p10", hi: str = "p90") -> str:
    """'£12.3m (80% interval £10.1m to £14.2m)'."""
    f = money if money_ else (lambda v: f"{v:,.0f}")
    return f"{f(row['p50'])} (80% interval {f(row[lo])} to {f(row[hi])})"


def negate(row: dict[str, Any]) -> dict[str, Any]:
    """A balance band as a deficit band (p10 and p90 swap)."""
    out = dict(row)
    for a, b in (("p10", "p90"), ("p05", "p95")):
        if a in row and b in row:
            out[a], out[b] = -row[b], -row[a]
    out["p50"] = -row["p50"]
    return out
