"""What production refuses to start with, all listed at once.

A production app (neither debug nor testing) is checked before it serves anything: the
secret key, the public address, shared Redis for rate limits and the page cache, a real
database that answers. Every problem found is listed in one `ConfigurationError`, so that an
operator fixes the environment file once rather than once per restart.

`ConfigurationError` is a `click.ClickException` with exit status 78 (EX_CONFIG, sysexits.h):
raised while the `flask` command loads the app it prints "Error: ..." without a traceback and
exits 78; `seminar_app.wsgi` does the same for gunicorn; `flask check-config` lists the same
problems for the current settings (production's rules whatever SEMINAR_CONFIG says).

Decisions: SQLite is refused unless ALLOW_SQLITE_IN_PRODUCTION=1 (a single small server may
accept one file and one writer at a time; several nodes cannot share it). CACHE_REDIS_URL is
required while the page cache is on (PUBLIC_PAGE_CACHE_SECONDS > 0): with a cache per process,
an edit made through one worker leaves the others serving the old page until it expires.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import click
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from config import DEFAULT_PUBLIC_BASE_URL, DEFAULT_SECRET_KEY

EX_CONFIG = 78
MIN_SECRET_KEY_LENGTH = 32
DATABASE_CONNECT_TIMEOUT_SECONDS = 5


class ConfigurationError(click.ClickException):
    """The settings a production app would run with are unsafe or unusable; `problems` lists each."""

    exit_code = EX_CONFIG

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"Refusing to start: {len(problems)} problem(s) in the production settings (see deploy/README.md):\n{lines}"
        )


def settings_problems(config: Mapping[str, Any]) -> list[str]:
    """Every problem in the settings themselves (no server is contacted)."""
    problems: list[str] = []
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret == DEFAULT_SECRET_KEY:
        problems.append(
            "SECRET_KEY is not set (or is the development default): set it to a long random value, "
            'such as the output of: python -c "import secrets; print(secrets.token_hex(32))".'
        )
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is {len(secret)} characters long: use at least {MIN_SECRET_KEY_LENGTH} random "
            "characters, since it signs every session and private link."
        )
    base_url = config.get("PUBLIC_BASE_URL") or ""
    parts = urlsplit(base_url)
    if not base_url or base_url == DEFAULT_PUBLIC_BASE_URL:
        # Links in mail and calendars would point at 127.0.0.1 and every real visitor would get 400.
        problems.append(
            "PUBLIC_BASE_URL is not set: set it to the site's address as visitors reach it "
            "(e.g. https://seminars.example.org)."
        )
    elif parts.scheme != "https" or not parts.hostname:
        problems.append(
            f"PUBLIC_BASE_URL is {base_url!r}: it must be an https:// address with a host name, since log-ins "
            "and private links in mail must not travel unencrypted (e.g. https://seminars.example.org)."
        )
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if config.get("RATELIMIT_ENABLED", True) and uri.startswith("memory://"):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://, so every worker process would count log-ins and "
            "registrations on its own. Set it to a Redis server that all workers share, such as "
            "redis://127.0.0.1:6379/0."
        )
    if (config.get("PUBLIC_PAGE_CACHE_SECONDS") or 0) > 0 and not config.get("CACHE_REDIS_URL"):
        problems.append(
            "CACHE_REDIS_URL is not set, so each worker would keep its own page cache and serve a page "
            "edited through another worker unchanged until it expires. Set it to the Redis server all "
            "nodes share (e.g. redis://127.0.0.1:6379/1), or PUBLIC_PAGE_CACHE_SECONDS=0 to cache nothing."
        )
    database = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if database.startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append(
            "DATABASE_URL is not set or names SQLite, which several nodes and workers cannot share. "
            "Set it to PostgreSQL (e.g. postgresql://seminar@127.0.0.1/seminar), or "
            "ALLOW_SQLITE_IN_PRODUCTION=1 for a single small server that accepts its limits."
        )
    if config.get("LOG_FORMAT", "text") not in ("json", "text"):
        problems.append(f"LOG_FORMAT is {config.get('LOG_FORMAT')!r}: use json (one JSON object a line) or text.")
    if not isinstance(logging.getLevelName(str(config.get("LOG_LEVEL", "INFO"))), int):
        problems.append(f"LOG_LEVEL is {config.get('LOG_LEVEL')!r}: use DEBUG, INFO, WARNING or ERROR.")
    return problems


def metrics_directory_problem(environ: Mapping[str, str]) -> str | None:
    """PROMETHEUS_MULTIPROC_DIR, when set, must be a directory the workers can write to."""
    directory = environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and not (os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)):
        return (
            f"PROMETHEUS_MULTIPROC_DIR is {directory!r}, which is not a directory this user can write to: "
            "create it (empty) before gunicorn starts, or unset it for a single process."
        )
    return None


def database_problem(uri: str) -> str | None:
    """Why the database cannot be reached (with its address, never its password), or None."""
    try:
        url = make_url(uri)
    except ArgumentError:
        return "DATABASE_URL is not a database address (such as postgresql://seminar@127.0.0.1/seminar)."
    options: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": DATABASE_CONNECT_TIMEOUT_SECONDS}
    engine = create_engine(url, **options)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        where = url.render_as_string(hide_password=True)
        return f"The database {where} cannot be reached ({reason}). Start it, or correct DATABASE_URL."
    finally:
        engine.dispose()
    return None


def production_problems(config: Mapping[str, Any]) -> list[str]:
    """Every reason production would refuse these settings, the database's reachability included."""
    problems = settings_problems(config)
    directory = metrics_directory_problem(os.environ)
    if directory:
        problems.append(directory)
    database = config.get("SQLALCHEMY_DATABASE_URI") or ""
    # SQLite is a file: nothing to reach (and opening it would create it).
    if database and not database.startswith("sqlite") and not any("DATABASE_URL" in p for p in problems):
        problem = database_problem(database)
        if problem:
            problems.append(problem)
    return problems


def check_production(config: Mapping[str, Any]) -> None:
    """Raise ConfigurationError listing every problem, if there is any."""
    problems = production_problems(config)
    if problems:
        raise ConfigurationError(problems)
