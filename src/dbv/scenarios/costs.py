"""What a scenario costs, so its savings are shown net and never alone.

* ``investments``: scenario-level lines (the enablers: outreach teams, training, new places'
  revenue costs), each with a financial year, an amount in £ and who pays: ``hnb`` (the high
  needs block, so it lands in the mitigated balance) or ``grant`` / ``other`` (shown against
  the savings but outside the block).
* ``alternative_cost`` of a ``sen_support`` lever: £ a child a year that the block still pays
  for a child supported without a plan (default: ``parameters/sen_support_costs.yaml``),
  charged on the children the lever keeps out of the caseload (financial-year average).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dbv.errors import ParameterError
from dbv.finance.years import fy_label, fy_start
from dbv.params import load

FUNDERS = ("hnb", "grant", "other")
INVESTMENT_KEYS = {"item", "financial_year", "amount", "funded_by", "lever"}
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Money:
    """£ a child a year: fixed or uniform(low, high)."""

    low: float
    high: float

    def draw(self, n: int, rng: np.random.Generator) -> Floats:
        if self.low == self.high:
            return np.full(n, self.low)
        return rng.uniform(self.low, self.high, n)

    def describe(self) -> str:
        if self.low == self.high:
            return f"£{self.low:,.0f} a child a year"
        return f"£{self.low:,.0f} to £{self.high:,.0f} a child a year (uniform)"


@dataclass(frozen=True)
class Investment:
    item: str
    financial_year: int  # start year of the financial year
    amount: float
    funded_by: str
    lever: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "financial_year": fy_label(self.financial_year),
            "amount": self.amount,
            "funded_by": self.funded_by,
            "lever": self.lever,
        }


def default_alternative_cost() -> Money:
    values = load("sen_support_costs")["values"]
    latest = values[max(values)]
    return Money(float(latest["low"]), float(latest["high"]))


def parse_money(raw: Any, path: Path | None, where: str) -> Money:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw >= 0:
        return Money(float(raw), float(raw))
    if isinstance(raw, dict) and raw.get("distribution") == "uniform":
        low, high = raw.get("low"), raw.get("high")
        if isinstance(low, int | float) and isinstance(high, int | float) and 0 <= low <= high:
            return Money(float(low), float(high))
    raise ParameterError(
        f"{where} must be £ a child a year: a number or {{distribution: uniform, low, high}}",
        file=path,
        column=where,
        fix="e.g. alternative_cost: {distribution: uniform, low: 0, high: 4000}",
    )


def parse_investments(raw: Any, path: Path | None, lever_ids: set[str]) -> tuple[Investment, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ParameterError("investments must be a list", file=path, column="investments")
    out = []
    for i, row in enumerate(raw):
        where = f"investments[{i}]"
        fix = "e.g. {item: outreach team, financial_year: 2026-27, amount: 250000, funded_by: hnb}"
        if (
            not isinstance(row, dict)
            or set(row) - INVESTMENT_KEYS
            or not {
                "item",
                "financial_year",
                "amount",
            }
            <= set(row)
        ):
            raise ParameterError(
                f"{where} needs item, financial_year and amount "
                f"(and only {sorted(INVESTMENT_KEYS)})",
                file=path,
                column=where,
                fix=fix,
            )
        amount, funder, lever = row["amount"], row.get("funded_by", "hnb"), row.get("lever")
        if not isinstance(amount, int | float) or isinstance(amount, bool) or amount < 0:
            raise ParameterError(f"{where}.amount must be £ 0 or more", file=path, fix=fix)
        if funder not in FUNDERS:
            raise ParameterError(
                f"{where}.funded_by must be one of {', '.join(FUNDERS)}", file=path, fix=fix
            )
        if lever is not None and lever not in lever_ids:
            raise ParameterError(
                f"{where}.lever {lever!r} is not a lever of this scenario", file=path, fix=fix
            )
        try:
            fy = fy_start(row["financial_year"])
        except Exception:
            raise ParameterError(
                f"{where}.financial_year {row['financial_year']!r} is not a financial year",
                file=path,
                fix="write it as 2026-27",
            ) from None
        out.append(Investment(str(row["item"]), fy, float(amount), str(funder), lever))
    return tuple(out)


def investment_paths(
    investments: tuple[Investment, ...], fys: list[int], n: int
) -> dict[str, Floats]:
    """funder -> (n, T) £ by financial year (years outside the projection are dropped)."""
    out = {f: np.zeros((n, len(fys))) for f in FUNDERS}
    for inv in investments:
        if inv.financial_year in fys:
            out[inv.funded_by][:, fys.index(inv.financial_year)] += inv.amount
    return out
