"""A council's own data out (export) and gone (delete): every app registers a module with
``tables(org) -> dict[str, list[dict]]`` (rows in dbv's import formats) and ``delete(org) ->
int`` (records removed); optionally ``COLUMNS`` (the header of a table of its own that no
schema describes, so an empty one still has its header)."""

from __future__ import annotations

import csv
import importlib
import io
import zipfile
from typing import Any, Protocol

from dbv.web.core.models import Organisation

APPS = [
    "dbv.web.workshops.exports", "dbv.web.surveys.exports", "dbv.web.planning.exports",
    "dbv.web.sharing.exports",
]  # fmt: skip


class Exporter(Protocol):
    def tables(self, org: Organisation) -> dict[str, list[dict[str, Any]]]: ...

    def delete(self, org: Organisation) -> int: ...


def exporters() -> list[Exporter]:
    out: list[Exporter] = []
    for name in APPS:
        try:
            module: Any = importlib.import_module(name)
            out.append(module)
        except ModuleNotFoundError:
            continue
    return out


def all_tables(org: Organisation) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for e in exporters():
        tables.update(e.tables(org))
    return tables


def zip_bytes(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """One CSV per table in a zip (folders as in the import formats, e.g. engagement/)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in sorted(tables.items()):
            text = io.StringIO()
            names = list(rows[0]) if rows else _columns(name)
            if names:
                w = csv.DictWriter(text, fieldnames=names, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
            z.writestr(f"{name}.csv", text.getvalue())
    return buf.getvalue()


def delete_all(org: Organisation) -> int:
    return sum(e.delete(org) for e in exporters())


def _columns(name: str) -> list[str]:
    """The import format's columns of an (empty) table such as 'engagement/case_review', so an
    empty table still exports with its header and reads back."""
    from dbv.dataret.schema import load_schema
    from dbv.module3 import plan_schema_path
    from dbv.synth.engagement import schema_path

    for e in exporters():
        own = getattr(e, "COLUMNS", {})
        if name in own:
            return list(own[name])
    folder, _, table = name.partition("/")
    path = {"engagement": schema_path(), "plan": plan_schema_path()}.get(folder)
    if path is None:
        return []
    tables = load_schema(path).tables
    return list(tables[table].names) if table in tables else []
