"""The programme's governance: one row per body with its level under the top body, its members
and the workstreams reporting to it, and the check that every workstream's reporting chain
reaches a top body (a body reporting to no one) without a loop."""

from __future__ import annotations

import polars as pl

from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult
from dbv.module3.findings import finding, ids, records

GOVERNANCE_COLUMNS = [
    "body", "role_in_programme", "chair_role", "meets", "reports_to", "level", "top_body",
    "members", "n_members", "workstreams",
]  # fmt: skip


def chains(governance: pl.DataFrame) -> dict[str, list[str] | None]:
    """For each body, the bodies from it up to its top body (itself first); None when the chain
    loops or reaches a body that is not in the table."""
    up = {r["body"]: r["reports_to"] for r in governance.iter_rows(named=True)}
    out: dict[str, list[str] | None] = {}
    for body in up:
        path = [body]
        while path[-1] in up and up[path[-1]] is not None and up[path[-1]] not in path:
            path.append(up[path[-1]])
        last = path[-1]
        out[body] = path if last in up and up[last] is None else None
    return out


def governance_table(governance: pl.DataFrame, workstream: pl.DataFrame) -> pl.DataFrame:
    """One row per body, top bodies first: ``level`` (0 for a top body, null if its chain
    loops), ``top_body``, ``members`` (list of roles) and the ``workstreams`` reporting to it."""
    paths = chains(governance)
    tree = pl.DataFrame(
        {
            "body": list(paths),
            "level": [None if p is None else len(p) - 1 for p in paths.values()],
            "top_body": [None if p is None else p[-1] for p in paths.values()],
        },
        schema={"body": pl.String, "level": pl.Int64, "top_body": pl.String},
    )
    streams = (
        workstream.sort("workstream_id")
        .group_by("reports_to", maintain_order=True)
        .agg(pl.col("workstream_id").alias("workstreams"))
        .rename({"reports_to": "body"})
    )
    members = pl.Series("members", [ids(m) for m in governance["members"]], pl.List(pl.String))
    return (
        governance.with_columns(members)
        .with_columns(pl.col("members").list.len().cast(pl.Int64).alias("n_members"))
        .join(tree, on="body", how="left")
        .join(streams, on="body", how="left")
        .with_columns(pl.col("workstreams").fill_null(pl.lit([], pl.List(pl.String))))
        .sort("level", "body", nulls_last=True)
        .select(GOVERNANCE_COLUMNS)
    )


def membership(governance: pl.DataFrame) -> pl.DataFrame:
    """Tidy membership: one row per body and member role."""
    rows = [
        (g["body"], role) for g in governance.iter_rows(named=True) for role in ids(g["members"])
    ]
    return pl.DataFrame(rows, schema={"body": pl.String, "role": pl.String}, orient="row")


def check_governance(
    governance: pl.DataFrame, workstream: pl.DataFrame, roles: set[str] | None = None
) -> list[CheckResult]:
    """Bodies reporting to an unknown body or round a loop, workstreams reporting to no known
    body, and (when ``roles`` is given) member roles not in the role list."""
    out: list[CheckResult] = []
    paths = chains(governance)
    for g in records(governance):
        up = g["reports_to"]
        if up is not None and up not in paths:
            out.append(
                finding(
                    "plan_governance_unknown_body",
                    "governance",
                    f"{g['body']} reports to {up}, which is not a governance body",
                    "give the name of a body in governance.csv, or leave it blank for the top body",
                    row=g[ROW],
                    column="reports_to",
                    value=up,
                )
            )
        elif paths.get(g["body"]) is None:
            out.append(
                finding(
                    "plan_governance_cycle",
                    "governance",
                    f"{g['body']} reports round a loop that never reaches a top body",
                    "make one body in the loop the top body (blank reports_to), or have it "
                    "report to one",
                    row=g[ROW],
                    column="reports_to",
                    value=up,
                )
            )
        unknown = [r for r in ids(g["members"]) if roles is not None and r not in roles]
        if unknown:
            out.append(
                finding(
                    "plan_governance_member_role",
                    "governance",
                    f"{g['body']}: unknown member roles {', '.join(unknown)}",
                    "use the role codes of the plan schema, separated by ';'",
                    row=g[ROW],
                    column="members",
                    value=";".join(unknown),
                    severity="warning",
                )
            )
    for w in records(workstream):
        body = w["reports_to"]
        if body in paths and paths[body] is not None:
            continue
        why = (
            "no one" if body is None
            else f"{body}, which is not a governance body" if body not in paths
            else f"{body}, whose reporting chain loops and never reaches a top body"
        )  # fmt: skip
        out.append(
            finding(
                "plan_workstream_unreported",
                "workstream",
                f"workstream {w['workstream_id']} reports to {why}",
                "give the name of a body in governance.csv whose chain reaches a top body",
                row=w[ROW],
                column="reports_to",
                value=body,
            )
        )
    return out
