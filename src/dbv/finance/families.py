"""One reader per finance parameter family (one file each in ``dbv/parameters/finance``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbv.errors import ParameterError
from dbv.finance.dated import Dated
from dbv.finance.loader import entries, load_family, number
from dbv.params import load

DRIVERS = ("placement_spend", "price")


def setting_groups() -> tuple[str, ...]:
    """The setting groups, in display order (``dbv/parameters/setting_groups.yaml``)."""
    return tuple(load("setting_groups")["groups"])


@dataclass(frozen=True)
class GroupValue:
    """A dated figure for one setting group, with where it comes from."""

    values: Dated
    assumption: bool
    source: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class NonPlacementLine:
    label: str
    driver: str  # "placement_spend" or "price"
    share: Dated  # of base-year placement spend, used when the council gives no figure
    real_growth: Dated  # a year, on top of the driver
    assumption: bool


@dataclass(frozen=True)
class PlacementLine:
    place_line: str
    topup_line: str
    derive: bool


def group_values(path: Path) -> dict[str, GroupValue]:
    """``unit_costs.yaml`` and ``place_funding.yaml``: one dated value per setting group."""
    raw = load_family(path, ("groups",))
    src = str(path)
    found = entries(raw, "groups", src, ("values", "source", "assumption"), ("note",))
    out = {
        name: GroupValue(
            Dated.parse(e["values"], src, f"groups.{name}.values"),
            bool(e["assumption"]),
            tuple(str(s) for s in (e["source"] or [])),
            str(e.get("note", "")).strip(),
        )
        for name, e in found.items()
    }
    _all_groups(out, src)
    for name, value in out.items():
        if any(v < 0 for _, v in value.values.points):
            raise ParameterError(f"negative value for {name}", file=src, column="groups")
    return out


def non_placement(path: Path) -> dict[str, NonPlacementLine]:
    raw = load_family(path, ("lines",))
    src = str(path)
    found = entries(
        raw,
        "lines",
        src,
        ("label", "driver", "share", "real_growth", "source", "assumption"),
        ("note",),
    )
    out = {}
    for name, e in found.items():
        if e["driver"] not in DRIVERS:
            raise ParameterError(
                f"line '{name}' has driver {e['driver']!r}",
                file=src,
                column="driver",
                fix=f"use one of {', '.join(DRIVERS)}",
            )
        out[name] = NonPlacementLine(
            str(e["label"]),
            str(e["driver"]),
            Dated.parse(e["share"], src, f"lines.{name}.share"),
            Dated.parse(e["real_growth"], src, f"lines.{name}.real_growth"),
            bool(e["assumption"]),
        )
    return out


def time_weights(path: Path) -> tuple[float, float]:
    """The January t and January t+1 weights of a financial year's average (latest in force)."""
    raw = load_family(path, ("weights",))
    src = str(path)
    block = raw["weights"]
    if not isinstance(block, Mapping) or not block:
        raise ParameterError("'weights' must map effective dates to weights", file=src)
    latest = block[sorted(block, key=str)[-1]]
    if not isinstance(latest, Mapping):
        raise ParameterError("each weights entry must be a mapping", file=src, column="weights")
    start = number(latest, "january_start", src, 0.0, 1.0)
    end = number(latest, "january_end", src, 0.0, 1.0)
    if abs(start + end - 1.0) > 1e-9:
        raise ParameterError(
            f"the weights add up to {start + end}, not 1", file=src, column="weights"
        )
    return start, end


def placement_lines(path: Path) -> tuple[dict[str, PlacementLine], tuple[str, ...]]:
    raw = load_family(path, ("groups", "income_lines"))
    src = str(path)
    found = entries(raw, "groups", src, ("place_line", "topup_line", "derive"))
    out = {
        n: PlacementLine(str(e["place_line"]), str(e["topup_line"]), bool(e["derive"]))
        for n, e in found.items()
    }
    _all_groups(out, src)
    return out, tuple(str(x) for x in raw["income_lines"])


def block_transfer(path: Path) -> Dated:
    raw = load_family(path, ("values",), ("assumption",))
    return Dated.parse(raw["values"], str(path), "values")


def dsg_categories(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Placement category -> (label, setting groups)."""
    raw = load_family(path, ("categories",), ("assumption",))
    src = str(path)
    found = entries(raw, "categories", src, ("label", "groups"))
    out = {n: (str(e["label"]), tuple(str(g) for g in e["groups"])) for n, e in found.items()}
    covered = [g for _, gs in out.values() for g in gs]
    if sorted(covered) != sorted(setting_groups()):
        raise ParameterError(
            "the categories must cover every setting group exactly once",
            file=src,
            column="categories",
            fix=f"list each of {', '.join(setting_groups())} under one category",
        )
    return out


def _all_groups(found: Mapping[str, Any], src: str) -> None:
    groups = setting_groups()
    unknown = sorted(set(found) - set(groups))
    missing = [g for g in groups if g not in found]
    if unknown:
        raise ParameterError(
            f"unknown setting group(s): {', '.join(unknown)}",
            file=src,
            column="groups",
            fix=f"use the groups of setting_groups.yaml: {', '.join(groups)}",
        )
    if missing:
        raise ParameterError(
            f"no entry for setting group(s): {', '.join(missing)}",
            file=src,
            column="groups",
            fix="add an entry for each",
        )
