"""The engagement evidence (``dbv/schemas/engagement.yaml``) as typed frames for module 2.

:func:`load_engagement` reads the folder of engagement CSV files (``dbv synth`` writes one under
``engagement/``; the web app writes the same formats) with the data-return reader, so every table
has the schema's types: booleans are booleans, codes are strings, dates are dates. Cells that do
not parse become null (``dbv validate`` reports them). :func:`from_frames` builds the same object
from frames in memory (tests, the web app), adding any column left out as typed nulls.

Module 2 also reads a few thresholds from ``parameters/case_review.yaml`` (:func:`thresholds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from dbv import params
from dbv.dataret.reader import DTYPES, read_return
from dbv.dataret.schema import Schema, load_schema
from dbv.errors import DataFileError

CASE_TABLES = ("case_sample", "case_review", "case_review_reason", "case_consensus", "case_voice")
FOLDER = "engagement"


@dataclass(frozen=True)
class Engagement:
    """Typed engagement tables by name; ``root`` is the folder they were read from, if any."""

    tables: Mapping[str, pl.DataFrame]
    root: Path | None = None

    def has(self, table: str) -> bool:
        """True when the table was supplied (a file, or a frame), even with no rows."""
        return table in self.tables

    def table(self, name: str) -> pl.DataFrame:
        """The typed table; a :class:`DataFileError` naming the missing file if it is absent."""
        if name not in self.tables:
            file = None if self.root is None else self.root / f"{name}.csv"
            raise DataFileError(
                f"the engagement evidence has no '{name}' table",
                file=file,
                fix=f"add {name}.csv in the layout of dbv/schemas/engagement.yaml "
                "('dbv synth --out DIR' writes an example under DIR/engagement)",
            )
        return self.tables[name]

    def code_labels(self, code_list: str) -> dict[str, str]:
        """Code to label for one of the schema's code lists (latest version)."""
        return dict(schema().code_list(code_list))


def schema() -> Schema:
    """The engagement schema bundled with dbv."""
    return load_schema(Path(str(resources.files("dbv") / "schemas" / "engagement.yaml")))


def load_engagement(path: Path) -> Engagement:
    """Read the engagement folder (or a data-return folder holding ``engagement/``)."""
    folder = path / FOLDER if (path / FOLDER).is_dir() else path
    if not folder.is_dir():
        raise DataFileError(
            "the engagement folder does not exist",
            file=path,
            fix="give the folder holding case_sample.csv, case_review.csv, case_consensus.csv "
            "and the other engagement files ('dbv synth --out DIR' writes DIR/engagement)",
        )
    ret = read_return(folder, schema())
    if ret.unreadable:
        raise ret.unreadable[0]
    return Engagement(MappingProxyType({n: ret.typed(n) for n in ret.tables}), folder)


def from_frames(frames: Mapping[str, pl.DataFrame], root: Path | None = None) -> Engagement:
    """An :class:`Engagement` from frames already typed; missing columns become typed nulls."""
    sch = schema()
    out: dict[str, pl.DataFrame] = {}
    for name, frame in frames.items():
        if name not in sch.tables:
            raise DataFileError(
                f"'{name}' is not an engagement table",
                fix=f"use one of {', '.join(sorted(sch.tables))}",
            )
        cols = sch.tables[name].columns
        out[name] = frame.select(
            (pl.col(c.name) if c.name in frame.columns else pl.lit(None))
            .cast(DTYPES.get(c.type, pl.String))
            .alias(c.name)
            for c in cols
        )
    return Engagement(MappingProxyType(out), root)


def thresholds() -> dict[str, Any]:
    """The case-review thresholds in force (latest dated entry of ``case_review.yaml``)."""
    values = params.load("case_review")["values"]
    return dict(values[max(values)])
