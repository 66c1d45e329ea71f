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

EXPORT_AGAIN = (
    "export the table again from your system as 'CSV UTF-8', with one header row and the same "
    "number of fields on every row (or use the workbook 'dbv template' writes)"
)
NOT_TABLES = {"readme", "codes"}  # sheets of the template workbook that hold no data
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
    unknown_sheets: list[str] = field(default_factory=list)
    unreadable: list[DataFileError] = field(default_factory=list)  # files that could not be read

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
    """Table and column names match whatever the case, spacing or hyphens ("Birth Date")."""
    return "_".join(name.strip().lower().replace("-", " ").split())


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
    if path.is_file() and path.suffix.lower() == ".csv":
        raise DataFileError(
            "a data return is a folder of CSV files (or one workbook), not a single CSV",
            file=path,
            fix=f"give the folder that holds it: {path.parent}",
        )
    if path.is_file():
        return _read_workbook(path, schema)
    tables: dict[str, RawTable] = {}
    unknown: list[Path] = []
    unreadable: list[DataFileError] = []
    for p in sorted(path.iterdir()):
        if p.suffix.lower() != ".csv" or p.name.startswith("."):
            continue
        name = _norm(p.stem)
        if name not in schema.tables:
            unknown.append(p)
            continue
        try:
            tables[name] = RawTable(name, p, _strip(files.read_csv_strings(p, fix=EXPORT_AGAIN)))
        except DataFileError as exc:
            unreadable.append(exc)
    if not tables:
        if unreadable:
            raise unreadable[0]
        raise DataFileError(
            "no data-return tables found (expected files such as person.csv, named_plan.csv)",
            file=path,
            fix="name each CSV after its table; 'dbv template --out DIR' shows the layout",
        )
    return DataReturn(path, tables, schema, unknown, unreadable=unreadable)


def _read_workbook(path: Path, schema: Schema) -> DataReturn:
    from dbv.io import excel

    tables: dict[str, RawTable] = {}
    unknown: list[str] = []
    for sheet in excel.sheet_names(path):
        name = _norm(sheet)
        if name not in schema.tables:
            if name not in NOT_TABLES:
                unknown.append(sheet)
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
    return DataReturn(path, tables, schema, unknown_sheets=unknown)


def _strip(frame: pl.DataFrame) -> pl.DataFrame:
    """Normalise header names, trim cells; empty cells become null."""
    names = [_norm(c) for c in frame.columns]
    if len(set(names)) == len(names):
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    return frame.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in frame.columns
    )


def parse_bool(col: str) -> pl.Expr:
    low = pl.col(col).str.to_lowercase()
    return pl.when(low.is_in(list(TRUE))).then(True).when(low.is_in(list(FALSE))).then(False)


def parse_date(col: str) -> pl.Expr:
    """ISO dates only (YYYY-MM-DD), optionally followed by a time as spreadsheets write it."""
    text = pl.col(col).str.strip_chars()
    iso = text.str.contains(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
    return pl.when(iso).then(text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))


def parse_int(col: str) -> pl.Expr:
    """Whole numbers only ("12" or "12.0"); "1.5" is not an integer and becomes null."""
    number = pl.col(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    whole = number.is_finite() & (number == number.round(0)) & (number.abs() < 2**53)
    return pl.when(whole).then(number).cast(pl.Int64)


def parse_decimal(col: str) -> pl.Expr:
    """Finite numbers ("1,234.50"); "nan" and "inf" become null."""
    number = pl.col(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


PARSERS = {"int": parse_int, "decimal": parse_decimal, "date": parse_date, "bool": parse_bool}
DTYPES = {"int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "bool": pl.Boolean}


def typed(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The table with schema types; cells that do not parse, and absent columns, are null."""
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    exprs = []
    for c in table.columns:
        parse = PARSERS.get(c.type)
        expr = pl.col(c.name) if parse is None else parse(c.name)
        exprs.append(expr.cast(DTYPES.get(c.type, pl.String)).alias(c.name))
    return frame.select(exprs)
