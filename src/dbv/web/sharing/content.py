"""A pack's insight export: read from the pack's folder, checked, and summed up for the council
(what leaves, as counts of what is in it, never a value)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dbv.errors import DataFileError
from dbv.insight.read import MAX_BYTES, CouncilExport, parse_export
from dbv.web.core.models import Organisation
from dbv.web.planning.models import Pack

EXPORT_FILE = "insight-export.json"


def source_of(pack: Pack) -> str:
    """How a pack's export is named in errors and in the insight pack's sources."""
    return f"{pack.organisation.name}, pack of {pack.built_at:%Y-%m-%d %H:%M}"


def read_pack_export(pack: Pack) -> tuple[dict[str, Any], CouncilExport]:
    """The export exactly as the pack wrote it, and its checked reading. Raises DataFileError
    (naming the pack) if there is none, or it is not a valid export."""
    source = source_of(pack)
    path = Path(pack.folder) / EXPORT_FILE
    if pack.status != Pack.BUILT or not path.is_file():
        raise DataFileError("this pack has no insight export", file=source,
                            fix="build the pack again: every new pack writes one")  # fmt: skip
    if path.stat().st_size > MAX_BYTES:
        raise DataFileError("the insight export is far larger than an export can be",
                            file=source, fix="build the pack again")  # fmt: skip
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"the insight export cannot be read ({type(exc).__name__})",
                            file=source, fix="build the pack again") from None  # fmt: skip
    return data, parse_export(data, source)


def _tallies(rows: Any) -> tuple[int, int]:
    """(tallies, of which withheld) in a list of tallies."""
    rows = rows if isinstance(rows, list) else []
    return len(rows), sum(1 for r in rows if isinstance(r, dict) and r.get("withheld"))


def _tally_text(rows: Any) -> str:
    n, withheld = _tallies(rows)
    return "none" if n == 0 else f"{n} tallies ({withheld} withheld as small numbers)"


def summary(export: CouncilExport) -> list[tuple[str, str]]:
    """What leaves the council, as (what, how much): the header fields, and for each part the
    number of tallies and how many are withheld; no count itself."""
    d = export.data
    cases = d.get("case_reviews")
    rows: list[tuple[str, str]] = [
        ("Council (as the export names it)", export.council),
        ("DfE LA code", export.la_code or "not given"),
        ("Diagnostic date", export.diagnostic_date.isoformat()),
        ("Academic year", export.academic_year),
        ("Schema version", str(d.get("schema_version"))),
        ("Suppression", f"counts from 1 to {export.threshold - 1} withheld"),
        ("Free text", _free_text_text(d)),
        ("Person-level fields", "none (checked)"),
    ]
    if not isinstance(cases, dict):
        rows.append(("Case reviews", "none"))
    else:
        rows.append(("Case reviews: panel consensus", _tally_text(cases.get("consensus"))))
        rows.append(("Case reviews: reasons", _tally_text(cases.get("reasons"))))
    rows.append(("Family views", _tally_text(d.get("family_views"))))
    rows.append(("Survey respondents by group", _tally_text(d.get("survey_respondents"))))
    surveys = d.get("surveys")
    for table, tallies in sorted(surveys.items() if isinstance(surveys, dict) else []):
        rows.append((f"Survey: {table.replace('_', ' ')}", _tally_text(tallies)))
    scenarios = d.get("scenarios")
    scenarios = scenarios if isinstance(scenarios, list) else []
    names = ", ".join(str(s.get("scenario")) for s in scenarios if isinstance(s, dict))
    rows.append(("Scenarios (P10, P50, P90 per year)", names or "none"))
    grant = d.get("grant_by_category")
    grant = grant if isinstance(grant, list) else []
    rows.append(("Grant by category", f"{len(grant)} categories (lines and £ per category)"))
    return rows


def _free_text_text(d: dict[str, Any]) -> str:
    entries = d.get("free_text") if d.get("free_text_included") else None
    if not entries:
        return "none"
    return f"{len(entries)} entries of the programme's own words (listed below)"


def free_text_of(org: Organisation) -> list[dict[str, str]]:
    """The council's programme text (grant initiatives, workstreams) as it would be shared:
    :func:`dbv.insight.freetext.programme_text` on the plan tables (DataFileError if a text
    seems to hold an identifier)."""
    import polars as pl

    from dbv.insight.freetext import programme_text
    from dbv.web.core.exports import all_tables

    tables = all_tables(org)
    frames = {
        name: pl.DataFrame(tables.get(f"plan/{name}", []), infer_schema_length=None)
        for name in ("grant_line", "workstream")
    }
    return programme_text(frames)


def with_free_text(data: dict[str, Any], entries: list[dict[str, str]]) -> dict[str, Any]:
    """The export as shared when the council ticks the box (the pack's file is not changed)."""
    if not entries:
        return data
    return {**data, "free_text_included": True, "free_text": entries}
