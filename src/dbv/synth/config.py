"""The generator's parameters (``dbv/parameters/synthetic_la.yaml``), with typed accessors.

The file is read with the strict loader in :mod:`dbv.params`; a missing block or value raises
:class:`~dbv.errors.ParameterError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dbv.errors import ParameterError
from dbv.params import load, parameter_path

NAME = "synthetic_la"
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Params:
    """The raw parameter mapping with checked look-ups."""

    raw: dict[str, Any]

    def get(self, *keys: str) -> Any:
        node: Any = self.raw
        for i, key in enumerate(keys):
            if not isinstance(node, dict) or key not in node:
                raise ParameterError(
                    f"missing parameter '{'.'.join(keys[: i + 1])}'",
                    file=parameter_path(NAME),
                    fix="restore it from the bundled synthetic_la.yaml",
                )
            node = node[key]
        return node

    def num(self, *keys: str) -> float:
        value = self.get(*keys)
        if not isinstance(value, int | float):
            raise ParameterError(
                f"parameter '{'.'.join(keys)}' must be a number", file=parameter_path(NAME)
            )
        return float(value)

    def mapping(self, *keys: str) -> dict[Any, Any]:
        value = self.get(*keys)
        if not isinstance(value, dict):
            raise ParameterError(
                f"parameter '{'.'.join(keys)}' must be a mapping", file=parameter_path(NAME)
            )
        return value

    def shares(self, *keys: str) -> tuple[list[str], Floats]:
        """A mapping of label -> weight as labels and probabilities summing to 1."""
        m = self.mapping(*keys)
        labels = [str(k) for k in m]
        p = np.array([float(v) for v in m.values()], dtype=np.float64)
        return labels, p / p.sum()

    def by_age(self, *keys: str, ages: int = 26) -> list[Any]:
        """A step function keyed by age (a value applies from its key to the next) per age."""
        m = self.mapping(*keys)
        starts = sorted(int(k) for k in m)
        out: list[Any] = []
        for age in range(ages):
            key = max([s for s in starts if s <= age], default=starts[0])
            out.append(m[key])
        return out

    def interpolated(self, *keys: str, at: npt.ArrayLike) -> Floats:
        """A numeric series keyed by year or age, linearly interpolated (flat beyond the ends)."""
        m = self.mapping(*keys)
        xs = sorted(int(k) for k in m)
        return np.interp(np.asarray(at, dtype=np.float64), xs, [float(m[x]) for x in xs]).astype(
            np.float64
        )


def load_params() -> Params:
    return Params(load(NAME))
