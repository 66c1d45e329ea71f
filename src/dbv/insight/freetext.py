"""Free text a council may choose to share with its insight export: programme text only.

Only what the council wrote about its own programme goes: each grant initiative (its category
and what the money buys) and each workstream (its name and objective). Never case-review notes,
survey comments or anything about a child. Text that looks like it holds an identifier (an
e-mail address, a phone number, a UPN, a date, a postcode) is refused, so a council removes it
at source rather than sharing it by accident.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from dbv.errors import DataFileError

MAX_CHARS = 600
FIX = "re-create the export with 'dbv diagnose'; do not edit it"
IDENTIFIERS = {
    "an e-mail address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "a phone number": re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    "a UPN or similar ID": re.compile(r"\b[A-Z]\d{11,12}[A-Z0-9]?\b"),
    "a date": re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    "a postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
}


def looks_identifying(text: str) -> str | None:
    """What kind of identifier the text seems to hold, or None."""
    for what, pattern in IDENTIFIERS.items():
        if pattern.search(text):
            return what
    return None


def _entry(kind: str, category: str, title: str, text: str, where: str) -> dict[str, str]:
    for part in (title, text):
        found = looks_identifying(part)
        if found:
            raise DataFileError(
                f"this text seems to hold {found}, so it cannot be shared",
                file=where,
                fix="reword it without the identifier, or share the export without free text",
            )
    return {
        "kind": kind,
        "category": category,
        "title": title.strip()[:200],
        "text": text.strip()[:MAX_CHARS],
    }


def programme_text(tables: dict[str, pl.DataFrame]) -> list[dict[str, str]]:
    """Entries from the plan tables (``grant_line``, ``workstream``) in the import formats."""
    out: list[dict[str, str]] = []
    grant = tables.get("grant_line")
    if grant is not None and not grant.is_empty():
        seen: set[tuple[str, str]] = set()
        for i, r in enumerate(grant.iter_rows(named=True), start=2):
            key = (str(r["category"]), str(r["initiative"]))
            if key in seen:  # one entry per initiative, not per financial year
                continue
            seen.add(key)
            out.append(
                _entry(
                    "grant_initiative",
                    key[0],
                    key[1],
                    str(r["description"] or ""),
                    f"plan/grant_line.csv row {i}",
                )
            )
    ws = tables.get("workstream")
    if ws is not None and not ws.is_empty():
        for i, r in enumerate(ws.iter_rows(named=True), start=2):
            out.append(
                _entry(
                    "workstream",
                    str(r["opportunity"]),
                    str(r["name"]),
                    str(r["objective"] or ""),
                    f"plan/workstream.csv row {i}",
                )
            )
    return out


def check_entries(entries: Any, source: str) -> list[dict[str, str]]:
    """The ``free_text`` of an export, checked as it is read."""
    if not isinstance(entries, list):
        raise DataFileError("free_text must be a list", file=source, column="free_text", fix=FIX)
    for i, e in enumerate(entries):
        where = f"free_text[{i}]"
        ok = isinstance(e, dict) and set(e) == {"kind", "category", "title", "text"}
        if not ok or not all(isinstance(v, str) for v in e.values()):
            raise DataFileError(
                "a free-text entry needs kind, category, title and text",
                file=source,
                column=where,
                fix=FIX,
            )
        if e["kind"] not in ("grant_initiative", "workstream"):
            raise DataFileError(
                f"unknown free-text kind '{e['kind']}'",
                file=source,
                column=f"{where}.kind",
                fix="grant_initiative or workstream",
            )
        found = looks_identifying(e["title"] + " " + e["text"])
        if found or len(e["text"]) > MAX_CHARS:
            what = f"seems to hold {found}" if found else f"is over {MAX_CHARS} characters"
            raise DataFileError(
                f"a free-text entry {what}",
                file=source,
                column=where,
                fix=FIX,
            )
    return list(entries)
