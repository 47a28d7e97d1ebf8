"""/healthz and /readyz: what the load balancer and systemd ask before sending traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from config import ProductionConfig
from seminar_app import create_app
from seminar_app.extensions import db, limiter
from seminar_app.ops import health
from tests.redis_test import REDIS_URL

UNREACHABLE_REDIS = "redis://127.0.0.1:6399/0"


@pytest.fixture
def other_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**settings: object) -> Flask:
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **settings}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def assert_plain_machine_answer(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers


def test_healthz_says_the_process_is_up_without_touching_the_database(other_app: Callable[..., Flask]) -> None:
    broken = other_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert_plain_machine_answer(response)


def test_readyz_is_ready_with_the_database_at_the_head_revision(client, at_migrations_head: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["redis"] == "not configured"
    assert_plain_machine_answer(response)


def test_readyz_is_not_ready_while_migrations_are_behind(client, at_migrations_head: str) -> None:  # type: ignore[no-untyped-def]
    db.session.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["migrations"]
    assert f"at 0012, expected {at_migrations_head}" in body["checks"]["migrations"]
    assert "flask db upgrade" in body["checks"]["migrations"]
    assert_plain_machine_answer(response)


def test_readyz_is_not_ready_on_a_database_never_migrated(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["migrations"]
    assert "not migrated" in response.get_json()["checks"]["migrations"]


def test_readyz_is_not_ready_when_the_database_is_unreachable(other_app: Callable[..., Flask]) -> None:
    broken = other_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["database", "migrations"]
    assert body["checks"]["database"] == "unreachable"
    # Nothing about the server's address or the error's text leaks to an anonymous caller.
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_readyz_stays_ready_but_says_degraded_when_redis_is_gone(
    other_app: Callable[..., Flask], at_migrations_head: str
) -> None:
    node = other_app(
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=UNREACHABLE_REDIS,
        CACHE_OPTIONS={"socket_connect_timeout": 1},
    )
    response = node.test_client().get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["redis"] == "unreachable (degraded: cache off, rate limits per process)"


def test_readyz_checks_the_rate_limit_redis_too(other_app: Callable[..., Flask], at_migrations_head: str) -> None:
    node = other_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://:secret@127.0.0.1:6399/0")
    try:
        response = node.test_client().get("/readyz")
    finally:
        limiter.enabled = False
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"].startswith("unreachable (degraded")
    assert "secret" not in response.get_data(as_text=True)


def test_the_migrations_head_is_read_once_per_process(client, at_migrations_head: str) -> None:  # type: ignore[no-untyped-def]
    before = health.migrations_head.cache_info()
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
    after = health.migrations_head.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 3


def test_health_checks_are_never_rate_limited(other_app: Callable[..., Flask], at_migrations_head: str) -> None:
    node = other_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    try:
        client = node.test_client()
        statuses = {client.get(url).status_code for url in ("/healthz", "/readyz") * 5}
    finally:
        limiter.reset()
        limiter.enabled = False
    assert statuses == {200}


@pytest.fixture
def production(app: Flask) -> Iterator[Flask]:
    class Production(ProductionConfig):
        SECRET_KEY = "a-long-random-production-secret-0123456789"
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        ALLOW_SQLITE_IN_PRODUCTION = True
        PUBLIC_BASE_URL = "https://seminars.example.org"
        RATELIMIT_STORAGE_URI = REDIS_URL
        CACHE_TYPE = "RedisCache"
        CACHE_REDIS_URL = REDIS_URL
        RATELIMIT_ENABLED = False
        TRUSTED_HOSTS: list[str] | None = None

    try:
        node = create_app(Production)
    finally:
        limiter.enabled = False
    yield node
    with node.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.0.0.12", "localhost", "evil.example"])
def test_production_answers_health_checks_whatever_the_host(
    production: Flask, at_migrations_head: str, host: str
) -> None:
    """nginx and systemd ask with the node's address; the trusted-host check must not turn them away."""
    client = production.test_client()
    assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/readyz", headers={"Host": host}).status_code == 200
    # Every other page still refuses the unknown host.
    assert client.get("/", headers={"Host": host}).status_code == 400
