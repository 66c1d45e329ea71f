"""``dbv insight``: pool councils' exports and write insight.html, insight.xlsx, insight.pdf and
run.json (each through a temporary file, so a failed run leaves nothing half-written)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbv.insight import sections
from dbv.insight.read import CouncilExport, check_set
from dbv.privacy import threshold
from dbv.report.model import Assumption, Pack
from dbv.report.publish import mask_pack
from dbv.runinfo import output_dir, run_record, write_json

if TYPE_CHECKING:
    from dbv.insight.public import PublicOptions

OUTPUTS = ("html", "xlsx", "pdf")
Progress = Callable[[str, int, int], None]


@dataclass
class InsightRun:
    out: Path
    pack: Pack
    files: list[Path] = field(default_factory=list)


def _digest(e: CouncilExport) -> str:
    text = json.dumps(e.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assumptions() -> list[Assumption]:
    from dbv.insight.analysis import min_random_cases
    from dbv.insight.pooling import LEVEL

    lvl = f"{round(100 * LEVEL)}%"
    return [
        Assumption(
            "pooling",
            "model",
            "random-effects meta-analysis of logit proportions "
            f"(DerSimonian-Laird tau², Hartung-Knapp {lvl} interval on councils - 1 "
            "degrees of freedom); 0.5 added to empty cells",
            "dbv.insight.pool",
        ),
        Assumption(
            "pooling",
            "naive interval",
            f"Wilson {lvl} interval on the summed k of n",
            "dbv.stats.wilson",
        ),
        Assumption(
            "pooling",
            "minimum sample",
            f"{min_random_cases()} randomly drawn cases",
            "parameters/case_review.yaml",
        ),
        Assumption(
            "pooling",
            "withheld counts",
            "a council whose count for a share is "
            "withheld is left out of that share; the range shows it included at its "
            "lowest and highest possible count",
            "dbv.insight.tallies",
        ),
        Assumption(
            "money",
            "sum of councils",
            "sum of P50s; 80% band as if independent "
            "(normal, sd = (P90 - P10) / 2.563) and as if moving together (sum of P10s "
            "and of P90s)",
            "dbv.insight.money",
        ),
        Assumption(
            "privacy",
            "suppression threshold",
            f"counts from 1 to {threshold() - 1} withheld by each council before sharing (more "
            "where one could be worked out), and again in this pack",
            "parameters/suppression.yaml",
        ),
    ]


def build_pack(
    exports: Sequence[CouncilExport],
    public: PublicOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> Pack:
    check_set(exports, allow_mixed_years=True)  # years were checked by the caller if wanted
    when = sorted({e.academic_year for e in exports})
    pack = Pack(
        "Delivering Better Value in SEND: insight across councils",
        f"{len(exports)} councils",
        f"Pooled diagnostics of {len(exports)} councils, {', '.join(when)}",
    )
    sections.build(pack, exports)
    pack.assumptions = assumptions()
    pack.sources = [
        {"source": "insight export", "file": e.source, "sha256": _digest(e), "council": e.council}
        for e in exports
    ]
    if public is not None:
        from dbv.insight.public import public_section

        codes = {e.la_code for e in exports if e.la_code}
        pack.assumptions += public_section(pack, public, codes, progress)
    mask_pack(pack)  # last line of defence: no 'k of n' with k or n - k from 1 to 4
    config: dict[str, Any] = {
        "councils": [e.council for e in exports],
        "public": None if public is None else str(public.data_dir),
    }
    seed = public.seed if public is not None else 0
    pack.run = run_record(config, seed, pack.sources)
    return pack


def shown_run(run: dict[str, Any]) -> dict[str, Any]:
    """run.json as the pack prints it: the file hashes are in the data-sources appendix."""
    out = {k: v for k, v in run.items() if k != "data"}
    out["data"] = f"{len(run.get('data', []))} files: see the data-sources appendix"
    return out


def run_insight(
    exports: list[CouncilExport],
    out: Path,
    *,
    public: PublicOptions | None = None,
    outputs: tuple[str, ...] = OUTPUTS,
    progress: Progress | None = None,
) -> InsightRun:
    stages = [
        "pool the exports",
        *(["public data"] if public else []),
        *[f"write insight.{o}" for o in outputs],
    ]
    tell = progress or (lambda stage, i, n: None)
    tell(stages[0], 0, len(stages))
    output_dir(out)
    step = [0]

    def sub(stage: str) -> None:
        tell(f"public data: {stage}", 1, len(stages))

    pack = build_pack(exports, public, sub if public else None)
    full_run, pack.run = pack.run, shown_run(pack.run)
    step[0] = 2 if public else 1
    result = InsightRun(out, pack)
    for o in outputs:
        tell(f"write insight.{o}", step[0], len(stages))
        step[0] += 1
        if o == "html":
            from dbv.report.html import write_html

            result.files.append(write_html(pack, out / "insight.html"))
        elif o == "xlsx":
            from dbv.report.xlsx import write_xlsx

            result.files.append(write_xlsx(pack, out / "insight.xlsx"))
        elif o == "pdf":
            from dbv.report.pdf import write_pdf

            result.files.append(write_pdf(pack, out / "insight.pdf"))
    result.files.append(write_json(out / "run.json", full_run))
    tell("done", len(stages), len(stages))
    return result


def summary(exports: Sequence[CouncilExport]) -> dict[str, Any]:
    """The pooled figures as data (``dbv insight --json``): the same numbers as the pack."""
    from dbv.insight import analysis as an
    from dbv.insight import money
    from dbv.insight.pooling import Result

    def res(r: Result) -> dict[str, Any]:
        m = r.main
        if m is None:
            return {"councils": 0, "withheld_from": sorted(r.excluded)}
        out: dict[str, Any] = {
            "councils": m.councils,
            "n": m.n,
            "mean": m.mean,
            "low": m.low,
            "high": m.high,
            "level": m.level,
            "naive": {
                "k": None if r.bounded else m.k,
                "p": m.naive_p,
                "low": m.naive_low,
                "high": m.naive_high,
            },
            "tau2": m.tau2,
            "i2": m.i2,
            "prediction": [m.pred_low, m.pred_high],
            "bounded_councils": len(r.bounded),
        }
        if r.low is not None and r.high is not None:
            out["range_with_withheld"] = sorted((r.low.mean, r.high.mean))
        return out

    el = an.eligibility(exports)
    rows = an.contributions(exports)
    t = max(e.threshold for e in exports)
    return {
        "councils": [e.council for e in exports],
        "excluded_from_case_pooling": el.excluded,
        "hand_picked": el.hand_picked,
        "headline": {k: list(v) for k, v in an.headline(rows, t).items()},
        "case_reviews": [{"question": f["question"], "answer": f.get("answer", "yes"),
                          **res(f["result"])} for f in an.case_questions(el)],
        "family_views": [{"who": f["who"], "measure": f["measure"], **res(f["result"])}
                         for f in an.family_views(el)],
        "reasons": [{"reason": r["reason"], **res(r["result"])} for r in an.reasons(el)],
        "surveys": [{k: i[k] for k in ("survey", "item", "who", "measure")} | res(i["result"])
                    for i in an.surveys(exports)],
        "readiness": [{"area": r["area"], "verdict": r["verdict"], **res(r["result"])}
                      for r in an.readiness(exports)],
        "grant": an.grant(exports),
        "money": money.national(exports),
    }  # fmt: skip
