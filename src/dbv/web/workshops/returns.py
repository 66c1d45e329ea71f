"""The council's data return on disk: checking an upload, unpacking it safely, validating it,
and reading it back (the latest usable return, snapshots and a pseudonymised case summary).

Files live in ``settings.UPLOAD_DIR/<council code>/<upload id>/``: a zip's CSV files under
``files/``; a workbook as ``return.xlsx`` with its sheets also written as CSV under ``csv/`` so
that every upload has a folder of CSV files (``latest_return_dir``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError

from dbv.web.core.models import Organisation

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 200
JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


def max_bytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def max_extract_bytes() -> int:
    """Cap on the unpacked size of a zip (a zip bomb stops here)."""
    return int(getattr(settings, "MAX_EXTRACT_BYTES", 10 * max_bytes()))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def check_upload(name: str, size: int, stream: IO[bytes]) -> str:
    """``zip`` or ``xlsx`` for an acceptable file, else a :class:`ValidationError` saying why."""
    if size > max_bytes():
        raise ValidationError(f"The file must be smaller than {_mb(max_bytes())}")
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in (".zip", ".xlsx"):
        raise ValidationError("The selected file must be a .zip of CSV files or an .xlsx workbook")
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head != ZIP_MAGIC:
        raise ValidationError(
            "The selected file is not a real .zip or .xlsx file (its contents do not match)"
        )
    try:
        with zipfile.ZipFile(stream) as z:
            members = z.infolist()
            if len(members) > MAX_MEMBERS:
                raise ValidationError(f"The zip holds more than {MAX_MEMBERS} files")
            for m in members:
                check_member(m)
            if sum(m.file_size for m in members) > max_extract_bytes():
                raise ValidationError(
                    f"The unpacked files would be larger than {_mb(max_extract_bytes())}"
                )
            names = {m.filename for m in members}
            if suffix == ".xlsx":
                if "xl/workbook.xml" not in names:
                    raise ValidationError("The selected file is not an .xlsx workbook")
                return "xlsx"
            csvs = [m for m in members if wanted(m)]
            if not csvs:
                raise ValidationError("The zip must contain the return's CSV files")
    except zipfile.BadZipFile as exc:
        raise ValidationError("The selected file is not a readable .zip or .xlsx file") from exc
    finally:
        stream.seek(0)
    return "zip"


def check_member(m: zipfile.ZipInfo) -> None:
    """Refuse absolute paths, parent-folder steps, drive letters and links."""
    name = m.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise ValidationError(f"The zip holds a file with an unsafe path ({m.filename})")
    if stat.S_ISLNK(m.external_attr >> 16):
        raise ValidationError(f"The zip holds a link ({m.filename}); add the files themselves")


def junk(m: zipfile.ZipInfo) -> bool:
    name = m.filename
    return (
        name.startswith("__MACOSX/")
        or PurePosixPath(name).name in JUNK
        or (PurePosixPath(name).name.startswith("."))
    )


def wanted(m: zipfile.ZipInfo) -> bool:
    return not m.is_dir() and not junk(m) and m.filename.lower().endswith(".csv")


def ignored(stream: IO[bytes]) -> list[str]:
    """Files of a zip that are not CSV files (never unpacked; listed on the results page)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as z:
            return [m.filename for m in z.infolist() if not m.is_dir() and not junk(m)
                    and not wanted(m)][:20]  # fmt: skip
    finally:
        stream.seek(0)


def sha256(stream: IO[bytes]) -> str:
    stream.seek(0)
    h = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        h.update(chunk)
    stream.seek(0)
    return h.hexdigest()


def upload_dir(org: Organisation, upload_id: int) -> Path:
    return Path(settings.UPLOAD_DIR) / org.code / str(int(upload_id))


