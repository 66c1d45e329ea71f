from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dbv.io import ees2022, ees2025
from dbv.io.registry import scan

pytestmark = pytest.mark.realdata


def _national_total(f: pl.DataFrame, year: int) -> float:
    row = f.filter(
        (pl.col("level") == "national") & (pl.col("dim") == "total") & (pl.col("year") == year)
    )
    assert row.height == 1
    return float(row["value"][0])


def test_every_official_file_is_recognised(data_dir: Path) -> None:
    found, bad = scan(data_dir)
    names = {f.spec.name for f in found}
    assert not bad
    for spec in ees2022.SPECS + ees2025.SPECS:
        assert spec.name in names


def test_2025_release_national_totals(data_dir: Path) -> None:
    f = ees2025.read_caseload(data_dir / "ehcp-sen2-2025/data/caseload.csv")
    caseload = f.filter(pl.col("measure") == "caseload")
    assert _national_total(caseload, 2025) == 638_745
    assert _national_total(caseload, 2024) == 576_474


def test_2022_release_national_totals(data_dir: Path) -> None:
    f = ees2022.read_estab_caseload(data_dir / "ehcp-sen2-2022/data/sen2_estab_caseload.csv")
    assert _national_total(f, 2010) == 228_221
    assert _national_total(f, 2022) == 473_255


def test_placements_add_up_to_total_nationally(data_dir: Path) -> None:
    f = ees2025.read_caseload(data_dir / "ehcp-sen2-2025/data/caseload.csv")
    nat = f.filter((pl.col("level") == "national") & (pl.col("measure") == "caseload"))
    for year in (2019, 2025):
        placements = nat.filter((pl.col("dim") == "placement") & (pl.col("year") == year))
        assert placements["value"].sum() == _national_total(nat, year)
