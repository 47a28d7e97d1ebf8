"""/metrics for Prometheus: who may read it, request figures by endpoint, the queues read from
the database at scrape time, and the counters of every gunicorn worker added up."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from seminar_app import create_app
from seminar_app.db_types import utcnow
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.jobs.runs import record_completed_run
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.services import queue_mail
from tests.test_jobs import register
from tests.test_ops_config import PYTHON, ROOT, production_environment

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus's text format, or None."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            return float(value)
    return None


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


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


def test_without_a_token_only_loopback_clients_may_read_the_metrics(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    outside = client.get("/metrics", environ_base=OUTSIDE)
    assert outside.status_code == 404
    assert "flask_http" not in outside.get_data(as_text=True)


def test_with_a_token_only_its_bearer_may_read_the_metrics(other_app: Callable[..., Flask]) -> None:
    client = other_app(METRICS_TOKEN="s3cret-scrape-token").test_client()
    assert client.get("/metrics").status_code == 404, "loopback is not enough once a token is set"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "s3cret-scrape-token"}).status_code == 404
    good = {"Authorization": "Bearer s3cret-scrape-token"}
    assert client.get("/metrics", headers=good, environ_base=OUTSIDE).status_code == 200


def test_behind_the_proxy_a_visitor_never_reads_the_metrics(other_app: Callable[..., Flask]) -> None:
    """Should nginx proxy /metrics after all, the visitor's forwarded address is what counts."""
    client = other_app(PROXY_COUNT=1).test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404


def test_requests_are_counted_by_endpoint_and_status_never_by_path(
    client: FlaskClient, make_event: Callable[..., Event]
) -> None:
    first = make_event(title="First", slug="first-seminar")
    second = make_event(title="Second", slug="second-seminar")
    count = "flask_http_request_duration_seconds_count"
    pages = {"endpoint": "public.event_detail", "status": "200", "method": "GET"}
    unknown = {"endpoint": "unmatched", "status": "404", "method": "GET"}
    # The test app lives for the whole session: count what this test adds.
    before = scrape(client)
    for event in (first, second, first):
        assert client.get(f"/events/{event.slug}").status_code == 200
    client.get("/no-such-page-1")
    client.get("/no-such-page-2")
    text = scrape(client)
    assert (sample(text, count, **pages) or 0) - (sample(before, count, **pages) or 0) == 3
    assert (sample(text, count, **unknown) or 0) - (sample(before, count, **unknown) or 0) == 2
    assert sample(text, "flask_http_request_total", status="200", method="GET") >= 3  # type: ignore[operator]
    for path in ("first-seminar", "second-seminar", "no-such-page"):
        assert path not in text
    assert 'endpoint="ops.prometheus_metrics"' not in text, "the scrapes themselves are not counted"


def test_the_queues_are_read_from_the_database_at_scrape_time(
    client: FlaskClient, make_event: Callable[..., Event]
) -> None:
    text = scrape(client)
    assert sample(text, "seminar_metrics_database_up") == 1
    assert sample(text, "seminar_registrations", status="confirmed") == 0
    assert sample(text, "seminar_outbox_depth") == 0
    assert sample(text, "seminar_outbox_oldest_queued_age_seconds") == 0
    assert sample(text, "seminar_jobs_last_run_age_seconds") == float("inf"), "never ran: an alert must fire"

    event = make_event(capacity_onsite=1, capacity_online=None)
    register(event, "Ana Sousa")
    register(event, "Joao Martins")
    old = queue_mail(kind="test", to_address="someone@example.org", subject="S", body_text="B")
    old.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    record_completed_run(utcnow() - timedelta(seconds=90))

    text = scrape(client)
    assert sample(text, "seminar_registrations", status="confirmed") == 1
    assert sample(text, "seminar_registrations", status="waitlisted") == 1
    queued = db.session.query(OutboxMessage).filter(OutboxMessage.status == "queued").count()
    assert sample(text, "seminar_outbox_depth") == queued >= 1
    assert 600 <= sample(text, "seminar_outbox_oldest_queued_age_seconds") < 700  # type: ignore[operator]
    assert 90 <= sample(text, "seminar_jobs_last_run_age_seconds") < 150  # type: ignore[operator]
    assert "someone@example.org" not in text


def test_metrics_still_answer_when_the_database_is_down(other_app: Callable[..., Flask]) -> None:
    client = other_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none").test_client()
    client.get("/healthz")
    text = scrape(client)
    assert sample(text, "seminar_metrics_database_up") == 0
    assert sample(text, "flask_http_request_duration_seconds_count", endpoint="ops.healthz", status="200") == 1


# --- under gunicorn with several workers --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_under_gunicorn_every_workers_requests_are_added_up(tmp_path: Path) -> None:
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    port = free_port()
    env = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'metrics.db'}",
        ALLOW_SQLITE_IN_PRODUCTION="1",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        METRICS_TOKEN="scrape-token",
    )
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "seminar_app.wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _n: get(f"{base}/healthz")[0], range(40)))
        assert statuses == [200] * 40
        workers = {name.rsplit("_", 1)[-1] for name in os.listdir(multiproc) if name.startswith("histogram_")}
        assert len(workers) == 2, f"both workers should have served: {sorted(os.listdir(multiproc))}"
        auth = {"Authorization": "Bearer scrape-token"}
        for _scrape in range(3):  # whichever worker answers, it reports both workers' requests
            status, text = get(f"{base}/metrics", auth)
            assert status == 200
            count = sample(text, "flask_http_request_duration_seconds_count", endpoint="ops.healthz", status="200")
            assert count == 41
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
