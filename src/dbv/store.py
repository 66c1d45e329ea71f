"""The data store: every recognised official file under the data directory, parsed once.

Parsed frames are cached as parquet keyed by the files' SHA-256 and the reader code, so a
repeat run only stats the files. Where two releases publish the same measure for the same
year, the newest release is used and the choice is recorded in ``resolution``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from dbv.errors import DataDirError, DataFileError
from dbv.io import facts as factmod
from dbv.io import files
from dbv.io.catalogue import DatasetSpec
from dbv.io.registry import BadFile, all_specs, iter_data_files, recognise_file
from dbv.quality import flag_regional_copies, implausible_changes, placement_shortfalls

Progress = Callable[[str, int, int], None]


def default_data_dir() -> Path:
    env = os.environ.get("DBV_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dbv" / "data"


def default_cache_dir() -> Path:
    env = os.environ.get("DBV_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dbv"


@dataclass(frozen=True)
class SourceFile:
    """One recognised file and what it holds."""

    dataset: str
    title: str
    publisher: str
    release: str
    path: Path
    sha256: str
    rows: int
    first_year: int | None
    last_year: int | None
    n_las: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "title": self.title,
            "publisher": self.publisher,
            "release": self.release,
            "file": str(self.path),
            "sha256": self.sha256,
            "rows": self.rows,
            "years": [self.first_year, self.last_year],
            "las": self.n_las,
        }


@dataclass
class DataStore:
    root: Path
    facts: pl.DataFrame
    areas: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    sources: list[SourceFile]
    missing: list[DatasetSpec]
    bad: list[BadFile]
    resolution: list[dict[str, Any]] = field(default_factory=list)
    quality: list[dict[str, Any]] = field(default_factory=list)

    def has(self, dataset: str) -> bool:
        return any(s.dataset == dataset for s in self.sources)

    def table(self, name: str) -> pl.DataFrame | None:
        return self.tables.get(name)


def _code_fingerprint() -> str:
    """Hash of the reader code and parameters, so the cache is rebuilt when they change."""
    h = hashlib.sha256()
    root = Path(str(resources.files("dbv")))
    for sub in ("io", "parameters"):
        for p in sorted((root / sub).glob("*")):
            if p.suffix in {".py", ".yaml"}:
                h.update(p.name.encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _write_parquet(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        df.write_parquet(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class _Manifest:
    """path -> (size, mtime, sha256, dataset) so unchanged files are neither hashed nor sniffed."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        try:
            saved = json.loads(path.read_text())
        except (OSError, ValueError):
            saved = {}
        # Recognition depends on the reader code: a changed reader re-sniffs every file.
        same = isinstance(saved, dict) and saved.get("fingerprint") == fingerprint
        self.data: dict[str, Any] = saved.get("files", {}) if same else {}

    def lookup(self, p: Path, st: os.stat_result) -> tuple[str, str | None] | None:
        hit = self.data.get(str(p))
        if hit and hit["size"] == st.st_size and hit["mtime"] == st.st_mtime:
            return hit["sha256"], hit["dataset"]
        return None

    def record(self, p: Path, st: os.stat_result, sha: str, dataset: str | None) -> None:
        self.data[str(p)] = {
            "size": st.st_size,
            "mtime": st.st_mtime,
            "sha256": sha,
            "dataset": dataset,
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"fingerprint": self.fingerprint, "files": self.data}
        tmp.write_text(json.dumps(payload, indent=0, sort_keys=True))
        os.replace(tmp, self.path)


def _summary(spec: DatasetSpec, path: Path, sha: str, df: pl.DataFrame) -> SourceFile:
    years = df["year"] if "year" in df.columns else pl.Series([], dtype=pl.Int32)
    las = df["la_code"].drop_nulls().n_unique() if "la_code" in df.columns else 0
    return SourceFile(
        dataset=spec.name,
        title=spec.title,
        publisher=spec.publisher,
        release=spec.release,
        path=path,
        sha256=sha,
        rows=df.height,
        first_year=None if years.is_empty() else int(years.min()),  # type: ignore[arg-type]
        last_year=None if years.is_empty() else int(years.max()),  # type: ignore[arg-type]
        n_las=las,
    )


