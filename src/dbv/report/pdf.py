"""The diagnostic pack as a committee-ready PDF: A4, a title page, a contents page with page
numbers, each section on a new page, "Page N of M" and the council's name on every page.

The PDF is printed by WeasyPrint from :func:`dbv.report.html.render_html` with ``for_pdf``, so
it shows exactly the figures the HTML page shows. It is written to a temporary file in the
target folder and renamed, so a failure leaves no partial PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbv.errors import DbvError
from dbv.report.html import render_html, write_text_atomic
from dbv.report.model import Pack


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped, unused-ignore]
    except (ImportError, OSError) as exc:  # OSError: the Pango system libraries are missing
        raise DbvError(
            f"cannot make the PDF: WeasyPrint is not usable ({exc})",
            fix="pip install weasyprint, and on Debian or Ubuntu apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation; the HTML and Excel packs "
            "do not need it",
        ) from exc
    return weasyprint


def render_document(pack: Pack) -> Any:
    """The laid-out WeasyPrint document (pages, links, bookmarks), before it becomes a PDF."""
    return _weasyprint().HTML(string=render_html(pack, for_pdf=True)).render()


def pdf_bytes(pack: Pack) -> bytes:
    """The pack as PDF bytes."""
    data = render_document(pack).write_pdf()
    return bytes(data)


def write_pdf(pack: Pack, path: Path) -> Path:
    """Write the pack as a PDF at ``path`` (atomically) and return the path."""
    return write_text_atomic(pdf_bytes(pack), path, ".pdf.tmp")
