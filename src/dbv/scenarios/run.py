"""Person-level forecast of a data return, unmitigated and (given a scenario) mitigated, with the
high needs finance behind both: one JSON-ready dict (:func:`run_person`).

Common random numbers: the engine's rates are drawn once from ``seed`` (one set per simulation),
lever sizes and finance (inflation, income growth) come from ``seed`` too. The unmitigated run
is the engine's random paths. A mitigated run is those same paths plus, per simulation and
state, what the levers change in expectation under that simulation's rates (floored at 0), so
a difference between runs carries the rate and lever-size uncertainty but no Monte Carlo noise
(process noise of the *difference* is left out; it is small beside the rate uncertainty).
A scenario's ``capacity`` is enforced on every January of its runs (children over a group's
places go to independent special, ``inmss``); the stage "capacity" of the benefits profile
shows what that alone costs."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from dbv.errors import DataFileError, UsageError
from dbv.finance import FinanceInputs, financial_year_caseload, fy_label
from dbv.finance import project as finance_project
from dbv.finance.decompose import decompose_caseload, decompose_spend
from dbv.forecast.person import PersonLevelModel, Rates
from dbv.forecast.person.counts import population_grid
from dbv.scenarios.apply import (
    REDIRECT,
    Capacity,
    Floats,
    Run,
    ordered,
    run_steps,
    unit_cost_factor,
)
from dbv.scenarios.costs import FUNDERS, investment_paths
from dbv.scenarios.outputs import MONEY, assumptions, pcts, rollup, series
from dbv.scenarios.sample import draw, effects, ramp_factor
from dbv.scenarios.spec import Scenario

METHOD = (
    "Person-level Markov engine (need x setting group x NCY, January steps) with rates drawn per "
    "simulation from their posterior; levers change future flows only (joiners and phase-"
    "transfer moves), applied year by year with their ramp; finance = financial-year average "
    "caseload (3/12 January t + 9/12 January t+1) x unit costs plus non-placement lines; "
    "unmitigated and mitigated runs share their random numbers."
)
FINANCE_LINES = ("total_spend", "total_income", "in_year_balance", "cumulative_balance")


@dataclass(frozen=True)
class Context:
    model: PersonLevelModel
    rates: Rates
    population: Floats  # (A, h)
    years: list[int]  # step years: January y to January y + 1
    inputs: FinanceInputs
    to_finance: Floats  # (G_engine, G_finance)
    fy_offset: int  # step columns dropped before the finance base year
    n: int
    seed: int
    base: Run  # unmitigated random paths
    base_expected: Run  # unmitigated, every draw replaced by its expectation (same rates)


@dataclass(frozen=True)
class Result:
    stock: Floats  # (n, S, h)
    overflow: Floats  # (n, h)
    finance: dict[str, Floats]  # line -> (n, T); "group_spend" -> (n, G_finance, T)


def run_person(
    return_dir: Path,
    origin: int,
    horizon: int,
    n_sims: int,
    seed: int,
    scenario: Scenario | None = None,
    target_fy: int | None = None,
) -> dict[str, Any]:
    """Forecast from the origin January for ``horizon`` years (see the module docstring).

    ``target_fy`` (goal seek) is the financial year by which the in-year balance should reach
    0 (default: the last projected one)."""
    return run_person_detail(return_dir, origin, horizon, n_sims, seed, scenario, target_fy).output


@dataclass(frozen=True)
class PersonRun:
    """``run_person``'s JSON-ready output plus the simulated runs behind it (for reports)."""

    output: dict[str, Any]
    ctx: Context
    base: Result
    mitigated: Result | None


def run_person_detail(
    return_dir: Path,
    origin: int,
    horizon: int,
    n_sims: int,
    seed: int,
    scenario: Scenario | None = None,
    target_fy: int | None = None,
) -> PersonRun:
    """As :func:`run_person`, keeping the simulations."""
    ctx, la = prepare(Path(return_dir), origin, horizon, n_sims, seed)
    base = simulate(ctx)
    if scenario is not None and scenario.capacity:
        # capacity is a fact of the world, not a lever: the unmitigated run respects it too
        base = simulate(ctx, replace(scenario, levers=()), {}, capacity=True)
    out: dict[str, Any] = {
        "la": la,
        "origin": origin,
        "horizon": horizon,
        "n_sims": n_sims,
        "seed": seed,
        "mode": "person-level",
        "method": METHOD,
        **_caseload_block(ctx, base),
        "finance": _finance_block(ctx, base),
        "decomposition": _decomposition(ctx, base),
    }
    if scenario is None:
        return PersonRun(out, ctx, base, None)
    blocks, mitigated = _scenario_run(ctx, base, scenario, target_fy)
    out.update(blocks)
    return PersonRun(out, ctx, base, mitigated)


