"""`dbv diagnose` end to end on the synthetic LA: the pack's sections, its Excel formulas, its
PDF, run.json, and the honesty rules (every % with its n, no small counts, unmitigated with
mitigated and the gap, no saving without its assumptions)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner
from xlsx_eval import Evaluator

from dbv.cli import app
from dbv.diagnose.config import load_config
from dbv.diagnose.pipeline import Diagnosis, diagnose
from dbv.errors import ParameterError
from dbv.fixtures import cached_return
from dbv.report.model import Note, Pack, Section, Table, Text

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
LIBRARY = Path(__file__).parents[2] / "src/dbv/scenarios/library/anyshire_inclusion.yaml"
SECTIONS = ["set-up", "module-1", "module-2", "module-3", "grant"]


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "diag.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def return_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth")


@pytest.fixture(scope="module")
def result(return_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Diagnosis:
    out = tmp_path_factory.mktemp("pack")
    cfg = write_config(
        out,
        f"la: Anyshire\nreturn: {return_dir}\nscenarios: [{LIBRARY}]\nsims: 200\nseed: 7\n",
    )
    return diagnose(load_config(cfg), out)


def test_writes_every_output(result: Diagnosis) -> None:
    names = sorted(p.name for p in result.files)
    assert names == ["insight-export.json", "report.html", "report.pdf", "report.xlsx", "run.json"]
    assert not list(result.out.glob("*.tmp")) and not list(result.out.glob(".*tmp*"))


def test_html_has_every_section_and_is_self_contained(result: Diagnosis) -> None:
    html = (result.out / "report.html").read_text("utf-8")
    for sid in [*SECTIONS, "assumptions", "data-sources"]:
        assert f'id="{sid}"' in html and f'href="#{sid}"' in html, sid
    assert "<svg" in html
    assert 'src="http' not in html and "<link" not in html and "<script src" not in html
    for key in ("forecast_fan", "gantt", "heat_map", "funnel_ehcp", "likert"):
        assert key in html or any(
            isinstance(b, Table | Note | Text) for b in result.pack.sections[0].blocks
        )


def test_run_json(result: Diagnosis) -> None:
    run = json.loads((result.out / "run.json").read_text("utf-8"))
    assert run["seed"] == 7 and run["config"]["sims"] == 200
    files = {d["file"] for d in run["data"]}
    assert {"person.csv", "case_review.csv", "grant_line.csv"} <= files
    assert all(len(d["sha256"]) == 64 for d in run["data"])
    assert set(run["versions"]) >= {"dbv", "python", "numpy", "polars"}


def test_pdf_has_pages(result: Diagnosis) -> None:
    from pypdf import PdfReader

    data = (result.out / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    pdf = PdfReader(result.out / "report.pdf")
    assert 20 <= len(pdf.pages) <= 80
    contents = pdf.pages[1].extract_text()
    assert "Contents" in contents
    for title in ("Set-up", "Module 1", "Module 2", "Module 3", "Grant application"):
        assert title in contents
    # the contents give page numbers, and every page after the title page is numbered
    assert re.search(r"Module 2: root causes\W+\d+", contents)
    last = pdf.pages[-1].extract_text()
    assert f"Page {len(pdf.pages)} of {len(pdf.pages)}" in last


def test_excel_formulas_recompute_the_library(result: Diagnosis) -> None:
    wb = openpyxl.load_workbook(result.out / "report.xlsx")
    sheets = result.pack.finance_sheet
    assert isinstance(sheets, list) and len(sheets) == 2
    for sheet in sheets:
        ws = next(ws for ws in wb.worksheets if ws.title.lower().startswith(f"finance {sheet.run}"))
        labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
        row_spend = labels["Total high needs spend (£)"]
        row_bal = labels["In-year balance (£)"]
        row_cum = labels["Cumulative balance (£)"]
        ev = Evaluator(ws)
        for t in range(len(sheet.years)):
            col = 2 + t
            assert str(ws.cell(row_spend, col).value).startswith("=")
            spend = ev.at(row_spend, col)
            assert spend == pytest.approx(sheet.total_spend[t], rel=1e-9)
            assert ev.at(row_bal, col) == pytest.approx(
                sheet.in_year_balance[t], rel=1e-9, abs=1e-3
            )
            assert ev.at(row_cum, col) == pytest.approx(
                sheet.cumulative_balance[t], rel=1e-9, abs=1e-3
            )
    names = wb.sheetnames
    assert "Assumptions" in names and "dsg_plan_caseload" in names


# --- honesty rules -------------------------------------------------------------------------

ALLOWED = re.compile(
    r"\d+(\.\d+)?% (CI|interval|intervals|prediction|and \d+% (prediction )?intervals|control"
    r"|limits|band)|99\.8%|95% and 99\.8%|80% and 90%"
)
HAS_N = re.compile(r"(\bof \d[\d,]*\b|\bn = \d|effective n = \d|\(n = \d|of [\d,]+ pupils)")


def _strings(pack: Pack) -> list[tuple[str, str]]:
    out = []
    for sec in pack.all_sections():
        for b in sec.blocks:
            if isinstance(b, Text | Note):
                out.append((sec.id, b.text))
            elif isinstance(b, Table):
                for col in b.frame.columns:
                    if b.frame[col].dtype == pl_string():
                        out += [(f"{sec.id}/{b.key}", v) for v in b.frame[col].drop_nulls()]
    return out


def pl_string() -> object:
    import polars as pl

    return pl.String


def test_every_percentage_has_its_n(result: Diagnosis) -> None:
    bad = []
    for where, text in _strings(result.pack):
        rest = ALLOWED.sub("", text)
        if "assumed" in text or "(model ratio" in text:  # stated assumptions, not estimates
            continue
        if re.search(r"\d%", rest) and not HAS_N.search(text):
            bad.append((where, text[:120]))
    assert not bad, bad[:5]
    for t in result.pack.tables():
        pct = [c for c, f in t.formats.items() if f == "pct"]
        if pct:
            assert any(c in t.frame.columns for c in ("n", "lines", "k")), t.key


def test_no_small_count_is_published(result: Diagnosis) -> None:
    for t in result.pack.tables():
        for col, f in t.formats.items():
            if f == "count" and col in t.frame.columns:
                vals = [v for v in t.frame[col].to_list() if v is not None]
                assert all(v == 0 or v >= 5 for v in vals), (t.key, col, vals)
    for where, text in _strings(result.pack):
        for k, n in re.findall(r"\b(\d+) of (\d+)\b", text.replace(",", "")):
            k_, n_ = int(k), int(n)
            assert k_ == 0 or k_ >= 5, (where, text)
            assert n_ - k_ == 0 or n_ - k_ >= 5, (where, text)


def test_unmitigated_mitigated_and_gap_appear_together(result: Diagnosis) -> None:
    gaps = [t for t in result.pack.tables() if t.key.startswith("gap_")]
    assert gaps
    for t in gaps:
        assert {"unmitigated_deficit", "mitigated_deficit_gap", "net_benefit"} <= set(
            t.frame.columns
        )
    html = (result.out / "report.html").read_text("utf-8")
    assert "Unmitigated deficit" in html and "gap remaining" in html


def _section_has_assumptions(sec: Section) -> bool:
    return any(isinstance(b, Table) and b.key.startswith("assumptions") for b in sec.blocks)


def test_no_saving_without_its_assumptions(result: Diagnosis) -> None:
    for top in result.pack.sections:
        for sec in top.walk():
            said = any(
                "saving" in (b.text if isinstance(b, Text | Note) else b.title).lower()
                for b in sec.blocks
                if isinstance(b, Text | Note | Table)
            )
            if said:
                assert _section_has_assumptions(sec), sec.id


# --- configs and missing parts ---------------------------------------------------------------


def test_missing_parts_say_how_to_add_them(return_dir: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    for f in return_dir.iterdir():
        if f.is_file():
            (bare / f.name).write_bytes(f.read_bytes())
    cfg = write_config(tmp_path, f"la: Bare\nreturn: {bare}\nsims: 100\noutputs: [html]\n")
    res = diagnose(load_config(cfg), tmp_path / "out")
    assert set(res.inputs.missing) >= {"engagement", "plan", "scenarios", "public"}
    notes = [b for s in res.pack.all_sections() for b in s.blocks if isinstance(b, Note)]
    missing = [n for n in notes if n.level == "missing"]
    assert missing and all(n.fix for n in missing)
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "How to add it" in html


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("la: X\nreturn: nowhere\n", "return"),
        ("la: X\nreturn: .\nsimz: 10\n", "simz"),
        ("return: .\n", "la"),
        ("la: X\nreturn: .\nsims: 5\n", "sims"),
        ("la: X\n", "return"),
    ],
)
def test_bad_configs_are_located(tmp_path: Path, text: str, column: str) -> None:
    with pytest.raises(ParameterError) as err:
        load_config(write_config(tmp_path, text))
    assert err.value.column == column and err.value.fix


def test_cli(return_dir: Path, tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path, f"la: Anyshire\nreturn: {return_dir}\nsims: 100\noutputs: [html]\n"
    )
    res = CliRunner().invoke(app, ["diagnose", "--config", str(cfg), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "report.html" in res.output
    bad = CliRunner().invoke(app, ["diagnose", "--config", str(tmp_path / "none.yaml")])
    assert bad.exit_code != 0 and "none.yaml" in bad.output


def test_dsg_plan_table_is_by_financial_year_and_matches_the_finance(result: Diagnosis) -> None:
    dsg = next(t for t in result.pack.tables() if t.key == "dsg_plan_caseload")
    sheet = result.pack.finance_sheet[0]  # type: ignore[index]
    assert [c for c in dsg.frame.columns if "-" in c] == sheet.years
    total = dsg.frame.filter((dsg.frame["category"] == "total") & (dsg.frame["age_group"] == "all"))
    for t, year in enumerate(sheet.years):
        expected = sum(g[t] for g in sheet.caseload)  # means; the table holds medians
        assert total[year][0] == pytest.approx(expected, rel=0.03)


def test_set_up_has_the_stakeholder_map_and_engagement_plan(result: Diagnosis) -> None:
    keys = {t.key for t in result.pack.tables()}
    assert {"stakeholders", "engagement_plan", "participants", "return_tables"} <= keys
    html = (result.out / "report.html").read_text("utf-8")
    assert "Stakeholder map" in html


def test_levers_command_writes_a_loadable_scenario(return_dir: Path, tmp_path: Path) -> None:
    from dbv.scenarios.spec import load_scenario

    out = tmp_path / "levers.yaml"
    res = CliRunner().invoke(app, ["levers", "--engagement", str(return_dir), "--out", str(out)])
    assert res.exit_code == 0, res.output
    sc = load_scenario(out)
    assert {lv.kind for lv in sc.levers} >= {"sen_support"}
    assert all(lv.size.kind == "beta" and lv.requires for lv in sc.levers)
    for k, n in re.findall(r"\b(\d+) of (\d+)\b", res.output):  # never a small count on screen
        assert int(k) == 0 or int(k) >= 5, res.output
        assert int(n) - int(k) == 0 or int(n) - int(k) >= 5, res.output


def test_insight_export_holds_counts_only_and_no_small_ones(result: Diagnosis) -> None:
    from dbv.insight.export import FORBIDDEN_KEYS, SCHEMA_VERSION

    export = json.loads((result.out / "insight-export.json").read_text("utf-8"))
    assert export["schema_version"] == SCHEMA_VERSION and export["free_text_included"] is False
    assert export["case_reviews"]["consensus"] and export["surveys"]["likert_response"]
    assert export["scenarios"][0]["unmitigated_in_year_deficit"]
    seen = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                assert k not in FORBIDDEN_KEYS, k
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif (
            isinstance(node, int)
            and not isinstance(node, bool)
            and key in ("count", "n", "reviewers", "hand_picked", "cases_drawn_at_random")
        ):
            seen.append(node)
            assert node == 0 or node >= 5, (key, node)

    walk(export)
    assert len(seen) > 100
    withheld = [r for r in export["case_reviews"]["consensus"] if r["withheld"]]
    assert all(r["count"] is None for r in withheld)
