"""Checking an upload of survey responses in the engagement formats (engagement.yaml): the
survey_response table and the survey's item table, as one zip or two CSV files. Every problem is
named by file, row and column (the header is row 1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from dbv.module2.engagement import schema
from dbv.web.surveys.codes import ITEM_TABLE, codes
from dbv.web.surveys.models import Response, Survey

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile as _Uploaded

    UploadedFile = _Uploaded[bytes]
MAX_ROWS = 100_000
MAX_ERRORS = 30
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Upload:
    responses: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (form field, message)

    def error(self, where: str, message: str) -> None:
        self.errors.append((where, message))


def _norm(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _text(data: bytes, name: str, where: str, up: Upload) -> str | None:
    if b"\x00" in data[:4096]:
        up.error(where, f"{name} is not a CSV file (it holds binary data)")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        up.error(where, f"{name} is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'")
        return None


def _read_upload(f: UploadedFile, where: str, up: Upload) -> bytes | None:
    if (f.size or 0) > settings.MAX_UPLOAD_BYTES:
        up.error(where, f"The file must be smaller than {settings.MAX_UPLOAD_BYTES // 2**20} MB")
        return None
    return b"".join(f.chunks())


def files_from_zip(f: UploadedFile, survey: Survey, up: Upload) -> dict[str, str]:
    """The two tables from a zip (in any folder, e.g. engagement/)."""
    where = "archive"
    if not (f.name or "").lower().endswith(".zip"):
        up.error(where, "The file must be a zip (.zip)")
        return {}
    data = _read_upload(f, where, up)
    if data is None:
        return {}
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        up.error(where, "The file is not a valid zip")
        return {}
    wanted = {"survey_response", ITEM_TABLE[survey.kind]}
    found: dict[str, str] = {}
    with z:
        members = [i for i in z.infolist() if not i.is_dir()]
        if sum(i.file_size for i in members) > settings.MAX_UPLOAD_BYTES:
            up.error(where, "The zip holds too much data once unpacked")
            return {}
        for info in members:
            base = info.filename.rsplit("/", 1)[-1]
            stem = _norm(base.rsplit(".", 1)[0]) if base.lower().endswith(".csv") else ""
            if stem in wanted and stem not in found:
                text = _text(z.read(info), base, where, up)
                if text is not None:
                    found[stem] = text
    for name in sorted(wanted - set(found)):
        if not any(w == where and name in m for w, m in up.errors):
            up.error(where, f"The zip has no {name}.csv")
    return found


def files_from_csvs(
    responses: UploadedFile | None, items: UploadedFile | None, survey: Survey, up: Upload
) -> dict[str, str]:
    found: dict[str, str] = {}
    table = ITEM_TABLE[survey.kind]
    for f, where, name in (
        (responses, "responses_file", "survey_response"),
        (items, "items_file", table),
    ):
        if f is None:
            up.error(where, f"Choose the {name}.csv file")
            continue
        if not (f.name or "").lower().endswith(".csv"):
            up.error(where, f"The {name} file must be a CSV file (.csv)")
            continue
        data = _read_upload(f, where, up)
        text = None if data is None else _text(data, f.name or name, where, up)
        if text is not None:
            found[name] = text
    return found


def _rows(text: str, table: str, where: str, up: Upload) -> list[dict[str, str]] | None:
    """Rows with normalised headers; None (and an error) if the header is unusable."""
    cols = schema().tables[table].columns
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_norm(h) for h in next(reader, [])]
        body = list(reader)
    except csv.Error as exc:
        up.error(where, f"{table}.csv cannot be read as CSV: {exc}")
        return None
    missing = [c.name for c in cols if c.required and c.name not in header]
    unknown = [h for h in header if h and h not in {c.name for c in cols}]
    if missing:
        up.error(where, f"{table}.csv has no column {', '.join(missing)}")
    if unknown:
        up.error(where, f"{table}.csv has a column that is not in the format: {', '.join(unknown)}")
    if missing or unknown:
        return None
    if len(body) > MAX_ROWS:
        up.error(where, f"{table}.csv has more than {MAX_ROWS:,} rows")
        return None
    out = []
    for i, row in enumerate(body):
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            up.error(
                where, f"{table}.csv, row {i + 2}: {len(row)} fields, the header has {len(header)}"
            )
            continue
        rec = {h: v.strip() for h, v in zip(header, row, strict=True) if h}
        rec["_row"] = str(i + 2)
        out.append(rec)
    return out


def _typed(rec: dict[str, str], table: str, where: str, up: Upload) -> dict[str, Any] | None:
    """One row converted per the schema; errors name the row and column."""
    out: dict[str, Any] = {}
    ok = True
    for c in schema().tables[table].columns:
        v = rec.get(c.name, "")
        at = f"{table}.csv, row {rec['_row']}, column {c.name}"
        if v == "":
            if c.required:
                up.error(where, f"{at}: a value is required")
                ok = False
            out[c.name] = None
            continue
        if c.type == "code" and c.codes:
            if v not in codes(c.codes):
                up.error(where, f"{at}: '{v[:40]}' is not a {c.codes} code")
                ok = False
            out[c.name] = v
        elif c.type == "int":
            try:
                n = int(float(v))
                if n != float(v):
                    raise ValueError
            except ValueError:
                up.error(where, f"{at}: '{v[:40]}' is not a whole number")
                ok = False
                continue
            if (c.min is not None and n < c.min) or (c.max is not None and n > c.max):
                up.error(where, f"{at}: {n} is outside {c.min:g} to {c.max:g}")
                ok = False
            out[c.name] = n
        elif c.type == "date":
            try:
                if not ISO_DATE.match(v):
                    raise ValueError
                out[c.name] = dt.date.fromisoformat(v)
            except ValueError:
                up.error(where, f"{at}: '{v[:40]}' is not a date like 2025-01-31")
                ok = False
        else:
            if len(v) > 40:
                up.error(where, f"{at}: longer than 40 characters")
                ok = False
            out[c.name] = v
    out["_row"] = rec["_row"]
    return out if ok else None


def check(
    survey: Survey,
    archive: UploadedFile | None = None,
    responses_file: UploadedFile | None = None,
    items_file: UploadedFile | None = None,
) -> Upload:
    """Read and check an upload for ``survey``; ``errors`` is empty when it can be saved."""
    up = Upload()
    if archive is not None:
        texts = files_from_zip(archive, survey, up)
        r_where = i_where = "archive"
    else:
        texts = files_from_csvs(responses_file, items_file, survey, up)
        r_where, i_where = "responses_file", "items_file"
    table = ITEM_TABLE[survey.kind]
    if up.errors or len(texts) < 2:
        return up
    raw_r = _rows(texts["survey_response"], "survey_response", r_where, up)
    raw_i = _rows(texts[table], table, i_where, up)
    if raw_r is None or raw_i is None:
        return up
    taken = set(
        Response.objects.filter(organisation=survey.organisation).values_list(
            "response_id", flat=True
        )
    )
    seen: set[str] = set()
    for rec in raw_r:
        row = _typed(rec, "survey_response", r_where, up)
        if row is None:
            continue
        at = f"survey_response.csv, row {row['_row']}"
        rid = row["response_id"]
        if row["survey"] != survey.kind:
            up.error(
                r_where,
                f"{at}, column survey: '{row['survey']}' is not this survey's kind ({survey.kind})",
            )
        elif rid in seen:
            up.error(r_where, f"{at}, column response_id: {rid} appears twice")
        elif rid in taken:
            up.error(
                r_where, f"{at}, column response_id: {rid} is already in this council's responses"
            )
        else:
            seen.add(rid)
            up.responses.append(row)
    key = [c for c in schema().tables[table].key]
    keys: set[tuple[Any, ...]] = set()
    ids = {r["response_id"] for r in up.responses}
    known = {rec.get("response_id", "") for rec in raw_r}
    for rec in raw_i:
        row = _typed(rec, table, i_where, up)
        if row is None:
            continue
        at = f"{table}.csv, row {row['_row']}"
        k = tuple(row[c] for c in key)
        if row["response_id"] not in known:
            up.error(
                i_where,
                f"{at}, column response_id: {row['response_id']} is not in survey_response.csv",
            )
        elif k in keys:
            up.error(i_where, f"{at}: a second answer for {', '.join(map(str, k))}")
        elif row["response_id"] in ids:
            keys.add(k)
            up.items.append(row)
    if not up.responses and not up.errors:
        up.error(r_where, "survey_response.csv has no rows")
    return up
