"""The check catalogue keeps its conventions: one module, one function, one code of the same
name; precheck_/check_ prefixes match the stage; every registered check is documented in
docs/validation.md with its stage and severities, and every documented check is registered;
each check reports only its own code, stage and declared severities."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import dbv.checks
import dbv.errors
from dbv.checks import READ_CHECK, REGISTRY, codes, run_checks
from dbv.dataret.reader import read_return

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "validation.md"
FAIL = REPO / "tests" / "data" / "return" / "fail"
CHECK_MODULE = re.compile(r"^(precheck|check)_[a-z0-9_]+$")


def _documented() -> dict[str, tuple[str, set[str]]]:
    """code -> (stage, severities) from the checks table of the doc."""
    rows: dict[str, tuple[str, set[str]]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `((?:pre)?check_[a-z0-9_]+)` \| (\w+) \| ([a-z, ]+) \|", line)
        if m:
            assert m[1] not in rows, f"{m[1]} is documented twice"
            rows[m[1]] = (m[2], {s.strip() for s in m[3].split(",")})
    return rows


def test_codes_are_unique() -> None:
    assert len(codes()) == len(set(codes()))


def test_prechecks_come_first() -> None:
    stages = [c.stage for c in REGISTRY]
    assert stages == sorted(stages, key=lambda s: s != "precheck")


@pytest.mark.parametrize("check", REGISTRY, ids=lambda c: c.code)
def test_file_function_and_code_share_one_name(check: dbv.checks.Check) -> None:
    assert check.run.__module__ == f"dbv.checks.{check.code}"
    assert check.code.startswith("precheck_" if check.stage == "precheck" else "check_")
    assert check.severities
    if check.stage == "check":
        assert "blocking" not in check.severities


def test_every_check_module_is_registered() -> None:
    modules = {
        m.name for m in pkgutil.iter_modules(dbv.checks.__path__) if CHECK_MODULE.match(m.name)
    }
    assert modules == set(codes())
    read = importlib.import_module(f"dbv.checks.{READ_CHECK}")
    assert callable(getattr(read, READ_CHECK))


def test_registry_and_docs_agree() -> None:
    documented = _documented()
    registered = {c.code: (c.stage, set(c.severities)) for c in REGISTRY}
    registered[READ_CHECK] = ("precheck", {"blocking"})
    missing = sorted(set(registered) - set(documented))
    extra = sorted(set(documented) - set(registered))
    assert not missing, f"registered but not in docs/validation.md: {missing}"
    assert not extra, f"documented but not registered: {extra}"
    assert documented == registered
    assert list(documented) == codes(), "document the checks in pipeline order"


def _returns() -> list[Path]:
    return sorted(p for p in FAIL.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", _returns(), ids=lambda p: p.name)
def test_checks_report_only_their_own_code(case: Path) -> None:
    """Every check, run directly (even after a blocking precheck), on every fail case."""
    try:
        ret = read_return(case)
    except dbv.errors.DbvError:
        return
    ctx = dbv.checks.make_context(ret)
    for check in REGISTRY:
        for r in check.run(ret, ctx):
            assert (r.code, r.stage) == (check.code, check.stage)
            assert r.severity in check.severities, r
            assert r.message and r.action


def test_run_checks_on_a_subset() -> None:
    ret = read_return(FAIL / "unknown_code")
    only = [c for c in REGISTRY if c.code in {"check_codes", "check_references"}]
    report = run_checks(ret, checks=only)
    assert report.checks_run == ("check_codes", "check_references")
    assert [r.code for r in report.results] == ["check_codes"]
