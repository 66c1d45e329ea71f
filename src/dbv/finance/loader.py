"""Strict reading of the finance parameter files (``dbv/parameters/finance/*.yaml``).

On top of :func:`dbv.params.load_yaml` (duplicate keys are errors; description and references
are required) every file must say its unit, period and label; keys the loader does not know give
a :class:`FinanceParameterWarning` naming the file, the key and the fix; a missing required key
is a :class:`ParameterError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dbv.errors import ParameterError
from dbv.finance.notices import FinanceParameterWarning
from dbv.params import load_yaml, parameter_path

COMMON = ("description", "unit", "period", "label", "references")


def family_path(name: str) -> Path:
    """The bundled file of a finance parameter family, e.g. ``unit_costs``."""
    return parameter_path(f"finance/{name}")


def load_family(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Load one finance parameter file and check its top-level keys."""
    raw = load_yaml(path)
    check_keys(raw, str(path), "the file", (*COMMON, *required), optional)
    return raw


def check_keys(
    raw: Mapping[str, Any],
    source: str,
    where: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> None:
    """Missing required keys are errors; unknown keys are warnings."""
    for key in required:
        if key not in raw:
            raise ParameterError(
                f"{where} has no '{key}'",
                file=source,
                column=key,
                fix=f"add '{key}' (see the other files in dbv/parameters/finance)",
            )
    known = set(required) | set(optional)
    for key in raw:
        if key not in known:
            warnings.warn(
                f"{source}: unknown key '{key}' in {where}; it is ignored. Fix: remove it or "
                f"correct its spelling (known keys: {', '.join(sorted(known))})",
                FinanceParameterWarning,
                stacklevel=3,
            )


def entries(
    raw: Mapping[str, Any],
    key: str,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> dict[str, Mapping[str, Any]]:
    """The named entries under ``key`` (e.g. one per setting group), each checked."""
    block = raw[key]
    if not isinstance(block, Mapping) or not block:
        raise ParameterError(f"'{key}' must be a mapping of named entries", file=source, column=key)
    out: dict[str, Mapping[str, Any]] = {}
    for name, entry in block.items():
        if not isinstance(entry, Mapping):
            raise ParameterError(f"'{key}.{name}' must be a mapping", file=source, column=key)
        check_keys(entry, source, f"'{key}.{name}'", required, optional)
        out[str(name)] = entry
    return out


def number(raw: Mapping[str, Any], key: str, source: str, low: float, high: float) -> float:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ParameterError(
            f"'{key}' must be a number from {low} to {high}, not {value!r}",
            file=source,
            column=key,
        )
    return float(value)
