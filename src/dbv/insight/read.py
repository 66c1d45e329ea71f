"""Reading councils' ``insight-export.json`` files, and refusing any that cannot be pooled.

Each file is checked on its own (valid JSON, a schema version this dbv reads, the keys and
types of ``docs/insight-export.md``, no forbidden person-level key, every count either
withheld or at least the suppression threshold, no count above its n) and then as a set (a
council twice, diagnostics from different academic years). Every error names the file and,
where there is one, the JSON path of the value at fault, and says how to fix it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbv.errors import DataFileError, UsageError
from dbv.insight.export import FORBIDDEN_KEYS
from dbv.insight.freetext import check_entries
from dbv.privacy import threshold

SUPPORTED = ("1.0", "1.1")
TALLY_KEYS = {"answer", "count", "n", "withheld"}
CELL_KEYS = {"answer", "count", "n", "withheld", "small"}
SURVEY_ITEM = {
    "service_awareness": "service",
    "likert_response": "statement",
    "readiness": "area",
    "partnership_rating": "partner",
}
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class CouncilExport:
    """One council's export, checked."""

    source: str  # the file (or the web app's record) it came from
    council: str
    la_code: str | None
    diagnostic_date: dt.date
    threshold: int
    data: dict[str, Any]

    @property
    def academic_year(self) -> str:
        """'2024/25' for a date from September 2024 to August 2025."""
        d = self.diagnostic_date
        start = d.year if d.month >= 9 else d.year - 1
        return f"{start}/{(start + 1) % 100:02d}"

    def tallies(self, *path: str) -> list[dict[str, Any]]:
        node: Any = self.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return list(node) if isinstance(node, list) else []


def _fail(source: str, message: str, where: str | None = None, fix: str | None = None) -> None:
    raise DataFileError(
        message,
        file=source,
        column=where,
        fix=fix or "re-create the file with 'dbv diagnose' and do not edit it",
    )


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _walk_keys(node: Any, path: str, source: str) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if str(k).lower() in FORBIDDEN_KEYS:
                _fail(
                    source,
                    f"the export holds a person-level or free-text field '{k}'",
                    f"{path}.{k}".lstrip("."),
                    "remove it: an insight export may hold counts only",
                )
            _walk_keys(v, f"{path}.{k}", source)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _walk_keys(v, f"{path}[{i}]", source)


def _check_tallies(rows: Any, path: str, source: str, t: int, group: Sequence[str]) -> None:
    if not isinstance(rows, list):
        _fail(source, "expected a list of tallies", path)
    for i, r in enumerate(rows):
        where = f"{path}[{i}]"
        if not isinstance(r, dict) or not set(r) >= TALLY_KEYS:
            _fail(source, f"a tally needs the keys {sorted(TALLY_KEYS)}", where)
        missing = [g for g in group if g not in r]
        if missing:
            _fail(source, f"a tally here needs the key(s) {missing}", where)
        count, n = r["count"], r["n"]
        for name, v in (("count", count), ("n", n)):
            if v is not None and (not _int(v) or v < 0):
                _fail(
                    source,
                    f"'{name}' must be a whole number of 0 or more, not {v!r}",
                    f"{where}.{name}",
                )
        if count is not None and 0 < count < t:
            _fail(
                source,
                f"count {count} is below the suppression threshold {t} but not withheld",
                f"{where}.count",
                f"re-create the file with 'dbv diagnose' (it withholds counts from 1 to {t - 1})",
            )
        if count is not None and n is not None and count > n:
            _fail(source, f"count {count} is larger than its total n = {n}", f"{where}.count")
        if (count is None) != bool(r["withheld"]):
            _fail(source, "'withheld' must be true exactly when the count is null", where)
        if r.get("small") not in (None, True, False):
            _fail(
                source, f"'small' must be true, false or null, not {r['small']!r}", f"{where}.small"
            )
    _check_groups(rows, path, source)


