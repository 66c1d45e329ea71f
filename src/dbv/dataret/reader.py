"""Reading a data return: a folder of CSV files (one per table) or one XLSX workbook.

Reading keeps every cell as text, with where it came from, so that validation can name the
file, row and column of each problem. :func:`typed` then converts a table per the schema
(cells that do not parse become null; validation reports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dbv.dataret.schema import Schema, Table, load_schema
from dbv.errors import DataFileError
from dbv.io import files

TRUE = {"1", "true", "t", "y", "yes"}
FALSE = {"0", "false", "f", "n", "no"}


@dataclass
class RawTable:
    """One table as read: every cell text. Data row i (0-based) is row ``i + first_row``."""

    name: str
    file: Path
    frame: pl.DataFrame
    sheet: str | None = None
    first_row: int = 2  # the header is row 1

    def where(self) -> str:
        return f"{self.file.name}" + (f" [{self.sheet}]" if self.sheet else "")


@dataclass
class DataReturn:
    root: Path
    tables: dict[str, RawTable]
    schema: Schema
    unknown_files: list[Path] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.tables

    def typed(self, name: str) -> pl.DataFrame:
        """The table converted to schema types (empty with the right columns if absent)."""
        table = self.schema.tables[name]
        raw = self.tables.get(name)
        frame = (
            raw.frame
            if raw is not None
            else pl.DataFrame(schema=dict.fromkeys(table.names, pl.String))
        )
        return typed(frame, table)


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read_return(path: Path, schema: Schema | None = None) -> DataReturn:
    """Read a data-return folder (CSV per table) or XLSX workbook (sheet per table)."""
    schema = schema or load_schema()
    if not path.exists():
        raise DataFileError(
            "the data return does not exist",
            file=path,
            fix="give the folder holding the CSV files (or the .xlsx workbook); "
            "'dbv template --out DIR' writes blank templates",
        )
    if path.is_file():
        return _read_workbook(path, schema)
    tables: dict[str, RawTable] = {}
    unknown: list[Path] = []
    for p in sorted(path.iterdir()):
        if p.suffix.lower() != ".csv" or p.name.startswith("."):
            continue
        name = _norm(p.stem)
        if name not in schema.tables:
            unknown.append(p)
            continue
        tables[name] = RawTable(name, p, _strip(files.read_csv_strings(p)))
    if not tables:
        raise DataFileError(
            "no data-return tables found (expected files such as person.csv, named_plan.csv)",
            file=path,
            fix="name each CSV after its table; 'dbv template --out DIR' shows the layout",
        )
    return DataReturn(path, tables, schema, unknown)


def _read_workbook(path: Path, schema: Schema) -> DataReturn:
    from dbv.io import excel

    tables: dict[str, RawTable] = {}
    for sheet in excel.sheet_names(path):
        name = _norm(sheet)
        if name not in schema.tables:
            continue
        frame = excel.read_sheet(path, sheet, header_row=0)
        frame = frame.select([c for c in frame.columns if not c.startswith("_")])
        tables[name] = RawTable(name, path, _strip(frame), sheet=sheet)
    if not tables:
        raise DataFileError(
            "the workbook has no data-return sheets (expected sheets such as person, named_plan)",
            file=path,
            fix="use the workbook 'dbv template' writes",
        )
    return DataReturn(path, tables, schema)


def _strip(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim cells and header names; empty cells become null."""
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in frame.columns
    )


def parse_bool(col: str) -> pl.Expr:
    low = pl.col(col).str.to_lowercase()
    return pl.when(low.is_in(list(TRUE))).then(True).when(low.is_in(list(FALSE))).then(False)


def parse_date(col: str) -> pl.Expr:
    return pl.col(col).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def typed(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    exprs = []
    for c in table.columns:
        if c.name not in frame.columns:
            exprs.append(pl.lit(None).alias(c.name))
            continue
        if c.type == "int":
            exprs.append(pl.col(c.name).cast(pl.Float64, strict=False).cast(pl.Int64, strict=False))
        elif c.type == "decimal":
            exprs.append(pl.col(c.name).str.replace_all(",", "").cast(pl.Float64, strict=False))
        elif c.type == "date":
            exprs.append(parse_date(c.name).alias(c.name))
        elif c.type == "bool":
            exprs.append(parse_bool(c.name).alias(c.name))
        else:
            exprs.append(pl.col(c.name))
    out = frame.select(exprs)
    casts = {
        c.name: {"int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "bool": pl.Boolean}.get(
            c.type, pl.String
        )
        for c in table.columns
    }
    return out.cast(casts)  # type: ignore[arg-type]
