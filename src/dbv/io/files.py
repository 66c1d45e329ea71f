"""Low-level, defensive file access: hashing, headers and CSV text.

Every failure becomes a :class:`~dbv.errors.DataFileError` naming the file, the
row (1-based, counting the header as row 1) and a fix.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError

_CHUNK = 1 << 20


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def decode_utf8(data: bytes, path: Path, fix: str | None = None) -> str:
    """Decode UTF-8 (with or without a BOM); name the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=path,
            row=line,
            fix=fix
            or "re-download the official file, or save it as 'CSV UTF-8' from your spreadsheet",
        ) from None


def csv_header(path: Path) -> list[str]:
    """The first row of a CSV file (BOM stripped), or an empty list for an empty file."""
    with path.open("rb") as fh:
        first = fh.readline(1 << 16)
    if not first.strip():
        return []
    text = decode_utf8(first, path)
    return next(csv.reader([text]), [])


OFFICIAL_FIX = "re-download the official file; do not edit it by hand"


def read_csv_strings(path: Path, fix: str = OFFICIAL_FIX) -> pl.DataFrame:
    """Read a whole CSV with every column as text, checking that every row is complete.

    A truncated file (a last row cut short) or a ragged row raises DataFileError with the row;
    ``fix`` is the advice given (official files are re-downloaded; a council's own tables are
    exported again). A file with a header and no rows gives an empty frame.
    """
    data = path.read_bytes()
    if not data.strip():
        raise DataFileError("the file is empty", file=path, fix=fix)
    text = decode_utf8(data, path, fix)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DataFileError(f"cannot read the header: {exc}", file=path, row=1) from None
    width = len(header)
    try:
        for row in reader:
            if len(row) != width and any(cell.strip() for cell in row):
                kind = "fewer" if len(row) < width else "more"
                raise DataFileError(
                    f"row has {len(row)} fields, {kind} than the {width} in the header"
                    + (
                        " (the file looks truncated)" if reader.line_num >= text.count("\n") else ""
                    ),
                    file=path,
                    row=reader.line_num,
                    fix=fix,
                )
    except csv.Error as exc:
        raise DataFileError(
            f"malformed CSV: {exc}", file=path, row=reader.line_num, fix=fix
        ) from None
    names = unique_names(header)
    if reader.line_num <= 1 or not text.split("\n", 1)[1].strip():
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    try:
        return pl.read_csv(
            io.StringIO(text),
            infer_schema=False,
            has_header=False,
            skip_rows=1,
            new_columns=names,
        )
    except pl.exceptions.PolarsError as exc:  # pragma: no cover - the checks above catch most
        raise DataFileError(f"cannot parse CSV: {exc}", file=path) from None


def unique_names(header: list[str]) -> list[str]:
    """Column names made unique: a repeated name gets ``__2``, ``__3`` (some official files
    repeat a column, e.g. ``review_meeting_prior_24`` in the 2025 annual reviews file)."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        n = seen.get(name, 0) + 1
        seen[name] = n
        out.append(name if n == 1 else f"{name}__{n}")
    return out
