"""``dbv insight --demo``: a set of synthetic councils, each diagnosed, then pooled.

Councils differ in seed, size (0.4 to 1.6 times Anyshire) and practice (a council effect on
the log-odds of its case-review findings, drawn from a normal distribution with sd
``PRACTICE_SD``), so the pooled picture has real between-council differences to show. One
council draws fewer cases than the minimum sample, so the pack shows it listed and left out.
Everything follows from ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from dbv.diagnose.config import DiagnoseConfig
from dbv.diagnose.pipeline import diagnose
from dbv.insight.read import CouncilExport, read_export
from dbv.synth import generate

PRACTICE_SD = 0.5
NAMES = (
    "Northshire",
    "Eastborough",
    "Southvale",
    "Westmoor",
    "Riverton",
    "Hillcaster",
    "Lakeford",
    "Brookham",
    "Marshby",
    "Fenwick",
    "Oakdene",
    "Ashbury",
)
SMALL_SAMPLE = 20  # cases drawn by the one council below the minimum


@dataclass(frozen=True)
class DemoCouncil:
    name: str
    seed: int
    size: float
    practice: float
    review_cases: int | None


def councils(n: int = 8, seed: int = 2025) -> list[DemoCouncil]:
    if not 2 <= n <= len(NAMES):
        from dbv.errors import UsageError

        raise UsageError(
            f"the demo has 2 to {len(NAMES)} councils, not {n}", fix="e.g. --councils 8"
        )
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(0.4, 1.6, n)
    practice = rng.normal(0.0, PRACTICE_SD, n)
    return [
        DemoCouncil(
            f"{NAMES[i]} (synthetic)",
            seed + 101 * (i + 1),
            round(float(sizes[i]), 2),
            round(float(practice[i]), 3),
            SMALL_SAMPLE if i == n - 1 else None,
        )
        for i in range(n)
    ]


def run_councils(
    out: Path,
    n: int = 8,
    seed: int = 2025,
    sims: int = 100,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[CouncilExport]:
    """Generate and diagnose each council under ``out/<name>/``; return their exports (also
    copied to ``out/exports/insight-export-<name>.json``)."""
    tell = progress or (lambda stage, i, total: None)
    scenario = Path(
        str(resources.files("dbv") / "scenarios" / "library" / "anyshire_inclusion.yaml")
    )
    exports_dir = out / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    found = []
    plan = councils(n, seed)
    for i, c in enumerate(plan):
        slug = c.name.split()[0].lower()
        tell(f"council {i + 1} of {len(plan)}: {c.name}", i, len(plan))
        folder = out / slug
        generate(
            folder / "return",
            seed=c.seed,
            size=c.size,
            defects=False,
            practice=c.practice,
            review_cases=c.review_cases,
        )
        cfg = DiagnoseConfig(
            la=c.name,
            return_dir=folder / "return",
            scenarios=(scenario,),
            sims=sims,
            seed=c.seed,
            outputs=(),
            insight_free_text=i % 2 == 0,  # half the councils share their own words
        )
        diagnose(cfg, folder)
        target = exports_dir / f"insight-export-{slug}.json"
        (folder / "insight-export.json").replace(target)
        found.append(read_export(target))
    tell("councils done", len(plan), len(plan))
    return found
