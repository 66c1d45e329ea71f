"""The insight body's pack button: the exports currently shared with the body, checked as a set
(``dbv.insight.read.check_set``), pooled by :func:`dbv.insight.pipeline.run_insight` into
insight.html, insight.xlsx, insight.pdf and run.json under ``DATA_DIR/insight/<body>/<time>``.
Only what councils shared goes in: the exports' own counts, never a council's case-level data.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from dbv.insight.read import CouncilExport, check_set, parse_export
from dbv.web.core.models import Organisation
from dbv.web.sharing.models import InsightPack, SharedExport

FILES = {"html": "insight.html", "xlsx": "insight.xlsx", "pdf": "insight.pdf", "run": "run.json"}


def run_insight(exports: list[CouncilExport], out: Path) -> Any:
    """:func:`dbv.insight.pipeline.run_insight` with the defaults: no public-data context
    (the web app holds no copy of the official files), HTML, Excel and PDF. Imported when
    called, so the pages load without the renderers."""
    from dbv.insight.pipeline import run_insight as pipeline_run

    return pipeline_run(exports, out)


def shared_with(body: Organisation) -> list[SharedExport]:
    """The exports currently (not withdrawn) shared with ``body``, one per council at most."""
    return list(
        SharedExport.objects.select_related("organisation")
        .filter(recipient=body, withdrawn_at__isnull=True)
        .order_by("organisation__name", "id")
    )


def share_source(share: SharedExport) -> str:
    return f"{share.organisation.name}, shared {share.shared_at:%Y-%m-%d %H:%M}"


def current_exports(
    body: Organisation, allow_mixed_years: bool = False
) -> tuple[list[SharedExport], list[CouncilExport]]:
    """The current shares and their checked exports; raises (DataFileError, UsageError) when
    one does not parse or the set cannot be pooled."""
    shares = shared_with(body)
    exports = [parse_export(s.content, share_source(s)) for s in shares]
    check_set(exports, allow_mixed_years)
    return shares, exports


def run_insight_pack(
    body: Organisation,
    by: str,
    shares: list[SharedExport],
    exports: list[CouncilExport],
    allow_mixed_years: bool,
) -> InsightPack:
    """Build now (synchronously); the record returned is not saved yet (the action
    :func:`dbv.web.sharing.actions.record_insight_pack` does that). A failure is kept."""
    now = timezone.now()
    out = Path(settings.DATA_DIR) / "insight" / body.code / now.strftime("%Y%m%dT%H%M%S%fZ")
    sources: list[dict[str, Any]] = [
        {"share": s.pk, "council": s.organisation.name, "la_code": e.la_code,
         "diagnostic_date": e.diagnostic_date.isoformat(), "academic_year": e.academic_year}
        for s, e in zip(shares, exports, strict=True)
    ]  # fmt: skip
    pack = InsightPack(organisation=body, built_at=now, built_by=by, folder=str(out),
                       allow_mixed_years=allow_mixed_years, sources=sources)  # fmt: skip
    try:
        run_insight(exports, out)
        pack.status = InsightPack.BUILT
    except Exception as exc:  # shown on the page, with the run kept
        pack.status = InsightPack.FAILED
        pack.error = f"{type(exc).__name__}: {exc}"[:2000]
    return pack


def pack_file(pack: InsightPack, kind: str) -> Path | None:
    """The file of ``kind`` (html, xlsx, pdf, run) of a built insight pack, if it exists."""
    name = FILES.get(kind)
    if name is None or pack.status != InsightPack.BUILT:
        return None
    path = Path(pack.folder) / name
    return path if path.is_file() else None


def remove_files(pack: InsightPack) -> None:
    """Delete an insight pack's folder, only if it lies under ``DATA_DIR/insight``."""
    root = (Path(settings.DATA_DIR) / "insight").resolve()
    folder = Path(pack.folder).resolve()
    if folder.is_relative_to(root) and folder != root and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
