"""Settings and protections every page relies on."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from seminar_app import create_app
from seminar_app.extensions import db, limiter
from seminar_app.ops.startchecks import ConfigurationError
from tests.redis_test import REDIS_URL


def test_production_refuses_to_start_with_the_default_secret_key() -> None:
    class Unsafe(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        ALLOW_SQLITE_IN_PRODUCTION = True

    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(Unsafe)

    class Safe(Unsafe):
        SECRET_KEY = "a-long-random-production-secret-0123456789"
        RATELIMIT_STORAGE_URI = REDIS_URL
        CACHE_REDIS_URL = REDIS_URL
        PUBLIC_BASE_URL = "https://seminars.example.org"

    try:
        assert create_app(Safe).config["SESSION_COOKIE_SECURE"] is True
    finally:
        limiter.enabled = False


def test_production_refuses_to_start_without_its_public_address() -> None:
    """With the development default, every link in mail would point at 127.0.0.1 and the
    trusted-host check would turn every real visitor away."""

    class NoAddress(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        ALLOW_SQLITE_IN_PRODUCTION = True
        SECRET_KEY = "a-long-random-production-secret-0123456789"
        RATELIMIT_STORAGE_URI = REDIS_URL
        CACHE_REDIS_URL = REDIS_URL

    try:
        with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL") as refused:
            create_app(NoAddress)
        assert refused.value.problems == [refused.value.problems[0]], "the only problem is the address"
    finally:
        limiter.enabled = False


def _app_with(tmp_path, **config):  # type: ignore[no-untyped-def]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'strict.db'}", **config})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def limited_app(tmp_path):  # type: ignore[no-untyped-def]
    """An app with rate limits on. Flask-Limiter's switch is global to the process, so it is put back."""
    app = _app_with(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    yield app
    limiter.reset()
    limiter.enabled = False


def test_a_form_without_its_csrf_token_is_refused_and_says_why(tmp_path) -> None:
    app = _app_with(tmp_path, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)


def test_repeated_log_in_attempts_are_slowed_down(limited_app) -> None:
    client = limited_app.test_client()
    data = {"email": "a@example.org", "password": "wrong password"}
    statuses = [client.post("/login", data=data).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert "Too many attempts" in client.post("/login", data=data).get_data(as_text=True)
    assert client.get("/login").status_code == 200, "only attempts are limited, not the form"


def test_pages_forbid_third_party_resources_and_framing(client) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_password_is_stored_hashed(make_user) -> None:
    user = make_user()
    assert "correct horse" not in user.password_hash
    assert user.check_password("correct horse battery staple")
    assert not user.check_password("correct horse battery stapler")


def test_behind_a_proxy_the_visitors_address_is_used(tmp_path) -> None:
    app = _app_with(tmp_path, PROXY_COUNT=1)
    seen: list[str | None] = []

    @app.get("/_whoami")
    def whoami() -> str:
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen == ["203.0.113.7"]