def prepare(
    return_dir: Path, origin: int, horizon: int, n_sims: int, seed: int
) -> tuple[Context, str]:
    from dbv.dataret.derive import snapshots, transitions
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years

    if horizon < 1 or n_sims < 1:
        raise UsageError("horizon and n_sims must be at least 1")
    ret = read_return(return_dir)
    if not ret.has("population"):
        raise DataFileError(
            "the data return has no population table, which joiner rates need",
            file=ret.root,
            fix="add population.csv (year, age, population, kind) for ages 0-25",
        )
    snaps = snapshots(ret, census_years(ret))
    trans = transitions(snaps, ret)
    pop_frame = ret.typed("population")
    model = PersonLevelModel().fit(snaps, trans, pop_frame, origin)
    space = model.space_
    years = [origin + j for j in range(horizon)]
    population = population_grid(pop_frame, years, space).T.copy()
    rates = model.posterior_.draw(np.random.default_rng(seed), n_sims, horizon)
    inputs = FinanceInputs.from_return(ret)
    offset = max(0, inputs.base_year - origin)
    if offset >= horizon:
        raise UsageError(
            f"the horizon ends before the finance base year {fy_label(inputs.base_year)}",
            fix="forecast further ahead",
        )
    to_fin = np.zeros((len(space.groups), len(inputs.groups)))
    for i, g in enumerate(space.groups):
        target = g if g in inputs.groups else "other"
        if target not in inputs.groups:
            raise UsageError(f"setting group {g} has no finance group")
        to_fin[i, inputs.groups.index(target)] = 1.0
    ctx = Context(model, rates, population, years, inputs, to_fin, offset, n_sims, seed, *_empty())
    ctx = replace(
        ctx,
        base=_steps(ctx, None, None, None, expected=False),
        base_expected=_steps(ctx, None, None, None, expected=True),
    )
    return ctx, _la_name(return_dir)


def _empty() -> tuple[Run, Run]:
    nothing = Run(np.zeros((0, 0, 0)), np.zeros((0, 0)))
    return nothing, nothing


def _la_name(root: Path) -> str:
    marker = root / "_synth.json"
    if marker.is_file():
        try:
            raw = json.loads(marker.read_text(encoding="utf-8"))
        except ValueError:
            raw = {}
        name = raw.get("la_name") or raw.get("name") if isinstance(raw, dict) else None
        return str(name or "Anyshire")
    return root.stem


def simulate(
    ctx: Context,
    scenario: Scenario | None = None,
    lever_effects: dict[str, Floats] | None = None,
    capacity: bool = False,
) -> Result:
    """A scenario run: the unmitigated random paths plus, per simulation and state, what the
    levers change in expectation (same drawn rates), floored at 0 (so a lever never removes a
    child a path does not have; this errs towards smaller savings). The scenario's capacity is
    then enforced on every January in turn (the excess moves to inmss, this year's arrivals
    first). Without a scenario: the unmitigated random paths."""
    base = ctx.base
    if scenario is None:
        return Result(base.stock, base.overflow, _finance(ctx, base.stock, None, None))
    cap = Capacity(scenario.capacity) if capacity and scenario.capacity else None
    mitigated = _steps(ctx, scenario, lever_effects, None, expected=True)
    stock = np.maximum(base.stock + (mitigated.stock - ctx.base_expected.stock), 0.0)
    overflow = np.zeros_like(base.overflow)
    if cap is not None:
        stock, overflow = _cap_paths(ctx, stock, cap)
    return Result(stock, overflow, _finance(ctx, stock, scenario, lever_effects))


def _steps(
    ctx: Context,
    scenario: Scenario | None,
    lever_effects: dict[str, Floats] | None,
    cap: Capacity | None,
    expected: bool,
) -> Run:
    m = ctx.model
    return run_steps(
        m.stock_,
        ctx.rates,
        ctx.population,
        m.space_,
        ctx.years,
        ctx.seed,
        scenario,
        lever_effects,
        cap,
        expected=expected,
        config=m.config,
    )


