"""JSON-ready summaries of simulations: percentiles of totals taken within each simulation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dbv.scenarios.spec import Distribution, Lever

Floats = NDArray[np.float64]
QUANTILES = {"p05": 5.0, "p10": 10.0, "p50": 50.0, "p90": 90.0, "p95": 95.0}
MONEY = {"p10": 10.0, "p50": 50.0, "p90": 90.0}


def pcts(values: Floats, q: Mapping[str, float] = QUANTILES, digits: int = 1) -> dict[str, float]:
    """Percentiles of a (n,) array of per-simulation values."""
    out = np.percentile(np.asarray(values, dtype=np.float64), list(q.values()))
    return {k: round(float(v), digits) for k, v in zip(q, out, strict=True)}


def series(
    values: Floats, labels: Sequence[Any], key: str = "year", q: Mapping[str, float] = QUANTILES
) -> list[dict[str, Any]]:
    """One row per column of a (n, T) array: {key: label, p05 ... p95}."""
    return [{key: lab, **pcts(values[:, t], q)} for t, lab in enumerate(labels)]


def rollup(stock: Floats, codes: NDArray[np.int64], n_labels: int) -> Floats:
    """(n, S, h) stock summed within each simulation into (n, L, h) by state label code."""
    onehot = np.zeros((stock.shape[1], n_labels))
    onehot[np.arange(stock.shape[1]), codes] = 1.0
    return np.asarray(np.einsum("nsh,sl->nlh", stock, onehot), dtype=np.float64)


def n_of(dist: Distribution) -> int | None:
    """The number of cases reviewed behind a case-review proportion (None otherwise)."""
    trials = dist.params.get("trials")
    return None if trials is None else int(trials)


def assumptions(lever: Lever) -> dict[str, Any]:
    """What a lever assumes, with the sample size behind every case-review proportion."""
    return {
        "lever": lever.id,
        "kind": lever.kind,
        "label": lever.label,
        "size": lever.size.describe(),
        "size_n": n_of(lever.size),
        "achievability": lever.achievability.describe(),
        "achievability_n": n_of(lever.achievability),
        "start_year": lever.start_year,
        "ramp": list(lever.ramp),
        "applies_to": lever.applies_to,
        "from": list(lever.from_groups),
        "to": lever.to_group,
        "cohort": dict(lever.cohort),
        "requires": lever.requires,
        "enablers": list(lever.enablers),
        "evidence": lever.evidence,
        **(
            {"alternative_cost": lever.alternative_cost.describe()}
            if lever.alternative_cost is not None
            else {}
        ),
    }
