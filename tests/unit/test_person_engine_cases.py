"""The person-level engine's state arithmetic, specified as YAML cases on tiny hand-made cohorts
(tests/cases/person_engine; the format is in its README)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from dbv.forecast.person import Rates, project
from dbv.forecast.person.space import StateSpace

CASES = sorted((Path(__file__).resolve().parents[1] / "cases" / "person_engine").glob("*.yaml"))
RUNS = [
    pytest.param(path, mode, id=f"{path.stem}-{mode}")
    for path in CASES
    for mode in yaml.safe_load(path.read_text())["modes"]
]


def _space(case: dict[str, Any]) -> StateSpace:
    s = case["space"]
    return StateSpace(tuple(s["needs"]), tuple(s["groups"]), s["ncy"][0], s["ncy"][1])


def _by_ncy(spec: dict[str, Any] | None, space: StateSpace) -> np.ndarray:
    spec = spec or {}
    out = np.full(space.n_ncy, float(spec.get("default", 0.0)))
    for ncy, value in (spec.get("by_ncy") or {}).items():
        out[int(ncy) - space.ncy_min] = value
    return out


def _group_ncy(spec: dict[str, Any] | None, space: StateSpace) -> np.ndarray:
    out = np.tile(_by_ncy(spec, space), (len(space.groups), 1))
    for group, cells in ((spec or {}).get("by_group_ncy") or {}).items():
        for ncy, value in cells.items():
            out[space.groups.index(group), int(ncy) - space.ncy_min] = value
    return out


def _matrix(spec: dict[str, dict[str, float]] | None, labels: tuple[str, ...]) -> np.ndarray:
    n = len(labels)
    out = np.zeros((n, n))
    for i, frm in enumerate(labels):
        row = (spec or {}).get(frm)
        if row:
            for to, p in row.items():
                out[i, labels.index(to)] = p
        else:  # unused: spread evenly over the others so rows are valid distributions
            out[i] = (1 - np.eye(n)[i]) / max(n - 1, 1) if n > 1 else 1.0
    return out


def _rates(case: dict[str, Any], space: StateSpace) -> Rates:
    r = case.get("rates") or {}
    k, g, a = space.shape
    h = case["h"]
    move_dest = np.broadcast_to(_matrix(r.get("move_dest"), space.groups)[:, None, :], (g, a, g))
    join_dest = np.zeros((a, k, g))
    join_dest[:] = 1.0 / (k * g)
    for ncy, cells in (r.get("join_dest") or {}).items():
        join_dest[int(ncy) - space.ncy_min] = 0.0
        for c in cells:
            join_dest[
                int(ncy) - space.ncy_min,
                space.needs.index(c["need"]),
                space.groups.index(c["group"]),
            ] = c["p"]
    return Rates(
        leave=_group_ncy(r.get("leave"), space)[None],
        move=_group_ncy(r.get("move"), space)[None],
        move_dest=np.ascontiguousarray(move_dest)[None],
        need_change=_by_ncy(r.get("need_change"), space)[None],
        need_dest=_matrix(r.get("need_dest"), space.needs)[None],
        join=np.repeat(_by_ncy(r.get("join"), space)[:, None], h, axis=1)[None],
        join_dest=join_dest[None],
    )


def _cells(rows: list[dict[str, Any]], space: StateSpace) -> np.ndarray:
    out = np.zeros(space.shape)
    for c in rows:
        out[
            space.needs.index(c["need"]), space.groups.index(c["group"]), c["ncy"] - space.ncy_min
        ] += c["count"]
    return out


@pytest.mark.parametrize(("path", "mode"), RUNS)
def test_person_engine_case(path: Path, mode: str) -> None:
    case = yaml.safe_load(path.read_text())
    space = _space(case)
    h = case["h"]
    pop = np.repeat(_by_ncy(case.get("population"), space)[:, None], h, axis=1)
    start = _cells(case.get("stock") or [], space)
    n = 1 if mode == "expected" else 4
    rng = None if mode == "expected" else np.random.default_rng(0)
    paths = project(start.astype(np.int64), _rates(case, space), pop, h, n, rng)
    expect = case["expect"]
    for step, rows in expect["stock"].items():
        want = _cells(rows or [], space).ravel()
        for sim in range(n):
            got = paths.stock[sim, :, int(step) - 1]
            assert np.allclose(got, want), f"{case['name']}: step {step}, sim {sim}"
    for flow in ("joiners", "leavers", "aged_out"):
        if flow in expect:
            got = getattr(paths, flow)
            assert np.allclose(got, np.array(expect[flow])[None, :]), f"{case['name']}: {flow}"


def test_every_case_file_is_run() -> None:
    assert len(CASES) >= 7
    assert all(yaml.safe_load(p.read_text())["modes"] for p in CASES)