def extract_zip(stream: IO[bytes], dest: Path) -> None:
    """Write the zip's CSV files under ``dest``, counting real bytes against the cap."""
    limit = max_extract_bytes()
    written = 0
    root = dest.resolve()
    with zipfile.ZipFile(stream) as z:
        for m in z.infolist():
            check_member(m)
            if not wanted(m):
                continue
            target = (dest / m.filename.replace("\\", "/")).resolve()
            if root not in target.parents:
                raise ValidationError(f"The zip holds a file with an unsafe path ({m.filename})")
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(m) as src, target.open("wb") as out:
                for chunk in iter(lambda: src.read(1 << 16), b""):
                    written += len(chunk)
                    if written > limit:
                        raise ValidationError(
                            f"The unpacked files would be larger than {_mb(limit)}"
                        )
                    out.write(chunk)


def find_return_folder(root: Path) -> Path | None:
    """The folder holding most of the data return's CSV files (a zip may wrap them in one)."""
    from dbv.dataret.schema import load_schema

    tables = set(load_schema().tables)
    best: tuple[int, int, str] | None = None
    for folder in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        hits = sum(
            1
            for p in folder.iterdir()
            if p.suffix.lower() == ".csv" and p.stem.strip().lower() in tables
        )
        depth = len(folder.relative_to(root).parts)
        if hits and (best is None or (-hits, depth) < (-best[0], best[1])):
            best = (hits, depth, str(folder))
    return None if best is None else Path(best[2])


def workbook_to_csv(book: Path, dest: Path) -> bool:
    """Each data-return sheet of the workbook as CSV under ``dest`` (False if unreadable)."""
    from dbv.dataret.reader import read_return
    from dbv.errors import DbvError

    try:
        ret = read_return(book)
    except (DbvError, OSError, ValueError):
        return False
    dest.mkdir(parents=True, exist_ok=True)
    for name, raw in ret.tables.items():
        raw.frame.write_csv(dest / f"{name}.csv")
    return bool(ret.tables)


def store_upload(
    org: Organisation, upload_id: int, name: str, kind: str, stream: IO[bytes]
) -> tuple[Path, Path | None]:
    """Unpack the upload into its folder: (what to validate, the CSV folder or None)."""
    dest = upload_dir(org, upload_id)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    try:
        if kind == "xlsx":
            book = dest / "return.xlsx"
            stream.seek(0)
            with book.open("wb") as out:
                shutil.copyfileobj(stream, out)
            csv = dest / "csv"
            return book, csv if workbook_to_csv(book, csv) else None
        extract_zip(stream, dest / "files")
        folder = find_return_folder(dest / "files")
        return (folder or dest / "files"), folder
    except Exception:
        shutil.rmtree(dest, ignore_errors=True)
        raise


BORN = re.compile(r"((?:born|birth[ _]date)\b[^0-9\n]{0,20})\d{4}-\d{2}-\d{2}", re.I)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def redact(message: str, column: str | None) -> str:
    """No date of birth in a stored or shown message (the findings may quote one)."""
    if column == "birth_date":
        return DATE.sub("(date of birth withheld)", message)
    return BORN.sub(lambda m: m[1] + "(date withheld)", message)


def validation_summary(path: Path) -> dict[str, Any]:
    """Run ``dbv.checks.validate`` and keep what the page shows: counts, exit code, census
    year and the first 50 findings (worst first)."""
    from dbv.checks import validate

    report = validate(path)
    order = {"blocking": 0, "error": 1, "warning": 2, "info": 3}
    results = sorted(report.results, key=lambda r: order.get(r.severity, 9))
    return {
        "counts": dict(report.counts),
        "exit_code": report.exit_code,
        "census_year": report.census_year,
        "checks_run": len(report.checks_run),
        "stopped_early": report.stopped_early,
        "findings": len(report.results),
        "results": [
            {
                "severity": r.severity,
                "code": r.code,
                "where": r.where(),
                "message": redact(r.message, r.column),
                "action": r.action,
                "count": r.count,
            }
            for r in results[:50]
        ],
    }


