"""Scenario levers sized from the case-review findings (domain spec 5.2).

Each lever is a dict in the format ``dbv.scenarios.spec.parse`` reads. Its size is the Beta
(Jeffreys) posterior of a proportion seen in the randomly drawn cases, written as
``{distribution: beta, successes: k, trials: n}`` so the sample size travels with the number;
hand-picked cases never count. With k = 0 the lever is small but not zero: Beta(0.5, n + 0.5)
still has an upper tail. A lever whose denominator has no cases is left out (there is no
evidence to size it). Achievability defaults to uniform 0.25 to 0.75 (never 1 by default).

| kind | k: random cases where the panel agreed | n: random cases |
| --- | --- | --- |
| sen_support | needs could have been met without an EHC plan | all |
| mainstream_not_specialist | a different provision, ideally mainstream | in special schools |
| rp_not_special | a different provision, ideally RP or SEN unit | in special schools |
| state_not_independent | a different provision, ideally state special | in INMSS |

Special schools here are state special schools and INMSS.

With ``weighted=True`` the size uses the design-weighted share at Kish's effective sample size
(successes = p x n_eff, trials = n_eff, not whole numbers); the evidence states both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from dbv.module2.cases import estimate_row, random_cases
from dbv.module2.engagement import Engagement
from dbv.stats import beta_posterior

SPECIAL = ("state_special", "inmss")


@dataclass(frozen=True)
class Finding:
    kind: str
    groups: tuple[str, ...] | None  # setting groups of the denominator (None: every case)
    hit: pl.Expr
    what: str
    requires: str


def _ideal(*codes: str) -> pl.Expr:
    return (pl.col("different_provision") == "yes") & pl.col("ideal_provision").is_in(codes)


FINDINGS = (
    Finding(
        "sen_support", None, pl.col("met_without_ehcp") == "yes",
        "needs could have been met without an EHC plan (at SEN support with the right offer)",
        "An ordinarily available provision offer in every mainstream school, inclusion outreach "
        "and funded SEN support in place before any request for assessment is refused.",
    ),
    Finding(
        "mainstream_not_specialist", SPECIAL, _ideal("mainstream"),
        "a mainstream school would be the ideal provision",
        "Specialist teaching and educational psychology outreach to mainstream schools, so that "
        "children who would otherwise go to a special school are supported there.",
    ),
    Finding(
        "rp_not_special", SPECIAL, _ideal("resourced_provision", "sen_unit"),
        "resourced provision or an SEN unit would be the ideal provision",
        "Enough resourced-provision and SEN-unit places, open before children are redirected "
        "from special schools.",
    ),
    Finding(
        "state_not_independent", ("inmss",), _ideal("state_special"),
        "a state special school would be the ideal provision",
        "Enough maintained special school places, open before children are redirected from "
        "independent and non-maintained special schools.",
    ),
)  # fmt: skip


def levers_from_findings(
    eng: Engagement,
    *,
    weighted: bool = False,
    achievability: Mapping[str, Any] | None = None,
    start_year: int | None = None,
    requires: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Scenario lever dicts (``sen_support``, ``mainstream_not_specialist``, ``rp_not_special``,
    ``state_not_independent``) sized from the panel consensus on randomly drawn cases.

    ``requires`` overrides the provision text per kind (say what exists locally);
    ``achievability`` replaces the default uniform 0.25 to 0.75."""
    cases = random_cases(eng)
    picked = eng.table("case_sample")["hand_picked"].fill_null(False).sum()
    levers: list[dict[str, Any]] = []
    for f in FINDINGS:
        base = cases if f.groups is None else cases.filter(pl.col("setting_group").is_in(f.groups))
        if not base.height:
            continue
        row = estimate_row(base, f.hit)
        k, n = int(row["k"] or 0), int(row["n"] or 0)
        size: dict[str, Any] = {"distribution": "beta", "successes": k, "trials": n}
        names = eng.code_labels("setting_group")
        where = "" if f.groups is None else " in " + " or ".join(names[g] for g in f.groups)
        evidence = (
            f"case reviews, panel consensus on randomly drawn cases{where}: {f.what} in "
            f"{beta_posterior(k, n).text()}, Jeffreys Beta posterior"
        )
        if weighted and row["p_weighted"] is not None and row["n_effective"] is not None:
            n_eff, p_w = float(row["n_effective"]), float(row["p_weighted"])
            size = {"distribution": "beta", "successes": round(p_w * n_eff, 3),
                    "trials": round(n_eff, 3)}  # fmt: skip
            evidence += f"; design-weighted {p_w:.0%} at effective sample size {n_eff:.1f}"
        if picked:
            evidence += f"; {picked} hand-picked cases excluded"
        lever: dict[str, Any] = {
            "id": f"case_review_{f.kind}",
            "kind": f.kind,
            "size": size,
            "achievability": dict(
                achievability or {"distribution": "uniform", "low": 0.25, "high": 0.75}
            ),
            "requires": (requires or {}).get(f.kind, f.requires),
            "evidence": evidence,
        }
        if start_year is not None:
            lever["start_year"] = start_year
        levers.append(lever)
    return levers
