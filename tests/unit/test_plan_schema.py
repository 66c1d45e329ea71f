"""The plan schema (dbv/schemas/plan.yaml) and the demo plan dbv.synth writes to it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dbv.dataret.reader import DataReturn
from dbv.dataret.schema import Schema, load_schema
from dbv.errors import DataFileError
from dbv.fixtures import cached_return
from dbv.module3 import check_plan, load_plan, plan_schema_path, plan_tables
from dbv.module3.checklist import checklist, readiness
from dbv.module3.gantt import gantt
from dbv.module3.grant import grant_limit
from dbv.params import load_yaml
from dbv.scenarios.spec import load_scenario
from dbv.synth.config import load_params
from dbv.synth.plan import plan
from dbv.synth.plan import schema_path as synth_schema_path

TABLES = {
    "workstream", "activity", "milestone", "risk", "governance", "phase1_criterion", "grant_line",
    "stakeholder", "engagement_event",
}  # fmt: skip
LIBRARY = Path(__file__).parents[2] / "src/dbv/scenarios/library/anyshire_inclusion.yaml"
ROLE_COLUMNS = {
    "workstream": ["lead_role"], "activity": ["owner_role"], "risk": ["owner_role"],
    "governance": ["chair_role"], "phase1_criterion": ["signed_off_by_role"],
}  # fmt: skip


@pytest.fixture(scope="session")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the same folder test_synth uses, so the return is generated once per session
    return cached_return(tmp_path_factory.getbasetemp() / "synth")


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(plan_schema_path())


@pytest.fixture(scope="session")
def demo(clean_dir: Path) -> DataReturn:
    return load_plan(clean_dir / "plan")


def test_schema_loads_strictly() -> None:
    raw = load_yaml(plan_schema_path())
    assert raw["description"].strip().endswith(".") and raw["references"]
    assert raw["setting_groups"] == {} and raw["income_lines"] == []
    for name, table in raw["tables"].items():
        assert table["description"].strip().endswith("."), name
        for col, spec in table["columns"].items():
            assert spec.get("description"), f"{name}.{col}"
    assert synth_schema_path() == plan_schema_path()


def test_schema_tables_and_code_lists(schema: Schema) -> None:
    assert set(schema.tables) == TABLES
    assert list(schema.code_list("activity_status")) == [
        "not_started", "on_track", "at_risk", "late", "done",
    ]  # fmt: skip
    assert list(schema.code_list("criterion_status")) == ["not_met", "partly", "met"]
    criteria = schema.code_list("phase1_criterion")
    assert {"workstreams_defined", "activity_plan", "risk_analysis", "governance_agreed"} <= set(
        criteria
    )
    assert {"s151_sign_off", "grant_application_drafted", "case_reviews_completed"} <= set(criteria)
    assert "delivering_support_to_schools" in schema.code_list("grant_category")
    assert {"s151_officer", "parent_carer_forum"} <= set(schema.code_list("role"))
    for table in schema.tables.values():
        for col in table.columns:
            if col.ref:
                ref_table, ref_col = col.ref.split(".")
                assert ref_col in schema.tables[ref_table].names, col.ref


def test_demo_files_match_the_schema(demo: DataReturn, schema: Schema) -> None:
    assert set(demo.tables) == TABLES and not demo.unknown_files
    for name, table in schema.tables.items():
        raw = demo.tables[name].frame
        assert raw.columns == table.names, name
        typed = demo.typed(name)
        assert typed.height > 0, name
        assert typed.select(table.key).is_duplicated().sum() == 0, name
        for col in table.columns:
            where = f"{name}.{col.name}"
            assert typed[col.name].null_count() == raw[col.name].null_count(), f"{where} unparsed"
            if col.required:
                assert typed[col.name].null_count() == 0, f"{where} blank"
            if col.unique:
                assert typed[col.name].drop_nulls().is_duplicated().sum() == 0, where
            if col.codes:
                assert set(typed[col.name].drop_nulls()) <= schema.all_codes(col.codes), where
            if col.min is not None:
                assert (typed[col.name].drop_nulls() >= col.min).all(), where
            if col.max is not None:
                assert (typed[col.name].drop_nulls() <= col.max).all(), where
            if col.pattern:
                assert typed[col.name].drop_nulls().str.contains(col.pattern).all(), where
            if col.ref:
                ref_table, ref_col = col.ref.split(".")
                known = set(demo.typed(ref_table)[ref_col])
                assert set(typed[col.name].drop_nulls()) <= known, where


def test_demo_plan_passes_every_plan_check(demo: DataReturn) -> None:
    assert check_plan(demo) == []


def test_demo_plan_is_consistent(demo: DataReturn, schema: Schema) -> None:
    t = plan_tables(demo)
    levers = {lever.id for lever in load_scenario(LIBRARY).levers}
    streams = t["workstream"]
    assert 4 <= streams.height <= 6
    assert levers <= set(streams["opportunity"])  # every lever has a workstream
    activity = t["activity"]
    assert activity["start"].min().year >= 2025 and activity["end"].max().year <= 2028  # type: ignore[union-attr]
    assert set(activity["status"]) >= {"not_started", "on_track", "done"}
    rows = gantt(streams, activity, t["milestone"])
    assert (rows["milestones"].list.len() > 0).all()
    assert 10 <= t["risk"].height <= 14
    assert t["governance"]["reports_to"].null_count() >= 1
    table = checklist(t["phase1_criterion"])
    assert table.height == len(schema.code_list("phase1_criterion"))
    assert table["problem"].null_count() == table.height  # every criterion recorded
    ready = readiness(table)
    assert ready.partly > 0 and ready.met + len(ready.missing) == ready.n and not ready.ready
    grant = t["grant_line"]
    assert 0 < grant["amount"].sum() <= grant_limit().maximum
    assert 2 <= grant["financial_year"].n_unique() <= 3


def test_roles_only(demo: DataReturn, schema: Schema) -> None:
    roles = set(schema.code_list("role"))
    for name, columns in ROLE_COLUMNS.items():
        for col in columns:
            assert set(demo.typed(name)[col].drop_nulls()) <= roles, f"{name}.{col}"
    members = demo.typed("governance")["members"].str.split(";").explode().str.strip_chars()
    assert set(members) <= roles


def test_plan_is_deterministic_per_seed() -> None:
    p = load_params()
    one, again, other = plan(p, 2025), plan(p, 2025), plan(p, 2026)
    for name in TABLES:
        assert one[name].equals(again[name]), name
    assert not one["risk"].equals(other["risk"])
    assert not one["grant_line"].equals(other["grant_line"])


def test_load_plan_errors_name_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as missing:
        load_plan(tmp_path / "nowhere")
    assert missing.value.file == tmp_path / "nowhere" and missing.value.fix
    (tmp_path / "notes.csv").write_text("a\n1\n")
    with pytest.raises(DataFileError, match="no implementation plan tables") as empty:
        load_plan(tmp_path)
    assert "workstream.csv" in (empty.value.fix or "")


def test_partial_plan_reads_with_empty_tables(tmp_path: Path) -> None:
    pl.DataFrame({"risk_id": ["R1"], "title": ["t"], "likelihood": ["3"]}).write_csv(
        tmp_path / "risk.csv"
    )
    ret = load_plan(tmp_path)
    t = plan_tables(ret)
    assert t["risk"].height == 1 and t["workstream"].height == 0
    results = check_plan(ret)
    assert {r.code for r in results} == {"plan_risk_score"}
    assert all(r.file == str(tmp_path / "risk.csv") and r.row == 2 for r in results)
