"""The synthetic LA against the validation catalogue: clean means no errors, and every defect
the generator injects is found at its table, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbv.checks import validate
from dbv.fixtures import cached_return


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "synth"


def test_clean_synthetic_la_has_no_errors(base: Path) -> None:
    report = validate(cached_return(base, seed=2025, size=1.0, defects=False))
    assert report.exit_code == 0, report.summary()
    assert report.counts["error"] == 0 and report.counts["blocking"] == 0


@pytest.mark.parametrize("size", [0.3, 1.0])
def test_every_injected_defect_is_found_where_it_was_put(base: Path, size: float) -> None:
    folder = cached_return(base, seed=2025, size=size, defects=True)
    defects = json.loads((folder / "_defects.json").read_text())
    assert len(defects) >= 8
    report = validate(folder)
    assert report.exit_code == 1
    found = {
        (Path(r.file).stem if r.file else None, r.row, r.column)
        for r in report.results
        if r.severity != "warning"
    }
    for d in defects:
        assert (d["table"], d["row"], d["column"]) in found, d
