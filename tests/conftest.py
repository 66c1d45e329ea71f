"""Shared fixtures. Real-data tests read DBV_DATA_DIR (default ../shared/data/raw)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "raw"


def real_data_dir() -> Path:
    return Path(os.environ.get("DBV_DATA_DIR", str(DEFAULT_DATA)))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = real_data_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"real data directory {path} is missing in CI")
        pytest.skip(f"real data directory {path} not present")
    return path


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dbv-cache")


@pytest.fixture(scope="session")
def store(data_dir: Path, cache_dir: Path):  # type: ignore[no-untyped-def]
    from dbv.store import open_store

    return open_store(data_dir, cache_dir)


@pytest.fixture(scope="session")
def ctx(store):  # type: ignore[no-untyped-def]
    from dbv.baseline.build import Context

    return Context.build(store)
