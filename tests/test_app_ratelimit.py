"""Rate limits as production runs them: counted in Redis shared by every worker, still
working (per process) when Redis is down, and saying when to come back.

Uses the Redis server at 127.0.0.1:6379 (tests/redis_test.py, keys under a prefix of their own
that the test deletes afterwards); skipped when none is running."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from flask import Flask

from config import ProductionConfig
from seminar_app import create_app, pagecache
from seminar_app.events.models import Event
from seminar_app.extensions import db, limiter
from seminar_app.ops.startchecks import ConfigurationError
from tests.redis_test import REDIS_URL
from tests.test_registration_api import body
from tests.test_registration_routes import form

UNREACHABLE = "redis://127.0.0.1:1/0"


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_is_up(), reason="no Redis server at 127.0.0.1:6379")


@pytest.fixture
def limited(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Apps on the test database with rate limits on (3 per minute). Flask-Limiter's
    switches are global to the process, so they are put back afterwards."""
    made: list[Flask] = []
    prefix = f"seminar-test-{uuid.uuid4().hex[:8]}"

    def make(storage_uri: str) -> Flask:
        other = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": storage_uri,
                "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix, "socket_connect_timeout": 1, "socket_timeout": 1},
                "LOGIN_RATE_LIMIT": "3 per minute",
                "REGISTRATION_RATE_LIMIT": "3 per minute",
            }
        )
        made.append(other)
        return other

    yield make
    limiter.enabled = False
    limiter._storage_dead = False  # a dead Redis in one test must not leave the next on the fallback
    for other in made:
        with other.app_context():
            db.engine.dispose()
    if redis_is_up():
        store = redis.Redis.from_url(REDIS_URL)
        keys = list(store.scan_iter(f"{prefix}:*"))
        if keys:
            store.delete(*keys)


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    """Warnings of the limiter and the page cache (Alembic's logging set-up, run by the
    migration tests, disables the loggers that exist by then)."""
    for logger in (limiter.logger, pagecache.logger):
        monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.WARNING)
    return caplog


def login_statuses(app: Flask, count: int = 4) -> list[int]:
    client = app.test_client()
    data = {"email": "a@example.org", "password": "wrong password"}
    return [client.post("/login", data=data).status_code for _ in range(count)]


def assert_retry_after(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@needs_redis
def test_limits_are_counted_in_redis_and_429_says_when_to_retry(limited: Callable[..., Flask], event: Event) -> None:
    app = limited(REDIS_URL)
    assert login_statuses(app) == [422, 422, 422, 429]
    client = app.test_client()
    assert_retry_after(client.post("/login", data={"email": "a@example.org", "password": "x"}))

    statuses = [
        client.post(f"/events/{event.slug}/register", data=form(email=f"p{n}@example.org")).status_code
        for n in range(2)
    ]
    api = client.post(f"/api/v1/events/{event.id}/registrations", json=body(email="p3@example.org"))
    assert statuses == [302, 302] and api.status_code == 202
    html = client.post(f"/events/{event.slug}/register", data=form(email="p4@example.org"))
    assert_retry_after(html)
    assert "Too many attempts" in html.get_data(as_text=True)
    json = client.post(f"/api/v1/events/{event.id}/registrations", json=body(email="p5@example.org"))
    assert_retry_after(json)
    assert json.get_json()["error"]["code"] == "too_many_requests"

    counters = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{limiter.storage.key_prefix}:*"))
    assert len(counters) >= 2, "the log-in and registration budgets live in Redis, shared by every worker"


def test_with_redis_down_log_in_and_registration_work_and_are_still_limited(
    limited: Callable[..., Flask], event: Event, warnings_logged: pytest.LogCaptureFixture
) -> None:
    app = limited(UNREACHABLE)
    assert login_statuses(app) == [422, 422, 422, 429]
    assert "Rate limit storage unreachable" in warnings_logged.text

    client = app.test_client()
    assert client.post(f"/events/{event.slug}/register", data=form()).status_code == 302
    api = client.post(f"/api/v1/events/{event.id}/registrations", json=body(email="rui@example.org"))
    assert api.status_code == 202
    assert client.post(f"/events/{event.slug}/register", data=form(email="eva@example.org")).status_code == 302
    assert_retry_after(client.post(f"/api/v1/events/{event.id}/registrations", json=body(email="zoe@example.org")))


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(title="Lisbon seminar", slug="lisbon-seminar")


def production_config(**settings: object) -> type[ProductionConfig]:
    class Production(ProductionConfig):
        SECRET_KEY = "a-long-random-production-secret-0123456789"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        ALLOW_SQLITE_IN_PRODUCTION = True
        CACHE_REDIS_URL = REDIS_URL
        RATELIMIT_ENABLED = True
        PUBLIC_BASE_URL = "https://seminars.example.org"

    for name, value in settings.items():
        setattr(Production, name, value)
    return Production


def test_production_refuses_to_start_with_per_process_rate_limit_storage() -> None:
    try:
        with pytest.raises(ConfigurationError, match=r"RATELIMIT_STORAGE_URI.*redis://"):
            create_app(production_config(RATELIMIT_STORAGE_URI="memory://"))
        assert create_app(production_config(RATELIMIT_STORAGE_URI=REDIS_URL)).config["RATELIMIT_ENABLED"]
    finally:
        limiter.enabled = False


def test_with_the_page_cache_redis_down_pages_and_registration_still_work(
    app: Flask, event: Event, warnings_logged: pytest.LogCaptureFixture
) -> None:
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": UNREACHABLE,
            "CACHE_OPTIONS": {"socket_connect_timeout": 1},
        }
    )
    client = other.test_client()
    assert client.get(f"/events/{event.slug}").status_code == 200
    assert client.post(f"/events/{event.slug}/register", data=form()).status_code == 302
    api = client.post(f"/api/v1/events/{event.id}/registrations", json=body(email="rui@example.org"))
    assert api.status_code == 202
    assert "Page cache unreachable" in warnings_logged.text
    with other.app_context():
        db.engine.dispose()


def test_the_fallback_warning_reaches_the_servers_error_log(
    limited: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flask-Limiter logs into a NullHandler of its own: without logging set up by the
    operator (gunicorn sets up none for the app), its warning went nowhere."""
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(limiter.logger, "handlers", list(limiter.logger.handlers))
    monkeypatch.setattr(limiter.logger, "disabled", False)
    app = limited(UNREACHABLE)
    assert login_statuses(app, 1) == [422]
    assert "Rate limit storage unreachable" in capsys.readouterr().err
