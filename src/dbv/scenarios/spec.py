"""Reading and checking a scenario file.

A scenario never contains a target to cut plans for its own sake: every lever changes *where or
when* needs are met, and states the provision that has to exist for it to be safe. The loader
refuses anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dbv.errors import ParameterError
from dbv.scenarios.costs import (
    Investment,
    Money,
    default_alternative_cost,
    parse_investments,
    parse_money,
)

KINDS = {
    "sen_support": "Needs met at SEN support without an EHC plan (new requests)",
    "mainstream_not_specialist": "Mainstream rather than specialist for new plans",
    "rp_not_special": "Resourced provision or SEN unit rather than special school",
    "state_not_independent": "State special rather than independent special",
    "timely_ceasing": "Timely ceasing at annual review (outcomes met, post-16)",
    "unit_cost": "Unit-cost change (banding, commissioning)",
}
FORBIDDEN = {"target", "cut", "reduce_plans", "plan_reduction", "ehcp_target", "reduction_target"}
DEFAULT_TO = {
    "mainstream_not_specialist": "mainstream",
    "rp_not_special": "resourced_provision",
    "state_not_independent": "state_special",
}
DEFAULT_FROM = {
    "mainstream_not_specialist": ["state_special", "inmss"],
    "rp_not_special": ["state_special", "inmss"],
    "state_not_independent": ["inmss"],
}
LEVER_KEYS = {
    "id",
    "kind",
    "label",
    "size",
    "achievability",
    "start_year",
    "ramp",
    "applies_to",
    "requires",
    "enablers",
    "cohort",
    "from",
    "to",
    "evidence",
    "alternative_cost",
}
DIST_KEYS = {"distribution", "value", "low", "high", "successes", "trials", "mean", "sd"}


@dataclass(frozen=True)
class Distribution:
    """fixed | uniform(low, high) | beta(successes, trials) (a case-review proportion and its
    sample size, Jeffreys prior) | beta(mean, sd)."""

    kind: str
    params: dict[str, float]

    def describe(self) -> str:
        p = self.params
        if self.kind == "fixed":
            return f"assumed {p['value']:.0%}"
        if self.kind == "uniform":
            return f"assumed {p['low']:.0%} to {p['high']:.0%} (uniform)"
        if "successes" in p:
            return f"{p['successes']:.0f} of {p['trials']:.0f} (beta, n = {p['trials']:.0f})"
        return f"assumed mean {p['mean']:.0%}, sd {p['sd']:.0%} (beta)"


@dataclass(frozen=True)
class Lever:
    id: str
    kind: str
    label: str
    size: Distribution
    achievability: Distribution
    start_year: int
    ramp: tuple[float, ...]
    applies_to: str  # "new_entrants" (default: new plans and phase transfers) or "existing"
    requires: str
    enablers: tuple[str, ...] = ()
    cohort: dict[str, Any] = field(default_factory=dict)
    from_groups: tuple[str, ...] = ()
    to_group: str | None = None
    evidence: str = ""
    alternative_cost: Money | None = None  # sen_support only: £ a child a year still paid


@dataclass(frozen=True)
class Scenario:
    name: str
    version: str
    description: str
    levers: tuple[Lever, ...]
    capacity: dict[str, dict[int, float]]
    path: Path | None = None
    investments: tuple[Investment, ...] = ()


def _err(msg: str, path: Path | None, fix: str, column: str | None = None) -> ParameterError:
    return ParameterError(msg, file=path, column=column, fix=fix)


def _dist(raw: Any, path: Path | None, where: str) -> Distribution:
    if isinstance(raw, int | float):
        raw = {"distribution": "fixed", "value": float(raw)}
    if not isinstance(raw, dict) or "distribution" not in raw:
        raise _err(
            f"{where} must say its distribution",
            path,
            "e.g. {distribution: beta, successes: 9, trials: 40}",
            where,
        )
    unknown = set(raw) - DIST_KEYS
    if unknown:
        raise _err(
            f"unknown keys {sorted(unknown)} in {where}", path, f"use {sorted(DIST_KEYS)}", where
        )
    kind = raw["distribution"]
    p = {k: float(v) for k, v in raw.items() if k != "distribution"}
    ok = (
        (kind == "fixed" and "value" in p and 0 <= p["value"] <= 1)
        or (kind == "uniform" and 0 <= p.get("low", -1) <= p.get("high", -1) <= 1)
        or (kind == "beta" and "trials" in p and 0 <= p.get("successes", -1) <= p["trials"])
        or (kind == "beta" and 0 < p.get("mean", -1) < 1 and 0 < p.get("sd", -1) < 0.5)
    )
    if not ok:
        raise _err(
            f"{where}: a {kind} distribution with {p} is not valid",
            path,
            "proportions lie between 0 and 1; beta needs successes <= trials, or a mean and sd",
            where,
        )
    return Distribution(kind, p)


def _lever(raw: dict[str, Any], i: int, path: Path | None) -> Lever:
    where = f"levers[{i}]"
    bad = set(raw) & FORBIDDEN or (set(raw) - LEVER_KEYS)
    if set(raw) & FORBIDDEN:
        raise _err(
            f"{where} sets a target to cut plans ({sorted(bad)})",
            path,
            "a lever changes where or when needs are met, never a number of plans to "
            "cut; describe the change in provision instead",
            where,
        )
    if bad:
        raise _err(
            f"unknown keys {sorted(bad)} in {where}", path, f"use {sorted(LEVER_KEYS)}", where
        )
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _err(f"{where}: unknown kind {kind!r}", path, f"use one of {sorted(KINDS)}", where)
    requires = str(raw.get("requires", "")).strip()
    if not requires:
        raise _err(
            f"{where} ({kind}) does not say what provision must exist for it",
            path,
            "add 'requires:' (e.g. 'mainstream inclusion outreach and 40 RP places')",
            where,
        )
    ramp = tuple(float(r) for r in raw.get("ramp", [0.25, 0.5, 0.75, 1.0]))
    if not ramp or any(not 0 <= r <= 1 for r in ramp) or list(ramp) != sorted(ramp):
        raise _err(
            f"{where}: ramp must rise from 0 to at most 1", path, "e.g. [0.25, 0.5, 1]", where
        )
    applies = raw.get("applies_to", "new_entrants")
    if applies not in ("new_entrants", "existing"):
        raise _err(
            f"{where}: applies_to must be new_entrants or existing",
            path,
            "the default, new_entrants, leaves settled children where they are",
            where,
        )
    if "alternative_cost" in raw and kind != "sen_support":
        raise _err(
            f"{where}: alternative_cost is for sen_support levers",
            path,
            "other levers move children between settings whose unit costs the finance model has",
            where,
        )
    alt = (
        parse_money(raw["alternative_cost"], path, f"{where}.alternative_cost")
        if "alternative_cost" in raw
        else default_alternative_cost()
        if kind == "sen_support"
        else None
    )
    return Lever(
        id=str(raw.get("id", f"{kind}_{i}")),
        kind=kind,
        label=str(raw.get("label", KINDS[kind])),
        size=_dist(raw.get("size"), path, f"{where}.size"),
        achievability=_dist(raw.get("achievability", 0.5), path, f"{where}.achievability"),
        start_year=int(raw.get("start_year", 2026)),
        ramp=ramp,
        applies_to=applies,
        requires=requires,
        enablers=tuple(raw.get("enablers", [])),
        cohort=dict(raw.get("cohort", {})),
        from_groups=tuple(raw.get("from", DEFAULT_FROM.get(kind, []))),
        to_group=raw.get("to", DEFAULT_TO.get(kind)),
        evidence=str(raw.get("evidence", "")),
        alternative_cost=alt,
    )


def parse(raw: dict[str, Any], path: Path | None = None) -> Scenario:
    for key in ("name", "version", "description", "levers"):
        if key not in raw:
            raise _err(f"the scenario has no '{key}'", path, f"add '{key}:'", key)
    if set(raw) & FORBIDDEN:
        raise _err(
            "the scenario sets a target to cut plans",
            path,
            "remove it: scenarios describe changes in provision, not plan targets",
        )
    levers = tuple(_lever(lv, i, path) for i, lv in enumerate(raw["levers"] or []))
    ids = [lv.id for lv in levers]
    if len(set(ids)) != len(ids):
        raise _err("two levers share an id", path, "give each lever its own id")
    capacity = {
        str(g): {int(y): float(v) for y, v in years.items()}
        for g, years in (raw.get("capacity") or {}).items()
    }
    investments = parse_investments(raw.get("investments"), path, set(ids))
    return Scenario(
        str(raw["name"]),
        str(raw["version"]),
        str(raw["description"]),
        levers,
        capacity,
        path,
        investments,
    )


def load_scenario(path: Path) -> Scenario:
    from dbv.params import _StrictLoader  # duplicate keys are errors here too

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"cannot read the scenario: {exc}", file=path) from None
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ParameterError(f"invalid YAML: {exc}", file=path) from None
    finally:
        loader.dispose()
    if not isinstance(raw, dict):
        raise ParameterError("a scenario file must be a mapping", file=path)
    return parse(raw, path)
