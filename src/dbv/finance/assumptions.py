"""Everything the finance model takes from the parameter files, in one object.

``FinanceAssumptions.load()`` reads the bundled files; a scenario overrides a field with
``dataclasses.replace`` (for example ``replace(a, inflation=Band.constant(0.02))``). The
council's own figures (``FinanceInputs``) always win over these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dbv.finance import families
from dbv.finance.bands import Band
from dbv.finance.dated import Dated, FloatArray
from dbv.finance.families import GroupValue, NonPlacementLine, PlacementLine
from dbv.finance.loader import family_path
from dbv.finance.years import fy_first_day, fy_of_date


@dataclass(frozen=True)
class FinanceAssumptions:
    unit_costs: dict[str, GroupValue]
    place_funding: dict[str, GroupValue]
    inflation: Band
    income_growth: Band
    block_transfer: Dated
    non_placement: dict[str, NonPlacementLine]
    time_weights: tuple[float, float]
    placement_lines: dict[str, PlacementLine]
    income_lines: tuple[str, ...]
    dsg_categories: dict[str, tuple[str, tuple[str, ...]]]
    uncertainty: bool = True  # False: every simulation takes the central paths

    @classmethod
    def load(cls, folder: Path | None = None) -> FinanceAssumptions:
        """Read the parameter files from ``folder`` (default: the bundled ones)."""

        def path(name: str) -> Path:
            return family_path(name) if folder is None else folder / f"{name}.yaml"

        lines, income = families.placement_lines(path("placement_lines"))
        return cls(
            unit_costs=families.group_values(path("unit_costs")),
            place_funding=families.group_values(path("place_funding")),
            inflation=Band.load(path("price_inflation")),
            income_growth=Band.load(path("hnb_income_growth")),
            block_transfer=families.block_transfer(path("block_transfer")),
            non_placement=families.non_placement(path("non_placement")),
            time_weights=families.time_weights(path("time_alignment")),
            placement_lines=lines,
            income_lines=income,
            dsg_categories=families.dsg_categories(path("dsg_plan")),
        )

    def place_rates(self, groups: tuple[str, ...], fy: int) -> FloatArray:
        """Place funding per place in financial year ``fy``, by group."""
        return np.array([self.place_funding[g].values.at(fy) for g in groups])

    def price_index(self, start: int, end: int) -> float:
        """Central price level of ``end`` relative to ``start`` (1 if equal; < 1 if earlier)."""
        if end >= start:
            rates = [self.inflation.central.at(y) for y in range(start + 1, end + 1)]
            return float(np.prod(1.0 + np.array(rates)))
        return 1.0 / self.price_index(end, start)

    def default_unit_cost(self, group: str, fy: int) -> float:
        """The default unit cost of ``group`` in ``fy`` prices: the place part at that year's
        rate, the top-up part uplifted by central price inflation from its price base."""
        points = self.unit_costs[group].values.points
        in_force = [p for p in points if p[0] <= fy_first_day(fy)] or [points[0]]
        date, base = in_force[-1]
        base_year = fy_of_date(date)
        place_then = min(self.place_funding[group].values.at(base_year), base)
        place_now = min(self.place_funding[group].values.at(fy), base)
        return place_now + (base - place_then) * self.price_index(base_year, fy)

    def default_source(self, group: str) -> str:
        entry = self.unit_costs[group]
        cited = ", ".join(entry.source) if entry.source else "no published figure"
        return f"{'assumption' if entry.assumption else 'published'} ({cited})"
