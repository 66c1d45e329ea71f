"""Located frames and the finding rows checks build from them.

Every check works on whole columns: it filters a located frame (the table with the spreadsheet
row of each record in :data:`ROW`) down to the offending records and turns them into findings
with :func:`findings`; :func:`collect` caps them and makes :class:`CheckResult` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import polars as pl

from dbv.checks.result import SEVERITIES, CheckResult, Severity, Stage, as_severity
from dbv.dataret.reader import DataReturn, typed

ROW = "__dbv_row"
CAP = 50  # findings listed per check; the rest are summarised in one row per severity
VALUE_CHARS = 80  # cell values are cut to this length in results

FINDING_SCHEMA: dict[str, type[pl.DataType]] = {
    "severity": pl.String,
    "table": pl.String,
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "action": pl.String,
}

EMPTY = pl.DataFrame(schema=FINDING_SCHEMA)

# What one record of each table is called in messages.
NOUNS = {
    "person": "person",
    "request": "request",
    "assessment": "assessment",
    "named_plan": "plan",
    "placement": "placement",
    "sen_need": "need",
    "annual_review": "review",
    "school_census": "school",
    "population": "population",
    "finance": "finance line",
    "unit_costs": "unit cost",
}


def raw_rows(ret: DataReturn, name: str) -> pl.DataFrame:
    """The table as text with the spreadsheet row of each record in :data:`ROW`: the schema's
    columns only (absent ones null); fully blank rows are left out."""
    table = ret.schema.tables[name]
    raw = ret.tables.get(name)
    if raw is None:
        return pl.DataFrame(schema={**dict.fromkeys(table.names, pl.String), ROW: pl.Int64})
    frame = raw.frame
    present = [c for c in table.names if c in frame.columns]
    blank = (
        frame.select(pl.all_horizontal(pl.all().is_null()).alias("b")).to_series()
        if frame.width
        else pl.Series("b", [True] * frame.height, dtype=pl.Boolean)
    )
    out = frame.select(
        *(pl.col(c).cast(pl.String) for c in present),
        (pl.int_range(0, pl.len(), dtype=pl.Int64) + raw.first_row).alias(ROW),
    )
    out = out.with_columns(
        pl.lit(None, pl.String).alias(c) for c in table.names if c not in present
    )
    return out.filter(~blank).select(*table.names, ROW)


def typed_rows(ret: DataReturn, name: str) -> pl.DataFrame:
    """The table converted to schema types (cells that do not parse are null) with its
    spreadsheet rows in :data:`ROW`; fully blank rows are left out."""
    kept = raw_rows(ret, name)
    return typed(kept, ret.schema.tables[name]).with_columns(kept[ROW])


def txt(expr: pl.Expr | str) -> pl.Expr:
    """A column as text for a message, with ``(blank)`` for nulls."""
    e = pl.col(expr) if isinstance(expr, str) else expr
    return e.cast(pl.String).fill_null("(blank)")


def number(expr: pl.Expr | str) -> pl.Expr:
    """A number as text for a message: whole numbers without decimals, others to 2 places."""
    e = pl.col(expr) if isinstance(expr, str) else expr
    whole = e.is_finite() & (e == e.round(0)) & (e.abs() < 1e15)
    return (
        pl.when(whole)
        .then(e.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(e.round(2).cast(pl.String))
        .fill_null("(blank)")
    )


def label(ret: DataReturn, name: str) -> pl.Expr:
    """How a record is named in messages: ``placement PM001``, or for a composite key
    ``need (plan_id PL001, need_rank 1, start_date 2022-03-15)``."""
    key = ret.schema.tables[name].key
    noun = NOUNS.get(name, name)
    if len(key) == 1:
        return pl.concat_str(pl.lit(noun + " "), txt(key[0]))
    parts: list[pl.Expr] = []
    for i, k in enumerate(key):
        parts += [pl.lit((", " if i else "") + k + " "), txt(k)]
    return pl.concat_str(pl.lit(noun + " ("), *parts, pl.lit(")"))


def current(start: str, end: str, on: dt.date) -> pl.Expr:
    """True where the record has started by ``on`` and not ended (end is exclusive)."""
    return (pl.col(start) <= on) & (pl.col(end).is_null() | (pl.col(end) > on))


def findings(
    frame: pl.DataFrame,
    ret: DataReturn,
    table: str | None,
    *,
    column: pl.Expr | str | None,
    message: pl.Expr,
    action: pl.Expr | str,
    severity: pl.Expr | Severity = "error",
    value: pl.Expr | None = None,
    row: pl.Expr | None = None,
) -> pl.DataFrame:
    """Finding rows (:data:`FINDING_SCHEMA`) for every record of ``frame``."""
    if frame.is_empty():
        return EMPTY
    raw = ret.tables.get(table) if table is not None else None
    exprs = {
        "severity": severity if isinstance(severity, pl.Expr) else pl.lit(severity),
        "table": pl.lit(table, pl.String),
        "file": pl.lit(None if raw is None else str(raw.file), pl.String),
        "sheet": pl.lit(None if raw is None else raw.sheet, pl.String),
        "row": row if row is not None else pl.col(ROW),
        "column": column if isinstance(column, pl.Expr) else pl.lit(column, pl.String),
        "value": pl.lit(None, pl.String) if value is None else value.cast(pl.String),
        "message": message,
        "action": action if isinstance(action, pl.Expr) else pl.lit(action),
    }
    # with_columns broadcasts literals to the frame's height (select would give one row).
    tmp = {f"__finding_{k}": e for k, e in exprs.items()}
    return (
        frame.with_columns(**tmp)
        .select(pl.col(f"__finding_{k}").alias(k) for k in exprs)
        .cast(FINDING_SCHEMA)  # type: ignore[arg-type]
    )


def result(
    code: str,
    stage: Stage,
    severity: Severity,
    *,
    message: str,
    action: str,
    ret: DataReturn | None = None,
    table: str | None = None,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> CheckResult:
    """One result not tied to the records of a frame (a missing table, a missing column)."""
    raw = ret.tables.get(table) if ret is not None and table is not None else None
    return CheckResult(
        code=code,
        stage=stage,
        severity=severity,
        table=table,
        file=file if file is not None else (None if raw is None else str(raw.file)),
        row=row,
        column=column,
        value=None if value is None else value[:VALUE_CHARS],
        message=message,
        action=action,
        sheet=None if raw is None else raw.sheet,
    )


def collect(
    code: str,
    stage: Stage,
    parts: Iterable[pl.DataFrame] = (),
    extra: Sequence[CheckResult] = (),
    cap: int = CAP,
) -> list[CheckResult]:
    """``extra`` then the finding rows of ``parts`` (worst severity first, then each part in
    row order) as results, at most ``cap`` of them; the rest become one summary row per
    severity saying how many were left out (its ``count``)."""
    frames = [
        p.select(list(FINDING_SCHEMA)).sort("row", nulls_last=False, maintain_order=True)
        for p in parts
        if not p.is_empty()
    ]
    # Worst first, so a cap filled with warnings never hides an error.
    rank = pl.col("severity").replace_strict(
        {s: i for i, s in enumerate(SEVERITIES)}, default=len(SEVERITIES), return_dtype=pl.Int8
    )
    rows = pl.concat(frames).sort(rank, maintain_order=True) if frames else EMPTY
    listed = list(extra[:cap])
    room = max(cap - len(listed), 0)
    for r in rows.head(room).iter_rows(named=True):
        listed.append(
            CheckResult(
                code=code,
                stage=stage,
                severity=as_severity(r["severity"]),
                table=r["table"],
                file=r["file"],
                row=r["row"],
                column=r["column"],
                value=None if r["value"] is None else r["value"][:VALUE_CHARS],
                message=r["message"] or "",
                action=r["action"] or "",
                sheet=r["sheet"],
            )
        )
    if rows.height <= room and len(extra) <= cap:
        return listed
    left_out = pl.concat(
        [
            pl.DataFrame(
                {
                    "severity": [r.severity for r in extra[cap:]],
                    "table": [r.table for r in extra[cap:]],
                },
                schema={"severity": pl.String, "table": pl.String},
            ),
            rows.slice(room).select("severity", "table"),
        ]
    )
    total = len(extra) + rows.height
    for (severity,), group in left_out.group_by(["severity"], maintain_order=True):
        tables = sorted({t for t in group["table"].to_list() if t is not None})
        listed.append(
            CheckResult(
                code=code,
                stage=stage,
                severity=as_severity(str(severity)),
                table=tables[0] if len(tables) == 1 else None,
                file=None,
                row=None,
                column=None,
                value=None,
                message=f"{group.height:,} more {severity} finding(s) not listed"
                + (f", in {', '.join(tables)}" if tables else "")
                + f" (this check found {total:,} in all)",
                action="fix the ones listed (they are often one problem repeated) and run again",
                count=group.height,
            )
        )
    return listed
