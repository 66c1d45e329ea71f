"""Settings, all from the environment (12-factor), with safe defaults for one machine.

* ``DATABASE_URL``: PostgreSQL in production (``postgres://user:pass@host/db``); default SQLite
  in ``DBV_WEB_DATA`` (``~/.local/share/dbv/web``).
* ``DBV_SECRET_KEY``: default a random key kept in ``DBV_WEB_DATA/secret_key`` (mode 600).
* ``DBV_ALLOWED_HOSTS`` (comma-separated), ``DBV_DEBUG=1`` (never in production),
  ``DBV_HTTPS=1`` (behind an HTTPS proxy: secure cookies, HSTS, the proxy's scheme header).
* ``DBV_RETENTION_DAYS``: default retention of a council's workshop and survey data.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DBV_WEB_DATA", Path.home() / ".local" / "share" / "dbv" / "web"))


def _secret_key() -> str:
    if os.environ.get("DBV_SECRET_KEY"):
        return os.environ["DBV_SECRET_KEY"]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DBV_DEBUG") == "1"
HTTPS = os.environ.get("DBV_HTTPS") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DBV_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
                 if h]  # fmt: skip
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DBV_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dbv.web.core",
    "dbv.web.workshops",
    "dbv.web.surveys",
    "dbv.web.planning",
    "dbv.web.sharing",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dbv.web.core.middleware.security_headers",
]
ROOT_URLCONF = "dbv.web.urls"
WSGI_APPLICATION = "dbv.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dbv.web.core.context.organisation",
            ],
        },
    }
]
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'dbv.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # many reviewers saving at once: wait for the write lock instead of failing
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]  # fmt: skip
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_RATE_LIMIT = (5, 15 * 60)  # failed attempts per username or address, per seconds

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)

MAX_UPLOAD_BYTES = int(os.environ.get("DBV_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RETENTION_DAYS = int(os.environ.get("DBV_RETENTION_DAYS", 730))
UPLOAD_DIR = DATA_DIR / "uploads"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [HERE / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package when not collected

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_TZ = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DBV_LOG_LEVEL", "WARNING")},
}
