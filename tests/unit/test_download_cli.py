"""`dbv data download` end to end against a local HTTP server (never the internet)."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbv.cli import app
from dbv.io.download import load_sources

CORPUS = Path(__file__).resolve().parents[1] / "data"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "mirror"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _publish_ehcp_bundle(root: Path) -> None:
    """Put a tiny EHCP 'download all' zip where the bundled URL's path points."""
    (source,) = [s for s in load_sources() if s.name == "ehcp-2025"]
    assert source.url is not None
    path = source.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data/caseload.csv", (CORPUS / "pass/caseload_minimal.csv").read_bytes())
        zf.writestr("data-guidance/data-guidance.txt", "guidance")
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buf.getvalue())


def test_download_then_baseline(mirror: tuple[Path, str], tmp_path: Path) -> None:
    root, url = mirror
    _publish_ehcp_bundle(root)
    data = tmp_path / "data"
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["data", "download", "--only", "ehcp-2025", "--base-url", url, "--data-dir", str(data)],
    )
    assert result.exit_code == 0, result.output
    assert (data / "ehcp-sen2-2025" / "data" / "caseload.csv").exists()
    manifest = json.loads((data / "dbv-downloads.json").read_text())
    assert "ehcp-2025" in json.dumps(manifest)
    result = runner.invoke(
        app,
        [
            "baseline",
            "--la",
            "Derby",
            "--json",
            "--data-dir",
            str(data),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["la"]["old_code"] == "831"


def test_download_failure_exits_non_zero_and_writes_nothing(
    mirror: tuple[Path, str], tmp_path: Path
) -> None:
    _, url = mirror  # nothing published: every request is a 404
    data = tmp_path / "data"
    result = CliRunner().invoke(
        app,
        ["data", "download", "--only", "ehcp-2025", "--base-url", url, "--data-dir", str(data)],
    )
    assert result.exit_code == 1
    assert "404" in result.output
    assert not list(data.rglob("*.csv"))