def remove_files(org: Organisation, upload_ids: Iterable[int] | None = None) -> None:
    """Delete the files of these uploads (all of the council's when None)."""
    base = Path(settings.UPLOAD_DIR) / org.code
    if upload_ids is None:
        shutil.rmtree(base, ignore_errors=True)
        return
    for i in upload_ids:
        shutil.rmtree(upload_dir(org, i), ignore_errors=True)


def latest_return_dir(org: Organisation) -> Path | None:
    """The folder of CSV files of the council's latest usable upload (no blocking problems),
    or None."""
    from dbv.web.workshops.models import ReturnUpload

    for up in ReturnUpload.objects.filter(organisation=org, exit_code__lt=2).exclude(
        return_path=""
    ):
        path = upload_dir(org, up.pk) / up.return_path
        if path.is_dir():
            return path
    return None


def return_folder(org: Organisation, upload_id: int, relative: str) -> Path:
    return upload_dir(org, upload_id) / relative


def snapshots_for(folder: Path, census_year: int) -> pl.DataFrame:
    """Snapshots of every census the return covers up to ``census_year`` (for histories)."""
    from dbv.dataret.derive import snapshots
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years

    ret = read_return(folder)
    years = [y for y in census_years(ret) if y <= census_year] or [census_year]
    return snapshots(ret, years)


def case_summaries(
    folder: Path, snaps: pl.DataFrame, census_year: int, person_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """Per person: a pseudonymised summary from the return (no name, no birth date): age,
    primary need, setting, the setting at each January, plan start and key dates."""
    from dbv.dataret.reader import read_return
    from dbv.dataret.schema import load_schema

    ret = read_return(folder)
    req_codes = load_schema().code_list("request_outcome")
    ass_codes = load_schema().code_list("assessment_outcome")
    want = pl.col("person_id").is_in(person_ids)
    snap = snaps.filter(want)
    req = ret.typed("request").filter(want)
    ass = ret.typed("assessment").filter(want)
    plans = ret.typed("named_plan").filter(want)
    reviews = ret.typed("annual_review").filter(want)
    out: dict[str, dict[str, Any]] = {}
    for pid in person_ids:
        mine = snap.filter(pl.col("person_id") == pid).sort("year")
        now = mine.filter(pl.col("year") == census_year)
        cur = now.row(0, named=True) if now.height else {}
        dates: list[tuple[str, str]] = []
        for r in req.filter(pl.col("person_id") == pid).iter_rows(named=True):
            dates.append((_iso(r["received_date"]), "Request for assessment received"))
            if r["request_outcome_date"]:
                said = req_codes.get(r["request_outcome"] or "", "not recorded")
                dates.append((_iso(r["request_outcome_date"]), f"Decision on request: {said}"))
        for r in ass.filter(pl.col("person_id") == pid).iter_rows(named=True):
            if r["assessment_outcome_date"]:
                said = ass_codes.get(r["assessment_outcome"] or "", "not recorded")
                dates.append((_iso(r["assessment_outcome_date"]), f"Assessment outcome: {said}"))
        for r in plans.filter(pl.col("person_id") == pid).iter_rows(named=True):
            if r["start_date"]:
                dates.append((_iso(r["start_date"]), "EHC plan issued"))
            if r["cease_date"]:
                dates.append((_iso(r["cease_date"]), "EHC plan ceased"))
        for r in reviews.filter(pl.col("person_id") == pid).iter_rows(named=True):
            if r["meeting_date"]:
                dates.append((_iso(r["meeting_date"]), "Annual review meeting"))
        out[pid] = {
            "age": cur.get("age"),
            "ncy": cur.get("ncy"),
            "primary_need": cur.get("primary_need"),
            "setting_group": cur.get("setting_group"),
            "setting_type": cur.get("setting_type"),
            "plan_start": _iso(cur.get("plan_start")),
            "history": [
                {
                    "year": int(r["year"]),
                    "setting_group": r["setting_group"],
                    "primary_need": r["primary_need"],
                    "age": r["age"],
                }
                for r in mine.iter_rows(named=True)
            ],
            "key_dates": [{"date": d, "event": e} for d, e in sorted(dates) if d],
        }
    return out


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""
