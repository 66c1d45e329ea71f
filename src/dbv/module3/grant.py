"""The grant application: totals by financial year and by category (with the number of lines
behind each), and the checks that amounts are positive, the total is within the limit of
``parameters/grant.yaml`` and every line links to a workstream or its opportunity."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dbv import params
from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult
from dbv.finance.years import is_fy_label
from dbv.module3.findings import finding, records
from dbv.module3.load import plan_schema


@dataclass(frozen=True)
class GrantLimit:
    maximum: float = 1_000_000.0
    financial_years: int = 3


def grant_limit() -> GrantLimit:
    """The limit in force (the latest dated entry of ``grant.yaml``)."""
    values = params.load("grant")["values"]
    v = values[max(values)]
    return GrantLimit(float(v["maximum"]), int(v["financial_years"]))


def _totals(grant: pl.DataFrame, by: str) -> pl.DataFrame:
    total = grant["amount"].sum()
    return (
        grant.group_by(by)
        .agg(pl.len().cast(pl.Int64).alias("lines"), pl.col("amount").sum().alias("amount"))
        .with_columns(
            (pl.col("amount") / total if total else pl.lit(None, pl.Float64)).alias("share")
        )
    )


def by_year(grant: pl.DataFrame) -> pl.DataFrame:
    """financial_year, lines, amount (pounds) and share of the total, in year order."""
    return _totals(grant, "financial_year").sort("financial_year", nulls_last=True)


def by_category(grant: pl.DataFrame, labels: dict[str, str] | None = None) -> pl.DataFrame:
    """category, label, lines, amount and share of the total, largest first."""
    labels = labels if labels is not None else plan_schema().code_list("grant_category")
    return (
        _totals(grant, "category")
        .with_columns(pl.col("category").replace_strict(labels, default=None).alias("label"))
        .sort(["amount", "category"], descending=[True, False], nulls_last=True)
        .select("category", "label", "lines", "amount", "share")
    )


def grant_summary(grant: pl.DataFrame, limit: GrantLimit | None = None) -> dict[str, float | int]:
    """total (pounds), lines, maximum, headroom (maximum minus total) and financial years."""
    lim = limit or grant_limit()
    total = float(grant["amount"].sum())
    return {
        "total": total,
        "lines": grant.height,
        "maximum": lim.maximum,
        "headroom": lim.maximum - total,
        "financial_years": grant["financial_year"].drop_nulls().n_unique(),
    }


def check_grant(
    grant: pl.DataFrame, workstream: pl.DataFrame, limit: GrantLimit | None = None
) -> list[CheckResult]:
    """Amounts missing, zero or negative; financial years not written like 2025-26 or spread
    over more years than allowed; lines linked to no workstream or opportunity; and a total
    above the limit (reported at the line where the running total passes it)."""
    lim = limit or grant_limit()
    links = set(workstream["workstream_id"].drop_nulls()) | set(
        workstream["opportunity"].drop_nulls()
    )
    out: list[CheckResult] = []
    running, over_at = 0.0, None
    for g in records(grant):
        amount, line = g["amount"], g["line_id"]
        if amount is None or amount <= 0:
            out.append(
                finding(
                    "plan_grant_amount",
                    "grant_line",
                    f"grant line {line}: the amount must be a positive number of pounds",
                    "give the amount in pounds, more than zero",
                    row=g[ROW],
                    column="amount",
                    value=amount,
                )
            )
        else:
            running += amount
            if over_at is None and running > lim.maximum:
                over_at = g
        fy = g["financial_year"]
        if not is_fy_label(fy):
            out.append(
                finding(
                    "plan_grant_year",
                    "grant_line",
                    f"grant line {line}: financial year {fy or '(blank)'} is not like 2025-26",
                    "write the financial year as YYYY-YY, e.g. 2025-26",
                    row=g[ROW],
                    column="financial_year",
                    value=fy,
                )
            )
        if (g["opportunity"] or "").strip() not in links:
            out.append(
                finding(
                    "plan_grant_unlinked",
                    "grant_line",
                    f"grant line {line} links to {g['opportunity'] or 'nothing'}, which is no "
                    "workstream or workstream opportunity",
                    "give the workstream_id (or its opportunity's lever id) the spend delivers",
                    row=g[ROW],
                    column="opportunity",
                    value=g["opportunity"],
                )
            )
    if over_at is not None:
        out.append(
            finding(
                "plan_grant_over_limit",
                "grant_line",
                f"the grant lines add up to £{running:,.0f}, over the £{lim.maximum:,.0f} limit; "
                f"the total passes it at line {over_at['line_id']}",
                "reduce or remove lines so the total is within the limit",
                row=over_at[ROW],
                column="amount",
                value=over_at["amount"],
            )
        )
    years = sorted({fy for fy in grant["financial_year"].drop_nulls() if is_fy_label(fy)})
    if len(years) > lim.financial_years:
        out.append(
            finding(
                "plan_grant_years",
                "grant_line",
                f"the grant is spread over {len(years)} financial years ({', '.join(years)}); "
                f"the limit is {lim.financial_years}",
                "move the spend into fewer financial years",
                column="financial_year",
                severity="warning",
            )
        )
    return out
