"""The diagnostic pack as an Excel workbook, for finance officers.

Sheets, in order: Contents; one finance sheet per :class:`FinanceSheet` (expected values with
live formulas, :mod:`dbv.report.xlsx_finance`); one sheet per :class:`Table` marked ``excel``;
Assumptions; Data sources; Run. No macros, no external references. The file is written to a
temporary name in the target folder and renamed, so a failure leaves no partial workbook.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from dbv.report.model import Pack, Table
from dbv.report.xlsx_finance import finance_sheets, name_prefix, write_finance

STATEMENT = "Figures from samples show n and an interval; counts from 1 to 4 are withheld"
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "num": "#,##0.0",
    "pct": "0.0%",
    "money": "£#,##0",
    "date": "yyyy-mm-dd",
}
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
MAX_NAME = 31
MAX_TEXT = 32767
HEADER_ROW = 2  # title in A1, note in A2, header in row 3, data below


def sheet_namer(reserved: Iterable[str] = ()) -> Any:
    """A function giving each wanted name a valid, unique (case-insensitive) sheet name."""
    taken = {r.lower() for r in reserved}

    def name(wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\]", "_", wanted).strip().strip("'").strip() or "Sheet"
        if base.lower() == "history":  # reserved by Excel
            base = "History_"
        candidate, i = base[:MAX_NAME].rstrip("'"), 1
        while candidate.lower() in taken:
            i += 1
            suffix = f" ({i})"
            candidate = base[: MAX_NAME - len(suffix)].rstrip("'") + suffix
        taken.add(candidate.lower())
        return candidate

    return name


def _text(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, Mapping):
        return json.dumps(x, default=str, ensure_ascii=False)
    return str(x)


def _plain(v: Any) -> Any:
    """A cell value Excel can hold: None (blank), bool, number, date or text."""
    if v is None or isinstance(v, bool | str | dt.date):
        return v
    if isinstance(v, Decimal):
        v = float(v)
    if isinstance(v, int | float):
        return v if math.isfinite(v) else None
    if hasattr(v, "to_list"):  # a polars Series in a list column
        v = v.to_list()
    if isinstance(v, list | tuple | set | frozenset):
        return "; ".join(_text(x) for x in v if x is not None)
    return _text(v)


def _width(v: Any, fmt: str | None) -> int:
    if v is None:
        return 0
    if isinstance(v, bool):
        return 5
    if isinstance(v, int | float):
        if fmt == "pct":
            return len(f"{v * 100:.1f}%")
        return len(f"{v:,.1f}") + (1 if fmt == "money" else 0)
    if isinstance(v, dt.date):
        return 16 if isinstance(v, dt.datetime) else 10
    return max((len(line) for line in str(v).splitlines()), default=0)


class _Book:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.bold = wb.add_format({"bold": True})
        self.italic = wb.add_format({"italic": True})
        self.header = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.link = wb.add_format({"font_color": "blue", "underline": 1})
        self.fmts = {k: wb.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def write(self, ws: Any, r: int, c: int, v: Any, fmt: str | None) -> None:
        v = _plain(v)
        if v is None or v == "":
            return
        cell_fmt = self.fmts.get(fmt) if fmt else None
        if isinstance(v, bool):
            ws.write_boolean(r, c, v)
        elif isinstance(v, int | float):
            ws.write_number(r, c, v, cell_fmt)
        elif isinstance(v, dt.datetime):
            ws.write_datetime(r, c, v.replace(tzinfo=None), cell_fmt or self.datetime)
        elif isinstance(v, dt.date):
            ws.write_datetime(r, c, v, cell_fmt or self.fmts["date"])
        else:
            ws.write_string(r, c, v[:MAX_TEXT])

    def grid(
        self,
        ws: Any,
        title: str,
        note: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        formats: Sequence[str | None],
    ) -> None:
        """Title, note, header row, data; formats, widths, frozen header and autofilter."""
        ws.write_string(0, 0, title, self.title)
        if note:
            ws.write_string(1, 0, note[:MAX_TEXT], self.italic)
        widths = [min(max(len(h), 6), 30) for h in headers]
        r = HEADER_ROW
        for c, h in enumerate(headers):
            ws.write_string(r, c, h, self.header)
        for row in rows:
            r += 1
            for c, v in enumerate(row):
                self.write(ws, r, c, v, formats[c])
                if r < HEADER_ROW + 2000:
                    widths[c] = max(widths[c], _width(_plain(v), formats[c]))
        for c, wd in enumerate(widths):
            ws.set_column(c, c, min(wd + 2, 60))
        ws.freeze_panes(HEADER_ROW + 1, 0)
        if headers:
            ws.autofilter(HEADER_ROW, 0, r, len(headers) - 1)


def _table_formats(table: Table) -> list[str | None]:
    fmts = [table.formats.get(c) for c in table.frame.columns]
    return [None if f in (None, "text") else f for f in fmts]


def _flatten(d: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v:
            out.extend(_flatten(v, f"{key}."))
        elif isinstance(v, list | tuple | Mapping):
            out.append((key, json.dumps(v, default=str, ensure_ascii=False)))
        else:
            out.append((key, v))
    return out


def _sources(sources: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    keys: list[str] = []
    for s in sources:
        keys.extend(k for k in s if k not in keys)
    return keys, [[s.get(k) for k in keys] for s in sources]


def _write(pack: Pack, wb: Any) -> None:
    book = _Book(wb)
    fixed = ["Contents", "Assumptions", "Data sources", "Run"]
    name = sheet_namer(fixed)
    fins = [(name(f"Finance {fs.run}".strip()), fs) for fs in finance_sheets(pack.finance_sheet)]
    tables = [(name(t.key), t) for t in pack.tables() if t.excel]
    contents = wb.add_worksheet("Contents")
    listing: list[tuple[str, str]] = []
    prefixes: set[str] = set()
    for sheet_name, fs in fins:
        ws = wb.add_worksheet(sheet_name)
        ranges = write_finance(wb, ws, fs)
        listing.append((sheet_name, f"Expected high needs spend, income and balances "
                                    f"({fs.run} run), with live formulas"))  # fmt: skip
        prefix = name_prefix(fs.run)
        if prefix not in prefixes:
            prefixes.add(prefix)
            quoted = sheet_name.replace("'", "''")
            for key, ref in ranges.items():
                wb.define_name(f"{prefix}_{key}", f"='{quoted}'!{ref}")
    for sheet_name, t in tables:
        ws = wb.add_worksheet(sheet_name)
        headers = [t.header(c) for c in t.frame.columns]
        book.grid(ws, t.title, t.note, headers, t.frame.iter_rows(), _table_formats(t))
        listing.append((sheet_name, t.title))
    ws = wb.add_worksheet("Assumptions")
    rows = [[a.area, a.name, a.value, a.source] for a in pack.assumptions]
    headers = ["Area", "Name", "Value", "Source"]
    book.grid(ws, "Assumptions", "", headers, rows, [None] * 4)
    listing.append(("Assumptions", "The assumptions behind the figures, and where each is from"))
    keys, rows = _sources(pack.sources)
    ws = wb.add_worksheet("Data sources")
    headers = [k.replace("_", " ").capitalize() for k in keys]
    book.grid(ws, "Data sources", "", headers, rows, [None] * len(keys))
    listing.append(("Data sources", "The files and datasets read, with their checksums"))
    ws = wb.add_worksheet("Run")
    book.grid(ws, "Run", "", ["Key", "Value"], _flatten(pack.run), [None, None])
    listing.append(("Run", "How this pack was produced: settings, versions and seeds"))
    _contents(book, contents, pack, listing)


def _contents(book: _Book, ws: Any, pack: Pack, listing: Sequence[tuple[str, str]]) -> None:
    ws.write_string(0, 0, pack.title, book.title)
    ws.write_string(1, 0, pack.la, book.bold)
    ws.write_string(2, 0, pack.subtitle)
    ws.write_string(3, 0, STATEMENT, book.italic)
    ws.write_string(5, 0, "Sheet", book.header)
    ws.write_string(5, 1, "What it shows", book.header)
    for i, (sheet_name, description) in enumerate(listing):
        quoted = sheet_name.replace("'", "''")
        ws.write_url(6 + i, 0, f"internal:'{quoted}'!A1", book.link, sheet_name)
        ws.write_string(6 + i, 1, description)
    ws.set_column(0, 0, max([len(s) for s, _ in listing] + [12]) + 2)
    ws.set_column(1, 1, min(max([len(d) for _, d in listing] + [20]) + 2, 90))
    ws.activate()


def write_xlsx(pack: Pack, path: Path) -> Path:
    """Write ``pack`` as an Excel workbook at ``path`` (atomically) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        try:
            _write(pack, wb)
        finally:
            wb.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
