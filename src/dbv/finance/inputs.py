"""The council's base-year finance position that the projection starts from.

``FinanceInputs.from_return(ret)`` reads it from a data return (its ``unit_costs`` and
``finance`` tables override every default); ``FinanceInputs.defaults(...)`` builds it from the
parameter files for a council that has given no finance. All money is in £ cash of the base year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from dbv.errors import UsageError
from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.dated import FloatArray
from dbv.finance.families import setting_groups
from dbv.finance.notices import note
from dbv.finance.years import fy_label, fy_start

if TYPE_CHECKING:
    from dbv.dataret.reader import DataReturn


@dataclass(frozen=True)
class FinanceInputs:
    base_year: int  # financial year the figures are for (2024 is 2024-25)
    groups: tuple[str, ...]  # setting groups, the order of every per-group array
    unit_cost: FloatArray  # (n_groups,) £ a placement a year, place funding plus top-up or fee
    placements: FloatArray  # (n_groups,) base-year average placements (NaN where unknown)
    non_placement: dict[str, float]  # base-year £ by non-placement line
    hnb_income: float
    other_income: float
    block_transfer: float
    known: dict[str, dict[int, float]] = field(default_factory=dict)  # later years' income lines
    history: dict[int, tuple[str, float]] = field(default_factory=dict)  # fy -> (basis, in-year)
    balance_end_base: float = 0.0  # cumulative balance at the end of the base year (surplus +)
    base_lines: dict[str, float] = field(default_factory=dict)  # base-year lines as reported
    sources: dict[str, str] = field(default_factory=dict)  # where each figure came from
    notes: tuple[str, ...] = ()

    @classmethod
    def from_return(
        cls,
        ret: DataReturn,
        base_year: str | int | None = None,
        placements: Mapping[str, float] | None = None,
        balance_end_base: float | None = None,
        allow_defaults: bool = True,
        assumptions: FinanceAssumptions | None = None,
    ) -> FinanceInputs:
        """The base-year position from a data return (see :mod:`dbv.finance.from_return`)."""
        from dbv.finance.from_return import inputs_from_return

        return inputs_from_return(
            ret, base_year, placements, balance_end_base, allow_defaults, assumptions
        )

    @classmethod
    def defaults(
        cls,
        base_year: str | int,
        placements: Mapping[str, float] | ArrayLike,
        hnb_income: float | None = None,
        other_income: float = 0.0,
        block_transfer: float = 0.0,
        balance_end_base: float | None = None,
        assumptions: FinanceAssumptions | None = None,
    ) -> FinanceInputs:
        """A base year built from the parameter files: default unit costs (uplifted to the base
        year), non-placement lines as shares of placement spend, and, unless given, income equal
        to spend and a zero balance (both with a warning)."""
        a = assumptions or FinanceAssumptions.load()
        fy = fy_start(base_year)
        groups = setting_groups()
        n = group_array(placements, groups, "placements")
        unit_cost = np.array([a.default_unit_cost(g, fy) for g in groups])
        spend = float(n @ unit_cost)
        lines = {name: line.share.at(fy) * spend for name, line in a.non_placement.items()}
        notes: list[str] = []
        sources = {f"unit_cost.{g}": f"default: {a.default_source(g)}" for g in groups}
        if hnb_income is None:
            hnb_income = spend + sum(lines.values()) - other_income - block_transfer
            note(
                f"no high needs income given for {fy_label(fy)}: income is taken as equal to "
                f"spend (£{hnb_income:,.0f}), a balanced base year",
                notes,
                warn=True,
            )
        if balance_end_base is None:
            balance_end_base = 0.0
            note(
                f"no cumulative DSG balance given at the end of {fy_label(fy)}: it is taken as 0",
                notes,
                warn=True,
            )
        return cls(
            base_year=fy,
            groups=groups,
            unit_cost=unit_cost,
            placements=n,
            non_placement=lines,
            hnb_income=float(hnb_income),
            other_income=float(other_income),
            block_transfer=float(block_transfer),
            balance_end_base=float(balance_end_base),
            sources=sources,
            notes=tuple(notes),
        )

    @property
    def placement_spend(self) -> float:
        """Base-year placement spend, placements times unit costs (NaN if placements unknown)."""
        return float(np.sum(self.placements * self.unit_cost))

    def opening_balance(self, first_fy: int) -> tuple[float, list[str]]:
        """Cumulative balance brought forward into ``first_fy``: the balance at the end of the
        base year, plus the in-year balances the council gives for years between, minus those
        of years from ``first_fy`` to the base year (which the projection replaces)."""
        missing: list[str] = []
        total = self.balance_end_base
        for fy in range(min(first_fy, self.base_year + 1), max(first_fy, self.base_year + 1)):
            if fy not in self.history:
                missing.append(fy_label(fy))
                continue
            sign = 1.0 if fy > self.base_year else -1.0
            total += sign * self.history[fy][1]
        return total, missing


def group_array(
    values: Mapping[str, float] | ArrayLike, groups: tuple[str, ...], what: str
) -> FloatArray:
    """Per-group values as an array in ``groups`` order (a mapping must name every group)."""
    if isinstance(values, Mapping):
        missing = [g for g in groups if g not in values]
        unknown = sorted(set(values) - set(groups))
        if missing or unknown:
            raise UsageError(
                f"{what} must name every setting group"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                fix=f"give {what} for {', '.join(groups)}",
            )
        out = np.array([float(values[g]) for g in groups])
    else:
        out = np.asarray(values, dtype=np.float64).reshape(-1)
        if out.shape != (len(groups),):
            raise UsageError(f"{what} must have one value per setting group ({len(groups)})")
    if np.any(out[np.isfinite(out)] < 0):
        raise UsageError(f"{what} must not be negative")
    return out
