"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import SAWarning

from seminar_app import create_app
from seminar_app.extensions import db


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database of the same kind as the test database."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"seminar_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn, warnings.catch_warnings():
            # Expression indexes (lower(email), migration 0018) cannot be reflected, so they
            # are left out of the comparison.
            warnings.filterwarnings("ignore", message=".*expression-based index", category=SAWarning)
            warnings.filterwarnings("ignore", message=".*expression-based index", category=UserWarning)
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "project",
            "partner",
            "user_account",
            "event",
            "agenda_item",
            "speaker",
            "event_translation",
            "agenda_item_translation",
        } <= tables

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()

        upgrade()
        assert "event" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def _insert_old_project_and_partner(conn: Any) -> None:
    """Project 1 and its partner 1 as the first migrations' tables hold them."""
    conn.execute(
        text(
            "INSERT INTO project (name, acronym, slug, funding_programme, grant_number, funding_statement,"
            " disclaimer, default_language, created_at) VALUES ('Old project', 'OLD', 'old', '', '', '', '',"
            " 'en', CURRENT_TIMESTAMP)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO partner (project_id, name, short_name, country, city, timezone, default_language,"
            " contact_email) VALUES (1, 'P', 'P', 'PT', '', 'Europe/Lisbon', 'pt', 'p@example.org')"
        )
    )


def test_projects_that_existed_before_registration_get_the_default_stakeholder_groups(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            _insert_old_project_and_partner(conn)
        upgrade()
        with db.engine.connect() as conn:
            codes = conn.execute(text("SELECT code FROM stakeholder_group ORDER BY position")).scalars().all()
        assert codes[:2] == ["researchers", "law_enforcement"] and "prison_probation" in codes and len(codes) == 7
        downgrade(revision="0001")
        assert "stakeholder_group" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_an_existing_installation_keeps_the_uids_it_sent_and_new_events_get_unique_ones(
    empty_database_url: str, make_event: Any
) -> None:
    """Migration 0009 gives the database a random installation id; events that existed
    before keep `event-<id>@host` (attendees' entries update and cancel by UID)."""
    from seminar_app.calendar.ics import event_uid
    from seminar_app.calendar.invitations import uid_space
    from seminar_app.events.models import Event
    from seminar_app.projects.models import Partner

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "PUBLIC_BASE_URL": "https://seminars.example"})
    with app.app_context():
        upgrade()
        old = make_event(title="Sent before 0009")
        old_id, partner_id = old.id, old.partner_id
        db.session.remove()
        downgrade(revision="0006")
        assert "app_setting" not in inspect(db.engine).get_table_names()
        assert "updated_at" not in {c["name"] for c in inspect(db.engine).get_columns("partner")}

        upgrade()
        uids = uid_space()
        old = db.session.get(Event, old_id)
        assert uids.legacy_through == old_id
        assert event_uid(old, uids) == f"event-{old_id}@seminars.example"
        assert len(uids.installation_id) == 32
        newer = make_event(db.session.get(Partner, partner_id), title="Created after 0009")
        assert event_uid(newer, uid_space()) == f"event-{newer.id}-{uids.installation_id}@seminars.example"
        db.session.remove()
        db.engine.dispose()


def test_a_new_database_has_its_own_installation_id_and_no_legacy_uids(empty_database_url: str, tmp_path: Path) -> None:
    from seminar_app.calendar.invitations import uid_space

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        first = uid_space()
        assert first.legacy_through == 0 and len(first.installation_id) == 32
        db.session.remove()
        downgrade(revision="base")
        upgrade()
        assert uid_space().installation_id != first.installation_id, "a rebuilt database gets a new id"
        db.session.remove()


