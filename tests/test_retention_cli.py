"""`flask retention report` and `flask retention run`, and migration 0015 up and down."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from seminar_app import create_app
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.privacy.retention_settings import RetentionInput, change_retention
from seminar_app.registration.models import Registration
from tests.test_migrations import empty_database_url  # noqa: F401
from tests.test_retention import register

STARTS_LOCAL = datetime(2031, 5, 20, 9, 0)


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(starts_local=STARTS_LOCAL, hours=3)


def test_the_report_says_what_goes_when_and_what_is_due(runner, event, make_event, make_project, make_user) -> None:
    register(event, "Ana Sousa")
    later = make_event(event.partner, starts_local=STARTS_LOCAL + timedelta(days=100))
    held = make_project(acronym="HELD", slug="held")
    change_retention(held, RetentionInput(None, None, True, "Audit by EACEA"), actor=make_user(Role.ADMIN))
    now = (event.ends_at + timedelta(days=31)).isoformat()

    result = runner.invoke(args=["retention", "report", "--now", now])

    assert result.exit_code == 0, result.output
    project = event.partner.project
    assert f"{project.acronym} ({project.slug})" in result.output
    assert "Operational data: 30 days after each event (installation default)." in result.output
    assert "Evidence: no evidence date set; kept until one is set." in result.output
    due_day = (event.ends_at + timedelta(days=30)).strftime("%Y-%m-%d")
    assert (
        f"- {event.slug} (ended {event.ends_at:%Y-%m-%d}): operational data purged on {due_day}  [DUE NOW: operational]"
        in result.output
    )
    assert f"- {later.slug} (ended {later.ends_at:%Y-%m-%d}): operational data purged on" in result.output
    assert "ON LEGAL HOLD since" in result.output and "(Audit by EACEA): nothing is purged." in result.output
    assert "Projects with something due now: 1." in result.output

    only = runner.invoke(args=["retention", "report", "--project", "held"])
    assert "HELD (held)" in only.output and project.slug not in only.output

    unknown = runner.invoke(args=["retention", "report", "--project", "nope"])
    assert unknown.exit_code != 0 and "There is no project with the slug “nope”" in unknown.output


def test_run_purges_once_and_a_second_run_purges_nothing_more(runner, event, make_user) -> None:
    ana = register(event, "Ana Sousa")
    change_retention(event.partner.project, RetentionInput(None, date(2032, 1, 1), False), actor=make_user(Role.ADMIN))
    now = (event.ends_at + timedelta(days=30)).isoformat()

    first = runner.invoke(args=["retention", "run", "--now", now])
    second = runner.invoke(args=["retention", "run", "--now", now])

    assert first.exit_code == 0, first.output
    assert "Events whose operational data was purged: 1" in first.output
    assert "people anonymised: 1." in first.output
    assert "Events whose operational data was purged: 0, events whose evidence was purged: 0" in second.output
    assert "people anonymised: 0." in second.output
    assert db.session.get(Registration, ana.id).is_erased  # type: ignore[union-attr]

    evidence = runner.invoke(args=["retention", "run", "--now", "2032-01-01T00:00:00+00:00"])
    assert "events whose evidence was purged: 1, projects whose audit entries were purged: 1" in evidence.output

    report = runner.invoke(args=["retention", "report", "--now", "2032-01-02T00:00:00"])
    assert "Evidence: purged on 2032-01-01." in report.output
    assert "Projects with something due now: 0." in report.output


def test_flask_jobs_run_runs_the_retention_too(runner, event) -> None:
    register(event, "Ana Sousa")

    result = runner.invoke(args=["jobs", "run", "--now", (event.ends_at + timedelta(days=30)).isoformat()])

    assert "events whose operational data was purged: 1" in result.output


def test_a_bad_moment_is_refused(runner) -> None:
    result = runner.invoke(args=["retention", "run", "--now", "next tuesday"])

    assert result.exit_code != 0 and "write an ISO date and time" in result.output


def test_migration_0015_adds_the_settings_to_existing_projects_and_removes_them(empty_database_url: str) -> None:  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO project (name, acronym, slug, funding_programme, grant_number, funding_statement,"
                    " disclaimer, default_language, created_at, feedback_min_answers, updated_at, funding_kind,"
                    " granting_authority) VALUES ('Old project', 'OLD', 'old', '', '', '', '', 'en',"
                    " CURRENT_TIMESTAMP, 5, CURRENT_TIMESTAMP, 'co_funded', '')"
                )
            )
        upgrade(revision="0015")
        with db.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT operational_retention_days, evidence_kept_until, legal_hold, legal_hold_reason FROM project"
                )
            ).one()
        assert tuple(row) == (None, None, False, ""), "no days, no date, no hold: evidence is kept"
        assert "retention_change" in inspect(db.engine).get_table_names()

        downgrade(revision="0013")
        columns = {c["name"] for c in inspect(db.engine).get_columns("project")}
        assert "legal_hold" not in columns and "evidence_kept_until" not in columns
        assert "retention_change" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT acronym FROM project")).scalar_one() == "OLD", "the project stays"
        db.engine.dispose()
