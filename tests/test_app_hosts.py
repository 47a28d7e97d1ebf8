"""A forged Host (or X-Forwarded-Host) header never reaches a link: absolute addresses come
from PUBLIC_BASE_URL, and production refuses hosts it does not serve."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import ProductionConfig
from seminar_app import create_app
from seminar_app.events.models import Event
from seminar_app.extensions import db, limiter
from tests.redis_test import REDIS_URL

PUBLIC = "https://seminars.example.org"
FORGED = "evil.example"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(title="Lisbon seminar", slug="lisbon-seminar")


def public_urls(event: Event) -> list[str]:
    project = event.project.slug
    return [
        f"/events/{event.slug}",
        "/",
        f"/projects/{project}",
        "/api/v1/events",
        f"/api/v1/events/{event.id}",
        f"/events/{event.slug}/calendar.ics",
        f"/feeds/projects/{project}.ics",
        f"/feeds/partners/{event.partner_id}.ics",
    ]


def assert_links_are_public(client: FlaskClient, event: Event, forged: dict[str, str]) -> None:
    """Forged requests get PUBLIC_BASE_URL links; so do the visitors who come after them
    (the public pages are cached)."""
    for url in public_urls(event):
        response = client.get(url, headers=forged)
        assert response.status_code == 200, url
        assert FORGED not in response.get_data(as_text=True), url
    for url in public_urls(event):
        body = client.get(url).get_data(as_text=True)
        assert FORGED not in body, url
        if url != "/":
            assert "seminars.example.org" in body, url


@pytest.fixture
def site(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Apps on the test database as an installation runs them: no SERVER_NAME, so nothing
    but PUBLIC_BASE_URL stands between the request's host and the links."""
    made: list[Flask] = []

    def make(**settings: object) -> Flask:
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": uri, "PUBLIC_BASE_URL": PUBLIC, **settings}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_a_forged_host_never_reaches_links_nor_the_cached_pages(site: Callable[..., Flask], event: Event) -> None:
    assert_links_are_public(site().test_client(), event, {"Host": FORGED})


def test_behind_a_proxy_a_forged_forwarded_host_never_reaches_links(site: Callable[..., Flask], event: Event) -> None:
    assert_links_are_public(site(PROXY_COUNT=1).test_client(), event, {"X-Forwarded-Host": FORGED})


def production_app(database_url: str, **settings: object) -> Flask:
    class Production(ProductionConfig):
        SECRET_KEY = "a-long-random-production-secret-0123456789"
        SQLALCHEMY_DATABASE_URI = database_url
        PUBLIC_BASE_URL = PUBLIC
        RATELIMIT_STORAGE_URI = REDIS_URL
        CACHE_REDIS_URL = REDIS_URL
        ALLOW_SQLITE_IN_PRODUCTION = True
        RATELIMIT_ENABLED = False
        PROXY_COUNT = 0
        TRUSTED_HOSTS: list[str] | None = None

    for name, value in settings.items():
        setattr(Production, name, value)
    try:
        return create_app(Production)
    finally:
        limiter.enabled = False


@pytest.fixture
def production(app: Flask) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**settings: object) -> Flask:
        made.append(production_app(app.config["SQLALCHEMY_DATABASE_URI"], **settings))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_production_answers_only_its_own_host(production: Callable[..., Flask], event: Event) -> None:
    client = production().test_client()
    for url in public_urls(event):
        assert client.get(url, headers={"Host": FORGED}).status_code == 400, url
        assert client.get(url, headers={"Host": "seminars.example.org"}).status_code == 200, url
    assert client.get("/login", headers={"Host": FORGED}).status_code == 400
    assert client.post("/login", headers={"Host": FORGED}).status_code == 400
    assert FORGED not in client.get("/", headers={"Host": FORGED}).get_data(as_text=True)


def test_production_checks_the_forwarded_host_behind_a_proxy(production: Callable[..., Flask], event: Event) -> None:
    client = production(PROXY_COUNT=1).test_client()
    headers = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": FORGED}
    assert client.get(f"/events/{event.slug}", headers=headers).status_code == 400
    headers["X-Forwarded-Host"] = "seminars.example.org"
    assert client.get(f"/events/{event.slug}", headers=headers).status_code == 200


def test_production_also_answers_the_hosts_listed_in_trusted_hosts(
    production: Callable[..., Flask], event: Event
) -> None:
    client = production(TRUSTED_HOSTS=["www.seminars.example.org", ".partners.example"]).test_client()
    for host in ("seminars.example.org", "www.seminars.example.org", "pt.partners.example"):
        assert client.get(f"/events/{event.slug}", headers={"Host": host}).status_code == 200, host
    assert client.get(f"/events/{event.slug}", headers={"Host": FORGED}).status_code == 400
