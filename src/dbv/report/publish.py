"""Make a proportion table safe and honest to print.

Every proportion row (k of n with an interval) becomes a ``text`` cell such as
"39% (95% CI 26% to 55%; 15 of 38)". Small counts are never printed:

* where k or n - k is from 1 to threshold - 1, k, p and the interval are withheld and the text
  gives a range instead: "fewer than 5 of 38 (95% CI up to 24%)" — the interval runs from the
  lower limit at k = 1 to the upper limit at k = threshold - 1, so it is honest for every k
  it could be and reveals none of them;
* within a group of rows that add up to the same n (the answers to one question), a single
  withheld row would be recoverable by subtraction, so the next-smallest row is withheld too;
* n itself below the threshold withholds the whole group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from dbv.privacy import threshold
from dbv.report.model import Block, Chart, Note, Pack, Table, Text
from dbv.stats import wilson


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def estimate_text(k: int, n: int, low: float, high: float, level: float = 0.95) -> str:
    return f"{_pct(k / n)} ({round(level * 100)}% CI {_pct(low)} to {_pct(high)}; {k} of {n})"


def withheld_text(k: int, n: int, t: int, level: float = 0.95) -> str:
    lvl = f"{round(level * 100)}% CI"
    if n < t:
        return f"withheld (fewer than {t} cases)"
    if 0 < k < t:
        hi = wilson(t - 1, n, level).high or 0.0
        return f"fewer than {t} of {n} ({lvl} up to {_pct(hi)})"
    if 0 < n - k < t:
        lo = wilson(n - t + 1, n, level).low or 0.0
        return f"more than {n - t} of {n} ({lvl} from {_pct(lo)})"
    return f"withheld to protect a small count ({lvl} not shown; n = {n})"


def publish_proportions(
    frame: pl.DataFrame,
    group: Sequence[str] = (),
    k: str = "k",
    n: str = "n",
    p: str = "p",
    low: str = "low",
    high: str = "high",
    level: float = 0.95,
    also_hide: Sequence[str] = (),
    at: int | None = None,
) -> pl.DataFrame:
    """Add ``text`` and ``withheld`` columns; null k, p, interval (and ``also_hide``) where a
    small count would show. Rows of one ``group`` are answers adding up to the same n."""
    t = threshold() if at is None else at
    if "withheld" in frame.columns:  # already withheld upstream (k null): keep it withheld
        prev = frame["withheld"]
        frame = frame.drop("withheld")
        if prev.dtype == pl.Boolean:
            frame = frame.with_columns(pl.when(prev).then(None).otherwise(pl.col(k)).alias(k))
    if frame.is_empty():
        return frame.with_columns(
            pl.lit(None, pl.String).alias("text"), pl.lit(False).alias("withheld")
        )
    rows = frame.with_row_index("_i").to_dicts()
    keyed: dict[tuple[object, ...], list[dict[str, object]]] = {}
    for r in rows:
        keyed.setdefault(tuple(r[g] for g in group), []).append(r)
    hide: set[int] = set()
    for members in keyed.values():
        primary = {int(str(r["_i"])) for r in members if r[k] is None or _small(r[k], r[n], t)}
        hide |= primary
        if len(primary) == 1 and len(members) > 2:
            rest = [r for r in members if int(str(r["_i"])) not in primary and _int(r[k]) > 0]
            if rest:
                hide.add(int(str(min(rest, key=lambda r: _int(r[k]))["_i"])))
    texts = []
    for r in rows:
        kk, nn = _int(r[k]), _int(r[n])
        i = int(str(r["_i"]))
        if nn == 0:
            texts.append("no cases (n = 0)")
        elif r[k] is None or r[low] is None or r[high] is None:
            hide.add(i)
            texts.append(f"withheld to protect a small count (n = {nn})")
        elif i in hide:
            texts.append(withheld_text(kk, nn, t, level))
        else:
            texts.append(estimate_text(kk, nn, float(str(r[low])), float(str(r[high])), level))
    hidden = pl.Series("withheld", [int(str(r["_i"])) in hide for r in rows])
    out = frame.with_columns(pl.Series("text", texts), hidden)
    cols = [c for c in (k, p, low, high, *also_hide) if c in out.columns]
    return out.with_columns(
        [pl.when(pl.col("withheld")).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
    )


def _int(x: object) -> int:
    return int(str(x)) if x is not None else 0


def _small(k: object, n: object, t: int) -> bool:
    kk, nn = _int(k), _int(n)
    return nn < t or 0 < kk < t or 0 < nn - kk < t


ESTIMATE = re.compile(
    r"(?P<p>\d+(?:\.\d+)?)% \((?P<lvl>\d+)% CI (?P<lo>\d+(?:\.\d+)?)% to "
    r"(?P<hi>\d+(?:\.\d+)?)%; (?P<k>\d+) of (?P<n>\d+)\)"
)
K_OF_N = re.compile(r"(?<![\d.,])(?P<k>\d+) of (?P<n>\d+)(?![\d,])")


def mask_text(text: str, at: int | None = None) -> str:
    """Rewrite any 'p% (95% CI a% to b%; k of n)' or bare 'k of n' in free text whose k or
    n - k is from 1 to threshold - 1 as a withheld range (the last line of defence: tables
    are published through :func:`publish_proportions` already)."""
    t = threshold() if at is None else at

    def small(k: int, n: int) -> bool:
        return 0 < k < t or 0 < n - k < t

    def whole(m: re.Match[str]) -> str:
        k, n = int(m["k"]), int(m["n"])
        return withheld_text(k, n, t, int(m["lvl"]) / 100) if small(k, n) else m[0]

    def bare(m: re.Match[str]) -> str:
        k, n = int(m["k"]), int(m["n"])
        if not small(k, n):
            return m[0]
        if n < t:
            return f"fewer than {t} (withheld)"
        return f"fewer than {t} of {n}" if k < t else f"more than {n - t} of {n}"

    return K_OF_N.sub(bare, ESTIMATE.sub(whole, text))


def mask_frame(frame: pl.DataFrame, at: int | None = None) -> pl.DataFrame:
    cols = [c for c, d in frame.schema.items() if d == pl.String]
    if not cols:
        return frame
    return frame.with_columns(
        [pl.col(c).map_elements(lambda v: mask_text(v, at), return_dtype=pl.String) for c in cols]
    )


def mask_pack(pack: Pack) -> Pack:
    """:func:`mask_text` over every sentence, note, table cell and chart description."""
    for sec in pack.all_sections():
        out: list[Block] = []
        for b in sec.blocks:
            if isinstance(b, Text | Note):
                out.append(replace(b, text=mask_text(b.text)))
            elif isinstance(b, Table):
                out.append(replace(b, frame=mask_frame(b.frame)))
            elif isinstance(b, Chart):
                out.append(replace(b, alt=mask_text(b.alt)))
            else:
                out.append(b)
        sec.blocks[:] = out
    pack.assumptions = [replace(a, value=mask_text(a.value)) for a in pack.assumptions]
    return pack
