"""What a dataset looks like, so that files are recognised by their content, not their path.

Each reader module defines one or more :class:`DatasetSpec` and ``registry.py`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

Kind = Literal["csv", "parquet", "excel"]


@dataclass(frozen=True)
class DatasetSpec:
    """One kind of official file.

    ``signature`` holds the column names (csv, parquet) or sheet names (excel) that must all be
    present for a file to be recognised. A file holding at least ``near_threshold`` of them but
    not all is reported as "looks like <name> but lacks ..." so that a damaged file is never
    silently ignored. ``accept`` can further look at the file (for two datasets that share
    columns). ``read`` returns the frame: canonical facts (``output="facts"``) or a
    dataset-specific table (``output="table"``).
    """

    name: str
    title: str
    publisher: str
    kind: Kind
    signature: frozenset[str]
    read: Callable[[Path], pl.DataFrame]
    output: Literal["facts", "table"] = "facts"
    accept: Callable[[Path], bool] | None = None
    release: str = ""  # sortable release label (e.g. "2025-06"); newest wins where datasets overlap
    priority: int = 0  # tie-break between datasets of one release (higher wins)
    landing_page: str = ""
    near_threshold: float = 0.6
    optional: bool = False  # missing is fine (status says so, nothing needs it)
    notes: str = field(default="")
    areas: Callable[[Path], pl.DataFrame] | None = None  # LA names and codes the file holds

    def matches(self, names: set[str]) -> bool:
        return self.signature <= names

    def nearly_matches(self, names: set[str]) -> bool:
        if not self.signature or self.matches(names):
            return False
        hits = len(self.signature & names)
        return hits >= max(2, int(self.near_threshold * len(self.signature) + 0.999))
