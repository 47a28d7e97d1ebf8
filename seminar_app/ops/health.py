"""What `/healthz` and `/readyz` check, and how they answer whatever the Host.

`/healthz` says the process is up and touches nothing else. `/readyz` says whether this node
should get traffic: the database answers a `SELECT 1` and its schema is at the head of
`migrations/` (a node whose code expects another schema must not serve).

Redis (the page cache and the rate-limit counters) is checked and reported, but a node whose
Redis is gone is still *ready*: the page cache is skipped (seminar_app.pagecache) and the rate
limits count in each process (seminar_app.ratelimit), so every answer is still correct, only
slower and less strictly limited. Taking nodes out because Redis blinked would take every node
out at once, since they share it; `/readyz` therefore stays 200 and says
"unreachable (degraded: cache off, rate limits per process)".

The load balancer, systemd and Prometheus ask with whatever Host they have (127.0.0.1, the
node's address), which production's trusted-host check would refuse with 400. These paths
reveal nothing (/metrics has its own guard) and build no links, so they are answered for any
Host: `answer_any_host` puts the public host in their environ before Flask sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from seminar_app.extensions import db

logger = logging.getLogger(__name__)

# Asked by machines with the node's own address as Host (the load balancer, systemd, Prometheus).
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
OK = "ok"
REDIS_DEGRADED = "unreachable (degraded: cache off, rate limits per process)"

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


@cache
def migrations_head(directory: str = str(MIGRATIONS_DIR)) -> str | None:
    """The head revision of `migrations/`, read once per process (the files do not change
    under a running node; a deploy restarts it)."""
    config = AlembicConfig()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        logger.warning("Readiness: database unreachable: %s", exc)
        return "unreachable"
    return OK


def check_migrations() -> str:
    """Whether the database's alembic_version is the code's head revision ("ok"), or what to do."""
    head = migrations_head()
    try:
        found = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        db.session.rollback()
        return f"not migrated (expected {head}): run flask db upgrade"
    if found == [head]:
        return OK
    return f"at {', '.join(found) or 'nothing'}, expected {head}: run flask db upgrade"


def redis_urls(config: dict[str, Any]) -> list[str]:
    """The Redis servers the app uses: the page cache's and the rate limits'."""
    urls = [config.get("CACHE_REDIS_URL") or ""]
    if config.get("RATELIMIT_ENABLED", True):
        urls.append(config.get("RATELIMIT_STORAGE_URI") or "")
    found = [url for url in urls if url.startswith(("redis://", "rediss://", "unix://"))]
    return list(dict.fromkeys(found))


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def check_redis(urls: Iterable[str]) -> str:
    for url in urls:
        try:
            _client(url).ping()
        except (redis.RedisError, OSError) as exc:
            logger.warning("Readiness: Redis %s unreachable: %s", _without_password(url), exc)
            return REDIS_DEGRADED
    return OK


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=f"{parts.hostname}:{parts.port or 6379}").geturl()


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: outcome}). Redis being down never makes a node unready (module docstring)."""
    checks = {"database": check_database()}
    checks["migrations"] = check_migrations() if checks["database"] == OK else "not checked"
    urls = redis_urls(current_app.config)
    checks["redis"] = check_redis(urls) if urls else "not configured"
    ready = checks["database"] == OK and checks["migrations"] == OK
    return ready, checks


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def answer_any_host(app: Flask) -> None:
    """Let the health and metrics paths through production's trusted-host check, whatever the Host."""
    public_host = urlsplit(app.config["PUBLIC_BASE_URL"]).netloc
    inner: WsgiApp = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in ANY_HOST_PATHS and public_host:
            environ["HTTP_HOST"] = public_host
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return inner(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
