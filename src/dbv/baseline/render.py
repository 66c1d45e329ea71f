"""Rich tables for a baseline, for people at a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

SHORT = {
    "mainstream": "Mainstr.",
    "resourced_provision": "RP",
    "sen_unit": "SEN unit",
    "state_special": "State sp.",
    "inmss": "INMSS",
    "ap_pru": "AP/PRU",
    "post16": "Post-16",
    "early_years": "EY",
    "other": "Other",
}


def fmt(v: Any, unit: str = "count") -> str:
    if v is None:
        return "–"
    if unit == "%":
        return f"{v:.1f}%"
    if unit == "£":
        return f"£{v / 1e6:,.1f}m"
    if unit == "£/plan":
        return f"£{v:,.0f}"
    return f"{v:,.0f}" if isinstance(v, int | float) else str(v)


def print_baseline(console: Console, r: dict[str, Any]) -> None:
    la = r["la"]
    console.rule(f"[bold]{la['name']}[/] ({la['old_code']}, {la['code']}) · {la['region']}")
    t = Table(title="EHC plans at January, by setting", title_justify="left")
    t.add_column("Year", justify="right")
    t.add_column("Total", justify="right", style="bold")
    for g in r["setting_groups"]:
        t.add_column(SHORT.get(g, g), justify="right")
    t.add_column("Unexpl.", justify="right")
    for row in r["caseload"]:
        if row["total"] is None and row.get("note", "").startswith("not published"):
            continue
        t.add_row(
            str(row["year"]),
            fmt(row["total"]) if row["total"] is not None else f"[dim]{row.get('note', '')}[/]",
            *(fmt(row["by_setting"][g]) for g in r["setting_groups"]),
            fmt(row["unexplained"]),
        )
    console.print(t)

    g = Table(title="Caseload growth", title_justify="left")
    for c in ("Period", "From", "To", "Change", "%", "a year (CAGR)"):
        g.add_column(c, justify="right")
    for k, v in r["growth"].items():
        g.add_row(
            f"{k} ({v['from_year']}→{v['to_year']})",
            fmt(v["from"]),
            fmt(v["to"]),
            fmt(v["change"]),
            fmt(v["pct"], "%"),
            fmt(v["cagr_pct"], "%") if v["cagr_pct"] is not None else v.get("note", "–"),
        )
    console.print(g)

    f = Table(
        title="Flows in each calendar year, and the stock-flow identity", title_justify="left"
    )
    heads = (
        "Year",
        "Requests",
        "Refused %",
        "New plans",
        "20 wk %",
        "Ceased",
        "Δ stock",
        "New−ceased",
        "Unexpl.",
    )
    for c in heads:
        f.add_column(c, justify="right")
    for row in r["flows"]:
        i = row["identity"]
        f.add_row(
            str(row["year"]),
            fmt(row["requests"]),
            _pct_n(row["refusal_rate_pct"], row["refusal_rate_n"]),
            fmt(row["new_plans"]),
            _pct_n(row["timeliness_pct"], row["timeliness_n"]),
            fmt(row["ceased"]),
            fmt(i["stock_change"]),
            fmt(i["new_minus_ceased"]),
            fmt(i["unexplained"]),
        )
    console.print(f)

    if r["need_mix"]:
        latest = r["need_mix"][-1]
        n = Table(
            title=f"Primary need, January {latest['year']} (n = {fmt(latest['n'])})",
            title_justify="left",
        )
        n.add_column("Need")
        n.add_column("Plans", justify="right")
        n.add_column("%", justify="right")
        for k, v in sorted(latest["counts"].items(), key=lambda kv: -(kv[1] or 0)):
            n.add_row(k, fmt(v), fmt(latest["pct"][k], "%"))
        console.print(n)

    if r["age_mix"]:
        a = Table(
            title="Age mix (% of plans; n = plans with a published age)", title_justify="left"
        )
        a.add_column("Year", justify="right")
        a.add_column("n", justify="right")
        bands = list(r["age_mix"][-1]["pct"])
        for band in bands:
            a.add_column(band.replace("age_", "").replace("_", "–"), justify="right")
        for m in r["age_mix"][-6:]:
            a.add_row(str(m["year"]), fmt(m["n"]), *(fmt(m["pct"].get(b), "%") for b in bands))
        console.print(a)

    if r["pupils"] or r["dsg"]:
        p = Table(title="Pupils (school census) and high needs funding", title_justify="left")
        p.add_column("Year", justify="right")
        p.add_column("% pupils with EHC plan", justify="right")
        p.add_column("% pupils on SEN support", justify="right")
        p.add_column("HNB allocation (financial year)", justify="right")
        dsg = {int(d["financial_year"][:4]): d["hnb_allocation"] for d in r["dsg"]}
        years = sorted({x["year"] for x in r["pupils"]} | set(dsg))
        pupils = {x["year"]: x for x in r["pupils"]}
        for y in years:
            row = pupils.get(y, {})
            p.add_row(
                str(y),
                fmt(row.get("pct_ehcp"), "%"),
                fmt(row.get("pct_sen_support"), "%"),
                f"{y}-{(y + 1) % 100:02d}: {fmt(dsg[y], '£')}" if y in dsg else "–",
            )
        console.print(p)

    b = Table(title="Benchmarks (latest year England publishes)", title_justify="left")
    for c in (
        "Measure",
        "Year",
        la["name"],
        "England",
        "Region",
        "Neighbours median",
        "Rank in SN",
        "Quartile",
    ):
        b.add_column(c, justify="right" if c != "Measure" else "left")
    for row in r["benchmarks"]:
        u = row["unit"]
        rank = (
            f"{row['rank_in_neighbours']} of {row['neighbours_compared'] + 1}"
            if row["rank_in_neighbours"] is not None
            else "–"
        )
        b.add_row(
            row["label"],
            str(row["year"]),
            fmt(row["value"], u),
            fmt(row["england"], u),
            fmt(row["region"], u),
            fmt(row["neighbours_median"], u),
            rank,
            "–" if row["quartile"] is None else f"Q{row['quartile']}",
        )
    console.print(b)
    console.print("[dim]Rank 1 = highest value. Quartile 1 = lowest quarter of English LAs.[/]")
    for w in r["warnings"]:
        console.print(f"[yellow]Note:[/] {w}")


def _pct_n(pct: float | None, n: float | None) -> str:
    if pct is None:
        return "–"
    return f"{pct:.1f}% (n={n:,.0f})" if n is not None else f"{pct:.1f}%"