def _cap_paths(ctx: Context, stock: Floats, cap: Capacity) -> tuple[Floats, Floats]:
    """Enforce the capacity on each January of (n, S, h) stocks, in year order."""
    space = ctx.model.space_
    n, size, h = stock.shape
    shape = (n, *space.shape)
    out = stock.copy()
    extra = np.zeros((n, h))
    before = np.broadcast_to(ctx.model.stock_.astype(np.float64), shape)
    for j in range(h):
        x, extra[:, j] = cap.apply(out[:, :, j].reshape(shape), before, space, ctx.years[j])
        out[:, :, j] = np.asarray(x, dtype=np.float64).reshape(n, size)
        before = out[:, :, j].reshape(shape)
    return out, extra


def _finance(
    ctx: Context, stock: Floats, scenario: Scenario | None, lever_effects: dict[str, Floats] | None
) -> dict[str, Floats]:
    m = ctx.model
    k, g, a = m.space_.shape
    n, _, h = stock.shape
    start = np.broadcast_to(m.stock_.reshape(1, k * g * a, 1).astype(np.float64), (n, k * g * a, 1))
    januaries = np.concatenate([start, stock], axis=2).reshape(n, k, g, a, h + 1).sum(axis=(1, 3))
    by_group = np.einsum("ngt,gf->nft", januaries, ctx.to_finance)
    caseload = financial_year_caseload(by_group)[:, :, ctx.fy_offset :]
    first = ctx.years[ctx.fy_offset]
    proj = finance_project(ctx.inputs, caseload, first, seed=ctx.seed)
    lines = {name: proj.get(name, "total").copy() for name in FINANCE_LINES}
    groups = ctx.inputs.groups
    spend = np.stack([proj.get(gr, "setting_group") for gr in groups], axis=1)  # (n, G, T)
    if scenario is not None and lever_effects:
        factor = unit_cost_factor(scenario, lever_effects, groups, n, h)[:, :, ctx.fy_offset :]
        saving = (spend * (1.0 - factor)).sum(axis=1)
        spend = spend * factor
        lines["total_spend"] -= saving
        lines["in_year_balance"] += saving
        lines["cumulative_balance"] += np.cumsum(saving, axis=1)
    lines["group_spend"] = spend
    lines["group_caseload"] = caseload
    return lines


def _decomposition(ctx: Context, res: Result) -> dict[str, Any]:
    """Why the unmitigated figures change over the horizon (additive LMDI, per simulation):
    caseload into population and rate (plans per head, by NCY); spend into volume, provision
    mix and unit cost (first to last financial year)."""
    m = ctx.model
    k, g, a = m.space_.shape
    n, _, h = res.stock.shape
    c0 = np.broadcast_to(m.stock_.reshape(k, g, a).sum(axis=(0, 1)).astype(np.float64), (n, a))
    c1 = res.stock.reshape(n, k, g, a, h)[..., -1].sum(axis=(1, 2))
    p0 = np.broadcast_to(ctx.population[:, 0], (n, a))
    p1 = np.broadcast_to(ctx.population[:, -1], (n, a))
    with np.errstate(divide="ignore", invalid="ignore"):
        r0 = np.where(p0 > 0, c0 / p0, 0.0)
        r1 = np.where(p1 > 0, c1 / p1, 0.0)
    cas = decompose_caseload(p0, p1, r0, r1)
    cl = res.finance["group_caseload"]
    sp = res.finance["group_spend"]
    with np.errstate(divide="ignore", invalid="ignore"):
        u0 = np.where(cl[:, :, 0] > 0, sp[:, :, 0] / cl[:, :, 0], np.nan)
        u1 = np.where(cl[:, :, -1] > 0, sp[:, :, -1] / cl[:, :, -1], np.nan)
    spend = decompose_spend(cl[:, :, 0], cl[:, :, -1], u0, u1)
    labels = _fy_labels(ctx)
    return {
        "caseload": {
            "from_january": ctx.years[0],
            "to_january": ctx.years[-1] + 1,
            "change": _money(cas.total),
            **{name: _money(v) for name, v in cas.components.items()},
        },
        "placement_spend": {
            "from": labels[0],
            "to": labels[-1],
            "unit": "£ cash",
            "change": _money(spend.total),
            **{name: _money(v) for name, v in spend.components.items()},
        },
    }