def open_store(
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> DataStore:
    """Recognise, parse (or load from cache) and reconcile every file under ``data_dir``."""
    root = (data_dir or default_data_dir()).expanduser()
    if not root.is_dir():
        raise DataDirError(
            "the data directory does not exist",
            file=root,
            fix="run 'dbv data download', or pass --data-dir / set DBV_DATA_DIR to the folder "
            "holding the official DfE files",
        )
    cache = (cache_dir or default_cache_dir()).expanduser()
    fingerprint = _code_fingerprint()
    manifest = _Manifest(cache / "files.json", fingerprint)
    specs = {s.name: s for s in all_specs()}
    found: list[tuple[Path, DatasetSpec, str]] = []
    bad: list[BadFile] = []
    paths = list(iter_data_files(root))
    for i, path in enumerate(paths):
        if progress:
            progress("scan", i, len(paths))
        st = path.stat()
        hit = manifest.lookup(path, st)
        if hit is not None:
            sha, name = hit
            if name is not None and name in specs:
                found.append((path, specs[name], sha))
            continue
        try:
            spec = recognise_file(path, list(specs.values()))
        except Exception as exc:  # noqa: BLE001 - DataFileError and friends
            err = exc if isinstance(exc, DataFileError) else DataFileError(str(exc), file=path)
            bad.append(BadFile(path, err))
            continue
        sha = files.sha256(path)
        manifest.record(path, st, sha, None if spec is None else spec.name)
        if spec is not None:
            found.append((path, spec, sha))
    manifest.save()
    if not found:
        if bad:  # nothing usable, and something damaged: the damage is the news
            raise bad[0].error
        raise DataDirError(
            "no official DfE files were recognised in the data directory",
            file=root,
            fix="run 'dbv data download', or copy the official files into this folder "
            "(any sub-folder layout works)",
        )
    fact_parts: list[pl.DataFrame] = []
    area_parts: list[pl.DataFrame] = []
    tables: dict[str, pl.DataFrame] = {}
    sources: list[SourceFile] = []
    for i, (path, spec, sha) in enumerate(found):
        if progress:
            progress("parse", i, len(found))
        try:
            df = _cached(cache, f"{spec.name}-{sha[:20]}-{fingerprint}", spec.read, path)
            areas = None
            if spec.areas is not None:
                areas = _cached(cache, f"areas-{sha[:20]}-{fingerprint}", spec.areas, path)
        except Exception as exc:  # noqa: BLE001
            err = exc if isinstance(exc, DataFileError) else DataFileError(str(exc), file=path)
            bad.append(BadFile(path, err))
            continue
        sources.append(_summary(spec, path, sha, df))
        if spec.output == "facts":
            fact_parts.append(df)
        else:
            # several files of one table dataset (e.g. two neighbour models): keep them all,
            # tagged by file, so callers can choose
            df = df.with_columns(pl.lit(str(path)).alias("_file"))
            tables[spec.name] = pl.concat([tables[spec.name], df]) if spec.name in tables else df
        if areas is not None:
            area_parts.append(areas)
    if not sources:
        raise bad[0].error if bad else DataDirError("no file could be read", file=root)
    all_facts = pl.concat(fact_parts) if fact_parts else factmod.empty_facts()
    resolved, resolution = resolve_overlaps(all_facts, specs)
    resolved, quality = flag_regional_copies(resolved)
    quality += placement_shortfalls(resolved)
    quality += implausible_changes(resolved)
    area_df = (
        pl.concat(area_parts).unique().sort("year", "la_code")
        if area_parts
        else pl.DataFrame(
            schema={
                "year": pl.Int32,
                "la_code": pl.String,
                "e_code": pl.String,
                "la_name": pl.String,
                "region_code": pl.String,
                "region_name": pl.String,
            }
        )
    )
    present = {s.dataset for s in sources}
    missing = [s for s in specs.values() if s.name not in present]
    return DataStore(root, resolved, area_df, tables, sources, missing, bad, resolution, quality)


def _cached(
    cache: Path, key: str, read: Callable[[Path], pl.DataFrame], path: Path
) -> pl.DataFrame:
    target = cache / "parsed" / f"{key}.parquet"
    if target.exists():
        try:
            return pl.read_parquet(target)
        except Exception:  # noqa: BLE001 - a damaged cache entry is rebuilt
            target.unlink(missing_ok=True)
    df = read(path)
    _write_parquet(df, target)
    return df


def resolve_overlaps(
    df: pl.DataFrame, specs: dict[str, DatasetSpec]
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Keep, for each (measure, dim, year), only the dataset of the newest release.

    Returns the reduced frame and one record per superseded (measure, dim) with the years.
    """
    if df.is_empty():
        return df, []
    rel = pl.DataFrame(
        {
            "dataset": list(specs),
            "release": [s.release for s in specs.values()],
            "priority": [s.priority for s in specs.values()],
        },
        schema={"dataset": pl.String, "release": pl.String, "priority": pl.Int64},
    )
    key = ["measure", "dim", "year"]
    groups = (
        df.filter(pl.col("value").is_not_null())
        .group_by(*key, "dataset")
        .len()
        .join(rel, on="dataset", how="left")
        .sort(
            [*key, "release", "priority", "dataset"], descending=[False] * 3 + [True, True, False]
        )
    )
    chosen = groups.group_by(*key, maintain_order=True).first().select(*key, "dataset")
    out = df.join(chosen, on=[*key, "dataset"], how="semi")
    dropped = groups.join(chosen, on=[*key, "dataset"], how="anti")
    records: list[dict[str, Any]] = []
    if dropped.height:
        cell = ["measure", "dim", "year", "level", "la_code", "region_code", "category"]
        superseded = df.join(dropped.select(*key, "dataset"), on=[*key, "dataset"], how="semi")
        compared = superseded.join(
            out.select(*cell, pl.col("dataset").alias("used"), pl.col("value").alias("kept")),
            on=cell,
            how="inner",
            nulls_equal=True,
        )
        summary = (
            compared.group_by("measure", "dim", "dataset", "used")
            .agg(
                pl.col("year").unique().sort().alias("years"),
                (pl.col("value") != pl.col("kept")).sum().alias("differing_cells"),
                pl.len().alias("compared_cells"),
            )
            .sort("measure", "dim", "dataset")
        )
        for row in summary.iter_rows(named=True):
            records.append(
                {
                    "measure": row["measure"],
                    "dim": row["dim"],
                    "years": row["years"],
                    "used": row["used"],
                    "superseded": row["dataset"],
                    "differing_cells": row["differing_cells"],
                    "compared_cells": row["compared_cells"],
                }
            )
    return out, records
