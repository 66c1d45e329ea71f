"""The state space: primary need x setting group x National Curriculum Year.

A state's flat index is ``(need * n_groups + group) * n_ncy + (ncy - ncy_min)``, the C order of
an array shaped ``(n_needs, n_groups, n_ncy)``; :meth:`StateSpace.states` lists the labels in
that order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dbv.errors import UsageError
from dbv.forecast.person.config import PersonConfig

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
MISSING_GROUP = "other"  # a child with no current placement
MISSING_NEED = "OTH"  # a plan with no primary need recorded


@dataclass(frozen=True)
class StateSpace:
    needs: tuple[str, ...]
    groups: tuple[str, ...]
    ncy_min: int
    ncy_max: int

    @classmethod
    def from_data(cls, config: PersonConfig, *frames: tuple[pl.DataFrame, str, str]) -> StateSpace:
        """Needs seen in the given (frame, need column, group column) pairs; every configured
        setting group, then any other group seen."""
        needs: set[str] = set()
        groups: list[str] = list(config.setting_groups)
        for frame, need_col, group_col in frames:
            needs |= set(frame[need_col].fill_null(MISSING_NEED).unique().to_list())
            seen = frame[group_col].fill_null(MISSING_GROUP).unique().sort().to_list()
            groups += [g for g in seen if g not in groups]
        return cls(
            tuple(sorted(needs)) or (MISSING_NEED,), tuple(groups), config.ncy_min, config.ncy_max
        )

    @property
    def n_ncy(self) -> int:
        return self.ncy_max - self.ncy_min + 1

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.needs), len(self.groups), self.n_ncy

    @property
    def size(self) -> int:
        k, g, a = self.shape
        return k * g * a

    @property
    def ncys(self) -> Ints:
        return np.arange(self.ncy_min, self.ncy_max + 1, dtype=np.int64)

    def states(self) -> pl.DataFrame:
        """One row per state (need, setting_group, ncy) in flat-index order."""
        k, g, a = self.shape
        return pl.DataFrame(
            {
                "state": np.arange(self.size, dtype=np.int64),
                "need": np.repeat(np.array(self.needs), g * a),
                "setting_group": np.tile(np.repeat(np.array(self.groups), a), k),
                "ncy": np.tile(self.ncys, k * g),
            }
        )

    def need_codes(self, col: pl.Series) -> Ints:
        return _codes(col.fill_null(MISSING_NEED), self.needs)

    def group_codes(self, col: pl.Series) -> Ints:
        return _codes(col.fill_null(MISSING_GROUP), self.groups)

    def ncy_codes(self, col: pl.Series) -> Ints:
        """NCY index; NCYs outside the range are clipped to its ends."""
        values = col.cast(pl.Int64).to_numpy()
        return np.asarray(np.clip(values, self.ncy_min, self.ncy_max) - self.ncy_min)

    def valid(self, config: PersonConfig) -> Bools:
        """(G, A): where each setting group is plausible (prior mass only)."""
        out = np.ones((len(self.groups), self.n_ncy), dtype=np.bool_)
        for i, group in enumerate(self.groups):
            if group in config.setting_groups:
                lo, hi = config.setting_groups[group]
                out[i] = (self.ncys >= lo) & (self.ncys <= hi)
        return out

    def band_of(self, config: PersonConfig) -> Ints:
        """(A,) band index of each NCY (NCYs outside every band get their own)."""
        out = np.full(self.n_ncy, len(config.bands), dtype=np.int64)
        for i, (lo, hi) in enumerate(config.bands.values()):
            out[(self.ncys >= lo) & (self.ncys <= hi)] = i
        return out

    def transfer_segments(self, config: PersonConfig) -> Ints:
        """(A,) segment labels for pooling moves: each phase, with the phase-transfer NCYs as a
        segment of their own so that transfer and in-phase move rates never mix."""
        seg = self.band_of(config)
        seg[np.isin(self.ncys, config.phase_transfer_ncys)] = -1
        return seg


def _codes(col: pl.Series, labels: tuple[str, ...]) -> Ints:
    lookup = {label: i for i, label in enumerate(labels)}
    mapped = col.cast(pl.String).replace_strict(lookup, default=-1, return_dtype=pl.Int64)
    out = mapped.to_numpy()
    if (out < 0).any():
        unknown = sorted(set(col.filter(mapped < 0).to_list()))
        raise UsageError(
            f"labels outside the state space: {unknown}",
            column=col.name,
            fix="build the state space from every frame the model reads",
        )
    return np.asarray(out, dtype=np.int64)
