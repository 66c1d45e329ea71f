"""`dbv insight` on synthetic councils: the pack, its honesty rules, the CLI and the coverage of
the clustered interval when it has to work from suppressed tallies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from dbv.cli import app
from dbv.insight.demo import councils, run_councils
from dbv.insight.pipeline import InsightRun, run_insight, summary
from dbv.insight.pooling import pool_shares
from dbv.insight.read import CouncilExport, load_exports
from dbv.insight.suppression import binary
from dbv.insight.tallies import share
from dbv.report.model import Chart, Note, Table, Text


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[CouncilExport]:
    return run_councils(tmp_path_factory.mktemp("councils"), n=4, seed=7, sims=40)


@pytest.fixture(scope="module")
def result(exports: list[CouncilExport], tmp_path_factory: pytest.TempPathFactory) -> InsightRun:
    return run_insight(exports, tmp_path_factory.mktemp("insight"))


def test_writes_every_file(result: InsightRun) -> None:
    names = sorted(p.name for p in result.files)
    assert names == ["insight.html", "insight.pdf", "insight.xlsx", "run.json"]
    html = (result.out / "insight.html").read_text("utf-8")
    assert "<script src=" not in html and "Who took part" in html
    run = json.loads((result.out / "run.json").read_text("utf-8"))
    assert len(run["data"]) == 4 and all(len(d["sha256"]) == 64 for d in run["data"])
    from pypdf import PdfReader

    assert len(PdfReader(str(result.out / "insight.pdf")).pages) > 3


def test_the_demo_councils_differ_and_are_seeded() -> None:
    a, b = councils(6, seed=1), councils(6, seed=1)
    assert a == b and len({c.seed for c in a}) == 6
    assert np.std([c.practice for c in a]) > 0.1
    assert a[-1].review_cases is not None and a[-1].review_cases < 30


def test_small_sample_and_hand_picked_are_listed_and_not_pooled(
    result: InsightRun, exports: list[CouncilExport]
) -> None:
    small = exports[-1].council
    about = next(s for s in result.pack.sections if s.id == "about")
    notes = " ".join(b.text for b in about.blocks if isinstance(b, Note))
    assert small in notes and "fewer than the minimum 30" in notes
    assert "Hand-picked cases" in notes
    table = next(t for t in result.pack.tables() if t.key == "case_questions")
    assert all("3 councils" in v for v in table.frame["clustered"])  # not the small council
    s = summary(exports)
    assert small in s["excluded_from_case_pooling"]


def test_pooled_and_naive_side_by_side_with_a_forest_plot_per_question(
    result: InsightRun, exports: list[CouncilExport]
) -> None:
    table = next(t for t in result.pack.tables() if t.key == "case_questions")
    assert {"clustered", "naive", "spread"} <= set(table.frame.columns)
    assert all("90% CI" in v for v in table.frame["clustered"].to_list())
    charts = [b.key for s in result.pack.all_sections() for b in s.blocks if isinstance(b, Chart)]
    for q in ("ideal_outcome", "needs_met_effectively", "met_without_ehcp", "different_provision"):
        assert f"forest_{q}" in charts
    keys = {t.key for t in result.pack.tables()}
    assert {"family_views", "reasons", "readiness", "grant", "money", "headline"} <= keys
    words = next(t for t in result.pack.tables() if t.key == "free_text").frame
    sharing = {e.council for e in exports if e.data["free_text_included"]}
    assert set(words["council"]) == sharing and len(sharing) == 2


def test_no_small_count_anywhere_in_the_pack(result: InsightRun) -> None:
    for t in result.pack.tables():
        for col, f in t.formats.items():
            if f == "count" and col in t.frame.columns:
                vals = [v for v in t.frame[col].to_list() if v is not None]
                assert all(v == 0 or v >= 5 for v in vals), (t.key, col, vals)
    texts = []
    for s in result.pack.all_sections():
        for b in s.blocks:
            if isinstance(b, Text | Note):
                texts.append(b.text)
            elif isinstance(b, Chart):
                texts += [b.alt, json.dumps(b.spec)]  # labels inside the chart too
            elif isinstance(b, Table):
                for c in b.frame.columns:
                    if b.frame[c].dtype == pl.String:
                        texts += b.frame[c].drop_nulls().to_list()
    for text in texts:
        for k, n in re.findall(r"\b(\d+) of (\d+)\b", text.replace(",", "")):
            assert int(k) == 0 or int(k) >= 5, text
            assert int(n) - int(k) == 0 or int(n) - int(k) >= 5, text
    html = (result.out / "insight.html").read_text("utf-8")
    for k, n in re.findall(r"\b(\d+) of (\d+)\b", re.sub(r"<[^>]+>", " ", html)):
        assert int(k) == 0 or int(k) >= 5 and (int(n) - int(k) == 0 or int(n) - int(k) >= 5)


def test_every_pooled_percentage_has_its_n(result: InsightRun) -> None:
    for t in result.pack.tables():
        for c in ("clustered", "naive"):
            if c in t.frame.columns:
                for v in t.frame[c].drop_nulls().to_list():
                    assert not v or "n = " in v or re.search(r"\bof \d", v), (t.key, v)


def test_money_and_grant_add_up(result: InsightRun, exports: list[CouncilExport]) -> None:
    money = next(t for t in result.pack.tables() if t.key == "money").frame
    fy = exports[0].data["scenarios"][0]["unmitigated_in_year_deficit"][-1]["financial_year"]
    row = money.filter(
        (pl.col("label") == "Unmitigated in-year deficit") & (pl.col("financial_year") == fy)
    ).row(0, named=True)
    want = sum(
        next(
            r["p50"]
            for r in e.data["scenarios"][0]["unmitigated_in_year_deficit"]
            if r["financial_year"] == fy
        )
        for e in exports
    )
    assert row["p50"] == pytest.approx(want) and row["councils"] == 4
    assert row["together_p10"] <= row["indep_p10"] <= row["p50"] <= row["indep_p90"]
    assert row["indep_p90"] <= row["together_p90"]
    grant = next(t for t in result.pack.tables() if t.key == "grant").frame
    total = sum(g["amount"] for e in exports for g in e.data["grant_by_category"])
    assert grant["amount"].sum() == pytest.approx(total)
    assert grant["share"].sum() == pytest.approx(1.0)


def test_cli_pools_a_folder_and_prints_json(exports: list[CouncilExport], tmp_path: Path) -> None:
    folder = Path(exports[0].source).parent
    res = CliRunner().invoke(
        app,
        [
            "insight",
            "--exports",
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "--outputs",
            "html",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["councils"]) == 4 and (tmp_path / "out" / "insight.html").is_file()
    ideal = next(q for q in data["case_reviews"] if q["question"] == "ideal_outcome")
    assert ideal["low"] <= ideal["mean"] <= ideal["high"] and ideal["naive"]["k"] >= 5


def test_cli_names_a_bad_export(exports: list[CouncilExport], tmp_path: Path) -> None:
    for e in exports:
        (tmp_path / Path(e.source).name).write_text(Path(e.source).read_text("utf-8"), "utf-8")
    bad = tmp_path / "insight-export-broken.json"
    bad.write_text('{"schema_version": "1.1", "council": "Brok', "utf-8")
    res = CliRunner().invoke(
        app, ["insight", "--exports", str(tmp_path), "--out", str(tmp_path / "out")]
    )
    assert res.exit_code == 2
    assert "insight-export-broken.json" in res.output and "truncated" in res.output
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_demo(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        [
            "insight",
            "--demo",
            "--councils",
            "2",
            "--sims",
            "20",
            "--outputs",
            "html",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "insight.html").is_file()
    assert len(load_exports(tmp_path / "councils" / "exports")) == 2


# --- coverage from suppressed tallies ------------------------------------------------------


def _council(rng: np.random.Generator, p: float, n: int) -> list[dict[str, object]]:
    """One council's consensus tallies for one question (yes, partly, no, can't say)."""
    rest = np.array([0.6, 0.3, 0.1]) * (1 - p)
    counts = rng.multinomial(n, [p, *rest])
    values = [
        a
        for a, c in zip(("yes", "partly", "no", "cant_say"), counts, strict=True)
        for _ in range(int(c))
    ]
    return binary(pl.DataFrame({"q": ["q"] * n, "v": values}), ["q"], "v", "yes")


def test_clustered_intervals_cover_the_typical_rate_from_suppressed_tallies() -> None:
    """20 councils, each with its own true rate (logit spread 0.6 around 30%), 38 cases each,
    tallies suppressed as an export does. The clustered 90% interval should cover the median
    council's rate about 90% of the time (tolerance 84-96%); the naive one, less than 75%."""
    rng = np.random.default_rng(20251125)
    centre, spread, repeats = np.log(0.3 / 0.7), 0.6, 200
    truth = 0.3
    hit = naive = 0
    for _ in range(repeats):
        rates = 1 / (1 + np.exp(-(centre + spread * rng.standard_normal(20))))
        shares = [share(f"C{i}", _council(rng, float(p), 38), ["yes"]) for i, p in enumerate(rates)]
        r = pool_shares(shares)
        assert r.main is not None
        hit += r.main.low <= truth <= r.main.high
        naive += r.main.naive_low <= truth <= r.main.naive_high
    assert 0.84 <= hit / repeats <= 0.96, hit / repeats
    assert naive / repeats < 0.75, naive / repeats
