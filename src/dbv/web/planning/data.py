"""The plan records as the analytic core wants them: typed polars frames with exactly the
schema's columns (:func:`frames`), rows in the CSV import format (:func:`csv_rows`), and the
reading and checking of uploaded CSV files (:func:`read_upload`)."""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from dbv.checks.result import CheckResult
from dbv.dataret.reader import DTYPES, read_return
from dbv.errors import DataFileError
from dbv.module3.checklist import check_checklist
from dbv.module3.gantt import check_gantt
from dbv.module3.governance import check_governance
from dbv.module3.grant import check_grant
from dbv.module3.load import plan_schema
from dbv.module3.risks import check_risks
from dbv.web.core.models import Organisation
from dbv.web.planning.models import MODELS, PlanRow, columns


def _value(v: Any) -> Any:
    """A model value as the frame holds it: blanks are null, decimals floats."""
    if v == "":
        return None
    if isinstance(v, Decimal):
        return float(v)
    return v


def frame(table: str, records: list[PlanRow]) -> pl.DataFrame:
    """One table as a typed frame (schema types: dates pl.Date, ints Int64, decimals Float64)."""
    t = plan_schema().tables[table]
    schema = {c.name: DTYPES.get(c.type, pl.String) for c in t.columns}
    data = {c: [_value(getattr(r, c)) for r in records] for c in t.names}
    return pl.DataFrame(data, schema=schema)


def frames(org: Organisation) -> dict[str, pl.DataFrame]:
    """Every plan table of the council, in the order the records were added (as exported)."""
    return {
        name: frame(name, list(model.objects.filter(organisation=org).order_by("id")))
        for name, model in MODELS.items()
    }


def check_frames(t: dict[str, pl.DataFrame]) -> list[CheckResult]:
    """Every check of :func:`dbv.module3.check_plan`, on frames rather than a folder."""
    roles = set(plan_schema().code_list("role"))
    return [
        *check_gantt(t["activity"], t["milestone"]),
        *check_risks(t["risk"]),
        *check_governance(t["governance"], t["workstream"], roles),
        *check_checklist(t["phase1_criterion"]),
        *check_grant(t["grant_line"], t["workstream"]),
    ]


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


def csv_rows(org: Organisation, table: str) -> list[dict[str, Any]]:
    """The council's rows of ``table`` with exactly the schema's columns, CSV-ready."""
    names = columns(table)
    model = MODELS[table]
    return [
        {c: _cell(getattr(r, c)) for c in names}
        for r in model.objects.filter(organisation=org).order_by("id")
    ]


def write_csv(path: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows as a CSV file with the schema's header (even when there are no rows)."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns(table), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@dataclass(frozen=True)
class Problem:
    """One problem in an uploaded file: where (file, row, column) and what."""

    table: str
    row: int | None
    column: str | None
    message: str

    def where(self) -> str:
        parts = [f"{self.table}.csv"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


def read_upload(files: dict[str, bytes]) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """Uploaded CSV files by table name -> (records ready for the models, problems). The files
    are read with dbv's data-return reader and checked against the plan schema: required
    columns and cells, types, codes, ranges, patterns and unique IDs."""
    schema = plan_schema()
    problems: list[Problem] = []
    out: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="dbv-plan-") as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            (folder / f"{name}.csv").write_bytes(content)
        try:
            ret = read_return(folder, schema)
        except DataFileError as exc:
            return {}, [Problem(next(iter(files), "plan"), None, None, str(exc))]
        for bad in ret.unreadable:
            stem = Path(str(bad.file)).stem if getattr(bad, "file", None) else "plan"
            problems.append(Problem(stem, None, None, str(bad)))
        for name, raw in ret.tables.items():
            recs, found = _check_table(name, raw.frame, raw.first_row)
            problems += found
            out[name] = recs
    return out, problems


def _check_table(
    name: str, raw: pl.DataFrame, first_row: int
) -> tuple[list[dict[str, Any]], list[Problem]]:
    schema = plan_schema()
    table = schema.tables[name]
    problems: list[Problem] = []
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for m in missing:
        problems.append(Problem(name, 1, m, f"the required column '{m}' is missing"))
    for u in [c for c in raw.columns if c not in table.names]:
        problems.append(
            Problem(name, 1, u, f"'{u}' is not a column of {name}; remove or rename it")
        )
    if missing:
        return [], problems
    text = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in table.names
                            if c not in raw.columns)  # fmt: skip
    records: list[dict[str, Any]] = []
    seen: dict[str, dict[str, int]] = {c.name: {} for c in table.columns if c.unique}
    for i, row in enumerate(text.iter_rows(named=True)):
        if all(row.get(c) is None for c in table.names):
            continue  # a blank row
        at = i + first_row
        rec: dict[str, Any] = {}
        for c in table.columns:
            cell = row.get(c.name)
            value, message = _parse(c.type, cell)
            if cell is None:
                if c.required:
                    problems.append(Problem(name, at, c.name, f"{c.name} is required"))
                rec[c.name] = value
                continue
            if message:
                problems.append(Problem(name, at, c.name, f"'{cell}' {message}"))
            elif c.codes is not None and value not in schema.code_list(c.codes):
                problems.append(
                    Problem(name, at, c.name, f"'{cell}' is not a code of the {c.codes} list")
                )
            elif c.min is not None and value < c.min:
                problems.append(Problem(name, at, c.name, f"{cell} is below {c.min:g}"))
            elif c.max is not None and value > c.max:
                problems.append(Problem(name, at, c.name, f"{cell} is above {c.max:g}"))
            elif c.type in ("str", "code") and len(cell) > _max_length(name, c.name):
                longest = _max_length(name, c.name)
                problems.append(Problem(name, at, c.name, f"is longer than {longest} characters"))
            elif c.pattern is not None and not re.search(c.pattern, str(cell)):
                problems.append(Problem(name, at, c.name, f"'{cell}' is not written like 2025-26"))
            if c.unique and value is not None:
                first = seen[c.name].setdefault(str(value), at)
                if first != at:
                    problems.append(
                        Problem(name, at, c.name, f"'{cell}' repeats row {first}; IDs are unique")
                    )
            rec[c.name] = value
        records.append(rec)
    return records, problems


def _max_length(table: str, column: str) -> int:
    """The longest text the model's field takes (TextFields: 10,000 characters)."""
    field = MODELS[table]._meta.get_field(column)
    return int(getattr(field, "max_length", None) or 10_000)


def _parse(kind: str, cell: str | None) -> tuple[Any, str]:
    """A cell as the model stores it, or a message saying why it cannot be read."""
    if cell is None:
        return (None if kind in ("int", "decimal", "date") else ""), ""
    if kind == "int":
        try:
            number = float(cell.replace(",", ""))
        except ValueError:
            return None, "is not a whole number"
        if not math.isfinite(number) or number != int(number):
            return None, "is not a whole number"
        return int(number), ""
    if kind == "decimal":
        try:
            d = Decimal(cell.replace(",", "").replace("£", ""))
        except ArithmeticError:
            return None, "is not a number"
        if not d.is_finite():
            return None, "is not a number"
        return d.quantize(Decimal("0.01")), ""
    if kind == "date":
        try:
            return dt.date.fromisoformat(cell[:10]), ""
        except ValueError:
            return None, "is not a date written YYYY-MM-DD"
    return cell, ""
