"""The risk register scored: inherent and residual score (likelihood x impact), RAG band per
``parameters/risk_matrix.yaml``, and the 5 x 5 heat map of counts before and after mitigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv import params
from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult
from dbv.errors import ParameterError
from dbv.module3.findings import finding, records

Which = Literal["inherent", "residual"]
SCORED_COLUMNS = [
    "risk_id", "title", "category", "workstream_id", "owner_role", "status", "likelihood",
    "impact", "inherent_score", "inherent_rag", "residual_likelihood", "residual_impact",
    "residual_score", "residual_rag", "reduction",
]  # fmt: skip
AXES = {
    "inherent": ("likelihood", "impact"),
    "residual": ("residual_likelihood", "residual_impact"),
}


@dataclass(frozen=True)
class RiskMatrix:
    """Scores (1 to scale squared) from ``red_from`` up are red, from ``amber_from`` amber."""

    scale: int = 5
    amber_from: int = 8
    red_from: int = 15

    def rag(self, score: pl.Expr) -> pl.Expr:
        return (
            pl.when(score >= self.red_from)
            .then(pl.lit("red"))
            .when(score >= self.amber_from)
            .then(pl.lit("amber"))
            .when(score >= 1)
            .then(pl.lit("green"))
        )


def risk_matrix() -> RiskMatrix:
    """The bands in force (the latest dated entry of ``risk_matrix.yaml``)."""
    values = params.load("risk_matrix")["values"]
    v = values[max(values)]
    m = RiskMatrix(int(v["scale"]), int(v["amber_from"]), int(v["red_from"]))
    if not 1 < m.amber_from < m.red_from <= m.scale**2:
        raise ParameterError(
            "risk matrix bands must satisfy 1 < amber_from < red_from <= scale squared",
            file=params.parameter_path("risk_matrix"),
            fix="e.g. scale 5, amber_from 8, red_from 15",
        )
    return m


def score_risks(risk: pl.DataFrame, matrix: RiskMatrix | None = None) -> pl.DataFrame:
    """One row per risk with inherent and residual score and RAG, and ``reduction`` (inherent
    minus residual score); the highest residual scores first."""
    m = matrix or risk_matrix()
    inherent = pl.col("likelihood") * pl.col("impact")
    residual = pl.col("residual_likelihood") * pl.col("residual_impact")
    return (
        risk.with_columns(inherent.alias("inherent_score"), residual.alias("residual_score"))
        .with_columns(
            m.rag(pl.col("inherent_score")).alias("inherent_rag"),
            m.rag(pl.col("residual_score")).alias("residual_rag"),
            (pl.col("inherent_score") - pl.col("residual_score")).alias("reduction"),
        )
        .sort(["residual_score", "inherent_score", "risk_id"], descending=[True, True, False])
        .select(SCORED_COLUMNS)
    )


def heat_matrix(
    risk: pl.DataFrame, which: Which = "inherent", matrix: RiskMatrix | None = None
) -> npt.NDArray[np.int64]:
    """Counts of risks by likelihood (rows, 1 first) and impact (columns, 1 first). Closed
    risks and risks not scored within the scale are left out."""
    m = matrix or risk_matrix()
    lik, imp = AXES[which]
    out = np.zeros((m.scale, m.scale), dtype=np.int64)
    live = risk.filter(pl.col("status").ne_missing("closed"))
    for li, im in live.select(lik, imp).iter_rows():
        if li is not None and im is not None and 1 <= li <= m.scale and 1 <= im <= m.scale:
            out[li - 1, im - 1] += 1
    return out


def heat_map(risk: pl.DataFrame, matrix: RiskMatrix | None = None) -> pl.DataFrame:
    """The heat map as tidy rows for a chart: every likelihood x impact cell with its score,
    RAG band and the counts of (not closed) risks there before and after mitigation."""
    m = matrix or risk_matrix()
    cells = [(li, im) for li in range(1, m.scale + 1) for im in range(1, m.scale + 1)]
    counts = {w: heat_matrix(risk, w, m) for w in ("inherent", "residual")}
    frame = pl.DataFrame(
        {
            "likelihood": [li for li, _ in cells],
            "impact": [im for _, im in cells],
            "inherent": [int(counts["inherent"][li - 1, im - 1]) for li, im in cells],
            "residual": [int(counts["residual"][li - 1, im - 1]) for li, im in cells],
        },
        schema=dict.fromkeys(["likelihood", "impact", "inherent", "residual"], pl.Int64),
    )
    score = pl.col("likelihood") * pl.col("impact")
    return frame.with_columns(score.alias("score"), m.rag(score).alias("rag")).select(
        "likelihood", "impact", "score", "rag", "inherent", "residual"
    )


def check_risks(risk: pl.DataFrame, matrix: RiskMatrix | None = None) -> list[CheckResult]:
    """Scores missing or off the scale (errors), and residual scores above inherent ones."""
    m = matrix or risk_matrix()
    out: list[CheckResult] = []
    for r in records(risk):
        for col in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            if r[col] is None or not 1 <= r[col] <= m.scale:
                out.append(
                    finding(
                        "plan_risk_score",
                        "risk",
                        f"risk {r['risk_id']}: {col} must be a whole number from 1 to {m.scale}",
                        f"score it from 1 to {m.scale}",
                        row=r[ROW],
                        column=col,
                        value=r[col],
                    )
                )
        scores = [r["likelihood"], r["impact"], r["residual_likelihood"], r["residual_impact"]]
        if None not in scores and scores[2] * scores[3] > scores[0] * scores[1]:
            out.append(
                finding(
                    "plan_risk_residual_above_inherent",
                    "risk",
                    f"risk {r['risk_id']}: the residual score {scores[2] * scores[3]} is above "
                    f"the inherent score {scores[0] * scores[1]}",
                    "mitigation should not raise a risk; check the residual scores",
                    row=r[ROW],
                    column="residual_likelihood",
                    severity="warning",
                )
            )
    return out
