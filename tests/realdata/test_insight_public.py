"""`dbv insight --public` on the official files: every LA's forecast and its statistical
neighbours (dbv.insight.public)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import polars as pl
import pytest

from dbv.baseline.build import Context
from dbv.forecast.public import forecast_public
from dbv.insight.public import PublicOptions, public_section
from dbv.report.charts_insight_public import IN_SET, KEY
from dbv.report.model import Assumption, Chart, Note, Pack, Table

pytestmark = pytest.mark.realdata

SIMS, SEED = 50, 7
DERBY, BIRMINGHAM_E = "831", "E08000025"  # Birmingham given by its ONS code (DfE 330)


@dataclass
class Run:
    pack: Pack
    assumptions: list[Assumption]
    stages: list[str]

    def table(self, key: str) -> Table:
        return next(t for t in self.pack.tables() if t.key == key)

    def blocks(self) -> list[Any]:
        return [b for s in self.pack.all_sections() for b in s.blocks]


@pytest.fixture(scope="module")
def run(data_dir: Path, cache_dir: Path) -> Iterator[Run]:
    pack = Pack("Insight", "", "")
    pack.sources.append({"source": "export", "file": "a.json", "sha256": "0" * 64})
    stages: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBV_CACHE_DIR", str(cache_dir))
        got = public_section(
            pack,
            PublicOptions(data_dir, sims=SIMS, seed=SEED),
            {DERBY, BIRMINGHAM_E, "999"},
            stages.append,
        )
    yield Run(pack, got, stages)


def _row(frame: pl.DataFrame, code: str) -> dict[str, Any]:
    return frame.filter(pl.col("la_code") == code).row(0, named=True)


def test_the_section_has_one_row_per_current_la(run: Run, ctx: Context) -> None:
    assert [s.id for s in run.pack.sections] == ["public"]
    assert run.pack.sections[0].title.startswith("Every LA")
    full = run.table("public_forecasts").frame
    current = {la.code for la in ctx.geo.current()}
    assert full["la_code"].n_unique() == full.height
    assert set(full["la_code"]) <= current
    assert full.height >= len(current) - 2  # every current LA with a January to start from
    assert full["actual"].null_count() == 0 and (full["actual"] > 0).all()
    nbs = run.table("public_neighbours").frame
    assert nbs["la_code"].to_list() == full["la_code"].to_list()
    assert not run.table("public_forecasts").web and run.table("public_england").web
    assert len(run.stages) >= 3


def test_every_band_is_ordered(run: Run) -> None:
    full = run.table("public_forecasts").frame
    for lo, mid, hi in (("p10", "p50", "p90"), ("growth_p10", "growth_p50", "growth_p90")):
        assert (full[lo] <= full[mid]).all() and (full[mid] <= full[hi]).all()
    fin = full.drop_nulls("balance_p50")
    assert fin.height > 100
    assert ((fin["balance_p10"] <= fin["balance_p50"])
            & (fin["balance_p50"] <= fin["balance_p90"])).all()  # fmt: skip
    nbs = run.table("public_neighbours").frame.drop_nulls("growth_diff_p50")
    assert ((nbs["growth_diff_p10"] <= nbs["growth_diff_p50"])
            & (nbs["growth_diff_p50"] <= nbs["growth_diff_p90"])).all()  # fmt: skip
    eng = run.table("public_england").frame.drop_nulls("p50")
    assert ((eng["p10"] <= eng["p50"]) & (eng["p50"] <= eng["p90"])).all()


def test_la_bands_are_the_engines_and_england_is_summed_per_simulation(
    run: Run, ctx: Context
) -> None:
    full = run.table("public_forecasts").frame
    origin = ctx.geo.latest_year
    derby = forecast_public(ctx, [ctx.geo.resolve(DERBY)], origin, 5, SIMS, SEED)[0]
    row = _row(full, DERBY)
    last = derby["total"][-1]
    assert (row["p10"], row["p50"], row["p90"]) == (last["p10"], last["p50"], last["p90"])
    assert row["actual"] == ctx.series(DERBY)["caseload"][origin]
    implied = 100 * ((row["p50"] / row["actual"]) ** (1 / 5) - 1)
    assert row["growth_p50"] == pytest.approx(implied, abs=0.05)
    eng = run.table("public_england").frame
    assert eng["actual"][0] == pytest.approx(full["actual"].sum())
    end = eng.row(-1, named=True)
    assert end["p50"] == pytest.approx(full["p50"].sum(), rel=0.03)
    # LAs share a national shock in each draw, but their own noise partly cancels: the band of
    # the sum is narrower than the sum of the bands
    assert end["p90"] - end["p10"] < (full["p90"] - full["p10"]).sum()


def test_derbys_neighbours_by_hand(run: Run, ctx: Context) -> None:
    raw = ctx.store.table("statistical_neighbours")
    assert raw is not None
    newest = raw["model"].cast(pl.String).max()
    mine = raw.filter((pl.col("model").cast(pl.String) == newest) & (pl.col("la_code") == DERBY))
    codes = mine.sort("rank")["neighbour_code"].to_list()
    assert len(codes) == 10
    nbs = run.table("public_neighbours").frame
    own = _row(nbs, DERBY)
    them = nbs.filter(pl.col("la_code").is_in(codes))
    assert them.height == 10 and own["neighbours"] == 10
    growth = them["growth_p50"].to_list()
    assert own["growth_nb_median"] == pytest.approx(median(growth))
    assert own["growth_rank"] == 1 + sum(g > own["growth_p50"] for g in growth)
    rates = them["rate"].drop_nulls().to_list()
    assert own["rate_nb_median"] == pytest.approx(median(rates))
    assert own["rate_rank"] == 1 + sum(r > own["rate"] for r in rates)
    assert own["rate_of"] == len(rates) + 1
    assert own["rate_diff"] == pytest.approx(own["rate"] - median(rates))
    # the share of pupils with a plan is the published LAIT figure
    lait = ctx.series(DERBY)["pct_pupils_ehcp"]
    assert own["rate"] == lait[max(lait)]


def test_the_councils_in_the_set_are_highlighted(run: Run) -> None:
    full = run.table("public_forecasts").frame
    assert sorted(full.filter(pl.col("in_set") == "yes")["la_code"]) == ["330", DERBY]
    councils = run.table("public_councils")
    assert councils.web
    assert sorted(councils.frame["la"]) == ["Birmingham", "Derby"]
    assert all("(" in v for v in councils.frame["forecast"])  # every forecast has its band
    chart = next(b for b in run.blocks() if isinstance(b, Chart) and b.key == KEY)
    values = [v for rows in chart.spec["datasets"].values() for v in rows]
    marked = {v["la"] for v in values if v.get("group") == IN_SET}
    assert marked == {"Birmingham", "Derby"}
    assert "Derby" in chart.alt and "Birmingham" in chart.alt
    warnings = [b.text for b in run.blocks() if isinstance(b, Note) and b.level == "warning"]
    assert any("999" in w for w in warnings)


def test_sources_assumptions_and_notes(run: Run) -> None:
    public = [s for s in run.pack.sources if s.get("source") == "public data"]
    datasets = {s["dataset"] for s in public}
    assert {"statistical_neighbours", "ehcp_2025_caseload", "lait"} <= datasets
    assert all(len(s["sha256"]) == 64 and s["file"] for s in public)
    assert len({s["sha256"] for s in run.pack.sources}) == len(run.pack.sources)
    assert run.pack.sources[0]["source"] == "export"  # what was there is kept
    values = {a.name: a.value for a in run.assumptions}
    assert values["simulations and seed"] == f"{SIMS}, seed {SEED}"
    assert "public-aggregate" in values["forecast method"]
    notes = " ".join(b.text for b in run.blocks() if isinstance(b, Note))
    assert "public-aggregate" in notes and "Data quality" in notes


def test_the_section_renders(run: Run, tmp_path: Path) -> None:
    from dbv.report.html import write_html
    from dbv.report.xlsx import write_xlsx

    html = write_html(run.pack, tmp_path / "insight.html").read_text("utf-8")
    assert "statistical neighbours" in html and "Derby" in html
    assert write_xlsx(run.pack, tmp_path / "insight.xlsx").stat().st_size > 10_000


def test_ranks_survive_the_packs_masking_pass(run: Run) -> None:
    """Ranks read '4th of 11', never 'k of n', which mask_pack would withhold."""
    from copy import deepcopy

    from dbv.report.publish import mask_pack

    before = run.table("public_fastest").frame
    masked = mask_pack(deepcopy(run.pack))
    after = next(t for t in masked.tables() if t.key == "public_fastest").frame
    assert after.equals(before)
    assert all(r.split(" of ")[0][-2:] in ("st", "nd", "rd", "th") for r in before["growth_rank"])
