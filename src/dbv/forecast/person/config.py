"""The engine's assumptions, read from ``parameters/forecast_person.yaml`` into typed objects.

Unknown keys are errors here (not warnings): a misspelt prior strength would otherwise be
silently replaced by its default.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Self, TypeVar

from dbv.errors import ParameterError
from dbv.params import load_yaml, parameter_path

NAME = "forecast_person"
T = TypeVar("T")


@dataclass(frozen=True)
class JoinerPriors:
    trend_window_years: int = 5
    trend_prior_sd: float = 0.15
    caseload_anchor_years: int = 3
    caseload_anchor_sd: float = 0.02
    band_trend_sd: float = 0.03
    damping: float = 1.0
    shock_sd_prior: float = 0.04
    shock_prior_df: float = 4.0
    shock_sd_min: float = 0.02
    level_prior_joiners: float = 2.0
    level_half_life_years: float = 3.0
    neighbour_width: int = 1
    destination_ncy_strength: float = 20.0
    destination_pool_strength: float = 20.0
    destination_floor: float = 0.5


@dataclass(frozen=True)
class RatePriors:
    """A Beta-Binomial rate by NCY (and setting group) with a Dirichlet destination."""

    ncy_strength: float = 10.0
    group_strength: float = 20.0
    neighbour_width: int = 1
    trend_prior_sd: float = 0.0  # 0: no trend; else the rate is brought to the latest year
    band_trend_sd: float = 0.05
    trend_shock_sd: float = 0.05
    destination_cell_strength: float = 10.0
    destination_pool_strength: float = 10.0
    destination_floor: float = 0.5


@dataclass(frozen=True)
class NeedChangePriors:
    enabled: bool = True
    ncy_strength: float = 20.0
    neighbour_width: int = 2
    destination_strength: float = 5.0
    destination_floor: float = 0.5


@dataclass(frozen=True)
class PersonConfig:
    ncy_min: int
    ncy_max: int
    phase_transfer_ncys: tuple[int, ...]
    bands: dict[str, tuple[int, int]]
    window_years: int
    half_life_years: float
    joiners: JoinerPriors
    leavers: RatePriors
    movers: RatePriors
    need_changes: NeedChangePriors
    setting_groups: dict[str, tuple[int, int]]

    @classmethod
    def load(cls, path: Path | None = None) -> Self:
        """The latest dated entry of the parameter file (the bundled one by default)."""
        path = path or parameter_path(NAME)
        data = load_yaml(path)
        values = data.get("values")
        if not isinstance(values, dict) or not values:
            raise ParameterError("missing 'values' keyed by effective date", file=path)
        latest = values[max(values, key=str)]
        return cls.from_dict(latest, path)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], path: Path | str = NAME) -> Self:
        raw = dict(raw)
        try:
            return cls(
                ncy_min=int(raw.pop("ncy_min")),
                ncy_max=int(raw.pop("ncy_max")),
                phase_transfer_ncys=tuple(int(x) for x in raw.pop("phase_transfer_ncys")),
                bands=_ranges(raw.pop("bands")),
                window_years=int(raw.pop("window_years")),
                half_life_years=float(raw.pop("half_life_years")),
                joiners=_section(JoinerPriors, raw.pop("joiners", {}), path, "joiners"),
                leavers=_section(RatePriors, raw.pop("leavers", {}), path, "leavers"),
                movers=_section(RatePriors, raw.pop("movers", {}), path, "movers"),
                need_changes=_section(
                    NeedChangePriors, raw.pop("need_changes", {}), path, "need_changes"
                ),
                setting_groups=_ranges(raw.pop("setting_groups")),
            )._checked(path, raw)
        except KeyError as exc:
            raise ParameterError(
                f"missing key {exc}", file=path, fix="see the bundled file"
            ) from None

    def _checked(self, path: Path | str, rest: dict[str, Any]) -> Self:
        if rest:
            raise ParameterError(f"unknown keys {sorted(rest)}", file=path, fix="remove them")
        if self.ncy_max <= self.ncy_min:
            raise ParameterError("ncy_max must be above ncy_min", file=path, column="ncy_max")
        if self.window_years < 1 or self.half_life_years <= 0:
            raise ParameterError("window_years must be >= 1 and half_life_years > 0", file=path)
        return self

    def with_need_changes(self, enabled: bool) -> Self:
        return replace(self, need_changes=replace(self.need_changes, enabled=enabled))


def _ranges(raw: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {str(k): (int(v[0]), int(v[1])) for k, v in raw.items()}


def _section(kind: type[T], raw: dict[str, Any], path: Path | str, name: str) -> T:
    known = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParameterError(
            f"unknown keys {unknown} in '{name}'", file=path, fix=f"use only {sorted(known)}"
        )
    return kind(**raw)
