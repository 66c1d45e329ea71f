"""DATABASE_URL picks the database: PostgreSQL when it names one, SQLite otherwise. Settings are
imported in a fresh interpreter, so no database is touched and the test is fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_DATABASE = (
    "from dbv.web import settings as s; d = s.DATABASES['default']; "
    "print(d['ENGINE'], d.get('NAME'), d.get('HOST'), d.get('PORT'), d.get('USER'))"
)


def _database(tmp_path: Path, url: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DBV_WEB_DATA"] = str(tmp_path)
    env["DBV_SECRET_KEY"] = "test-only-not-secret-" + "x" * 40
    if url is not None:
        env["DATABASE_URL"] = url
    out = subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_selects_postgresql(tmp_path: Path, scheme: str) -> None:
    engine, name, host, port, user = _database(tmp_path, f"{scheme}://dbv:pw@db.example:5433/dbv")
    assert engine == "django.db.backends.postgresql"
    assert (name, host, port, user) == ("dbv", "db.example", "5433", "dbv")


def test_without_database_url_sqlite_lives_in_the_data_folder(tmp_path: Path) -> None:
    engine, name, *_ = _database(tmp_path, None)
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == tmp_path / "dbv.sqlite3"
