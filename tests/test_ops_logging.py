"""Request ids and structured logs: what an operator follows from nginx's log to the mail
that left, and what a visitor quotes from an error page."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sentry_sdk
import sentry_sdk.transport
from flask import Flask
from flask_migrate import downgrade, upgrade
from sentry_sdk.envelope import Envelope
from sqlalchemy import inspect, select, text

from seminar_app import create_app
from seminar_app.db_types import utcnow
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.jobs.runs import last_completed_run
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import deliver_due
from seminar_app.ops import logs
from seminar_app.registration.models import Registration
from seminar_app.registration.services import private_token
from tests.test_jobs import STARTS_LOCAL, register
from tests.test_migrations import empty_database_url  # noqa: F401
from tests.test_registration_routes import form

EMAIL = "ana@probation.example"


@pytest.fixture
def json_log(app: Flask) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The app logging JSON into a buffer, as production does into stderr; the lines, parsed."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    app.config["LOG_FORMAT"] = "json"
    logs.configure_logging(app, stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logs.remove_handlers()
    root.setLevel(level)
    app.config["LOG_FORMAT"] = "text"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(title="Lisbon seminar", slug="lisbon-seminar")


def request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "seminar_app.requests"]


def test_each_request_logs_one_json_line_and_returns_its_id(client, event: Event, json_log) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/events/{event.slug}?utm_source=newsletter")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    [line] = request_lines(json_log())
    assert line["method"] == "GET"
    assert line["path"] == f"/events/{event.slug}"
    assert line["status"] == 200
    assert line["request_id"] == request_id
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"]
    assert "utm_source" not in json.dumps(line)


def test_the_logged_in_user_id_is_in_the_line(client, login, make_user, json_log) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    login(user)
    client.get("/dashboard")
    assert request_lines(json_log())[-1]["user_id"] == user.id


@pytest.mark.parametrize("incoming", ["abcd1234", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "A" * 64])
def test_a_valid_incoming_request_id_is_kept(client, json_log, incoming: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    assert request_lines(json_log())[0]["request_id"] == incoming


@pytest.mark.parametrize("incoming", ["short", "A" * 65, "has space here", "semi;colon12", "nl\\nforged-line", ""])
def test_an_invalid_incoming_request_id_is_replaced(client, json_log, incoming: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32
    assert incoming not in json.dumps(request_lines(json_log())) or incoming == ""


def test_private_links_and_addresses_never_reach_the_log(client, event: Event, json_log) -> None:  # type: ignore[no-untyped-def]
    assert client.post(f"/events/{event.slug}/register", data=form()).status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    token = private_token(registration)
    assert client.get(f"/r/{token}?invitation=secret-invite").status_code == 200
    text_logged = json.dumps(json_log())
    assert token not in text_logged
    assert "secret-invite" not in text_logged
    assert EMAIL not in text_logged
    assert "/r/<token>" in [line["path"] for line in request_lines(json_log())]


def test_mail_remembers_the_request_that_queued_it_and_its_delivery_is_logged_by_ids(  # type: ignore[no-untyped-def]
    client, event: Event, json_log
) -> None:
    response = client.post(
        f"/events/{event.slug}/register", data=form(), headers={"X-Request-ID": "nginx-req-0123456789"}
    )
    assert response.status_code == 302
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.request_id == "nginx-req-0123456789"
    # The test app delivers inline after the response: the delivery line names the request, not the person.
    deliveries = [line for line in json_log() if line["logger"] == "seminar_app.mail.sender"]
    if not deliveries:
        deliver_due()
        deliveries = [line for line in json_log() if line["logger"] == "seminar_app.mail.sender"]
    [delivery] = deliveries
    assert delivery["outbox_id"] == message.id
    assert delivery["message_id"] == message.message_id
    assert delivery["request_id"] == "nginx-req-0123456789"
    assert delivery["attempt"] == 1
    assert delivery["outcome"] == "sent"
    assert EMAIL not in json.dumps(json_log())
    assert "Lisbon seminar" not in json.dumps(deliveries)


def test_a_failed_delivery_is_logged_with_the_error_type_only(app: Flask, client, event: Event, json_log) -> None:  # type: ignore[no-untyped-def]
    app.config["MAIL_DELIVERY"] = "worker"
    try:
        client.post(f"/events/{event.slug}/register", data=form(), headers={"X-Request-ID": "req-failing-1"})
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_TIMEOUT=2)
        report = deliver_due()
    finally:
        app.config.update(MAIL_DELIVERY="inline", MAIL_BACKEND="file", MAIL_SERVER="localhost", MAIL_PORT=25)
    assert report.retried == 1
    [delivery] = [line for line in json_log() if line["logger"] == "seminar_app.mail.sender" and "outcome" in line]
    assert delivery["outcome"] == "retry"
    assert delivery["request_id"] == "req-failing-1"
    assert delivery["error"] == "ConnectionRefusedError"
    assert EMAIL not in json.dumps(json_log())


def test_the_job_runner_logs_its_run_id_gives_it_to_its_mail_and_records_its_completion(  # type: ignore[no-untyped-def]
    runner, make_event, json_log
) -> None:
    event = make_event(starts_local=STARTS_LOCAL, hours=3)
    register(event, "Ana Sousa")
    assert last_completed_run() is None
    before = utcnow()
    moment = (event.starts_at - timedelta(hours=12)).isoformat()
    result = runner.invoke(args=["jobs", "run", "--now", moment])
    assert result.exit_code == 0, result.output
    lines = [line for line in json_log() if line["logger"] == "seminar_app.jobs"]
    assert [line["message"].split()[-1] for line in lines] == ["started", "completed"]
    run_id = lines[0]["run_id"]
    assert run_id.startswith("jobs-") and lines[1]["request_id"] == run_id
    # The confirmation (queued by the registration, outside any request) went out with the reminder.
    assert lines[1]["reminders"] == 1 and lines[1]["mail_sent"] == 2
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
    assert [m.request_id for m in reminders] == [run_id]
    deliveries = [line for line in json_log() if line.get("outcome") == "sent"]
    assert [line["request_id"] for line in deliveries] == [None, run_id]
    # The completion time is the real one, not the --now the run acted as.
    finished = last_completed_run()
    assert finished is not None and finished >= before
    assert "ana.sousa@probation.example" not in json.dumps(json_log())


@pytest.fixture
def failing_app(app: Flask) -> Iterator[Flask]:
    other = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "PROPAGATE_EXCEPTIONS": False}
    )

    @other.get("/test-only/boom")
    def boom() -> str:
        raise RuntimeError("database on fire")

    yield other
    with other.app_context():
        db.engine.dispose()


def test_an_unhandled_error_is_logged_without_the_token_in_its_path(failing_app: Flask, json_log) -> None:  # type: ignore[no-untyped-def]
    @failing_app.get("/test-only/r/<token>/boom")
    def boom_with_token(token: str) -> str:
        raise RuntimeError("broken")

    failing_app.test_client().get("/test-only/r/private-token-456/boom", headers={"X-Request-ID": "req-with-token"})
    [error] = [line for line in json_log() if line["level"] == "ERROR"]
    assert error["message"] == "Exception on /test-only/r/<token>/boom [GET]"
    assert error["request_id"] == "req-with-token"
    assert "RuntimeError: broken" in error["exc_info"]
    assert "private-token-456" not in json.dumps(json_log())


def test_the_error_page_shows_the_reference_to_quote(failing_app: Flask) -> None:
    client = failing_app.test_client()
    response = client.get("/test-only/boom", headers={"X-Request-ID": "support-case-4711"})
    assert response.status_code == 500
    assert "Reference: support-case-4711" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == "support-case-4711"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert f"Reference: {missing.headers['X-Request-ID']}" in missing.get_data(as_text=True)


def test_migration_0016_adds_and_removes_the_outbox_request_id(empty_database_url: str) -> None:  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO outbox_message (kind, status, to_address, to_name, reply_to, subject, body_text,"
                    " body_html, message_id, attempts, last_error, created_at, next_attempt_at)"
                    " VALUES ('test', 'queued', 'a@example.org', '', '', 'S', 'B', '', '<old@x>', 0, '',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(revision="0016")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT request_id FROM outbox_message")).scalar_one() is None
        downgrade(revision="0013")
        columns = {c["name"] for c in inspect(db.engine).get_columns("outbox_message")}
        assert "request_id" not in columns and "message_id" in columns
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outbox_message")).scalar_one() == 1
        db.engine.dispose()


# --- optional error reports to Sentry ----------------------------------------------------------


class RecordingTransport(sentry_sdk.transport.Transport):
    """Keeps the events instead of sending them."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def no_sentry() -> Iterator[None]:
    """Sentry's client is global to the process: whatever a test set up is taken down."""
    yield
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_without_a_dsn_sentry_is_not_initialised(app: Flask, no_sentry: None) -> None:
    assert app.config["SENTRY_DSN"] is None
    create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert not sentry_sdk.is_initialized()


