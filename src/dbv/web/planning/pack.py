"""The pack button: the diagnostic pack built from the app's data and the council's data return.

Every app's export tables go to a temporary folder in the import formats (``engagement/*.csv``,
``plan/*.csv``); the data return, if the council has uploaded one, comes from the workshops
app. :func:`dbv.diagnose.pipeline.diagnose` then writes report.html, report.xlsx, report.pdf
and run.json under ``DATA_DIR/packs/<council>/<timestamp>``. A part that is missing (no return,
no engagement evidence, no plan) becomes a note in the pack, not an error.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from dbv.web.core.exports import all_tables
from dbv.web.core.models import Organisation
from dbv.web.planning.models import Pack

FILES = {"html": "report.html", "xlsx": "report.xlsx", "pdf": "report.pdf", "run": "run.json",
         "export": "insight-export.json"}  # fmt: skip
SIMS = 500


def latest_return(org: Organisation) -> Path | None:
    """The council's latest data-return folder, if the workshops app has one."""
    try:
        from dbv.web.workshops.returns import latest_return_dir
    except ImportError:
        return None
    found = latest_return_dir(org)
    return None if found is None else Path(found)


def _columns(name: str) -> list[str] | None:
    """The schema's columns for an export table ("plan/risk"), for header-only files."""
    folder, _, table = name.partition("/")
    try:
        if folder == "plan":
            from dbv.module3.load import plan_schema

            return plan_schema().tables[table].names
        if folder == "engagement":
            from dbv.module2.engagement import schema

            return schema().tables[table].names
    except KeyError:
        return None
    return None


def write_tables(tables: dict[str, list[dict[str, Any]]], root: Path) -> dict[str, Path]:
    """Each table as ``root/<folder>/<table>.csv``; a folder is only written (and returned) when
    at least one of its tables has rows, so an empty part counts as missing."""
    written = {
        name.split("/", 1)[0]: root / name.split("/", 1)[0]
        for name, rows in tables.items()
        if "/" in name and rows
    }
    for name, rows in sorted(tables.items()):
        folder = name.split("/", 1)[0]
        if folder not in written:
            continue
        fields = list(rows[0]) if rows else _columns(name)
        if fields is None:
            continue
        path = root / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    return written


def run_pack(org: Organisation, by: str) -> Pack:
    """Build the pack now (synchronously); the Pack returned is not saved yet (the action
    :func:`dbv.web.planning.actions.record_pack` does that). Any failure is kept as its error."""
    from dbv.diagnose.config import DiagnoseConfig
    from dbv.diagnose.pipeline import diagnose

    now = timezone.now()
    out = Path(settings.DATA_DIR) / "packs" / org.code / now.strftime("%Y%m%dT%H%M%S%fZ")
    return_dir = latest_return(org)
    pack = Pack(organisation=org, built_at=now, built_by=by, folder=str(out),
                with_return=return_dir is not None)  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="dbv-pack-") as tmp:
            root = Path(tmp)
            parts = write_tables(all_tables(org), root)
            cfg = DiagnoseConfig(
                la=org.name,
                return_dir=return_dir,
                # explicit folders, so the pack shows the app's evidence and plan, never an
                # older copy inside the data return; a part with no rows is reported missing
                engagement=parts.get("engagement", root / "engagement"),
                plan=parts.get("plan", root / "plan"),
                scenarios=(),
                sims=SIMS,
                seed=2025,
            )
            diagnose(cfg, out)
        pack.status = Pack.BUILT
    except Exception as exc:  # any failure is shown on the page, with the run kept
        pack.status = Pack.FAILED
        pack.error = f"{type(exc).__name__}: {exc}"[:2000]
    return pack


def pack_file(pack: Pack, kind: str) -> Path | None:
    """The file of ``kind`` (html, xlsx, pdf, run) of a built pack, if it exists."""
    name = FILES.get(kind)
    if name is None or pack.status != Pack.BUILT:
        return None
    path = Path(pack.folder) / name
    return path if path.is_file() else None


def remove_files(pack: Pack) -> None:
    """Delete a pack's folder, only if it lies under ``DATA_DIR/packs``."""
    import shutil

    root = (Path(settings.DATA_DIR) / "packs").resolve()
    folder = Path(pack.folder).resolve()
    if folder.is_relative_to(root) and folder != root and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
