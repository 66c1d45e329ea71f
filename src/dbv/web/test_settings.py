"""Settings for the test suite: a throw-away data folder and key; the database is SQLite in
memory unless DATABASE_URL names PostgreSQL (CI runs the web tests on both)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DBV_WEB_DATA", tempfile.mkdtemp(prefix="dbv-web-test-"))
os.environ.setdefault("DBV_SECRET_KEY", "test-only-not-secret-" + "x" * 40)

from dbv.web.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
