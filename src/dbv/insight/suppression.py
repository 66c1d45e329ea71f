"""Small-number suppression of the tallies in an insight export.

Two shapes, chosen so that no withheld count can be worked out from what is published, within a
group or between linked groups:

* :func:`binary` — "k of n" for one answer against the rest (the case-review questions, whether
  a family gave its view): if k or n - k is from 1 to t - 1, both cells are withheld and the
  small one is flagged ``"small": true`` (as a table's "<5" or "more than n - 5"); the other
  is then at least t + 1. A group with n below 2t publishes nothing (both could be small).
* :func:`categorical` — every answer's count (reasons, survey items): counts from 1 to t - 1
  are withheld, and the next-smallest too when one alone would follow from n (the rule of
  :func:`dbv.privacy.suppress`); no flags. The rule is public, so a reader can reason from it
  (two withheld cells next to a published 11 and a total of 26 can only be 4 and 11): every
  group is checked against every table the rule could have come from (:func:`pinned`), and a
  group where some withheld cell would be known exactly is withheld whole.

A group that depends on another's count (which provision, given a different one; the reasons,
given a non-ideal outcome; a family's judgement, given its view) is published only when that
count is published itself, so its n never gives a withheld count away.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dbv.privacy import threshold

Row = dict[str, Any]
OTHER = "other"


def _groups(frame: pl.DataFrame, by: list[str], column: str) -> list[pl.DataFrame]:
    f = frame.filter(pl.col(column).is_not_null())
    if f.is_empty():
        return []
    return f.partition_by(by, maintain_order=True) if by else [f]


def binary(frame: pl.DataFrame, by: list[str], column: str, wanted: str) -> list[Row]:
    """Per ``by`` group: the count of ``column == wanted`` and of the rest, suppressed."""
    if frame.is_empty() or column not in frame.columns:
        return []
    t = threshold()
    out: list[Row] = []
    for g in _groups(frame.sort(by) if by else frame, by, column):
        n = g.height
        k = int((g[column].cast(pl.String) == wanted).sum())
        head = {b: g[b][0] for b in by}
        small_k, small_rest = 0 < k < t, 0 < n - k < t
        cells: list[tuple[str, int | None, bool | None]]
        if n < 2 * t:
            cells = [(wanted, None, None), (OTHER, None, None)]
            total: int | None = None
        elif small_k or small_rest:
            cells = [(wanted, None, small_k), (OTHER, None, small_rest)]
            total = n
        else:
            cells = [(wanted, k, False), (OTHER, n - k, False)]
            total = n
        for answer, count, small in cells:
            out.append(
                {
                    **head,
                    "answer": answer,
                    "count": count,
                    "n": total,
                    "withheld": count is None,
                    "small": small,
                }
            )
    return out


def suppress_cells(counts: list[int], t: int) -> tuple[list[int | None], bool]:
    """What :func:`dbv.privacy.suppress` does to one group of cells that add up to a published
    total: counts from 1 to t - 1 withheld; if exactly one is, the smallest other positive
    cell too (the first of equals), or else the total. Returns the cells and whether the total
    is shown."""
    shown: list[int | None] = [None if 0 < c < t else c for c in counts]
    small = [i for i, c in enumerate(counts) if 0 < c < t]
    if len(small) != 1:
        return shown, True
    rest = [(c, i) for i, c in enumerate(counts) if c >= t]
    if not rest:
        return shown, False
    shown[min(rest)[1]] = None
    return shown, True


def _candidates(shown: list[int | None], n: int, t: int) -> list[list[int]]:
    """Every group of cells (each withheld cell at least 1) that the rule above turns into
    exactly ``shown`` with the total ``n`` shown: what a reader who knows the rule can infer."""
    hidden = [i for i, c in enumerate(shown) if c is None]
    left = n - sum(c for c in shown if c is not None)
    found: list[list[int]] = []

    def fill(i: int, acc: list[int], rest: int) -> None:
        if i == len(hidden) - 1:
            values = [*acc, rest]
            if rest >= 1:
                cells = [c if c is not None else 0 for c in shown]
                for j, v in zip(hidden, values, strict=True):
                    cells[j] = v
                if suppress_cells(cells, t) == (shown, True):
                    found.append(values)
            return
        for v in range(1, rest - (len(hidden) - 1 - i) + 1):
            if v >= t and any(a >= t for a in acc):
                break  # at most one withheld cell is t or more (the one protecting another)
            fill(i + 1, [*acc, v], rest - v)

    if hidden:
        fill(0, [], left)
    return found


def pinned(shown: list[int | None], n: int, t: int) -> bool:
    """Could a reader who knows the rule work out some withheld cell exactly?"""
    found = _candidates(shown, n, t)
    if not found:
        return True  # cannot happen for a real group; refuse to publish it
    return any(len({c[j] for c in found}) == 1 for j in range(len(found[0])))


def categorical(frame: pl.DataFrame, by: list[str], column: str) -> list[Row]:
    """Per ``by`` group: every value's count, suppressed (see the module docstring)."""
    if frame.is_empty() or column not in frame.columns:
        return []
    t = threshold()
    keys = [*by, column]
    f = frame.filter(pl.col(column).is_not_null()).with_columns(pl.col(column).cast(pl.String))
    counts = f.group_by(keys).len("count").sort(keys)
    out: list[Row] = []
    for g in counts.partition_by(by, maintain_order=True) if by else [counts]:
        values = [str(v) for v in g[column]]
        cells = [int(c) for c in g["count"]]
        n = sum(cells)
        shown, total_shown = suppress_cells(cells, t)
        total: int | None = n if total_shown else None
        if n < t or (total is not None and None in shown and pinned(shown, n, t)):
            shown, total = [None] * len(cells), None  # too small, or one could be worked out
        head = {b: g[b][0] for b in by}
        for v, c in zip(values, shown, strict=True):
            out.append(
                {**head, "answer": v, "count": c, "n": total, "withheld": c is None, "small": None}
            )
    return out


def published(rows: list[Row], answer: str, **where: Any) -> bool:
    """Is this answer's count published (not withheld) in the group ``where``?"""
    return any(
        r["answer"] == answer and r["count"] is not None
        for r in rows
        if all(r.get(k) == v for k, v in where.items())
    )


def counts_only(frame: pl.DataFrame, by: list[str], column: str) -> list[Row]:
    """How many rows have each value (e.g. survey responses by respondent group), with counts
    from 1 to t - 1 withheld and no total published (so none can be worked out)."""
    if frame.is_empty() or column not in frame.columns:
        return []
    t = threshold()
    keys = [*by, column]
    counts = frame.filter(pl.col(column).is_not_null()).group_by(keys).len("count").sort(keys)
    return [
        {
            **{b: r[b] for b in by},
            "answer": str(r[column]),
            "count": None if 0 < r["count"] < t else int(r["count"]),
            "n": None,
            "withheld": 0 < r["count"] < t,
            "small": 0 < r["count"] < t,
        }
        for r in counts.iter_rows(named=True)
    ]