def test_with_a_dsn_an_error_is_reported_with_the_request_id_and_no_personal_data(
    app: Flask, event: Event, no_sentry: None
) -> None:
    transport = RecordingTransport()
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PROPAGATE_EXCEPTIONS": False,
            "SENTRY_DSN": "http://publickey@127.0.0.1:9/1",
            "SENTRY_TRANSPORT": transport,
        }
    )
    assert sentry_sdk.is_initialized()

    @other.post("/test-only/r/<token>/boom")
    def boom(token: str) -> str:
        raise RuntimeError(f"could not store {EMAIL} for {token}")

    client = other.test_client()
    client.set_cookie("session", "a-session-cookie")
    response = client.post(
        "/test-only/r/private-token-123/boom?invitation=secret-invite",
        data={"email": EMAIL},
        headers={"X-Request-ID": "support-case-0815"},
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    [report] = transport.events
    assert report["tags"]["request_id"] == "support-case-0815"
    assert report["exception"]["values"][-1]["type"] == "RuntimeError"
    # The stack trace's context lines are source code (this test's own literals), not data.
    sent = json.dumps({**report, "exception": [value["value"] for value in report["exception"]["values"]]})
    for personal in (EMAIL, "private-token-123", "secret-invite", "a-session-cookie"):
        assert personal not in sent, personal
    assert report["request"]["url"] == "/test-only/r/<token>/boom"
    assert "[email]" in sent
    assert "user" not in report or not report["user"].get("ip_address")
    with other.app_context():
        db.engine.dispose()
