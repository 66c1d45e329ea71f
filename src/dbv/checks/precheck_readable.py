"""precheck_readable: the return can be read at all (files exist, are UTF-8 CSV with complete
rows, or a workbook with data-return sheets).

This is the one check that runs before there is a :class:`DataReturn`: it wraps
:func:`read_return`. A return where nothing can be read gives one blocking result; otherwise
each file that could not be read gives its own blocking result.
"""

from __future__ import annotations

from pathlib import Path

from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import EXPORT_AGAIN, DataReturn, read_return
from dbv.dataret.schema import Schema, load_schema
from dbv.errors import DataFileError


def precheck_readable(
    path: Path, schema: Schema | None = None
) -> tuple[DataReturn | None, list[CheckResult]]:
    """The return read from ``path``, or None and a blocking result saying why it cannot be."""
    schema = schema or load_schema()
    try:
        ret = read_return(path, schema)
    except DataFileError as exc:
        return None, [_blocking(exc, schema)]
    return ret, [_blocking(exc, schema) for exc in ret.unreadable]


def _blocking(exc: DataFileError, schema: Schema) -> CheckResult:
    file = None if exc.file is None else Path(exc.file)
    stem = None if file is None else file.stem.strip().lower().replace(" ", "_")
    return result(
        "precheck_readable",
        "precheck",
        "blocking",
        table=stem if stem in schema.tables else None,
        file=None if file is None else str(file),
        row=exc.row,
        column=exc.column,
        message=exc.message,
        action=exc.fix or EXPORT_AGAIN,
    )
