"""From one council's suppressed tallies to "k of n", or to the bounds k must lie within.

A question's answers add up to its published ``n``; withheld cells are at least 1 each, and
together they hold exactly ``n`` minus the published cells. A cell flagged ``small`` is from
1 to threshold - 1; one withheld only to protect it is at least the threshold (schema 1.1;
a 1.0 export does not say, so any withheld cell is from 1 to what is left). So a share whose
withheld cells are all inside (or all outside) the answers wanted is still exact, and otherwise
``k`` lies between two bounds. A group whose ``n`` is withheld gives nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Share:
    """k of n for one council, where k is known to lie in [k_low, k_high]."""

    council: str
    k_low: int
    k_high: int
    n: int

    @property
    def exact(self) -> bool:
        return self.k_low == self.k_high

    @property
    def k(self) -> int:
        if not self.exact:
            raise ValueError("k is only known within bounds")
        return self.k_low


def share(council: str, rows: Iterable[Row], wanted: Iterable[str], t: int = 5) -> Share | None:
    """The share of ``rows`` (one group of answers with a common n) whose answer is in
    ``wanted``; None when n is withheld or there are no rows. ``t``: the export's threshold."""
    rows = list(rows)
    if not rows:
        return None
    n = rows[0]["n"]
    if n is None or n == 0:
        return None
    want = {str(w) for w in wanted}
    known_in = sum(r["count"] for r in rows if r["count"] is not None and r["answer"] in want)
    hidden = n - sum(r["count"] for r in rows if r["count"] is not None)
    cells = [(r["answer"] in want, _bounds(r, hidden, t)) for r in rows if r["count"] is None]
    lo_in = sum(lo for inside, (lo, _) in cells if inside)
    hi_in = sum(hi for inside, (_, hi) in cells if inside)
    lo_out = sum(lo for inside, (lo, _) in cells if not inside)
    hi_out = sum(hi for inside, (_, hi) in cells if not inside)
    lo = max(lo_in, hidden - hi_out)
    hi = max(lo, min(hi_in, hidden - lo_out))
    k_lo, k_hi = known_in + lo, known_in + hi
    if cells and k_lo == k_hi and (0 < k_lo < t or 0 < n - k_lo < t):
        # worked out from withheld cells and small: never print it (a damaged or old export)
        k_lo, k_hi = (1, t - 1) if k_lo < t else (n - t + 1, n - 1)
    return Share(council, k_lo, k_hi, int(n))


def _bounds(row: Row, hidden: int, t: int) -> tuple[int, int]:
    """Where one withheld cell lies: 1 to t - 1 when flagged small; at least t when withheld
    only to protect another (schema 1.1 says which); otherwise anywhere from 1."""
    small = row.get("small")
    if small is True:
        return 1, min(t - 1, hidden)
    if small is False:
        return min(t, hidden), hidden
    return 1, hidden


def total(values: Iterable[int | None], t: int) -> tuple[int, int]:
    """Bounds of a sum of counts some of which are withheld (each then 1 to t - 1)."""
    vals = list(values)
    known = sum(v for v in vals if v is not None)
    hidden = sum(1 for v in vals if v is None)
    return known + hidden, known + hidden * (t - 1)


def groups(rows: Iterable[Row], *keys: str) -> dict[tuple[Any, ...], list[Row]]:
    out: dict[tuple[Any, ...], list[Row]] = {}
    for r in rows:
        out.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return out


def merge(council: str, parts: Iterable[Share | None]) -> Share | None:
    """Several groups' shares added together (e.g. every partner group of one survey item)."""
    got = [p for p in parts if p is not None]
    if not got:
        return None
    return Share(
        council, sum(p.k_low for p in got), sum(p.k_high for p in got), sum(p.n for p in got)
    )


def pick(rows: Iterable[Row], **where: Any) -> list[Row]:
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def count_where(rows: Iterable[Row], test: Callable[[Row], bool]) -> list[int | None]:
    return [r["count"] for r in rows if test(r)]
