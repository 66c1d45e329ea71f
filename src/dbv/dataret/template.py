"""Blank, documented templates of the data return: CSV files, an XLSX workbook with code-list
validation, and a data dictionary."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from dbv.dataret.schema import Column, Schema, Table, load_schema
from dbv.errors import DbvError

EXAMPLES = {"date": "2025-01-16", "bool": "1 or 0", "int": "12", "decimal": "1234.50"}


def _cell_hint(c: Column, schema: Schema) -> str:
    if c.type == "code" and c.codes:
        return ", ".join(sorted(schema.all_codes(c.codes)))
    return EXAMPLES.get(c.type, "text")


def dictionary_markdown(schema: Schema) -> str:
    lines = [
        f"# dbv data return, version {schema.version}",
        "",
        "One CSV file per table, named `<table>.csv` (or one sheet per table in the workbook).",
        "Dates are YYYY-MM-DD; yes/no columns are 1 or 0; IDs are pseudonymous (never a name, "
        "UPN or ULN: `dbv pseudonymise` makes IDs from them with a secret salt).",
        "",
    ]
    for t in schema.tables.values():
        lines += [f"## {t.name}", "", t.description, "", f"Key: {', '.join(t.key)}", ""]
        lines += ["| column | type | required | values | description |", "|---|---|---|---|---|"]
        for c in t.columns:
            lines.append(
                f"| {c.name} | {c.type} | {'yes' if c.required else 'no'} | "
                f"{_cell_hint(c, schema)} | {c.description} |"
            )
        lines.append("")
    lines += ["## Code lists", ""]
    for name, versions in schema.codes.items():
        lines.append(f"### {name}")
        for year, codes in sorted(versions.items()):
            lines.append(f"- from {year}: " + "; ".join(f"`{k}` {v}" for k, v in codes.items()))
        lines.append("")
    return "\n".join(lines)


def write_templates(out: Path, schema: Schema | None = None) -> list[Path]:
    """Write ``<table>.csv`` headers, ``data_return_template.xlsx`` and ``DATA_DICTIONARY.md``."""
    schema = schema or load_schema()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DbvError(f"cannot create the folder: {exc}", file=out) from None
    with tempfile.TemporaryDirectory(dir=out, prefix=".dbv-") as tmp:
        t = Path(tmp)
        for table in schema.tables.values():
            (t / f"{table.name}.csv").write_text(",".join(table.names) + "\n", encoding="utf-8")
        (t / "DATA_DICTIONARY.md").write_text(dictionary_markdown(schema), encoding="utf-8")
        _workbook(t / "data_return_template.xlsx", schema)
        written = []
        for f in sorted(t.iterdir()):
            shutil.move(str(f), out / f.name)
            written.append(out / f.name)
    return written


def _workbook(path: Path, schema: Schema) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format({"bold": True, "bg_color": "#1d70b8", "font_color": "#ffffff"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    readme = wb.add_worksheet("README")
    readme.set_column(0, 0, 22)
    readme.set_column(1, 4, 40, wrap)
    readme.write_row(0, 0, ["table", "column", "type / values", "required", "description"], head)
    codes_ws = wb.add_worksheet("codes")
    row = 1
    code_ranges: dict[str, str] = {}
    for col_i, (name, _) in enumerate(schema.codes.items()):
        values = sorted(schema.all_codes(name))
        codes_ws.write(0, col_i, name, head)
        codes_ws.write_column(1, col_i, values)
        letter = xlsxwriter.utility.xl_col_to_name(col_i)
        code_ranges[name] = f"=codes!${letter}$2:${letter}${len(values) + 1}"
    codes_ws.hide()
    for table in schema.tables.values():
        ws = wb.add_worksheet(table.name)
        _table_sheet(ws, table, schema, head, date_fmt, code_ranges)
        for c in table.columns:
            readme.write_row(
                row,
                0,
                [
                    table.name,
                    c.name,
                    f"{c.type}: {_cell_hint(c, schema)}",
                    "yes" if c.required else "no",
                    c.description,
                ],
            )
            row += 1
    wb.close()


def _table_sheet(
    ws: Any, table: Table, schema: Schema, head: Any, date_fmt: Any, code_ranges: dict[str, str]
) -> None:
    last = 10_000
    for i, c in enumerate(table.columns):
        ws.write(0, i, c.name, head)
        ws.write_comment(0, i, f"{c.type}{' (required)' if c.required else ''}: {c.description}")
        ws.set_column(i, i, max(12, len(c.name) + 2), date_fmt if c.type == "date" else None)
        if c.type == "code" and c.codes:
            ws.data_validation(
                1,
                i,
                last,
                i,
                {
                    "validate": "list",
                    "source": code_ranges[c.codes],
                    "error_title": "Not in the code list",
                    "error_message": f"{c.name} must be one of the {c.codes} codes (see README).",
                },
            )
        elif c.type == "bool":
            ws.data_validation(1, i, last, i, {"validate": "list", "source": ["1", "0"]})
        elif c.type == "int":
            ws.data_validation(
                1,
                i,
                last,
                i,
                {
                    "validate": "integer",
                    "criteria": "between",
                    "minimum": int(c.min if c.min is not None else -(10**9)),
                    "maximum": int(c.max if c.max is not None else 10**9),
                },
            )
        elif c.type == "date":
            ws.data_validation(
                1,
                i,
                last,
                i,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": dt.date(1990, 1, 1),
                    "maximum": dt.date(2100, 12, 31),
                    "error_message": "Enter a date (YYYY-MM-DD).",
                },
            )
    ws.freeze_panes(1, 0)
