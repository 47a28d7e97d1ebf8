"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

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
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"project", "partner", "user_account", "event", "agenda_item", "speaker"} <= tables

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()

        upgrade()
        assert "event" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_projects_that_existed_before_registration_get_the_default_stakeholder_groups(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
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
        upgrade()
        with db.engine.connect() as conn:
            codes = conn.execute(text("SELECT code FROM stakeholder_group ORDER BY position")).scalars().all()
        assert codes[:2] == ["researchers", "law_enforcement"] and "prison_probation" in codes and len(codes) == 7
        downgrade(revision="0001")
        assert "stakeholder_group" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_contacts_that_existed_before_0010_are_found_by_folded_search(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
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
