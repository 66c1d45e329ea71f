"""Module 3 analytics on tiny hand-made plans with known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dbv.checks.result import CheckResult
from dbv.dataret.reader import typed
from dbv.module3 import check_plan, load_plan, plan_report
from dbv.module3.checklist import check_checklist, checklist, readiness
from dbv.module3.gantt import GANTT_COLUMNS, check_gantt, gantt
from dbv.module3.governance import chains, check_governance, governance_table, membership
from dbv.module3.grant import (
    GrantLimit,
    by_category,
    by_year,
    check_grant,
    grant_limit,
    grant_summary,
)
from dbv.module3.load import plan_schema
from dbv.module3.risks import (
    RiskMatrix,
    check_risks,
    heat_map,
    heat_matrix,
    risk_matrix,
    score_risks,
)
from dbv.params import load


def frame(name: str, rows: list[dict[str, str | None]]) -> pl.DataFrame:
    """A plan table as read from a CSV (text), converted to schema types."""
    table = plan_schema().tables[name]
    text = pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in table.names},
        schema=dict.fromkeys(table.names, pl.String),
    )
    return typed(text, table)


def codes(results: list[CheckResult]) -> list[str]:
    return [r.code for r in results]


def risk(
    rid: str, li: int, im: int, rli: int, rim: int, status: str = "open"
) -> dict[str, str | None]:
    return {
        "risk_id": rid, "title": f"risk {rid}", "category": "delivery", "likelihood": str(li),
        "impact": str(im), "owner_role": "programme_manager", "mitigation": "m",
        "residual_likelihood": str(rli), "residual_impact": str(rim), "status": status,
    }  # fmt: skip


# --- risks -------------------------------------------------------------------------------------


def test_risk_matrix_parameter_is_cited_and_dated() -> None:
    raw = load("risk_matrix")
    assert raw["references"] and all(isinstance(d, dt.date) for d in raw["values"])
    assert risk_matrix() == RiskMatrix(scale=5, amber_from=8, red_from=15)


def test_rag_thresholds() -> None:
    m = RiskMatrix(scale=5, amber_from=8, red_from=15)
    scores = pl.DataFrame({"s": [1, 6, 8, 12, 15, 25]})
    rag = scores.select(m.rag(pl.col("s")).alias("rag"))["rag"].to_list()
    assert rag == ["green", "green", "amber", "amber", "red", "red"]
    rows = frame("risk", [risk("R1", 3, 2, 2, 2), risk("R2", 4, 4, 2, 4), risk("R3", 5, 3, 3, 3)])
    scored = score_risks(rows, m)
    assert scored["risk_id"].to_list() == ["R3", "R2", "R1"]  # highest residual first
    by_id = {r["risk_id"]: r for r in scored.iter_rows(named=True)}
    assert (by_id["R1"]["inherent_score"], by_id["R1"]["inherent_rag"]) == (6, "green")
    assert (by_id["R2"]["inherent_score"], by_id["R2"]["inherent_rag"]) == (16, "red")
    assert (by_id["R2"]["residual_score"], by_id["R2"]["residual_rag"]) == (8, "amber")
    assert (by_id["R3"]["inherent_rag"], by_id["R3"]["residual_rag"], by_id["R3"]["reduction"]) == (
        "red", "amber", 6,
    )  # fmt: skip


def test_heat_map_counts() -> None:
    rows = frame(
        "risk",
        [
            risk("R1", 5, 4, 2, 2), risk("R2", 5, 4, 1, 3), risk("R3", 1, 1, 1, 1),
            risk("R4", 5, 5, 5, 5, status="closed"),  # closed risks are left out
        ],
    )  # fmt: skip
    inherent = heat_matrix(rows, "inherent")
    residual = heat_matrix(rows, "residual")
    assert inherent.shape == (5, 5) and inherent.sum() == 3 and residual.sum() == 3
    assert inherent[4, 3] == 2 and inherent[0, 0] == 1 and inherent[4, 4] == 0
    assert residual[1, 1] == 1 and residual[0, 2] == 1 and residual[0, 0] == 1
    tidy = heat_map(rows)
    assert tidy.height == 25 and tidy["inherent"].sum() == 3 and tidy["residual"].sum() == 3
    cell = tidy.filter((pl.col("likelihood") == 5) & (pl.col("impact") == 4)).row(0, named=True)
    assert cell == {
        "likelihood": 5, "impact": 4, "score": 20, "rag": "red", "inherent": 2, "residual": 0,
    }  # fmt: skip


def test_risk_checks() -> None:
    rows = frame("risk", [risk("R1", 2, 2, 3, 3), {**risk("R2", 2, 2, 1, 1), "impact": "7"}])
    found = check_risks(rows)
    assert codes(found) == ["plan_risk_residual_above_inherent", "plan_risk_score"]
    assert (found[0].row, found[0].severity) == (2, "warning")
    assert (found[1].row, found[1].column, found[1].value) == (3, "impact", "7")


# --- gantt -------------------------------------------------------------------------------------


def activity(
    aid: str, ws: str, start: str, end: str, after: str | None = None
) -> dict[str, str | None]:
    return {
        "activity_id": aid, "workstream_id": ws, "name": f"do {aid}", "owner_role": "head_of_send",
        "start": start, "end": end, "status": "on_track", "depends_on": after,
    }  # fmt: skip


def test_gantt_rows_in_chart_order() -> None:
    ws = frame("workstream", [
        {"workstream_id": "W1", "name": "One", "reports_to": "Board"},
        {"workstream_id": "W2", "name": "Two", "reports_to": "Board"},
    ])  # fmt: skip
    acts = frame("activity", [
        activity("A1", "W1", "2026-01-01", "2026-06-30"),
        activity("A2", "W2", "2025-09-01", "2025-12-31"),
        activity("A3", "W1", "2025-10-01", "2025-11-30"),
    ])  # fmt: skip
    ms = frame("milestone", [
        {"milestone_id": "M2", "activity_id": "A1", "name": "end", "due": "2026-06-30"},
        {"milestone_id": "M1", "activity_id": "A1", "name": "mid", "due": "2026-03-01"},
    ])  # fmt: skip
    rows = gantt(ws, acts, ms)
    assert rows.columns == GANTT_COLUMNS
    assert rows["activity_id"].to_list() == ["A2", "A3", "A1"]  # W2 starts first
    assert rows["order"].to_list() == [1, 2, 3]
    a1 = rows.filter(pl.col("activity_id") == "A1").row(0, named=True)
    assert [m["milestone_id"] for m in a1["milestones"]] == ["M1", "M2"]
    assert a1["days"] == 180 and a1["workstream"] == "One"
    assert rows.filter(pl.col("activity_id") == "A2")["milestones"].list.len().item() == 0


def test_gantt_checks() -> None:
    acts = frame("activity", [
        activity("A1", "W1", "2026-01-01", "2026-06-30"),
        activity("A2", "W1", "2026-05-01", "2026-04-01", after="A1"),  # ends first; starts early
        activity("A3", "W1", "2026-07-01", "2026-09-30", after="A1; A9"),
    ])  # fmt: skip
    ms = frame("milestone", [
        {"milestone_id": "M1", "activity_id": "A1", "name": "ok", "due": "2026-06-30"},
        {"milestone_id": "M2", "activity_id": "A1", "name": "late", "due": "2026-07-15"},
        {"milestone_id": "M3", "activity_id": "A7", "name": "orphan", "due": "2026-07-15"},
    ])  # fmt: skip
    found = check_gantt(acts, ms)
    where = {(r.code, r.table, r.row, r.column) for r in found}
    assert where == {
        ("plan_activity_ends_before_start", "activity", 3, "end"),
        ("plan_dependency_late", "activity", 3, "start"),
        ("plan_unknown_dependency", "activity", 4, "depends_on"),
        ("plan_milestone_outside_activity", "milestone", 3, "due"),
        ("plan_milestone_outside_activity", "milestone", 4, "activity_id"),
    }
    unknown = next(r for r in found if r.code == "plan_unknown_dependency")
    assert unknown.value == "A9" and unknown.action


# --- governance --------------------------------------------------------------------------------


def body(name: str, up: str | None, members: str = "head_of_send") -> dict[str, str | None]:
    return {
        "body": name, "role_in_programme": "r", "chair_role": "head_of_send", "meets": "monthly",
        "reports_to": up, "members": members,
    }  # fmt: skip


def test_governance_tree() -> None:
    gov = frame("governance", [
        body("Group", "Programme", "head_of_send; data_lead"), body("Programme", "Board"),
        body("Board", None),
    ])  # fmt: skip
    ws = frame("workstream", [
        {"workstream_id": "W2", "reports_to": "Group"},
        {"workstream_id": "W1", "reports_to": "Group"},
    ])  # fmt: skip
    assert chains(gov)["Group"] == ["Group", "Programme", "Board"]
    table = governance_table(gov, ws)
    assert table["body"].to_list() == ["Board", "Programme", "Group"]
    assert table["level"].to_list() == [0, 1, 2] and set(table["top_body"]) == {"Board"}
    group = table.row(2, named=True)
    assert group["members"] == ["head_of_send", "data_lead"] and group["workstreams"] == [
        "W1",
        "W2",
    ]
    assert membership(gov).height == 4
    assert check_governance(gov, ws, set(plan_schema().code_list("role"))) == []


def test_governance_cycle_is_caught() -> None:
    gov = frame("governance", [
        body("A", "B"), body("B", "A"), body("Top", None), body("C", "Nowhere", "head_of_send;x"),
    ])  # fmt: skip
    ws = frame("workstream", [
        {"workstream_id": "W1", "reports_to": "A"}, {"workstream_id": "W2", "reports_to": "Top"},
        {"workstream_id": "W3", "reports_to": None},
    ])  # fmt: skip
    assert chains(gov)["A"] is None and chains(gov)["Top"] == ["Top"]
    found = check_governance(gov, ws, set(plan_schema().code_list("role")))
    where = {(r.code, r.table, r.row, r.column) for r in found}
    assert where == {
        ("plan_governance_cycle", "governance", 2, "reports_to"),
        ("plan_governance_cycle", "governance", 3, "reports_to"),
        ("plan_governance_unknown_body", "governance", 5, "reports_to"),
        ("plan_governance_member_role", "governance", 5, "members"),
        ("plan_workstream_unreported", "workstream", 2, "reports_to"),
        ("plan_workstream_unreported", "workstream", 4, "reports_to"),
    }
    table = governance_table(gov, ws)
    assert table.filter(pl.col("body").is_in(["A", "B"]))["level"].null_count() == 2


# --- checklist ---------------------------------------------------------------------------------


def test_met_without_evidence_is_flagged() -> None:
    rows = frame("phase1_criterion", [
        {"criterion_id": "C1", "criterion": "workstreams_defined", "status": "met",
         "evidence": "Workstream register v3"},
        {"criterion_id": "C2", "criterion": "risk_analysis", "status": "met", "evidence": "  "},
        {"criterion_id": "C3", "criterion": "activity_plan", "status": "partly", "evidence": "x"},
    ])  # fmt: skip
    found = check_checklist(rows)
    assert [(r.code, r.row, r.column) for r in found] == [
        ("plan_met_without_evidence", 3, "evidence")
    ]
    table = checklist(rows)
    n = len(plan_schema().code_list("phase1_criterion"))
    assert table.height == n
    by = {r["criterion"]: r for r in table.iter_rows(named=True)}
    assert (
        by["workstreams_defined"]["counts_as_met"] and by["workstreams_defined"]["problem"] is None
    )
    assert not by["risk_analysis"]["counts_as_met"]
    assert by["risk_analysis"]["problem"] == "marked met with no evidence"
    assert by["s151_sign_off"]["status"] == "not_met"
    assert by["s151_sign_off"]["problem"] == "not recorded"
    assert (
        by["workstreams_defined"]["area"] == "module3_plan" and by["s151_sign_off"]["area"] == "dbv"
    )
    ready = readiness(table)
    assert (ready.met, ready.n, ready.partly) == (1, n, 1)
    assert "risk_analysis" in ready.missing and "workstreams_defined" not in ready.missing
    assert ready.text() == f"1 of {n} End of Phase 1 criteria met" and not ready.ready


# --- grant -------------------------------------------------------------------------------------


def line(
    lid: str, amount: str | None, fy: str = "2025-26", opp: str = "W1", cat: str = "other"
) -> dict[str, str | None]:
    return {
        "line_id": lid, "initiative": f"init {lid}", "category": cat, "financial_year": fy,
        "amount": amount, "opportunity": opp, "description": "d",
    }  # fmt: skip


WS: list[dict[str, str | None]] = [{"workstream_id": "W1", "opportunity": "sen_support_first"}]


def test_grant_limit_parameter() -> None:
    assert grant_limit() == GrantLimit(maximum=1_000_000.0, financial_years=3)
    assert load("grant")["references"]


def test_grant_over_the_limit_is_caught_at_its_row() -> None:
    rows = frame("grant_line", [
        line("G1", "600000"), line("G2", "300000", "2026-27"), line("G3", "200000", "2027-28"),
    ])  # fmt: skip
    found = check_grant(rows, frame("workstream", WS))
    assert [(r.code, r.row, r.column) for r in found] == [("plan_grant_over_limit", 4, "amount")]
    assert "£1,100,000" in found[0].message and "£1,000,000" in found[0].message
    ok = frame("grant_line", [line("G1", "600000"), line("G2", "400000")])
    assert check_grant(ok, frame("workstream", WS)) == []


def test_grant_line_errors() -> None:
    rows = frame("grant_line", [
        line("G1", "-5"), line("G2", "0", opp="sen_support_first"), line("G3", "10", "2025/26"),
        line("G4", "10", opp="WS9"), line("G5", "10", "2028-29"), line("G6", "10", "2029-30"),
    ])  # fmt: skip
    found = check_grant(rows, frame("workstream", WS))
    assert [(r.code, r.row, r.column) for r in found] == [
        ("plan_grant_amount", 2, "amount"),
        ("plan_grant_amount", 3, "amount"),
        ("plan_grant_year", 4, "financial_year"),
        ("plan_grant_unlinked", 5, "opportunity"),
    ]  # three valid financial years are within the limit
    more = frame(
        "grant_line", [line(f"G{y}", "10", f"{y}-{(y + 1) % 100:02d}") for y in range(2025, 2029)]
    )
    found = check_grant(more, frame("workstream", WS))
    assert [(r.code, r.row, r.severity) for r in found] == [("plan_grant_years", None, "warning")]


def test_grant_totals() -> None:
    rows = frame("grant_line", [
        line("G1", "300000", cat="delivering_support_to_schools"),
        line("G2", "100000", "2026-27", cat="delivering_support_to_schools"),
        line("G3", "100000", "2026-27", cat="programme_management"),
    ])  # fmt: skip
    years = by_year(rows)
    assert years.drop("share").rows() == [("2025-26", 1, 300000.0), ("2026-27", 2, 200000.0)]
    assert years["share"].to_list() == pytest.approx([0.6, 0.4])
    cats = by_category(rows)
    assert cats["category"].to_list() == ["delivering_support_to_schools", "programme_management"]
    assert cats["lines"].to_list() == [2, 1] and cats["share"].to_list() == pytest.approx(
        [0.8, 0.2]
    )
    assert cats["label"][0] == "Delivering support to schools"
    assert grant_summary(rows) == {
        "total": 500000.0, "lines": 3, "maximum": 1_000_000.0, "headroom": 500000.0,
        "financial_years": 2,
    }  # fmt: skip


# --- whole plan --------------------------------------------------------------------------------


def test_check_plan_locates_findings_in_files(tmp_path: Path) -> None:
    pl.DataFrame([line("G1", "1200000")]).write_csv(tmp_path / "grant_line.csv")
    pl.DataFrame(WS).write_csv(tmp_path / "workstream.csv")
    ret = load_plan(tmp_path)
    found = check_plan(ret)
    assert "plan_grant_over_limit" in codes(found)
    over = next(r for r in found if r.code == "plan_grant_over_limit")
    assert over.file == str(tmp_path / "grant_line.csv") and over.where().startswith("grant_line")
    report = plan_report(ret)
    assert report.exit_code == 1 and report.counts["error"] >= 1


def test_empty_tables_give_no_findings_and_empty_outputs() -> None:
    assert heat_map(frame("risk", []))["inherent"].sum() == 0
    assert score_risks(frame("risk", [])).height == 0
    assert gantt(frame("workstream", []), frame("activity", []), frame("milestone", [])).height == 0
    assert check_gantt(frame("activity", []), frame("milestone", [])) == []
    assert check_grant(frame("grant_line", []), frame("workstream", [])) == []
    assert by_year(frame("grant_line", [])).height == 0
    assert governance_table(frame("governance", []), frame("workstream", [])).height == 0
