"""The outcome of validating a return: every result, counts, an exit code, and views of it."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dbv.checks.result import SEVERITIES, CheckResult, Severity

RESULT_SCHEMA: dict[str, type[pl.DataType]] = {
    "code": pl.String,
    "stage": pl.String,
    "severity": pl.String,
    "table": pl.String,
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "action": pl.String,
    "sheet": pl.String,
    "count": pl.Int64,
}
EXIT_CODES = {"clean": 0, "error": 1, "blocking": 2}


@dataclass(frozen=True)
class ValidationReport:
    """Results of the checks run on one return.

    ``stopped_early`` is true when a blocking result stopped the pipeline after the prechecks
    (or after reading): the checks did not run, so fixing the blocking problems may reveal
    more. ``checks_run`` lists the codes that ran, in order.
    """

    results: tuple[CheckResult, ...]
    source: str | None
    census_year: int | None
    checks_run: tuple[str, ...]
    stopped_early: bool = False

    @property
    def counts(self) -> dict[Severity, int]:
        """Findings by severity (a capped check's summary row counts all it stands for)."""
        out: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            out[r.severity] += r.count
        return out

    @property
    def exit_code(self) -> int:
        """0 clean or warnings only, 1 errors found, 2 unusable input (blocking)."""
        counts = self.counts
        if counts["blocking"]:
            return EXIT_CODES["blocking"]
        return EXIT_CODES["error"] if counts["error"] else EXIT_CODES["clean"]

    def to_dicts(self) -> list[dict[str, str | int | None]]:
        return [r.as_dict() for r in self.results]

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.to_dicts(), schema=RESULT_SCHEMA)

    def summary(self, limit: int | None = 30) -> str:
        """A plain-text summary: the verdict, counts, then the results (worst first, at most
        ``limit`` of them, with where they are and the fix)."""
        counts = self.counts
        verdict = {
            2: "the data cannot be used until the blocking problems are fixed",
            1: "errors found: fix them for trustworthy figures",
            0: "no errors" + (" (warnings to review)" if counts["warning"] else ""),
        }[self.exit_code]
        census = f", census January {self.census_year}" if self.census_year else ""
        lines = [
            f"Validation of {self.source or 'the data return'}{census}: {verdict}.",
            ", ".join(_counted(counts[s], s) for s in SEVERITIES)
            + f"; {len(self.checks_run)} check{'' if len(self.checks_run) == 1 else 's'} run.",
        ]
        if self.stopped_early:
            lines.append("Stopped after the prechecks: the other checks run once these pass.")
        order = {s: i for i, s in enumerate(SEVERITIES)}
        ranked = sorted(self.results, key=lambda r: order[r.severity])
        shown = ranked if limit is None else ranked[:limit]
        for r in shown:
            where = r.where()
            lines.append("")
            lines.append(f"{r.severity.upper():8} {r.code}" + (f"  {where}" if where else ""))
            lines.append(f"         {r.message}")
            lines.append(f"         fix: {r.action}")
        if len(shown) < len(ranked):
            lines.append("")
            lines.append(f"... and {len(ranked) - len(shown)} more results (see the full report).")
        return "\n".join(lines)


def _counted(n: int, severity: str) -> str:
    """``1 error``, ``2 errors``, ``3 blocking``."""
    plural = "" if n == 1 or severity == "blocking" else "s"
    return f"{n:,} {severity}{plural}"
