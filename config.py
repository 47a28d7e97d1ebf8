"""Settings, read from the environment.

`create_app()` picks a class by `SEMINAR_CONFIG` (development, test, production)
unless a config object is passed in explicitly.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the dialect "postgres" and leave the driver to chance.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'seminar_app.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    # A pooled connection idle for longer is checked before use (seminar_app/db_pool.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "1"))

    SERVER_TIMEZONE = "UTC"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Interface languages, each named in itself; catalogues live in seminar_app/translations.
    # The switcher offers those whose catalogue is complete (seminar_app.i18n.offered_languages).
    LANGUAGES = {
        "en": "English",
        "pt": "Português",
        "it": "Italiano",
        "ro": "Română",
        "fi": "Suomi",
        "tr": "Türkçe",
        "es": "Español",
        "fr": "Français",
        "de": "Deutsch",
        "pl": "Polski",
    }

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "seminar_app <no-reply@localhost>")
    # "smtp" delivers through MAIL_SERVER; "file" writes .eml files to MAIL_FILE_DIR (the default
    # when no MAIL_SERVER is configured, so a new install can read what attendees would get).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if os.environ.get("MAIL_SERVER") else "file")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    # "inline": the web process delivers a request's new mail after the response; "worker":
    # only `flask mail send` / `flask mail worker` deliver.
    MAIL_DELIVERY = os.environ.get("MAIL_DELIVERY", "inline")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # A claim older than this means its sender died; keep it above a batch's worst delivery time.
    MAIL_STALE_CLAIM_SECONDS = int(os.environ.get("MAIL_STALE_CLAIM_SECONDS", "900"))
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    # Sent and failed mail is deleted this many days after it went out, by `flask jobs run`
    # (private links are removed from a message as soon as it is sent).
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS", "30"))

    # Behind a reverse proxy, how many proxies set X-Forwarded-For/-Proto (so that rate
    # limits see the visitor's address, not the proxy's). 0 when the app faces the net.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Production requires a Redis URL shared by every worker (see seminar_app/ratelimit.py).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # A Redis that does not answer must cost a request a second at most, not a long hang.
    RATELIMIT_STORAGE_OPTIONS = (
        {"socket_connect_timeout": 1, "socket_timeout": 1} if RATELIMIT_STORAGE_URI.startswith("redis") else {}
    )
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Per client address, shared by the registration form and the JSON API.
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute")
    # Registering again with a registered address re-sends the private link at most once
    # per this many minutes (the visitor sees the same answer either way).
    REGISTRATION_LINK_RESEND_MINUTES = int(os.environ.get("REGISTRATION_LINK_RESEND_MINUTES", "15"))

    # The largest evidence file an organiser may upload (a day's scanned signed sheet). The
    # proxy's request limit (deploy/nginx: client_max_body_size) must stay above it.
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))

    # werkzeug's default (scrypt) is deliberately slow; only the test suite lowers it.
    PASSWORD_HASH_METHOD = "scrypt"

    # Rendered public pages for anonymous visitors (see seminar_app/pagecache.py). Set
    # CACHE_REDIS_URL in production so that every worker shares one cache.
    CACHE_TYPE = "RedisCache" if os.environ.get("CACHE_REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1} if CACHE_REDIS_URL else {}
    CACHE_DEFAULT_TIMEOUT = 300
    PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))

    # Where the site is reached from outside: every absolute link (mail, pages, API, feeds)
    # is built from it, never from the request's Host header.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL)
    # Host names answered besides PUBLIC_BASE_URL's, comma-separated (".example.org" admits
    # its subdomains). Production answers any other Host / X-Forwarded-Host with 400;
    # elsewhere the check is on only when this is set.
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None

    # Scheduled jobs (`flask jobs run`): the feedback reminder goes this many days after the
    # request; events that ended longer ago than FEEDBACK_REQUEST_MAX_DAYS get no request
    # (so that turning the runner on for an old database does not write to everyone).
    FEEDBACK_REMINDER_DAYS = int(os.environ.get("FEEDBACK_REMINDER_DAYS", "3"))
    FEEDBACK_REQUEST_MAX_DAYS = int(os.environ.get("FEEDBACK_REQUEST_MAX_DAYS", "30"))
    # Invitees' names and addresses are operational data: blanked this many days after the
    # event ended (their answers, groups and countries stay for the conversion figures).
    INVITATION_RETENTION_DAYS = int(os.environ.get("INVITATION_RETENTION_DAYS", "30"))
    # Retention tier 1 (seminar_app/privacy/retention.py): registrants' contact details,
    # the event's mail and the tie of feedback links to people go this many days after
    # each event ended, for projects that set no number of their own.
    OPERATIONAL_RETENTION_DAYS = int(os.environ.get("OPERATIONAL_RETENTION_DAYS", "30"))

    API_PAGE_SIZE = 20
    API_MAX_PAGE_SIZE = 100
    PUBLIC_PAGE_SIZE = 24

    # Operations (seminar_app/ops). "json": one JSON object per log line on stderr, with the
    # request id (production's default); "text": plain lines (development; the test suite
    # leaves logging to pytest).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # The lowest level written to the log: DEBUG, INFO, WARNING, ERROR.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # /metrics answers `Authorization: Bearer <METRICS_TOKEN>`; unset, only loopback clients.
    # (PROMETHEUS_MULTIPROC_DIR, for several gunicorn workers, is read by prometheus_client
    # itself from the environment: see seminar_app/ops/metrics.py.)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    # Errors are reported to Sentry only when a DSN is set (no personal data is sent).
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
    # Production refuses SQLite (one file, one machine, no concurrent writers across nodes)
    # unless this is set, for a single small server that accepts those limits.
    ALLOW_SQLITE_IN_PRODUCTION = _bool("ALLOW_SQLITE_IN_PRODUCTION")


class DevelopmentConfig(Config):
    DEBUG = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    CACHE_TYPE = "SimpleCache"
    MAIL_BACKEND = "file"
    MAIL_FILE_DIR = str(Path(tempfile.gettempdir()) / "seminar_app-test-mail")


class ProductionConfig(Config):
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
