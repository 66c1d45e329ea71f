"""Download the official files listed in ``dbv/parameters/sources.yaml``.

Only the standard library talks to the network (:mod:`urllib.request`). Every file is written
to a hidden temporary file in its destination folder and renamed into place only once it is
complete and recognised as a dbv dataset, so an interrupted or failed download never leaves a
half-written file where dbv would read it. Zip bundles are unpacked keeping only the members
the source lists. Each kept file is recorded (sha256, size, URL, time) in ``dbv-downloads.json``
in the data directory.

Failures (no network, HTTP errors, timeouts, truncated or corrupt downloads) raise
:class:`~dbv.errors.DownloadError` naming the URL and saying how to get the file by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import http.client
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from dbv.errors import DataFileError, DownloadError, ParameterError
from dbv.io import files
from dbv.io.catalogue import DatasetSpec

MANIFEST_NAME = "dbv-downloads.json"
MANIFEST_VERSION = 1
USER_AGENT = "dbv-send (Python-urllib; downloads official statistics)"

Progress = Callable[[str, int, int | None], None]
"""Called as ``progress(source_name, bytes_so_far, total_bytes_or_None)`` while downloading."""

Kind = Literal["file", "zip"]

_CHUNK = 1 << 16
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_REQUIRED = (
    "name",
    "title",
    "publisher",
    "landing_page",
    "url",
    "kind",
    "dest",
    "licence",
    "retrieved",
    "checked",
    "description",
)
_OPTIONAL = ("members", "filename")
_TOP_LEVEL = ("description", "references", "sources")


@dataclass(frozen=True)
class Source:
    """One downloadable official file or bundle (an entry of ``sources.yaml``)."""

    name: str
    title: str
    publisher: str
    landing_page: str
    url: str | None
    kind: Kind
    dest: str
    licence: str
    description: str
    retrieved: dt.date | None = None
    checked: dt.date | None = None
    members: tuple[str, ...] = ()
    filename: str | None = None


@dataclass(frozen=True)
class DownloadedFile:
    """A file that was downloaded, recognised and put in place."""

    path: Path
    relpath: str  # relative to the data directory, with forward slashes
    dataset: str  # name of the DatasetSpec that recognised it
    sha256: str
    size: int


@dataclass(frozen=True)
class RemovedFile:
    """A downloaded file that was not kept, and why."""

    relpath: str
    reason: str


@dataclass(frozen=True)
class DownloadResult:
    """What happened to one source.

    ``status`` is ``"downloaded"`` when at least one file was kept, ``"unrecognised"`` when the
    download worked but no file in it is one dbv reads (all were removed), and ``"skipped"``
    when the source has no direct URL (``message`` says where to get it by hand).
    """

    source: str
    status: Literal["downloaded", "unrecognised", "skipped"]
    url: str | None
    landing_page: str
    folder: Path
    files: tuple[DownloadedFile, ...] = ()
    removed: tuple[RemovedFile, ...] = ()
    unmatched_members: tuple[str, ...] = ()  # member patterns that matched nothing in the zip
    message: str = ""


# --------------------------------------------------------------------------- sources.yaml


def default_sources_path() -> Path:
    from dbv.params import parameter_path  # noqa: PLC0415 - keep import light

    return parameter_path("sources")


def load_sources(path: Path | None = None) -> list[Source]:
    """Read and check ``sources.yaml`` (the bundled one unless ``path`` is given).

    Duplicate keys, unknown keys, missing keys, repeated names and malformed values raise
    :class:`~dbv.errors.ParameterError` naming the file and the key.
    """
    from dbv.params import load_yaml  # noqa: PLC0415

    path = default_sources_path() if path is None else Path(path)
    data = load_yaml(path)  # strict: duplicate keys, description and references required
    for key in data:
        if key not in _TOP_LEVEL:
            raise ParameterError(
                f"unknown key '{key}'",
                file=path,
                column=str(key),
                fix=f"use only {', '.join(_TOP_LEVEL)} at the top level",
            )
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ParameterError(
            "'sources' must be a non-empty list", file=path, column="sources", fix="list sources"
        )
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = _parse_source(entry, index, path)
        if source.name in seen:
            raise ParameterError(
                f"source {index}: duplicate name '{source.name}'",
                file=path,
                column="name",
                fix="give every source a different name",
            )
        seen.add(source.name)
        sources.append(source)
    return sources


def _parse_source(entry: Any, index: int, path: Path) -> Source:
    if not isinstance(entry, dict):
        raise ParameterError(f"source {index} is not a mapping", file=path, column="sources")
    label = f"source {index}" + (
        f" ('{entry['name']}')" if isinstance(entry.get("name"), str) else ""
    )

    def fail(key: str, problem: str, fix: str | None = None) -> ParameterError:
        return ParameterError(f"{label}: {problem}", file=path, column=key, fix=fix)

    for key in entry:
        if key not in _REQUIRED and key not in _OPTIONAL:
            allowed = ", ".join((*_REQUIRED, *_OPTIONAL))
            raise fail(str(key), f"unknown key '{key}'", f"use only: {allowed}")
    for key in _REQUIRED:
        if key not in entry:
            raise fail(key, f"missing key '{key}'", f"add '{key}' (null where allowed)")

    def text(key: str) -> str:
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"'{key}' must be non-empty text")
        return value.strip()

    def date(key: str) -> dt.date | None:
        value = entry[key]
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise fail(key, f"'{key}' must be a date (YYYY-MM-DD) or null")

    name = text("name")
    if not _NAME_RE.match(name):
        raise fail("name", f"name '{name}' must be lower-case letters, digits and hyphens")
    landing = text("landing_page")
    if not _is_http(landing):
        raise fail("landing_page", "'landing_page' must be an http(s) URL")
    url = entry["url"]
    if url is not None and (not isinstance(url, str) or not _is_http(url.strip())):
        raise fail("url", "'url' must be an http(s) URL or null")
    kind = text("kind")
    if kind not in ("file", "zip"):
        raise fail("kind", f"kind '{kind}' must be 'file' or 'zip'")
    description = text("description")
    if not description.endswith("."):
        raise fail("description", "'description' must end in a full stop")
    dest = text("dest")
    dest_parts = PurePosixPath(dest).parts
    if PurePosixPath(dest).is_absolute() or ".." in dest_parts or "\\" in dest:
        raise fail("dest", f"dest '{dest}' must be a folder name inside the data directory")

    members: tuple[str, ...] = ()
    if "members" in entry:
        raw = entry["members"]
        if kind != "zip":
            raise fail("members", "'members' is only for kind: zip")
        if not isinstance(raw, list) or not all(isinstance(m, str) and m for m in raw):
            raise fail("members", "'members' must be a list of glob patterns")
        members = tuple(raw)
    filename: str | None = None
    if "filename" in entry:
        if kind != "file":
            raise fail("filename", "'filename' is only for kind: file")
        filename = text("filename")
        if "/" in filename or "\\" in filename or filename.startswith("."):
            raise fail("filename", f"filename '{filename}' must be a plain file name")
    return Source(
        name=name,
        title=text("title"),
        publisher=text("publisher"),
        landing_page=landing,
        url=None if url is None else url.strip(),
        kind="zip" if kind == "zip" else "file",
        dest=dest,
        licence=text("licence"),
        description=description,
        retrieved=date("retrieved"),
        checked=date("checked"),
        members=members,
        filename=filename,
    )


def _is_http(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --------------------------------------------------------------------------- downloading


def effective_url(url: str, base_url: str | None) -> str:
    """``url`` with its scheme and host replaced by ``base_url`` (a mirror), path kept."""
    if base_url is None:
        return url
    base = urllib.parse.urlsplit(base_url.rstrip("/"))
    if base.scheme not in ("http", "https") or not base.netloc:
        raise DownloadError(
            f"base URL '{base_url}' is not an http(s) URL",
            fix="give a base URL such as http://mirror.example:8080",
        )
    orig = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(
        (base.scheme, base.netloc, base.path + orig.path, orig.query, "")
    )


def download(
    sources: list[Source],
    dest: Path,
    *,
    only: list[str] | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    timeout: float = 60,
) -> list[DownloadResult]:
    """Download ``sources`` (or those named in ``only``) into the data directory ``dest``.

    Each source goes to ``dest / source.dest``. Sources without a URL are skipped and reported
    with their landing page. Downloaded files that no dbv dataset recognises are removed and
    reported. Stops at the first failure with a :class:`DownloadError`; sources finished before
    it stay in place and in the manifest.
    """
    from dbv.io.registry import all_specs  # noqa: PLC0415 - avoid import cycles

    chosen = _select(sources, only)
    dest = Path(dest)
    specs: list[DatasetSpec] | None = None
    results: list[DownloadResult] = []
    for source in chosen:
        folder = dest / source.dest
        if source.url is None:
            results.append(
                DownloadResult(
                    source=source.name,
                    status="skipped",
                    url=None,
                    landing_page=source.landing_page,
                    folder=folder,
                    message=(
                        f"no direct download URL is known; download it by hand from "
                        f"{source.landing_page} into {folder}"
                    ),
                )
            )
            continue
        if specs is None:
            specs = all_specs()
        url = effective_url(source.url, base_url)
        folder.mkdir(parents=True, exist_ok=True)
        runner = _Runner(source, url, dest, folder, progress, timeout, specs)
        result = runner.run()
        _update_manifest(dest, result, source)
        results.append(result)
    return results


def _select(sources: list[Source], only: list[str] | None) -> list[Source]:
    if only is None:
        return list(sources)
    names = [s.name for s in sources]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise DownloadError(
            f"unknown source {', '.join(repr(n) for n in unknown)}",
            fix=f"choose from: {', '.join(names)}",
        )
    wanted = set(only)
    return [s for s in sources if s.name in wanted]


class _Runner:
    """Downloads one source; every temporary file it makes is removed whatever happens."""

    def __init__(
        self,
        source: Source,
        url: str,
        root: Path,
        folder: Path,
        progress: Progress | None,
        timeout: float,
        specs: list[DatasetSpec],
    ) -> None:
        self.source = source
        self.url = url
        self.root = root
        self.folder = folder
        self.progress = progress
        self.timeout = timeout
        self.specs = specs
        self.temps: list[Path] = []

    # -- errors

    def error(self, problem: str) -> DownloadError:
        return DownloadError(
            f"cannot download '{self.source.name}' from {self.url}: {problem}",
            fix=(
                f"check the network connection and try again, or download it by hand from "
                f"{self.source.landing_page} into {self.folder}"
            ),
        )

    # -- temp files

    def temp(self, folder: Path, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        # Hidden (leading dot) so that scans ignore it; ends with the real name so that its
        # suffix (.csv, .xlsx ...) is right for recognition.
        fd, raw = tempfile.mkstemp(prefix=".dbv-partial-", suffix=f"-{name}", dir=folder)
        os.close(fd)
        path = Path(raw)
        self.temps.append(path)
        return path

    def cleanup(self) -> None:
        for path in self.temps:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.temps.clear()

    # -- main

    def run(self) -> DownloadResult:
        try:
            if self.source.kind == "zip":
                staged, unmatched = self._zip()
            else:
                staged, unmatched = self._file(), ()
            kept, removed = self._recognise_and_place(staged)
        finally:
            self.cleanup()
        status: Literal["downloaded", "unrecognised"] = "downloaded" if kept else "unrecognised"
        message = ""
        if not kept:
            message = (
                "the download worked but no file in it is one dbv reads, so nothing was kept; "
                f"see {self.source.landing_page}"
            )
        return DownloadResult(
            source=self.source.name,
            status=status,
            url=self.url,
            landing_page=self.source.landing_page,
            folder=self.folder,
            files=tuple(kept),
            removed=tuple(removed),
            unmatched_members=unmatched,
            message=message,
        )

    def _file(self) -> list[tuple[Path, str, str]]:
        name = self.source.filename or _name_from_url(self.url)
        if not name:
            raise self.error("the URL does not end in a file name")
        tmp = self.temp(self.folder, name)
        self._fetch(tmp)
        return [(tmp, name, "")]

    def _zip(self) -> tuple[list[tuple[Path, str, str]], tuple[str, ...]]:
        bundle = self.temp(self.folder, "bundle.zip")
        self._fetch(bundle)
        staged: list[tuple[Path, str, str]] = []
        try:
            with zipfile.ZipFile(bundle) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                patterns = self.source.members or ("*",)
                chosen = [i for i in infos if _matches(i.filename, patterns)]
                unmatched = tuple(
                    p
                    for p in patterns
                    if not any(fnmatch.fnmatchcase(i.filename, p) for i in infos)
                )
                if not chosen:
                    listing = ", ".join(i.filename for i in infos[:20]) or "(empty)"
                    raise self.error(
                        f"the zip has no file matching {list(patterns)}; it holds: {listing}"
                    )
                for info in chosen:
                    rel = _safe_member(info.filename)
                    if rel is None:
                        raise self.error(f"the zip member '{info.filename}' has an unsafe path")
                    target_dir = self.folder.joinpath(*rel.parts[:-1])
                    tmp = self.temp(target_dir, rel.name)
                    with zf.open(info) as src, tmp.open("wb") as out:
                        shutil.copyfileobj(src, out, _CHUNK)
                    staged.append((tmp, rel.as_posix(), info.filename))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise self.error(f"the zip file is damaged or incomplete ({exc})") from None
        except OSError as exc:
            raise self.error(f"cannot unpack the zip file ({exc})") from None
        return staged, unmatched

    def _fetch(self, target: Path) -> None:
        request = urllib.request.Request(self.url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                total = _content_length(response.headers.get("Content-Length"))
                done = 0
                if self.progress is not None:
                    self.progress(self.source.name, 0, total)
                with target.open("wb") as out:
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if self.progress is not None:
                            self.progress(self.source.name, done, total)
        except urllib.error.HTTPError as exc:
            raise self.error(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise self.error(f"no answer within {self.timeout:g} seconds") from None
            raise self.error(f"network error ({reason})") from None
        except TimeoutError:
            raise self.error(f"no answer within {self.timeout:g} seconds") from None
        except http.client.IncompleteRead as exc:
            raise self.error(
                f"the connection closed early ({len(exc.partial)} bytes of the last part read)"
            ) from None
        except (http.client.HTTPException, OSError) as exc:
            raise self.error(f"network error ({exc})") from None
        if total is not None and done != total:
            raise self.error(f"got {done} bytes but the server announced {total}")
        if done == 0:
            raise self.error("the server sent an empty file")

    def _recognise_and_place(
        self, staged: list[tuple[Path, str, str]]
    ) -> tuple[list[DownloadedFile], list[RemovedFile]]:
        from dbv.io.registry import recognise_file  # noqa: PLC0415

        prefix = PurePosixPath(self.source.dest)
        accepted: list[tuple[Path, Path, str, str]] = []
        removed: list[RemovedFile] = []
        for tmp, rel, _member in staged:
            relpath = (prefix / rel).as_posix()
            try:
                spec = recognise_file(tmp, self.specs)
            except DataFileError as exc:
                removed.append(RemovedFile(relpath, f"damaged: {exc.message}"))
                continue
            if spec is None:
                removed.append(RemovedFile(relpath, "not a file dbv reads"))
                continue
            accepted.append((tmp, self.folder / rel, relpath, spec.name))
        kept: list[DownloadedFile] = []
        for tmp, final, relpath, dataset in accepted:
            digest = files.sha256(tmp)
            size = tmp.stat().st_size
            os.replace(tmp, final)
            kept.append(DownloadedFile(final, relpath, dataset, digest, size))
        return kept, removed


def _matches(member: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(member, p) for p in patterns)


def _safe_member(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the destination folder, else None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or not path.parts or any(p in ("..", "") for p in path.parts):
        return None
    if any(p.startswith(".") for p in path.parts) or ":" in path.parts[0]:
        return None
    return path


def _name_from_url(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    name = urllib.parse.unquote(path.rsplit("/", 1)[-1])
    if not name or name.startswith(".") or "\\" in name:
        return ""
    return name


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


# --------------------------------------------------------------------------- manifest


def read_manifest(dest: Path) -> dict[str, Any]:
    """The download manifest of a data directory (an empty one if there is none yet)."""
    path = Path(dest) / MANIFEST_NAME
    if not path.exists():
        return {"version": MANIFEST_VERSION, "files": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(
            f"cannot read the download manifest: {exc}",
            file=path,
            fix=f"delete {path}; the next download writes a new one",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise DataFileError(
            "the download manifest does not have a 'files' mapping",
            file=path,
            fix=f"delete {path}; the next download writes a new one",
        )
    return data


def _update_manifest(dest: Path, result: DownloadResult, source: Source) -> None:
    manifest = read_manifest(dest)
    entries: dict[str, Any] = manifest["files"]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    for f in result.files:
        entries[f.relpath] = {
            "source": source.name,
            "dataset": f.dataset,
            "url": result.url,
            "landing_page": source.landing_page,
            "licence": source.licence,
            "sha256": f.sha256,
            "size": f.size,
            "downloaded_at": now,
        }
    manifest["version"] = MANIFEST_VERSION
    manifest["files"] = dict(sorted(entries.items()))
    _write_json_atomic(Path(dest) / MANIFEST_NAME, manifest)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, raw = tempfile.mkstemp(prefix=".dbv-partial-", suffix=".json", dir=path.parent)
    tmp = Path(raw)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def iter_results_text(results: list[DownloadResult]) -> Iterator[str]:
    """One plain-text line per outcome, for command-line reports."""
    for r in results:
        if r.status == "skipped":
            yield f"{r.source}: skipped - {r.message}"
            continue
        for f in r.files:
            yield f"{r.source}: {f.relpath} ({f.dataset}, {f.size:,} bytes)"
        for rm in r.removed:
            yield f"{r.source}: removed {rm.relpath} - {rm.reason}"
        for pattern in r.unmatched_members:
            yield f"{r.source}: nothing in the zip matched '{pattern}'"
        if r.message:
            yield f"{r.source}: {r.message}"
