"""Shared fixtures: the app on SQLite (or PostgreSQL when TEST_DATABASE_URL is set),
a test client, a CLI runner, a log-in helper and factories for the domain objects.

With SEMINAR_STRICT_TESTS=1 (set by .ci/run) a skipped test fails the run, so the
PostgreSQL, browser and SMTP tests cannot silently drop out of CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings as hypothesis_settings
from sqlalchemy import delete, text

from seminar_app import create_app, installation
from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.enums import AgendaItemKind, EventFormat, EventKind, EventStatus, Role
from seminar_app.events import services as event_services
from seminar_app.events.models import Event
from seminar_app.extensions import cache, db
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult
from seminar_app.projects.services import default_stakeholder_groups
from seminar_app.timefmt import to_utc
from tests import content_translations

pytest_plugins = ["tests.calendar_checkers"]

# Property tests check behaviour, never speed: a per-example deadline only measures how busy
# the machine is (a CI run on 2 cores failed on a 316 ms example). Speed lives in bench/.
hypothesis_settings.register_profile("seminar", deadline=None)
hypothesis_settings.load_profile("seminar")

PASSWORD = "correct horse battery staple"
STRICT = os.environ.get("SEMINAR_STRICT_TESTS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under SEMINAR_STRICT_TESTS=1: {report.longrepr}"


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    # A file, not :memory:, so that a live server thread (browser tests) sees the same data.
    return f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp_dir = tmp_path_factory.mktemp("db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir), "SERVER_NAME": "localhost"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    # The installation's settings (its id) outlive every test, as they outlive every project.
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "app_setting"]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # Deleting registrations notes their events in tally_change (a trigger): it goes last.
        for table in sorted(tables, key=lambda t: t.name == "tally_change"):
            db.session.execute(table.delete())
    # Other settings (the job runner's last completion) belong to the test that wrote them.
    kept = (installation.INSTALLATION_ID, installation.LEGACY_UIDS_THROUGH)
    db.session.execute(delete(installation.AppSetting).where(installation.AppSetting.key.not_in(kept)))
    db.session.commit()


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        cache.clear()


@pytest.fixture
def at_migrations_head(app: Flask) -> Iterator[str]:
    """The test database (built from the models) stamped at the head of migrations/ as
    `flask db upgrade` leaves a real one, so that /readyz finds it ready."""
    from seminar_app.ops.health import migrations_head

    head = migrations_head()
    assert head
    db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
    db.session.execute(text("DELETE FROM alembic_version"))
    db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})
    db.session.commit()
    yield head
    db.session.rollback()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def do_login(user: User, password: str = PASSWORD) -> FlaskClient:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "log-in failed"
        return client

    return do_login


# --- factories -------------------------------------------------------------------------


@pytest.fixture
def make_project(app: Flask) -> Callable[..., Project]:
    counter = iter(range(1, 10_000))

    def factory(**overrides: Any) -> Project:
        n = next(counter)
        values: dict[str, Any] = {
            "name": f"Preventing Radicalisation Project {n}",
            "acronym": f"PREV{n}",
            "slug": f"prev{n}",
            "funding_programme": "Erasmus+ KA220-ADU",
            "grant_number": f"2024-1-PT01-KA220-ADU-{n:09d}",
            "funding_statement": "Co-funded by the European Union.",
            "disclaimer": "Views and opinions expressed are those of the author(s) only.",
            "default_language": "en",
        }
        values.update(overrides)
        project = Project(**values)
        project.privacy_notices.append(PrivacyNotice(version=1, text="We process your data to run the seminar."))
        project.stakeholder_groups = default_stakeholder_groups()
        project.results.extend(
            [
                ProjectResult(code="PR1", title="State of the Art report", work_package="WP2"),
                ProjectResult(code="PR2", title="Mentoring Model and Programme", work_package="WP3"),
            ]
        )
        db.session.add(project)
        db.session.commit()
        return project

    return factory


@pytest.fixture
def make_partner(app: Flask, make_project: Callable[..., Project]) -> Callable[..., Partner]:
    counter = iter(range(1, 10_000))

    def factory(project: Project | None = None, **overrides: Any) -> Partner:
        n = next(counter)
        values: dict[str, Any] = {
            "name": f"Partner Organisation {n}",
            "short_name": f"P{n}",
            "country": "PT",
            "city": "Lisboa",
            "timezone": "Europe/Lisbon",
            "default_language": "pt",
            "contact_email": f"seminars{n}@partner{n}.example",
        }
        values.update(overrides)
        partner = Partner(project=project or make_project(), **values)
        db.session.add(partner)
        db.session.commit()
        return partner

    return factory


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def factory(
        role: Role = Role.ORGANISER,
        *,
        partners: list[Partner] | None = None,
        projects: list[Project] | None = None,
        **overrides: Any,
    ) -> User:
        n = next(counter)
        values: dict[str, Any] = {"email": f"user{n}@example.org", "name": f"User {n}", "role": role}
        values.update(overrides)
        user = User(**values)
        user.set_password(PASSWORD)
        user.partners = partners or []
        user.projects = projects or []
        db.session.add(user)
        db.session.commit()
        return user

    return factory


def next_weekday_at(days_ahead: int, hour: int = 9) -> datetime:
    """A naive local wall-clock time some days from today, at a round hour."""
    base = datetime.now().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days_ahead)


@pytest.fixture
def make_event(app: Flask, make_partner: Callable[..., Partner]) -> Callable[..., Event]:
    """Create an event through the service (so it obeys the rules), then set its status.

    Pass `status=` to get a published/cancelled/... event, `days_ahead` (negative for the
    past) and any `EventInput` field to override."""

    def factory(
        partner: Partner | None = None,
        *,
        status: EventStatus = EventStatus.PUBLISHED,
        days_ahead: int = 30,
        hours: int = 3,
        **overrides: Any,
    ) -> Event:
        partner = partner or make_partner()
        start = overrides.pop("starts_local", next_weekday_at(days_ahead))
        values: dict[str, Any] = {
            "title": "National seminar on mentoring in probation",
            "starts_local": start,
            "ends_local": start + timedelta(hours=hours),
            "timezone": partner.timezone,
            "language": partner.default_language,
            "format": EventFormat.HYBRID,
            "kind": EventKind.SEMINAR,
            "summary": "The project's results presented to practitioners.",
            "description": "We present the **Mentoring Model**.",
            "venue_name": "Auditório Municipal",
            "address": "Rua Augusta 1",
            "city": partner.city or "Lisboa",
            "country": partner.country,
            "online_platform": "Zoom",
            "joining_url": "https://zoom.example/j/123456",
            "capacity_onsite": 40,
            "capacity_online": 100,
            "target_audiences": ["prison_probation", "researchers"],
            "objective": "Present PR2 to probation officers.",
        }
        values.update(overrides)
        event = event_services.create_event(partner, event_services.EventInput(**values))
        if status is not EventStatus.DRAFT:
            event.status = status
            event.published_at = event.created_at
            db.session.commit()
        return event

    return factory


@pytest.fixture
def make_agenda_item(app: Flask) -> Callable[..., AgendaItem]:
    def factory(
        event: Event,
        *,
        start_offset: timedelta = timedelta(0),
        duration: timedelta = timedelta(minutes=30),
        title: str = "Welcome and introduction",
        kind: AgendaItemKind = AgendaItemKind.TALK,
        speakers: list[Speaker] | None = None,
    ) -> AgendaItem:
        item = AgendaItem(
            event=event,
            starts_at=event.starts_at + start_offset,
            ends_at=event.starts_at + start_offset + duration,
            title=title,
            kind=kind,
            speakers=speakers or [],
        )
        db.session.add(item)
        db.session.commit()
        return item

    return factory


@pytest.fixture
def make_speaker(app: Flask) -> Callable[..., Speaker]:
    def factory(event: Event, name: str = "Dr Ana Sousa", affiliation: str = "University of Lisbon") -> Speaker:
        speaker = Speaker(event=event, name=name, affiliation=affiliation, bio="Criminologist.")
        db.session.add(speaker)
        db.session.commit()
        return speaker

    return factory


def local(event_tz: str, naive: datetime) -> datetime:
    """Helper for assertions: a naive wall-clock time in `event_tz` as a UTC instant."""
    return to_utc(naive, event_tz)


# --- smtp: a real SMTP server on loopback (added for the mail sender tests) -------------


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives, parsed by the email package.

    `down()` stops it (connections are refused), `up()` starts it again on the same port;
    `refuse_code = 451` answers DATA with a temporary failure; `delay` makes each DATA slow;
    an address in `refused_recipients` is refused at RCPT with 550 (no such mailbox).
    A message is recorded when its DATA arrives, before the delay and the reply. It offers
    PIPELINING, as the relays in production do, unless `pipelining` is set to False.
    """

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self.messages: list[Any] = []
        self.refuse_code: int | None = None
        self.refused_recipients: set[str] = set()
        self.delay = 0.0
        self.pipelining = True
        self._controller: Any = None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.pipelining:
            return [responses[0], "250-PIPELINING", *responses[1:]]
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refused_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio
        from email import message_from_bytes, policy

        if self.refuse_code:
            return f"{self.refuse_code} Try again later"
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def up(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port)
            self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]

    def wait_for(self, count: int, timeout: float = 15.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.messages) >= count


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A running SMTP server, with the app's mail settings pointed at it for the test."""
    server = SmtpServer()
    server.up()
    keys = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=None,
    )
    try:
        yield server
    finally:
        app.config.update(saved)
        server.down()


@pytest.fixture
def translated(make_event, make_agenda_item):  # type: ignore[no-untyped-def]
    """An English event with a Portuguese translation of its texts and agenda."""
    event = make_event(language="en", title=content_translations.TITLE_EN)
    item = make_agenda_item(event, title=content_translations.ITEM_EN, duration=timedelta(minutes=45))
    content_translations.translate(event)
    content_translations.translate_item(item)
    return event
