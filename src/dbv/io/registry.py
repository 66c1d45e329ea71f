"""The list of known datasets, and recognition of files by their columns or sheets."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import files
from dbv.io.catalogue import DatasetSpec

EXTENSIONS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".xlsx": "excel",
    ".xls": "excel",
    ".ods": "excel",
}


def all_specs() -> list[DatasetSpec]:
    """Every dataset dbv knows. Built-in readers register exactly as a plug-in would: a module
    exposing ``SPECS``, listed in ``READER_MODULES``."""
    specs: list[DatasetSpec] = []
    for name in READER_MODULES:
        specs.extend(importlib.import_module(name).SPECS)
    return specs


READER_MODULES = (
    "dbv.io.ees2022",
    "dbv.io.ees2025",
    "dbv.io.mi",
    "dbv.io.lait",
    "dbv.io.neighbours",
    "dbv.io.la_codes",
    "dbv.io.dsg",
    "dbv.io.hn_benchmarking",
)


def names_in(path: Path) -> set[str]:
    """Column names (csv, parquet) or sheet names (spreadsheets) of a file."""
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind == "csv":
        return set(files.csv_header(path))
    if kind == "parquet":
        try:
            return set(pl.read_parquet_schema(path))
        except Exception as exc:  # noqa: BLE001 - any parquet failure is a bad file
            raise DataFileError(
                f"cannot read parquet schema: {exc}", file=path, fix="re-download the file"
            ) from None
    if kind == "excel":
        from dbv.io import excel

        return set(excel.sheet_names(path))
    return set()


def recognise_file(path: Path, specs: list[DatasetSpec] | None = None) -> DatasetSpec | None:
    """The dataset a file holds, None if it is not one dbv reads.

    A file that nearly matches a dataset (most of its columns, but not all) raises
    DataFileError naming the missing columns, so a damaged file is never silently skipped.
    """
    specs = all_specs() if specs is None else specs
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        return None
    if path.stat().st_size == 0:
        raise DataFileError(
            "the file is empty", file=path, fix="re-download the official file, or remove it"
        )
    names = names_in(path)
    candidates = [s for s in specs if s.kind == kind and s.matches(names)]
    for spec in candidates:
        if spec.accept is None or spec.accept(path):
            return spec
    near = [s for s in specs if s.kind == kind and s.nearly_matches(names)]
    if near and not candidates:
        best = max(near, key=lambda s: len(s.signature & names) / len(s.signature))
        missing = sorted(best.signature - names)
        what = "sheets" if kind == "excel" else "columns"
        raise DataFileError(
            f"looks like '{best.title}' but lacks the {what} {missing}",
            file=path,
            row=1 if kind == "csv" else None,
            column=missing[0] if kind != "excel" else None,
            fix=f"re-download the official file ({best.landing_page or best.publisher})",
        )
    return None


def read_file(path: Path) -> tuple[DatasetSpec, pl.DataFrame]:
    """Recognise and read one file; a file dbv does not read is an error here."""
    spec = recognise_file(path)
    if spec is None:
        raise DataFileError(
            "not a file dbv recognises (its columns or sheets match no known dataset)",
            file=path,
            fix="'dbv data status' lists the datasets dbv reads and where they are published",
        )
    return spec, spec.read(path)


@dataclass(frozen=True)
class FoundFile:
    path: Path
    spec: DatasetSpec
    sha256: str
    size: int
    mtime: float


@dataclass(frozen=True)
class BadFile:
    path: Path
    error: DataFileError


def iter_data_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.suffix.lower() in EXTENSIONS and not name.startswith((".", "~$")):
                yield p


def scan(root: Path) -> tuple[list[FoundFile], list[BadFile]]:
    """Recognise every file under ``root``; return the recognised and the damaged ones."""
    specs = all_specs()
    found: list[FoundFile] = []
    bad: list[BadFile] = []
    for path in iter_data_files(root):
        try:
            spec = recognise_file(path, specs)
        except DataFileError as exc:
            bad.append(BadFile(path, exc))
            continue
        if spec is None:
            continue
        st = path.stat()
        found.append(FoundFile(path, spec, files.sha256(path), st.st_size, st.st_mtime))
    return found, bad