def test_contacts_that_existed_before_0010_are_found_by_folded_search(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            _insert_old_project_and_partner(conn)
            conn.execute(
                text(
                    "INSERT INTO contact (partner_id, email, name, organisation, country, stakeholder_group, language,"
                    " source, legal_basis, created_at, updated_at) VALUES (1, 'angela@example.pt', 'Ângela Sousa',"
                    " 'Câmara Municipal', 'PT', '', '', '', 'consent', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(revision="0010")
        with db.engine.connect() as conn:
            folded = conn.execute(text("SELECT search_text FROM contact")).scalar_one()
        assert folded == "angela sousa\nangela@example.pt\ncamara municipal"
        downgrade(revision="0006")
        assert "search_text" not in {c["name"] for c in inspect(db.engine).get_columns("contact")}
        db.engine.dispose()


def test_notices_and_consents_from_before_0012_are_in_the_projects_default_language(
    empty_database_url: str, make_project: Any, make_partner: Any, make_event: Any
) -> None:
    """Before 0012 a notice had one text, written in the project's language: 0012 says so
    for the notice and for every consent given on it."""
    from seminar_app.enums import AttendanceMode
    from seminar_app.mail.services import write_deferred
    from seminar_app.registration.services import RegistrationInput, register

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        event = make_event(make_partner(make_project(default_language="pt")))
        data = RegistrationInput(
            name="Ana", email="ana@x.example", mode=AttendanceMode.ONSITE, privacy_acknowledged=True
        )
        register(event, data)
        write_deferred()  # 0020 refuses to go down while a mail waits to be written
        db.session.commit()
        db.session.remove()
        downgrade(revision="0010")
        assert "privacy_notice_text" not in inspect(db.engine).get_table_names()
        assert "privacy_notice_language" not in {c["name"] for c in inspect(db.engine).get_columns("consent")}

        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT language FROM privacy_notice")).scalars().all() == ["pt"]
            consents = conn.execute(text("SELECT privacy_notice_version, privacy_notice_language FROM consent")).all()
        assert consents and {tuple(row) for row in consents} == {(1, "pt")}
        db.session.remove()
        db.engine.dispose()


def test_0020_does_not_go_down_while_a_mail_waits_to_be_written(
    empty_database_url: str, make_project: Any, make_partner: Any, make_event: Any
) -> None:
    """Below 0020 nothing could write a registration's deferred mail: going down refuses
    until the sender (or `write_deferred`) has written it, and then loses nothing."""
    from seminar_app.enums import AttendanceMode
    from seminar_app.mail.services import write_deferred
    from seminar_app.registration.services import RegistrationInput, register

    def columns() -> set[str]:
        return {c["name"] for c in inspect(db.engine).get_columns("outbox_message")}

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        event = make_event(make_partner(make_project(default_language="en")), language="en")
        title = event.title
        data = RegistrationInput(
            name="Ana", email="ana@x.example", mode=AttendanceMode.ONSITE, privacy_acknowledged=True
        )
        register(event, data)
        db.session.remove()

        with pytest.raises(SystemExit):
            downgrade(revision="0019")
        assert "deferred" in columns(), "still at 0020, the mail still deferred"

        write_deferred()
        db.session.commit()
        db.session.remove()
        downgrade(revision="0019")
        assert "deferred" not in columns()
        with db.engine.connect() as conn:
            subject = conn.execute(text("SELECT subject FROM outbox_message")).scalar_one()
        assert subject == f"Registration confirmed – {title}"
        upgrade()
        assert "deferred" in columns()
        db.session.remove()
        db.engine.dispose()


def test_existing_projects_get_the_statement_their_own_wording_says(empty_database_url: str) -> None:
    """Migration 0013: a project whose statement starts with "Funded" is funded, all others co-funded."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as conn:
            for slug, statement in (("a", "Funded by the European Union"), ("b", "Co-funded by the European Union"),
                                    ("c", "")):  # fmt: skip
                conn.execute(
                    text(
                        "INSERT INTO project (name, acronym, slug, funding_programme, grant_number,"
                        " funding_statement, disclaimer, default_language, created_at, feedback_min_answers,"
                        " updated_at) VALUES (:slug, :slug, :slug, '', '', :statement, '', 'en', CURRENT_TIMESTAMP,"
                        " 5, CURRENT_TIMESTAMP)"
                    ),
                    {"slug": slug, "statement": statement},
                )
        upgrade()
        with db.engine.connect() as conn:
            kinds = dict(conn.execute(text("SELECT slug, funding_kind FROM project")).all())
            authorities = set(conn.execute(text("SELECT granting_authority FROM project")).scalars())
        assert kinds == {"a": "funded", "b": "co_funded", "c": "co_funded"}
        assert authorities == {""}
        downgrade(revision="0010")
        assert "funding_kind" not in {c["name"] for c in inspect(db.engine).get_columns("project")}
        db.engine.dispose()


def test_the_audit_log_table_comes_and_goes_with_migration_0014(empty_database_url: str) -> None:
    """Migration 0014 adds the audit log with its indexes; its downgrade removes them and
    leaves the rest of the schema as 0013 had it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0013")
        assert "audit_entry" not in inspect(db.engine).get_table_names()
        upgrade(revision="0014")
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("audit_entry")}
        assert {"ix_audit_entry_partner_at", "ix_audit_entry_project_at"} <= indexes
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_entry (at, actor_email, actor_role, action, details)"
                    " VALUES (CURRENT_TIMESTAMP, 'admin@example.org', 'admin', 'user.created', '{\"role\": \"admin\"}')"
                )
            )
            assert conn.execute(text("SELECT action FROM audit_entry")).scalar_one() == "user.created"
        downgrade(revision="0013")
        assert "audit_entry" not in inspect(db.engine).get_table_names()
        assert "project" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_funding_ledger_comes_and_goes_with_migration_0017(empty_database_url: str) -> None:
    """Migration 0017 adds the ledger's tables and the event's link to its planned event; an
    event that existed before keeps its data and is linked to nothing; the downgrade removes
    the tables and the column and leaves the event."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    ledger_tables = {"funding_rules", "funding_change", "planned_event", "eligibility_decision", "evidence_file"}
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO project (name, acronym, slug, funding_programme, grant_number, funding_statement,"
                    " disclaimer, default_language, feedback_min_answers, created_at, updated_at)"
                    " VALUES ('P', 'P', 'p', '', '', '', '', 'en', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        assert not ledger_tables & set(inspect(db.engine).get_table_names())
        upgrade(revision="0017")
        assert ledger_tables <= set(inspect(db.engine).get_table_names())
        assert "planned_event_id" in {c["name"] for c in inspect(db.engine).get_columns("event")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM funding_rules")).scalar_one() == 0
        downgrade(revision="0016")
        assert not ledger_tables & set(inspect(db.engine).get_table_names())
        assert "planned_event_id" not in {c["name"] for c in inspect(db.engine).get_columns("event")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT slug FROM project")).scalar_one() == "p"
        db.engine.dispose()


def _insert_row(conn: Any, table: str, **given: Any) -> None:
    """A row of `table` as the database stands: `given`, and a plain value for every other
    column that needs one."""
    plain = {"INTEGER": 0, "BOOLEAN": False, "DATETIME": "2025-01-01 09:00:00", "TIMESTAMP": "2025-01-01 09:00:00",
             "DATE": "2025-01-01", "JSON": "[]"}  # fmt: skip
    values = dict(given)
    for column in inspect(conn).get_columns(table):
        if column["name"] in values or column["nullable"] or column.get("autoincrement") is True:
            continue
        if column["name"] == "id" or column.get("default") is not None:
            continue
        kind = str(column["type"]).split("(")[0].split()[0].upper()
        values[column["name"]] = plain.get(kind, "x" if kind != "VARCHAR" else "")
    names = ", ".join(values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def _trigger_names(conn: Any) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return {name for name in conn.execute(text(query)).scalars() if name.startswith("tally_")}


def test_the_people_tallies_come_and_go_with_migration_0019(empty_database_url: str) -> None:
    """Migration 0019 adds the tallies and the triggers that note changes, the same ones a
    database built from the models has; a registration written after the upgrade is noted,
    and the downgrade removes tables and triggers and leaves registrations writable."""
    import importlib.util

    from seminar_app.reports import models

    path = Path(__file__).parent.parent / "migrations" / "versions" / "0019_report_tallies.py"
    spec = importlib.util.spec_from_file_location("migration_0019", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    # The migration's frozen copy makes what the models make today.
    assert migration.TRIGGERS == models.TRIGGERS and migration.DROP_TRIGGERS == models.DROP_TRIGGERS

    tally_tables = {"tally_change", "tally_state", "people_tally", "feedback_tally"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as conn:
            _insert_row(conn, "project", slug="p")
            _insert_row(conn, "partner", project_id=1, timezone="Europe/Lisbon")
            _insert_row(conn, "event", partner_id=1, starts_at="2025-01-01 10:00:00", status="delivered")
        assert not tally_tables & set(inspect(db.engine).get_table_names())
        upgrade(revision="0019")
        assert tally_tables <= set(inspect(db.engine).get_table_names())
        with db.engine.begin() as conn:
            made = models.TRIGGERS[conn.dialect.name]
            expected = {line.split()[2] for line in made if line.split()[1] == "TRIGGER"}
            assert _trigger_names(conn) == expected and len(expected) == 16
            _insert_row(conn, "registration", event_id=1, status="confirmed", mode="onsite", email="a@example.org")
            assert conn.execute(text("SELECT event_id FROM tally_change")).scalars().all() == [1]
        downgrade(revision="0018")
        assert not tally_tables & set(inspect(db.engine).get_table_names())
        with db.engine.begin() as conn:
            assert _trigger_names(conn) == set()
            conn.execute(text("UPDATE registration SET status = 'cancelled'"))
            assert conn.execute(text("SELECT count(*) FROM registration")).scalar_one() == 1
        db.engine.dispose()