def _check_groups(rows: list[dict[str, Any]], path: str, source: str) -> None:
    """The answers of one group share one n, and the published ones add up to no more."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(rows):
        key = tuple(sorted((k, str(v)) for k, v in r.items() if k not in CELL_KEYS))
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        ns = {rows[i]["n"] for i in members}
        where = f"{path}[{members[0]}]"
        if len(ns) > 1:
            _fail(
                source,
                f"the answers of one group give different totals n {sorted(map(str, ns))}",
                where,
            )
        n = next(iter(ns))
        shown = sum(rows[i]["count"] or 0 for i in members)
        if n is not None and shown > n:
            _fail(source, f"the published counts add up to {shown}, more than n = {n}", where)


def _date(v: Any, source: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        _fail(
            source, f"diagnostic_date must be a date like 2025-03-31, not {v!r}", "diagnostic_date"
        )
        raise AssertionError from None  # unreachable


def parse_export(data: Any, source: str) -> CouncilExport:
    """Check one export already parsed from JSON; ``source`` names it in errors."""
    if not isinstance(data, dict) or "schema_version" not in data:
        _fail(
            source,
            "this is not a dbv insight export (no 'schema_version')",
            None,
            "give the insight-export.json that 'dbv diagnose' writes beside the pack",
        )
    version = str(data["schema_version"])
    if version not in SUPPORTED:
        _fail(
            source,
            f"schema version {version} is not one this dbv reads ({', '.join(SUPPORTED)})",
            "schema_version",
            "re-create the export with a matching dbv, or upgrade dbv",
        )
    council = data.get("council")
    if not isinstance(council, str) or not council.strip():
        _fail(source, "the council's name is missing", "council")
    t = data.get("suppression_threshold")
    if not _int(t) or t < 1:
        _fail(
            source,
            f"suppression_threshold must be a whole number, not {t!r}",
            "suppression_threshold",
        )
    if t < threshold():
        _fail(
            source,
            f"the export was suppressed at {t}, below the threshold {threshold()} used here",
            "suppression_threshold",
            f"re-create it with counts from 1 to {threshold() - 1} withheld",
        )
    included = data.get("free_text_included", False)
    if included not in (False, True):
        _fail(source, "free_text_included must be true or false", "free_text_included")
    if included:
        check_entries(data.get("free_text"), source)
    elif "free_text" in data:
        _fail(
            source,
            "the export holds free text but says it does not",
            "free_text",
            "re-create the export; do not edit it",
        )
    la_code = data.get("la_code")
    if la_code is not None and not isinstance(la_code, str):
        _fail(source, f"la_code must be text or null, not {la_code!r}", "la_code")
    when = _date(data.get("diagnostic_date"), source)
    _walk_keys(data, "", source)
    cases = data.get("case_reviews")
    if cases is not None:
        if not isinstance(cases, dict):
            _fail(source, "case_reviews must be a mapping", "case_reviews")
        for key in ("consensus", "reasons"):
            _check_tallies(cases.get(key, []), f"case_reviews.{key}", source, t, ["question"])
        s = cases.get("sampling", {})
        if not isinstance(s, dict) or not _int(s.get("cases_drawn_at_random")):
            _fail(
                source, "the sampling summary needs cases_drawn_at_random", "case_reviews.sampling"
            )
        for key, where in (
            (s.get("hand_picked", 0), "case_reviews.sampling.hand_picked"),
            (cases.get("reviewers", 0), "case_reviews.reviewers"),
        ):
            if key is not None and (not _int(key) or key < 0 or 0 < key < t):
                _fail(
                    source,
                    f"expected null (withheld) or a count of 0 or at least {t}, not {key!r}",
                    where,
                )
    _check_tallies(data.get("family_views", []), "family_views", source, t, ["voice"])
    _check_tallies(data.get("survey_respondents", []), "survey_respondents", source, t, [])
    surveys = data.get("surveys", {})
    if not isinstance(surveys, dict):
        _fail(source, "surveys must be a mapping", "surveys")
    for table, rows in surveys.items():
        if table not in SURVEY_ITEM:
            _fail(
                source,
                f"unknown survey table '{table}'",
                f"surveys.{table}",
                f"use one of {sorted(SURVEY_ITEM)}",
            )
        _check_tallies(rows, f"surveys.{table}", source, t, [SURVEY_ITEM[table]])
    _check_scenarios(data.get("scenarios", []), source)
    _check_grant(data.get("grant_by_category", []), source)
    return CouncilExport(source, council.strip(), la_code, when, t, data)


def _check_scenarios(rows: Any, source: str) -> None:
    if not isinstance(rows, list):
        _fail(source, "scenarios must be a list", "scenarios")
    for i, sc in enumerate(rows):
        where = f"scenarios[{i}]"
        if not isinstance(sc, dict) or not isinstance(sc.get("scenario"), str):
            _fail(source, "a scenario needs its name", where)
        for key in ("unmitigated_in_year_deficit", "mitigated_in_year_deficit", "net_benefit"):
            series = sc.get(key)
            if not isinstance(series, list):
                _fail(source, f"the scenario needs '{key}'", f"{where}.{key}")
            for j, p in enumerate(series):
                ok = isinstance(p, dict) and isinstance(p.get("financial_year"), str)
                vals = [p.get(q) for q in ("p10", "p50", "p90")] if ok else []
                if not ok or not all(isinstance(v, int | float) for v in vals):
                    _fail(
                        source,
                        "each year needs financial_year, p10, p50 and p90",
                        f"{where}.{key}[{j}]",
                    )
                if not vals[0] <= vals[1] <= vals[2]:
                    _fail(source, "p10 <= p50 <= p90 does not hold", f"{where}.{key}[{j}]")


def _check_grant(rows: Any, source: str) -> None:
    if not isinstance(rows, list):
        _fail(source, "grant_by_category must be a list", "grant_by_category")
    for i, g in enumerate(rows):
        ok = isinstance(g, dict) and isinstance(g.get("category"), str)
        amount = g.get("amount") if ok else None
        if not ok or not isinstance(amount, int | float) or amount < 0:
            _fail(
                source,
                "a grant category needs 'category' and an amount of £0 or more",
                f"grant_by_category[{i}]",
            )


def read_export(path: Path) -> CouncilExport:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            _fail(
                str(path),
                f"the file is {size:,} bytes; an export is far smaller",
                None,
                "give the insight-export.json that 'dbv diagnose' writes",
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(
            f"cannot read the export: {exc}",
            file=str(path),
            fix="check the path and that the file is UTF-8 JSON",
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"not valid JSON ({exc.msg}, character {exc.pos}); the file may be truncated",
            file=str(path),
            row=exc.lineno,
            fix="copy the file again in full from the council",
        ) from None
    return parse_export(data, str(path))


def find_exports(where: Path | Iterable[Path]) -> list[Path]:
    """The export files in a folder (searched recursively for ``*.json`` holding an export's
    name pattern) or a list of files."""
    if isinstance(where, Path):
        if where.is_file():
            return [where]
        if not where.is_dir():
            raise UsageError(
                f"no such folder: {where}",
                file=str(where),
                fix="give the folder that holds the councils' exports",
            )
        found = sorted(p for p in where.rglob("*.json") if "insight-export" in p.name)
        if not found:
            raise UsageError(
                "no insight-export*.json files in this folder",
                file=str(where),
                fix="put each council's insight-export.json here (any names "
                "containing 'insight-export', e.g. insight-export-derby.json)",
            )
        return found
    return list(where)


def check_set(exports: Sequence[CouncilExport], allow_mixed_years: bool = False) -> None:
    """Refuse a set that cannot be pooled: no exports, a council twice, mixed years."""
    if not exports:
        raise UsageError("no exports to pool", fix="give at least one council's export")
    seen: dict[str, str] = {}
    for e in exports:
        key = (e.la_code or e.council).strip().lower()
        if key in seen:
            raise DataFileError(
                f"{e.council} appears twice (also in {seen[key]})",
                file=e.source,
                column="council",
                fix="keep one export per council (its latest)",
            )
        seen[key] = e.source
    years = sorted({e.academic_year for e in exports})
    if len(years) > 1 and not allow_mixed_years:
        first = {y: next(e for e in exports if e.academic_year == y) for y in years}
        odd = first[years[-1]]
        raise DataFileError(
            "the exports mix academic years ("
            + "; ".join(f"{y}: e.g. {first[y].source}" for y in years)
            + ")",
            file=odd.source,
            column="diagnostic_date",
            fix="pool one year at a time, or pass --allow-mixed-years to pool them knowingly",
        )


def load_exports(
    where: Path | Iterable[Path], allow_mixed_years: bool = False
) -> list[CouncilExport]:
    exports = [read_export(p) for p in find_exports(where)]
    check_set(exports, allow_mixed_years)
    return exports
