"""What every run records in ``run.json``: its config, seed, the hashes of the data it read and
the versions of the software, so that a figure can be traced and the run repeated.

The record holds no clock time or machine name: the same inputs and seed give identical bytes.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from dbv import __version__

LIBRARIES = ("numpy", "polars")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(paths: Iterable[Path], root: Path | None = None) -> list[dict[str, str]]:
    """SHA-256 of each file (every file under a folder, sorted), named relative to ``root``."""
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    out = []
    for f in files:
        name = f.relative_to(root).as_posix() if root and f.is_relative_to(root) else f.name
        out.append({"file": name, "sha256": sha256(f)})
    return out


def versions() -> dict[str, str]:
    out = {"dbv": __version__, "python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            out[lib] = "not installed"
    return out


def run_record(
    config: dict[str, Any], seed: int | None, data: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "config": config,
        "seed": seed,
        "data": data,
        "package_version": __version__,
        "versions": versions(),
    }


def output_dir(out: Path) -> Path:
    """``out``, created if need be; a typed error naming it if it cannot be."""
    from dbv.errors import DataFileError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFileError(f"cannot create the output folder: {exc}", file=out,
                            fix="choose a folder you can write to") from None  # fmt: skip
    return out


def write_json(path: Path, data: Any) -> Path:
    """JSON (sorted keys, indented) through a temporary file, so a failed run never leaves half
    a file."""
    import json

    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    tmp.replace(path)
    return path
