"""A file from a council's or an insight body's pack, sent as a download (the caller has
already checked who may have it)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import HttpResponse


def attachment(path: Path) -> HttpResponse:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = HttpResponse(path.read_bytes(), content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response
