"""Mitigated person-level runs on the synthetic LA: zero levers change nothing, redirects keep
the caseload and shift the mix, savings grow with lever size, capacity holds, same seed gives
the same output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dbv.forecast.person.config import PersonConfig
from dbv.scenarios.apply import Floats, mitigate, run_steps
from dbv.scenarios.run import Context, prepare, run_person, simulate
from dbv.scenarios.sample import effects
from dbv.scenarios.spec import Scenario, load_scenario, parse

ORIGIN, HORIZON, N, SEED = 2025, 5, 200, 11
LIBRARY = Path(__file__).parents[2] / "src/dbv/scenarios/library/anyshire_inclusion.yaml"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def lever(kind: str, size: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{kind}_{extra.pop('tag', '')}",
        "kind": kind,
        "size": size,
        "achievability": 1.0,
        "start_year": ORIGIN,
        "ramp": [1.0],
        "requires": "the provision it needs",
        **extra,
    }


def scenario(*levers: dict[str, Any], capacity: dict[str, Any] | None = None) -> Scenario:
    raw: dict[str, Any] = {"name": "t", "version": "1", "description": "test", "levers": levers}
    if capacity:
        raw["capacity"] = capacity
    return parse(raw)


@pytest.fixture(scope="module")
def return_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dbv.fixtures import cached_return

    return cached_return(tmp_path_factory.getbasetemp() / "scenarios-run", size=0.5)


@pytest.fixture(scope="module")
def ctx(return_dir: Path) -> Context:
    return prepare(return_dir, ORIGIN, HORIZON, N, SEED)[0]


@pytest.fixture(scope="module")
def library_run(return_dir: Path) -> dict[str, Any]:
    return run_person(return_dir, ORIGIN, HORIZON, N, SEED, load_scenario(LIBRARY))


def _eff(ctx: Context, sc: Scenario) -> dict[str, Floats]:
    return effects(sc, ctx.years, ctx.n, ctx.seed)


def _saved(ctx: Context, sc: Scenario) -> Floats:
    base = simulate(ctx).finance["total_spend"]
    mit = simulate(ctx, sc, _eff(ctx, sc), True).finance["total_spend"]
    return np.asarray((base - mit).sum(axis=1), dtype=np.float64)


def test_zero_levers_identical_to_unmitigated(return_dir: Path, ctx: Context) -> None:
    kinds = ["sen_support", "mainstream_not_specialist", "rp_not_special"]
    kinds += ["state_not_independent", "timely_ceasing", "unit_cost"]
    zero = scenario(*(lever(k, 0.0) for k in kinds))
    base, mit = simulate(ctx), simulate(ctx, zero, _eff(ctx, zero), True)
    assert np.array_equal(base.stock, mit.stock)
    for line in base.finance:
        assert np.array_equal(base.finance[line], mit.finance[line])
    m = ctx.model
    args = (m.stock_, ctx.rates, ctx.population, m.space_, ctx.years, SEED)
    plain = run_steps(*args).stock
    assert np.array_equal(plain, run_steps(*args, zero, _eff(ctx, zero)).stock)
    assert np.array_equal(plain, base.stock)
    out = run_person(return_dir, ORIGIN, 2, 50, SEED, zero)
    assert out["mitigated"] == out["unmitigated"]
    assert out["unmitigated"]["total"] == out["total"]
    for row in out["benefits_profile"]["total"]:
        assert row["p10"] == row["p50"] == row["p90"] == 0


def test_mitigate_keeps_distributions_and_never_mutates(ctx: Context) -> None:
    sc = scenario(
        lever("sen_support", 0.3, cohort={"ncy": [0, 11]}),
        lever("mainstream_not_specialist", 0.4),
        lever("state_not_independent", 0.5),
        lever("timely_ceasing", 0.2, cohort={"ncy": [12, 21]}),
    )
    rates = ctx.rates
    before = {f: getattr(rates, f).copy() for f in ("leave", "move", "move_dest", "join_dest")}
    out = mitigate(rates, ctx.model.space_, _eff(ctx, sc), sc, ctx.years, 0, PersonConfig.load())
    for f, arr in before.items():
        assert np.array_equal(getattr(rates, f), arr)
    assert np.allclose(out.join_dest.sum(axis=(2, 3)), 1.0)
    rows = out.move_dest.sum(axis=3)
    assert np.allclose(rows[rows > 1e-9], 1.0)
    assert ((out.leave >= rates.leave) & (out.leave <= 1)).all()
    assert (out.join <= rates.join).all() and (out.join < rates.join).any()
    space = ctx.model.space_
    ms, ss, im = (space.groups.index(g) for g in ("mainstream", "state_special", "inmss"))
    assert (out.join_dest[..., ms] >= rates.join_dest[..., ms] - 1e-12).all()
    assert out.join_dest[..., im].sum() < rates.join_dest[..., im].sum()
    assert out.join_dest[..., ss].sum() < rates.join_dest[..., ss].sum()


def test_redirect_conserves_caseload_and_shifts_mix(ctx: Context) -> None:
    sc = scenario(
        lever("mainstream_not_specialist", 0.3, tag="a"),
        lever("rp_not_special", 0.2, tag="b"),
        lever("state_not_independent", 0.4, tag="c"),
    )
    m, space = ctx.model, ctx.model.space_
    args = (m.stock_, ctx.rates, ctx.population, space, ctx.years, SEED)
    base = run_steps(*args, expected=True).stock
    mit = run_steps(*args, sc, _eff(ctx, sc), expected=True).stock
    # the first January: same joiners and leavers, only their settings differ
    assert np.allclose(base[:, :, 0].sum(axis=1), mit[:, :, 0].sum(axis=1))
    # later years differ only through setting-specific leaving: within 2 %
    rel = mit.sum(axis=1) / base.sum(axis=1) - 1
    assert np.abs(rel).max() < 0.02
    k, g, a = space.shape
    by_group = mit.reshape(N, k, g, a, HORIZON).sum(axis=(1, 3)) - base.reshape(
        N, k, g, a, HORIZON
    ).sum(axis=(1, 3))
    idx = {name: space.groups.index(name) for name in space.groups}
    last = by_group[:, :, -1].mean(axis=0)
    assert last[idx["mainstream"]] > 0 and last[idx["resourced_provision"]] > 0
    assert last[idx["inmss"]] < 0 and last[idx["inmss"]] + last[idx["state_special"]] < 0


def test_sen_support_lowers_the_total(return_dir: Path) -> None:
    sc = scenario(lever("sen_support", 0.3, cohort={"ncy": [0, 11]}))
    out = run_person(return_dir, ORIGIN, 3, 100, SEED, sc)
    for b, m in zip(out["unmitigated"]["total"], out["mitigated"]["total"], strict=True):
        assert m["p50"] < b["p50"] and m["p90"] < b["p90"]
    assert out["gap"]["in_year_deficit"][-1]["p50"] < -out["finance"]["in_year_balance"][-1]["p50"]


@pytest.mark.parametrize(
    "kind", ["state_not_independent", "sen_support", "timely_ceasing", "unit_cost"]
)
def test_savings_grow_with_lever_size(ctx: Context, kind: str) -> None:
    medians = [float(np.median(_saved(ctx, scenario(lever(kind, s))))) for s in (0, 0.1, 0.3)]
    assert medians[0] == 0
    assert medians[0] < medians[1] < medians[2]


def test_capacity_never_exceeded_overflow_to_inmss(ctx: Context) -> None:
    space = ctx.model.space_
    k, g, a = space.shape
    ss, im = space.groups.index("state_special"), space.groups.index("inmss")
    base = simulate(ctx)
    jan = base.stock.reshape(N, k, g, a, HORIZON).sum(axis=(1, 3))
    cap = float(np.percentile(jan[:, ss, 0], 20))
    for size in (0.0, 0.3):
        sc = scenario(
            lever("state_not_independent", size),
            capacity={"state_special": {y: cap for y in ctx.years}},
        )
        res = simulate(ctx, sc, _eff(ctx, sc), True)
        capped = res.stock.reshape(N, k, g, a, HORIZON).sum(axis=(1, 3))
        assert (capped[:, ss] <= cap + 1e-9).all()
        assert (res.stock >= -1e-12).all()
        assert res.overflow.sum() > 0
        if size == 0:  # capacity alone: nobody is lost, the overflow is in inmss
            assert np.allclose(capped.sum(axis=1), jan.sum(axis=1))
            assert (capped[:, im] >= jan[:, im] - 1e-9).all()
            assert (capped[:, ss] + capped[:, im] >= jan[:, ss] + jan[:, im] - 1e-6).all()


def _percentile_rows(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        rows = [node] if "p10" in node and "p90" in node else []
        return rows + [r for v in node.values() for r in _percentile_rows(v)]
    if isinstance(node, list):
        return [r for v in node for r in _percentile_rows(v)]
    return []


def test_library_scenario_output(library_run: dict[str, Any]) -> None:
    out = library_run
    json.dumps(out)
    for key in ("la", "origin", "horizon", "mode", "method", "total", "by_setting", "by_need"):
        assert key in out
    assert out["la"] == "Anyshire" and out["mode"] == "person-level"
    for key in ("unmitigated", "mitigated", "gap", "benefits_profile", "opportunity_matrix"):
        assert key in out
    assert {"tornado", "goal_seek"} <= set(out)
    rows = _percentile_rows(out)
    assert len(rows) > 100
    for row in rows:
        values = [row[p] for p in ("p05", "p10", "p50", "p90", "p95") if p in row]
        assert values == sorted(values), row
    assert len(out["finance"]["total_spend"]) == HORIZON
    levers = {b["lever"]: b for b in out["benefits_profile"]["levers"]}
    assert levers["sen_support_first"]["assumptions"]["size_n"] == 38
    assert levers["state_before_independent"]["assumptions"]["size_n"] == 10
    assert all(
        "requires" in r and r["value_low"] <= r["value_high"] for r in out["opportunity_matrix"]
    )
    for t in out["tornado"]:
        assert t["savings_low"]["p50"] <= t["savings_high"]["p50"]
    assert out["goal_seek"]["result"]


def test_same_seed_same_output(return_dir: Path, library_run: dict[str, Any]) -> None:
    again = run_person(return_dir, ORIGIN, HORIZON, N, SEED, load_scenario(LIBRARY))
    assert again == library_run
    other = run_person(return_dir, ORIGIN, HORIZON, N, SEED + 1)
    assert other["total"] != library_run["total"]


def test_need_cohort_only_touches_those_needs(ctx: Context) -> None:
    sc = scenario(lever("sen_support", 0.5, cohort={"ncy": [0, 11], "need": ["ASD"]}))
    space = ctx.model.space_
    out = mitigate(ctx.rates, space, _eff(ctx, sc), sc, ctx.years, 0)
    before = ctx.rates.join[:, :, :1, None, None] * ctx.rates.join_dest[:, :, None]
    after = out.join[:, :, :1, None, None] * out.join_dest[:, :, None]
    asd = space.needs.index("ASD")
    others = [i for i in range(len(space.needs)) if i != asd]
    assert np.allclose(after[..., others, :], before[..., others, :])
    ncy = (space.ncys >= 0) & (space.ncys <= 11)
    assert np.allclose(after[:, ncy, ..., asd, :], 0.5 * before[:, ncy, ..., asd, :])
    assert np.allclose(after[:, ~ncy], before[:, ~ncy])


def test_goal_seek_is_honest(library_run: dict[str, Any]) -> None:
    goal = library_run["goal_seek"]
    if goal["multiplier"] is None:
        assert goal["result"].startswith("not reachable")
    else:
        assert goal["balance_at_multiplier"]["p50"] >= 0


def test_goal_seek_finds_the_multiplier_when_reachable(ctx: Context) -> None:
    from dbv.scenarios.run import _goal_seek

    sc = scenario(
        lever("unit_cost", 0.33),
        lever("state_not_independent", 0.5),
        lever("mainstream_not_specialist", 0.5),
    )
    goal = _goal_seek(ctx, simulate(ctx), sc, _eff(ctx, sc), ORIGIN + 1)
    assert goal["target_financial_year"] == f"{ORIGIN + 1}-{(ORIGIN + 2) % 100:02d}"
    assert goal["result"].startswith("reachable")
    assert 0 < goal["multiplier"] < 1 and goal["balance_at_multiplier"]["p50"] >= 0
    assert goal["balance_at_1x"]["p50"] >= 0


def test_savings_are_shown_net_of_alternative_costs_and_investment(
    library_run: dict[str, Any],
) -> None:
    bp = library_run["benefits_profile"]
    assert len(bp["investments"]) == 5
    for gross, net, net_all in zip(
        bp["gross"], bp["total"], bp["net_of_all_investment"], strict=True
    ):
        for q in ("p10", "p50", "p90"):
            assert net_all[q] <= net[q] <= gross[q]
    sen = next(b for b in bp["levers"] if b["lever"] == "sen_support_first")
    assert sen["assumptions"]["alternative_cost"].startswith("£0 to £4,000")
    assert sen["alternative_cost_by_year"][-1]["p50"] > 0
    for g, a, n in zip(
        sen["gross_by_year"], sen["alternative_cost_by_year"], sen["by_year"], strict=True
    ):
        assert n["p50"] <= g["p50"] and a["p10"] >= 0
    hnb = {r["financial_year"]: r["hnb"] for r in bp["investment_by_year"]}
    assert hnb["2026-27"] == 240000 and hnb["2025-26"] == 0


def test_block_funded_investment_lands_in_the_mitigated_balance(ctx: Context) -> None:
    from dbv.scenarios.run import _costs, _scenario_blocks

    raw: dict[str, Any] = {
        "name": "t",
        "version": "1",
        "description": "test",
        "levers": [lever("mainstream_not_specialist", 0.0)],
        "investments": [
            {"item": "team", "financial_year": "2026-27", "amount": 100000, "funded_by": "hnb"},
            {"item": "set-up", "financial_year": "2026-27", "amount": 50000, "funded_by": "grant"},
        ],
    }
    sc = parse(raw)
    base = simulate(ctx)
    out = _scenario_blocks(ctx, base, sc, None)
    un = out["unmitigated"]["finance"]["total_spend"]
    mi = out["mitigated"]["finance"]["total_spend"]
    diff = {u["financial_year"]: m["p50"] - u["p50"] for u, m in zip(un, mi, strict=True)}
    assert diff["2026-27"] == pytest.approx(100000, abs=2) and diff["2027-28"] == pytest.approx(0)
    net_all = {
        r["financial_year"]: r["p50"] for r in out["benefits_profile"]["net_of_all_investment"]
    }
    assert net_all["2026-27"] == pytest.approx(-150000, abs=2)
    assert not _costs(ctx, sc, [("unmitigated", base)])["alternative_total"].any()
