"""`dbv.io.download` against a local HTTP server: no test here touches the internet.

Every source points at an official-looking host and is redirected to 127.0.0.1 with
``base_url``, which also tests the mirror override.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import http.server
import io
import json
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from dbv.errors import DownloadError, ParameterError
from dbv.io.download import (
    MANIFEST_NAME,
    DownloadResult,
    Source,
    download,
    effective_url,
    load_sources,
    read_manifest,
)

# Header of the 2025 EHCP caseload file (data/caseload.csv), cut to what recognition needs.
CASELOAD_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans,"
    "mainstream_la_maintained,mainstream_total,special_total"
)
CASELOAD_ROW = (
    "202425,Academic year,National,E92000001,England,,,,,,All EHC plans,Total,638745,"
    "100,300000,200000"
)
CASELOAD_CSV = f"\ufeff{CASELOAD_HEADER}\n{CASELOAD_ROW}\n".encode()
# Most of the caseload columns but not all: recognition reports it as damaged.
DAMAGED_CSV = b"time_period,breakdown_topic,breakdown,ehcplans,mainstream_total\n202425,a,b,1,2\n"
OTHER_CSV = b"alpha,beta\n1,2\n"
OFFICIAL = "https://official.example.gov.uk"
LANDING = "https://official.example.gov.uk/landing"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the test folder, plus /slow/... (answers late) and /short/... (body cut short)."""

    def do_GET(self) -> None:
        if self.path.startswith("/slow/"):
            time.sleep(1.0)
        if self.path.startswith("/short/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            self.close_connection = True
            return
        # The client may have given up already (timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(folder served, base URL) of a local HTTP server on a free port."""
    root = tmp_path_factory.mktemp("served")
    handler = partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _put(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _source(name: str, path: str, kind: str = "file", **kw: object) -> Source:
    return Source(
        name=name,
        title=f"Test source {name}",
        publisher="Test publisher",
        landing_page=LANDING,
        url=None if path == "" else f"{OFFICIAL}{path}",
        kind="zip" if kind == "zip" else "file",
        dest=name,
        licence="OGL-3.0",
        description="A test source.",
        **kw,  # type: ignore[arg-type]
    )


def _all_files(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- single files


def test_file_download_writes_file_and_manifest(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    _put(root, "t1/caseload.csv", CASELOAD_CSV)
    calls: list[tuple[str, int, int | None]] = []

    results = download(
        [_source("ehcp", "/t1/caseload.csv")],
        tmp_path,
        base_url=base,
        progress=lambda name, done, total: calls.append((name, done, total)),
    )

    assert len(results) == 1
    result = results[0]
    assert result.status == "downloaded"
    assert result.url == f"{base}/t1/caseload.csv"
    (kept,) = result.files
    assert kept.path == tmp_path / "ehcp" / "caseload.csv"
    assert kept.path.read_bytes() == CASELOAD_CSV
    assert kept.dataset == "ehcp_2025_caseload"
    assert kept.relpath == "ehcp/caseload.csv"
    assert _all_files(tmp_path / "ehcp") == ["caseload.csv"]  # no temporary file left
    assert calls[0] == ("ehcp", 0, len(CASELOAD_CSV))
    assert calls[-1] == ("ehcp", len(CASELOAD_CSV), len(CASELOAD_CSV))

    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    entry = manifest["files"]["ehcp/caseload.csv"]
    assert entry["sha256"] == hashlib.sha256(CASELOAD_CSV).hexdigest()
    assert entry["size"] == len(CASELOAD_CSV)
    assert entry["url"] == f"{base}/t1/caseload.csv"
    assert entry["source"] == "ehcp"
    assert entry["dataset"] == "ehcp_2025_caseload"
    assert entry["downloaded_at"].endswith("+00:00")
    assert read_manifest(tmp_path) == manifest


def test_unrecognised_file_is_removed_and_reported(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = served
    _put(root, "t2/other.csv", OTHER_CSV)
    _put(root, "t2/caseload.csv", DAMAGED_CSV)
    (other,) = download([_source("other", "/t2/other.csv")], tmp_path, base_url=base)
    (damaged,) = download([_source("damaged", "/t2/caseload.csv")], tmp_path, base_url=base)

    assert other.status == "unrecognised"
    assert other.files == ()
    assert [(r.relpath, r.reason) for r in other.removed] == [
        ("other/other.csv", "not a file dbv reads")
    ]
    assert damaged.status == "unrecognised"
    assert damaged.removed[0].reason.startswith("damaged: looks like")
    assert _all_files(tmp_path / "other") == []
    assert _all_files(tmp_path / "damaged") == []
    assert read_manifest(tmp_path)["files"] == {}


def test_source_without_url_is_skipped_with_landing_page(tmp_path: Path) -> None:
    (result,) = download([_source("manual", "")], tmp_path, base_url="http://127.0.0.1:9")
    assert result.status == "skipped"
    assert LANDING in result.message
    assert str(tmp_path / "manual") in result.message
    assert not (tmp_path / "manual").exists()
    assert not (tmp_path / MANIFEST_NAME).exists()


# --------------------------------------------------------------------------- zip bundles


def test_zip_keeps_only_members_that_dbv_reads(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    bundle = _zip(
        {
            "data/caseload.csv": CASELOAD_CSV,
            "data/personal_budgets.csv": OTHER_CSV,
            "data-guidance/data-guidance.txt": b"guidance",
            "supporting-files/extra.csv": OTHER_CSV,
        }
    )
    _put(root, "api/releases/abc/files", bundle)
    source = _source("ehcp-2025", "/api/releases/abc/files?fromPage=ReleaseDownloads", kind="zip")
    source = dataclasses.replace(source, members=("data/*.csv", "data/missing.csv"))

    (result,) = download([source], tmp_path, base_url=base)

    assert result.status == "downloaded"
    assert result.url == f"{base}/api/releases/abc/files?fromPage=ReleaseDownloads"
    assert [f.relpath for f in result.files] == ["ehcp-2025/data/caseload.csv"]
    assert [r.relpath for r in result.removed] == ["ehcp-2025/data/personal_budgets.csv"]
    assert result.unmatched_members == ("data/missing.csv",)
    assert _all_files(tmp_path / "ehcp-2025") == ["data/caseload.csv"]  # zip itself removed
    assert (tmp_path / "ehcp-2025" / "data" / "caseload.csv").read_bytes() == CASELOAD_CSV
    manifest = read_manifest(tmp_path)
    assert list(manifest["files"]) == ["ehcp-2025/data/caseload.csv"]


def test_corrupt_zip_raises_and_leaves_nothing(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    bundle = _zip({"data/caseload.csv": CASELOAD_CSV * 50})
    _put(root, "t3/truncated.zip", bundle[: len(bundle) // 2])
    _put(root, "t3/garbage.zip", b"this is not a zip file at all")

    for path in ("/t3/truncated.zip", "/t3/garbage.zip"):
        with pytest.raises(DownloadError) as info:
            download([_source("bundle", path, kind="zip")], tmp_path, base_url=base)
        assert f"{base}{path}" in str(info.value)
        assert "damaged or incomplete" in info.value.message
        assert info.value.fix is not None and LANDING in info.value.fix
        assert _all_files(tmp_path / "bundle") == []
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_zip_member_escaping_the_folder_is_refused(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = served
    _put(root, "t4/evil.zip", _zip({"../evil.csv": CASELOAD_CSV}))
    with pytest.raises(DownloadError, match="unsafe path"):
        download([_source("evil", "/t4/evil.zip", kind="zip")], tmp_path / "data", base_url=base)
    assert not (tmp_path / "evil.csv").exists()
    assert _all_files(tmp_path / "data") == []


# --------------------------------------------------------------------------- failures


def test_http_404_raises_with_url_and_fix(served: tuple[Path, str], tmp_path: Path) -> None:
    _, base = served
    with pytest.raises(DownloadError) as info:
        download([_source("missing", "/t5/nothing-here.csv")], tmp_path, base_url=base)
    err = info.value
    assert f"{base}/t5/nothing-here.csv" in err.message
    assert "HTTP 404" in err.message
    assert err.fix is not None
    assert "check the network" in err.fix
    assert LANDING in err.fix and str(tmp_path / "missing") in err.fix
    assert _all_files(tmp_path) == []


def test_failed_redownload_keeps_the_previous_file(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = served
    _put(root, "t6/caseload.csv", CASELOAD_CSV)
    download([_source("ehcp", "/t6/caseload.csv")], tmp_path, base_url=base)
    (root / "t6" / "caseload.csv").unlink()
    with pytest.raises(DownloadError, match="HTTP 404"):
        download([_source("ehcp", "/t6/caseload.csv")], tmp_path, base_url=base)
    assert _all_files(tmp_path / "ehcp") == ["caseload.csv"]
    assert (tmp_path / "ehcp" / "caseload.csv").read_bytes() == CASELOAD_CSV


def test_body_cut_short_raises(served: tuple[Path, str], tmp_path: Path) -> None:
    _, base = served
    with pytest.raises(DownloadError) as info:
        download([_source("short", "/short/caseload.csv")], tmp_path, base_url=base)
    assert f"{base}/short/caseload.csv" in info.value.message
    assert _all_files(tmp_path / "short") == []


def test_timeout_raises(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    _put(root, "slow/caseload.csv", CASELOAD_CSV)
    with pytest.raises(DownloadError, match="no answer within 0.2 seconds"):
        download([_source("slow", "/slow/caseload.csv")], tmp_path, base_url=base, timeout=0.2)
    assert _all_files(tmp_path / "slow") == []


def test_connection_refused_raises(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DownloadError, match="network error"):
        download([_source("down", "/x.csv")], tmp_path, base_url=f"http://127.0.0.1:{port}")
    assert _all_files(tmp_path) == []


# --------------------------------------------------------------------------- selection, URLs


def test_only_downloads_the_named_sources(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    _put(root, "t7/a/caseload.csv", CASELOAD_CSV)
    _put(root, "t7/b/caseload.csv", CASELOAD_CSV)
    sources = [_source("a", "/t7/a/caseload.csv"), _source("b", "/t7/b/caseload.csv")]

    results = download(sources, tmp_path, only=["b"], base_url=base)

    assert [r.source for r in results] == ["b"]
    assert not (tmp_path / "a").exists()
    assert (tmp_path / "b" / "caseload.csv").exists()
    with pytest.raises(DownloadError, match="unknown source 'c'") as info:
        download(sources, tmp_path, only=["c"], base_url=base)
    assert info.value.fix == "choose from: a, b"


def test_effective_url_swaps_scheme_and_host_only() -> None:
    url = "https://content.example.gov.uk/api/releases/x/files?fromPage=ReleaseDownloads"
    assert effective_url(url, None) == url
    assert (
        effective_url(url, "http://127.0.0.1:8000/mirror/")
        == "http://127.0.0.1:8000/mirror/api/releases/x/files?fromPage=ReleaseDownloads"
    )
    with pytest.raises(DownloadError):
        effective_url(url, "ftp://mirror.example")


# --------------------------------------------------------------------------- sources.yaml


def test_bundled_sources_yaml_loads_and_is_documented() -> None:
    sources = load_sources()
    assert len(sources) >= 10
    names = [s.name for s in sources]
    assert len(names) == len(set(names))
    for s in sources:
        assert s.landing_page.startswith("https://"), s.name
        assert s.description.endswith("."), s.name
        assert s.licence == "OGL-3.0", s.name
        assert s.checked is not None, s.name
        assert s.url is None or s.url.startswith("https://"), s.name
        if s.kind == "zip":
            assert s.members, s.name
    assert {"ehcp-2025", "ehcp-2022", "lait-indicators"} <= set(names)


def test_download_reports_every_bundled_source_without_url(tmp_path: Path) -> None:
    manual = [s for s in load_sources() if s.url is None]
    results: list[DownloadResult] = download(manual, tmp_path)
    assert {r.status for r in results} == {"skipped"}
    assert all(r.landing_page in r.message for r in results)


_HEADER = "description: Test sources.\nreferences: [https://example.org]\nsources:\n"
_ENTRY = """  - name: one
    title: One
    publisher: Someone
    landing_page: https://example.org/one
    url: null
    kind: file
    dest: one
    licence: OGL-3.0
    retrieved: null
    checked: 2026-01-01
    description: One file.
"""


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("    title: Again\n", "title"),  # duplicate key
        ("    colour: blue\n", "colour"),  # unknown key
        ("    members: ['*.csv']\n", "members"),  # members on a plain file
    ],
)
def test_load_sources_rejects_bad_keys(tmp_path: Path, extra: str, key: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(_HEADER + _ENTRY + extra, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_sources(path)
    assert key in str(info.value)
    assert str(path) in str(info.value)


def test_load_sources_rejects_unknown_top_level_key_and_bad_description(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(_HEADER + _ENTRY + "extra: 1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown key 'extra'"):
        load_sources(path)
    path.write_text(_HEADER + _ENTRY.replace("One file.", "One file"), encoding="utf-8")
    with pytest.raises(ParameterError, match="full stop"):
        load_sources(path)
    path.write_text(_HEADER + _ENTRY + _ENTRY, encoding="utf-8")
    with pytest.raises(ParameterError, match="duplicate name 'one'"):
        load_sources(path)
