"""Spreadsheet access (.xlsx, .xls, .ods) for the bespoke workbook readers.

Every sheet comes back as a grid of text anchored at cell A1: with ``header_row=None`` the
columns are named by their spreadsheet letters ("A", "B", ...) and frame row ``i`` is
spreadsheet row ``i + 1``, so readers can point at cells the way the workbook's own notes do.

Workbooks are read with fastexcel (calamine). Some official ODS files (written by Aspose.Cells,
without the ``mimetype`` member the ODF standard asks for) are refused by calamine; for those,
the sheet is parsed from the zip's ``content.xml`` with the standard library. Every failure
becomes a :class:`~dbv.errors.DataFileError` naming the file, the sheet and a fix.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

import fastexcel
import polars as pl

from dbv.errors import DataFileError

# Spreadsheet limits (Excel / LibreOffice). ODS files often declare a blank row repeated up to
# the last row, or a blank cell repeated up to the last column; blanks are never materialised and
# repeated non-blank rows/cells stop at these limits.
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_CELLS = 20_000_000  # cells held (to each row's last value) per workbook; more is refused

FIX = "re-download the official file from its publisher and do not edit or re-save it"

Grid = list[list[str | None]]

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_TABLE = f"{{{_NS['table']}}}table"
_ROW = f"{{{_NS['table']}}}table-row"
_CELL = f"{{{_NS['table']}}}table-cell"
_COVERED = f"{{{_NS['table']}}}covered-table-cell"
_NAME = f"{{{_NS['table']}}}name"
_COLS_REPEATED = f"{{{_NS['table']}}}number-columns-repeated"
_ROWS_REPEATED = f"{{{_NS['table']}}}number-rows-repeated"
_VALUE_TYPE = f"{{{_NS['office']}}}value-type"
_P = f"{{{_NS['text']}}}p"
_S = f"{{{_NS['text']}}}s"
_TAB = f"{{{_NS['text']}}}tab"
_LINE_BREAK = f"{{{_NS['text']}}}line-break"
_TEXT_C = f"{{{_NS['text']}}}c"
# office:value-type -> attribute holding the typed value
_VALUE_ATTR = {
    "float": "value",
    "percentage": "value",
    "currency": "value",
    "date": "date-value",
    "time": "time-value",
    "boolean": "boolean-value",
    "string": "string-value",
}


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> "A", 26 -> "AA")."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_names(path: Path | str) -> list[str]:
    """Names of the sheets of a workbook, in workbook order."""
    path = Path(path)
    _check_exists(path)
    try:
        return list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception as exc:
        if not _is_ods(path):
            raise _unreadable(path, exc) from None
        return list(_ods_fallback(path, exc))


def read_sheet(
    path: Path | str,
    sheet: str,
    header_row: int | None = None,
    *,
    n_rows: int | None = None,
) -> pl.DataFrame:
    """One sheet as text (every column ``pl.String``, blank cells null), anchored at A1.

    ``header_row`` is the 0-based spreadsheet row holding the column names (``2`` means
    spreadsheet row 3); the rows above it are dropped, blank names become the column letter
    and repeated names get ``_2``, ``_3``... With ``header_row=None`` columns are named by
    their letters and every row is kept. ``n_rows`` limits the data rows returned.
    """
    path = Path(path)
    grid = _grid(path, sheet)
    return _to_frame(grid, path, sheet, header_row, n_rows)


def read_grid(path: Path | str, sheet: str) -> Grid:
    """One sheet as rows of cells (text or None), anchored at A1, trailing blanks dropped."""
    return _grid(Path(path), sheet)


# --- calamine ------------------------------------------------------------------------------


def _grid(path: Path, sheet: str) -> Grid:
    _check_exists(path)
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:
        if not _is_ods(path):
            raise _unreadable(path, exc) from None
        sheets = _ods_fallback(path, exc)
        if sheet not in sheets:
            raise _no_sheet(path, sheet, list(sheets)) from None
        return [list(row) for row in sheets[sheet]]  # callers may not change the cached grid
    names = list(reader.sheet_names)
    if sheet not in names:
        raise _no_sheet(path, sheet, names)
    try:
        loaded = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
        first_col = min((c.absolute_index for c in loaded.available_columns()), default=0)
    except Exception as exc:
        raise DataFileError(
            f"cannot read sheet '{sheet}': {_first_line(exc)}", file=path, fix=FIX
        ) from None
    pad: list[str | None] = [None] * int(first_col)
    return _trim([pad + list(row) for row in frame.iter_rows()])


def _trim(grid: Grid) -> Grid:
    """Drop trailing blank cells of each row and trailing blank rows."""
    out: Grid = []
    for row in grid:
        cells = [None if c is None or c == "" else c for c in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _to_frame(
    grid: Grid, path: Path, sheet: str, header_row: int | None, n_rows: int | None
) -> pl.DataFrame:
    width = max((len(r) for r in grid), default=0)
    letters = [column_letter(i) for i in range(width)]
    if header_row is None:
        names, body = letters, grid
    else:
        if header_row < 0 or header_row >= len(grid):
            raise DataFileError(
                f"sheet '{sheet}' has {len(grid)} rows, so row {header_row + 1} cannot be its "
                "header",
                file=path,
                row=header_row + 1,
                fix=FIX,
            )
        header = grid[header_row] + [None] * (width - len(grid[header_row]))
        names = _unique_names(header, letters)
        body = grid[header_row + 1 :]
    if n_rows is not None:
        body = body[:n_rows]
    columns = {
        name: [row[j] if j < len(row) else None for row in body] for j, name in enumerate(names)
    }
    return pl.DataFrame(columns, schema={name: pl.String for name in names})


def _unique_names(header: list[str | None], letters: list[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for cell, letter in zip(header, letters, strict=True):
        name = " ".join(cell.split()) if cell else ""
        name = name or letter
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name}_{count}")
    return names


# --- ODS fallback ---------------------------------------------------------------------------


def _ods_fallback(path: Path, calamine_error: Exception) -> dict[str, Grid]:
    """Sheets of an ODS file parsed from its ``content.xml`` (after calamine refused it)."""
    st = path.stat()
    try:
        return _parse_ods(str(path.resolve()), st.st_mtime_ns, st.st_size)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as exc:
        raise DataFileError(
            "cannot open the ODS workbook "
            f"(calamine: {_first_line(calamine_error)}; reading content.xml: {_first_line(exc)})",
            file=path,
            fix=FIX,
        ) from None


@functools.lru_cache(maxsize=4)
def _parse_ods(path: str, mtime_ns: int, size: int) -> dict[str, Grid]:
    """Parse every sheet; cached by path, modification time and size (the file is re-read
    only when it changes)."""
    del mtime_ns, size  # cache key only
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        return _parse_content(fh)


def _parse_content(fh: IO[bytes]) -> dict[str, Grid]:
    sheets: dict[str, Grid] = {}
    grid: Grid = []
    cells_seen = 0
    pending_rows = 0  # blank rows seen since the last non-blank row (not yet materialised)
    depth = 0  # nesting of table:table (sub-tables inside cells are ignored)
    for event, elem in ET.iterparse(fh, events=("start", "end")):
        if elem.tag == _TABLE:
            if event == "start":
                depth += 1
                if depth == 1:
                    grid, pending_rows = [], 0
                continue
            depth -= 1
            if depth == 0:
                sheets[elem.get(_NAME, f"Sheet{len(sheets) + 1}")] = grid
                elem.clear()
            continue
        if event != "end" or elem.tag != _ROW or depth != 1:
            continue
        cells = _row_cells(elem)
        repeat = max(1, int(elem.get(_ROWS_REPEATED, "1")))
        elem.clear()
        if not cells:
            pending_rows += repeat
            continue
        room = MAX_ROWS - len(grid) - pending_rows
        if room <= 0:
            continue
        grid.extend([] for _ in range(pending_rows))
        pending_rows = 0
        copies = min(repeat, room)
        cells_seen += copies * len(cells)
        if cells_seen > MAX_CELLS:
            raise ValueError(f"more than {MAX_CELLS:,} cells: too large for a statistics table")
        grid.extend(list(cells) for _ in range(copies))
    return sheets


def _row_cells(row: ET.Element) -> list[str | None]:
    cells: list[str | None] = []
    pending = 0  # blank cells since the last non-blank one
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        repeat = max(1, int(cell.get(_COLS_REPEATED, "1")))
        value = _cell_value(cell)
        if value is None:
            pending += repeat
            continue
        room = MAX_COLS - len(cells) - pending
        if room <= 0:
            break
        cells.extend([None] * pending)
        pending = 0
        cells.extend([value] * min(repeat, room))
    return cells


def _cell_value(cell: ET.Element) -> str | None:
    kind = cell.get(_VALUE_TYPE)
    attr = _VALUE_ATTR.get(kind or "")
    if attr is not None:
        raw = cell.get(f"{{{_NS['office']}}}{attr}")
        if raw is not None:
            return _format_number(raw) if attr == "value" else raw
    text = "\n".join(_text(p) for p in cell if p.tag == _P)
    return text if text else None


def _format_number(raw: str) -> str:
    """Write a number the way calamine does (``2613`` not ``2613.0``), so both paths agree."""
    try:
        number = float(raw)
    except ValueError:
        return raw
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _text(elem: ET.Element) -> str:
    return "".join(_text_parts(elem))


def _text_parts(elem: ET.Element) -> Iterator[str]:
    if elem.text:
        yield elem.text
    for child in elem:
        if child.tag == _S:
            yield " " * int(child.get(_TEXT_C, "1"))
        elif child.tag == _TAB:
            yield "\t"
        elif child.tag == _LINE_BREAK:
            yield "\n"
        elif not child.tag.startswith(f"{{{_NS['office']}}}"):  # skip annotations
            yield from _text_parts(child)
        if child.tail:
            yield child.tail


# --- errors ---------------------------------------------------------------------------------


def _is_ods(path: Path) -> bool:
    return path.suffix.lower() == ".ods"


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise DataFileError("the workbook does not exist", file=path, fix=FIX)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _unreadable(path: Path, exc: Exception) -> DataFileError:
    return DataFileError(
        f"cannot open the workbook (it is damaged or not a spreadsheet): {_first_line(exc)}",
        file=path,
        fix=FIX,
    )


def _no_sheet(path: Path, sheet: str, names: list[str]) -> DataFileError:
    return DataFileError(
        f"the workbook has no sheet '{sheet}' (it has {names})", file=path, fix=FIX
    )
