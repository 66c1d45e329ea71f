"""Writing a generated return: CSV per table in schema column order, bools as 1/0, decimals as
their shortest exact text, all in a temporary folder that then replaces ``out`` in one move."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from dbv.dataret.schema import Schema
from dbv.errors import DataDirError
from dbv.io.files import sha256

MARKER = "_synth.json"


def write_tables(folder: Path, tables: dict[str, pl.DataFrame], schema: Schema) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        table = schema.tables[name]
        exprs = []
        for col in table.columns:
            if col.type == "bool":
                exprs.append(pl.col(col.name).cast(pl.Int8))
            elif col.type == "decimal":  # shortest exact text; money is rounded to pence upstream
                exprs.append(pl.col(col.name).cast(pl.Float64).cast(pl.String))
            else:
                exprs.append(pl.col(col.name))
        frame.select(exprs).write_csv(
            folder / f"{name}.csv", float_precision=2, date_format="%Y-%m-%d"
        )


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` except the summary, by relative path."""
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` that replaces it when the block succeeds."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise DataDirError(
            "the output folder exists and is not a synthetic return",
            file=out,
            fix="choose an empty or new folder; dbv only replaces folders it generated",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the return is an ordinary folder
    try:
        yield tmp
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / out.name)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
