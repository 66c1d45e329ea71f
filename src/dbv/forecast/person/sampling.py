"""Fast categorical draws for many items at once, and per-call lookup tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dbv.forecast.person.rates import Rates
from dbv.forecast.person.shrink import Floats, Ints


@dataclass(frozen=True)
class Categorical:
    """Categorical draws for many items at once: each row's cumulative probabilities, offset by
    the row number, form one sorted array, so one ``searchsorted`` serves every row."""

    ITEMS_PER_ROW_TO_SPLIT = 40  # above this many items per row, multinomial rows are cheaper

    keys: Floats
    n_cat: int

    @classmethod
    def of(cls, p: Floats) -> Categorical:
        n_cat = p.shape[-1]
        cum = np.cumsum(p.reshape(-1, n_cat), axis=1)
        cum /= np.where(cum[:, -1:] > 0, cum[:, -1:], 1.0)
        return cls((np.arange(cum.shape[0])[:, None] + cum).ravel(), n_cat)

    def draw(self, rng: np.random.Generator, rows: Ints) -> Ints:
        """The category of each item, given its row."""
        pos = np.searchsorted(self.keys, rows + rng.random(rows.size), side="right")
        return np.asarray(np.minimum(pos - rows * self.n_cat, self.n_cat - 1), dtype=np.int64)

    def split(self, rng: np.random.Generator, counts: Ints, rows: Ints) -> Ints:
        """(len(rows), n_cat) multinomial split of ``counts`` items of each row: cheaper than
        :meth:`draw` when rows hold many items (large LAs)."""
        n_rows = self.keys.size // self.n_cat
        cum = self.keys.reshape(n_rows, self.n_cat) - np.arange(n_rows)[:, None]
        p = np.diff(cum, axis=1, prepend=0.0)[rows]
        p = np.clip(p, 0.0, None)
        p /= p.sum(axis=1, keepdims=True)
        return np.asarray(rng.multinomial(counts, p), dtype=np.int64)


@dataclass(frozen=True)
class Tables:
    """Per-call lookups: categorical samplers and the need, group and NCY of each state."""

    move: Categorical  # rows (p, G, A)
    need: Categorical  # rows (p, K)
    join: Categorical  # rows (p, A), categories K * G
    kk: Ints  # (S,)
    gg: Ints
    aa: Ints
    ga: Ints  # group * A + NCY
    not_last: Ints  # 0 at the last NCY (they age out: no moves or need changes)

    @classmethod
    def build(cls, r: Rates, shape: tuple[int, int, int]) -> Tables:
        kk, gg, aa = (x.ravel() for x in np.indices(shape))
        return cls(
            Categorical.of(r.move_dest),
            Categorical.of(r.need_dest),
            Categorical.of(r.join_dest.reshape(*r.join_dest.shape[:2], -1)),
            kk,
            gg,
            aa,
            gg * shape[2] + aa,
            (aa < shape[2] - 1).astype(np.int64),
        )
