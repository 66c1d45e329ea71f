"""Reading the plan folder (``plan/``: one CSV per table of ``dbv/schemas/plan.yaml``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl

from dbv.checks.frames import typed_rows
from dbv.dataret.reader import DataReturn, read_return
from dbv.dataret.schema import Schema, load_schema
from dbv.errors import DataFileError

TABLES = (
    "workstream", "activity", "milestone", "risk", "governance", "phase1_criterion", "grant_line",
)  # fmt: skip
LAYOUT = (
    "name each CSV after its table (workstream.csv, activity.csv, milestone.csv, risk.csv, "
    "governance.csv, phase1_criterion.csv, grant_line.csv); 'dbv synth' writes a demo plan/ folder"
)


def plan_schema_path() -> Path:
    """The plan schema bundled with dbv."""
    return Path(str(resources.files("dbv") / "schemas" / "plan.yaml"))


def plan_schema() -> Schema:
    return load_schema(plan_schema_path())


def load_plan(path: Path) -> DataReturn:
    """The plan tables in ``path`` (a folder of CSV files or one workbook), read as text with
    their locations. A missing folder, or one with no plan tables, is a DataFileError."""
    if not path.exists():
        raise DataFileError(
            "the implementation plan folder does not exist", file=path, fix=f"create it: {LAYOUT}"
        )
    if path.is_dir() and not any(
        p.suffix.lower() == ".csv" and _table_name(p.stem) in TABLES for p in path.iterdir()
    ):
        raise DataFileError("the folder holds no implementation plan tables", file=path, fix=LAYOUT)
    return read_return(path, plan_schema())


def _table_name(stem: str) -> str:
    """As the reader matches file names to tables ("Grant Line" is grant_line)."""
    return "_".join(stem.strip().lower().replace("-", " ").split())


def plan_tables(ret: DataReturn) -> dict[str, pl.DataFrame]:
    """Every plan table converted to schema types, with the spreadsheet row of each record in
    ``dbv.checks.frames.ROW`` (absent tables are empty with the right columns)."""
    return {name: typed_rows(ret, name) for name in ret.schema.tables}