def _fy_labels(ctx: Context) -> list[str]:
    return [fy_label(y) for y in ctx.years[ctx.fy_offset :]]


def _caseload_block(ctx: Context, res: Result) -> dict[str, Any]:
    space = ctx.model.space_
    k, g, a = space.shape
    s = np.arange(space.size)
    jan = [y + 1 for y in ctx.years]
    by_group = rollup(res.stock, (s // a) % g, g)
    by_need = rollup(res.stock, s // (g * a), k)
    return {
        "total": series(res.stock.sum(axis=1), jan),
        "by_setting": {name: series(by_group[:, i], jan) for i, name in enumerate(space.groups)},
        "by_need": {name: series(by_need[:, i], jan) for i, name in enumerate(space.needs)},
    }


def _finance_block(ctx: Context, res: Result) -> dict[str, Any]:
    labels = _fy_labels(ctx)
    return {
        "unit": "£ cash",
        **{
            line: [
                {"financial_year": lab, **pcts(res.finance[line][:, t], digits=0)}
                for t, lab in enumerate(labels)
            ]
            for line in FINANCE_LINES
        },
    }


def _money(values: Floats) -> dict[str, float]:
    return pcts(values, MONEY, digits=0)


def _scenario_blocks(
    ctx: Context, base: Result, scenario: Scenario, target_fy: int | None
) -> dict[str, Any]:
    return _scenario_run(ctx, base, scenario, target_fy)[0]


def _scenario_run(
    ctx: Context, base: Result, scenario: Scenario, target_fy: int | None
) -> tuple[dict[str, Any], Result]:
    levers = ordered(scenario.levers)
    eff = effects(scenario, ctx.years, ctx.n, ctx.seed)
    labels = _fy_labels(ctx)
    # stages: each lever added in the order they act
    stages: list[tuple[str, Result]] = [("unmitigated", base)]  # capacity already applied
    for i, lever in enumerate(levers):
        sub = replace(scenario, levers=tuple(levers[: i + 1]))
        stages.append(
            (lever.id, simulate(ctx, sub, {lv.id: eff[lv.id] for lv in sub.levers}, True))
        )
    costs = _costs(ctx, scenario, stages)
    mitigated = _charge(stages[-1][1], costs)
    info = {lv.id: assumptions(lv) for lv in levers}
    benefits = []
    for (_, before), (name, after) in zip(stages, stages[1:], strict=False):
        gross = before.finance["total_spend"] - after.finance["total_spend"]
        alt = costs.get(name, np.zeros_like(gross))
        benefits.append(
            {
                "lever": name,
                "assumptions": info.get(name, {"lever": name, "requires": "capacity plan"}),
                "by_year": [
                    {"financial_year": lab, **_money(gross[:, t] - alt[:, t])}
                    for t, lab in enumerate(labels)
                ],
                "gross_by_year": [
                    {"financial_year": lab, **_money(gross[:, t])} for t, lab in enumerate(labels)
                ],
                "alternative_cost_by_year": [
                    {"financial_year": lab, **_money(alt[:, t])} for t, lab in enumerate(labels)
                ],
                "total": _money((gross - alt).sum(axis=1)),
            }
        )
    gross_total = base.finance["total_spend"] - stages[-1][1].finance["total_spend"]
    invest = {f: costs[f"invest_{f}"] for f in FUNDERS}
    all_invest = sum(invest.values(), np.zeros_like(gross_total))
    sum_alt = costs["alternative_total"]
    net_total = base.finance["total_spend"] - mitigated.finance["total_spend"]
    gap = {
        "note": "deficit = -balance of the mitigated run (above 0 is a deficit); the mitigated "
        "run pays the levers' alternative costs and the investments funded from the high needs "
        "block",
        "in_year_deficit": [
            {"financial_year": lab, **_money(-mitigated.finance["in_year_balance"][:, t])}
            for t, lab in enumerate(labels)
        ],
        "cumulative_deficit": [
            {"financial_year": lab, **_money(-mitigated.finance["cumulative_balance"][:, t])}
            for t, lab in enumerate(labels)
        ],
        "overflow_over_capacity": series(mitigated.overflow, [y + 1 for y in ctx.years], "year"),
    }
    profile_total = [
        {"financial_year": lab, **_money(net_total[:, t])} for t, lab in enumerate(labels)
    ]
    out = {
        "scenario": {"name": scenario.name, "version": scenario.version},
        "unmitigated": {**_caseload_block(ctx, base), "finance": _finance_block(ctx, base)},
        "mitigated": {
            **_caseload_block(ctx, mitigated),
            "finance": _finance_block(ctx, mitigated),
        },
        "gap": gap,
        "benefits_profile": {
            "unit": "£ cash, unmitigated - mitigated high needs spend (each lever added after "
            "the last), net of each lever's alternative cost and of investments paid from the "
            "block",
            "levers": benefits,
            "investments": [inv.as_dict() for inv in scenario.investments],
            "investment_by_year": [
                {"financial_year": lab, **{f: round(float(invest[f][0, t])) for f in FUNDERS}}
                for t, lab in enumerate(labels)
            ],
            "gross": [
                {"financial_year": lab, **_money(gross_total[:, t])} for t, lab in enumerate(labels)
            ],
            "total": profile_total,
            "net_of_all_investment": [
                {
                    "financial_year": lab,
                    **_money(gross_total[:, t] - sum_alt[:, t] - all_invest[:, t]),
                }
                for t, lab in enumerate(labels)
            ],
        },
        "opportunity_matrix": _opportunity(ctx, stages, info),
        "tornado": _tornado(ctx, base, scenario, levers, eff),
        "goal_seek": _goal_seek(ctx, base, scenario, eff, target_fy, costs),
    }
    return out, mitigated


def _costs(ctx: Context, scenario: Scenario, stages: list[tuple[str, Result]]) -> dict[str, Floats]:
    """Per lever id, the alternative cost of the children it keeps out of the caseload, and
    ``invest_<funder>``: investments, each (n, T) £ by financial year."""
    fys = ctx.years[ctx.fy_offset :]
    levers = {lv.id: lv for lv in scenario.levers}
    out: dict[str, Floats] = {}
    alt_total = np.zeros((ctx.n, len(fys)))
    for i, ((_, before), (name, after)) in enumerate(zip(stages, stages[1:], strict=False)):
        lever = levers.get(name)
        if lever is None or lever.alternative_cost is None:
            continue
        kept_out = np.maximum(
            before.finance["group_caseload"].sum(axis=1)
            - after.finance["group_caseload"].sum(axis=1),
            0.0,
        )
        rng = np.random.default_rng([ctx.seed, 31, i])
        out[name] = kept_out * lever.alternative_cost.draw(ctx.n, rng)[:, None]
        alt_total += out[name]
    out["alternative_total"] = alt_total
    for funder, path in investment_paths(scenario.investments, fys, ctx.n).items():
        out[f"invest_{funder}"] = path
    return out


def _charge(res: Result, costs: dict[str, Floats] | None) -> Result:
    """The run with the alternative costs and the block-funded investments paid from the block."""
    if not costs:
        return res
    extra = costs["alternative_total"] + costs["invest_hnb"]
    if not extra.any():
        return res
    fin = dict(res.finance)
    fin["total_spend"] = fin["total_spend"] + extra
    fin["in_year_balance"] = fin["in_year_balance"] - extra
    fin["cumulative_balance"] = fin["cumulative_balance"] - np.cumsum(extra, axis=1)
    return Result(res.stock, res.overflow, fin)


def _opportunity(
    ctx: Context, stages: list[tuple[str, Result]], info: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    base = stages[0][1]
    spend_total = base.finance["total_spend"].sum(axis=1)
    rows = []
    for (_, before), (name, after) in zip(stages, stages[1:], strict=False):
        saved = (before.finance["group_spend"] - after.finance["group_spend"]).sum(axis=2)
        for gi, group in enumerate(ctx.inputs.groups):
            v = saved[:, gi]
            if not np.any(v):
                continue
            lever = info.get(name, {})
            rows.append(
                {
                    "setting_group": group,
                    "lever": name,
                    "value_low": round(float(np.percentile(v, 10))),
                    "value_mid": round(float(np.percentile(v, 50))),
                    "value_high": round(float(np.percentile(v, 90))),
                    "pct_of_spend": round(float(np.median(v / spend_total)) * 100, 2),
                    "requires": lever.get("requires", "capacity plan"),
                    "enablers": lever.get("enablers", []),
                    "size_n": lever.get("size_n"),
                }
            )
    return rows


def _full_effect_quantiles(
    scenario: Scenario, seed: int, q: tuple[float, ...]
) -> dict[str, list[float]]:
    """Quantiles of size x achievability per lever (its full effect, before the ramp)."""
    rng = np.random.default_rng([seed, 99])
    out = {}
    for lever in scenario.levers:
        full = draw(lever.size, 4000, rng) * draw(lever.achievability, 4000, rng)
        out[lever.id] = [float(x) for x in np.percentile(full, q)]
    return out


def _tornado(
    ctx: Context, base: Result, scenario: Scenario, levers: list[Any], eff: dict[str, Floats]
) -> list[dict[str, Any]]:
    q = _full_effect_quantiles(scenario, ctx.seed, (10.0, 50.0, 90.0))
    ramps = {lv.id: ramp_factor(lv, ctx.years) for lv in levers}

    def fixed(values: dict[str, float]) -> dict[str, Floats]:
        return {i: np.tile(v * ramps[i], (ctx.n, 1)) for i, v in values.items()}

    median = {lv.id: q[lv.id][1] for lv in levers}
    spent = base.finance["total_spend"].sum(axis=1)
    rows = []
    for lever in levers:
        saved = {}
        for label, idx in (("low", 0), ("high", 2)):
            res = simulate(ctx, scenario, fixed({**median, lever.id: q[lever.id][idx]}), True)
            saved[label] = spent - res.finance["total_spend"].sum(axis=1)
        rows.append(
            {
                "lever": lever.id,
                "size_low": round(q[lever.id][0], 4),
                "size_high": round(q[lever.id][2], 4),
                "size_n": assumptions(lever)["size_n"],
                "savings_low": _money(saved["low"]),
                "savings_high": _money(saved["high"]),
                "swing_p50": round(
                    float(np.median(saved["high"]) - np.median(saved["low"])),
                ),
            }
        )
    rows.sort(key=lambda r: -abs(float(r["swing_p50"])))
    return rows


def _goal_seek(
    ctx: Context,
    base: Result,
    scenario: Scenario,
    eff: dict[str, Floats],
    target: int | None,
    costs: dict[str, Floats] | None = None,
) -> dict[str, Any]:
    redirect = [lv for lv in scenario.levers if lv.kind in REDIRECT]
    fys = ctx.years[ctx.fy_offset :]
    target = fys[-1] if target is None else target
    if target not in fys:
        raise UsageError(f"target year {fy_label(target)} is outside {fy_label(fys[0])} onwards")
    t = fys.index(target)
    out: dict[str, Any] = {
        "target_financial_year": fy_label(target),
        "criterion": "median in-year high needs balance >= 0",
        "levers": [lv.id for lv in redirect],
    }

    def balance(mult: float) -> Floats:
        scaled = {
            k: np.clip(v * mult, 0.0, 1.0) if k in {lv.id for lv in redirect} else v
            for k, v in eff.items()
        }
        res = _charge(simulate(ctx, scenario, scaled, True), costs)
        return res.finance["in_year_balance"][:, t]

    now = balance(1.0)
    out["balance_at_1x"] = _money(now)
    if not redirect:
        out.update(multiplier=None, result="not reachable with these levers (no redirect lever)")
        return out
    if np.median(now) >= 0:
        zero = balance(0.0)
        if np.median(zero) >= 0:
            out.update(
                multiplier=0.0,
                balance_at_multiplier=_money(zero),
                result="reachable without the redirect levers (the other levers suffice)",
            )
            return out
        lo, hi = 0.0, 1.0
    else:
        positive = [
            float(v[v > 0].min()) for k, v in eff.items() if k in out["levers"] and (v > 0).any()
        ]
        top = min(1000.0, 1.0 / min(positive)) if positive else 1.0
        at_top = balance(top)
        if np.median(at_top) < 0:
            out.update(
                multiplier=None,
                balance_at_max=_money(at_top),
                max_multiplier=round(top, 2),
                result="not reachable with these levers: even with every redirect lever at "
                "its largest the median in-year balance stays in deficit",
            )
            return out
        lo, hi = 1.0, top
    for _ in range(8):
        mid = 0.5 * (lo + hi)
        if np.median(balance(mid)) >= 0:
            hi = mid
        else:
            lo = mid
    out.update(
        multiplier=round(hi, 3),
        balance_at_multiplier=_money(balance(hi)),
        result=f"reachable: redirect lever sizes x {hi:.2f}",
    )
    return out
