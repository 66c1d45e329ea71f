"""Seeded synthetic data returns for tests, docs and demos.

``synthetic_return(path)`` generates the synthetic LA "Anyshire" into ``path`` unless an identical
one (same seed, size and defects) is already there. ``cached_return(base)`` keeps one folder per
(seed, size, defects) under ``base``, so a test session that passes the same base (for example
pytest's ``tmp_path_factory.getbasetemp()``) generates each variant at most once. There is no
module-level state: the cache is the folders themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

from dbv.synth import generate
from dbv.synth.summary import SynthSummary
from dbv.synth.writer import MARKER


def synthetic_return(
    path: Path, seed: int = 2025, size: float = 1.0, defects: bool = False
) -> Path:
    """The folder ``path`` holding the synthetic return for these settings (generated if absent
    or made with other settings)."""
    if not _matches(path, seed, size, defects):
        generate(path, seed=seed, size=size, defects=defects)
    return path


def cache_key(seed: int = 2025, size: float = 1.0, defects: bool = False) -> str:
    """The folder name ``cached_return`` uses for these settings."""
    return f"anyshire-seed{seed}-size{size:g}-{'defects' if defects else 'clean'}"


def cached_return(base: Path, seed: int = 2025, size: float = 1.0, defects: bool = False) -> Path:
    """``synthetic_return`` in a folder under ``base`` named by :func:`cache_key`."""
    return synthetic_return(base / cache_key(seed, size, defects), seed, size, defects)


def _matches(path: Path, seed: int, size: float, defects: bool) -> bool:
    marker = path / MARKER
    if not marker.is_file():
        return False
    try:
        summary = SynthSummary.from_dict(json.loads(marker.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return False
    return (summary.seed, summary.size, summary.with_defects) == (seed, size, defects)
