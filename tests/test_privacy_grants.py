"""Grants of a partner's personal data to project managers: who may grant and revoke, the
Data access page with its buttons and access log, and migration 0005 up and down."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from seminar_app import create_app
from seminar_app.accounts.permissions import may_see_personal_data
from seminar_app.enums import AttendanceMode, Role
from seminar_app.errors import DomainError, NotAllowed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.privacy import services
from seminar_app.privacy.models import PersonalDataAccess, PersonalDataGrant
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput
from tests import test_migrations

empty_database_url = test_migrations.empty_database_url


def register(event: Event, name: str, **extra: Any) -> Registration:
    email = re.sub(r"[^a-z0-9.]", "", name.lower().replace(" ", "."))
    values: dict[str, Any] = {"mode": AttendanceMode.ONSITE, "privacy_acknowledged": True}
    values.update(extra)
    data = RegistrationInput(name=name, email=f"{email[:40]}@example.org", **values)
    return registration_services.register(event, data).registration


@pytest.fixture
def world(make_project, make_partner, make_user, make_event) -> dict[str, Any]:
    """Project P with partners A and B, A's organiser, B's organiser, two managers of P, a
    manager of another project, an administrator, and an event of A with one attendee."""
    project = make_project()
    partner_a = make_partner(project, name="Centro de Prevenção Lisboa", short_name="CPL")
    partner_b = make_partner(project, name="Probation Academy Tallinn", short_name="PAT", country="EE")
    event = make_event(partner_a, title="National seminar in Lisbon")
    register(event, "Ana Sousa", organisation="Direção-Geral de Reinserção")
    return {
        "project": project,
        "a": partner_a,
        "b": partner_b,
        "event": event,
        "organiser_a": make_user(Role.ORGANISER, partners=[partner_a], name="Olga Organiser"),
        "organiser_b": make_user(Role.ORGANISER, partners=[partner_b], name="Bruno Other"),
        "manager": make_user(Role.MANAGER, projects=[project], name="Marta Manager"),
        "second_manager": make_user(Role.MANAGER, projects=[project], name="Nuno Manager"),
        "foreign_manager": make_user(Role.MANAGER, projects=[make_project()], name="Fiona Foreign"),
        "admin": make_user(Role.ADMIN, name="Alice Admin"),
    }


def grants() -> list[PersonalDataGrant]:
    return list(db.session.scalars(select(PersonalDataGrant).order_by(PersonalDataGrant.id)))


# --- services ----------------------------------------------------------------------------------


def test_a_manager_sees_a_partners_people_only_once_granted_and_no_longer_once_revoked(world) -> None:
    a, manager = world["a"], world["manager"]
    assert not may_see_personal_data(manager, a)

    grant = services.grant_personal_data(a, manager, actor=world["organiser_a"])

    assert may_see_personal_data(manager, a)
    assert not may_see_personal_data(manager, world["b"])  # a grant covers one partner only
    assert not may_see_personal_data(world["second_manager"], a)
    assert grant.granted_by == world["organiser_a"] and grant.revoked_at is None

    services.revoke_personal_data(grant, actor=world["organiser_a"])

    assert not may_see_personal_data(manager, a)
    assert grant.revoked_by == world["organiser_a"]


def test_the_partners_organisers_and_administrators_may_grant_nobody_else(world) -> None:
    a, manager = world["a"], world["manager"]
    for outsider in (world["organiser_b"], manager, world["second_manager"], world["foreign_manager"]):
        with pytest.raises(NotAllowed):
            services.grant_personal_data(a, manager, actor=outsider)
    assert grants() == []

    services.grant_personal_data(a, manager, actor=world["admin"])

    assert may_see_personal_data(manager, a)


def test_a_manager_with_a_grant_cannot_pass_it_on_nor_revoke_it(world) -> None:
    a, manager = world["a"], world["manager"]
    grant = services.grant_personal_data(a, manager, actor=world["organiser_a"])

    with pytest.raises(NotAllowed):
        services.grant_personal_data(a, world["second_manager"], actor=manager)
    with pytest.raises(NotAllowed):
        services.revoke_personal_data(grant, actor=world["organiser_b"])
    assert may_see_personal_data(manager, a)
    assert not may_see_personal_data(world["second_manager"], a)


@pytest.mark.parametrize("grantee", ["organiser_b", "foreign_manager", "admin"])
def test_only_a_manager_of_the_partners_project_can_be_granted(world, grantee: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.grant_personal_data(world["a"], world[grantee], actor=world["organiser_a"])

    assert refused.value.field == "manager"
    assert "manager of the project" in refused.value.message
    assert grants() == []


def test_granting_twice_keeps_one_grant_and_a_revoked_grant_can_be_given_again(world) -> None:
    a, manager, organiser = world["a"], world["manager"], world["organiser_a"]
    first = services.grant_personal_data(a, manager, actor=organiser)
    assert services.grant_personal_data(a, manager, actor=world["admin"]) is first

    services.revoke_personal_data(first, actor=organiser)
    services.revoke_personal_data(first, actor=organiser)  # a second click changes nothing
    second = services.grant_personal_data(a, manager, actor=organiser)

    assert [g.id for g in grants()] == [first.id, second.id]
    assert first.revoked_at is not None and second.revoked_at is None
    assert may_see_personal_data(manager, a)


def test_the_database_refuses_two_active_grants_for_the_same_manager(world) -> None:
    a, manager = world["a"], world["manager"]
    services.grant_personal_data(a, manager, actor=world["organiser_a"])
    db.session.add(PersonalDataGrant(partner=a, manager=manager))

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_grant_stops_counting_when_the_manager_leaves_the_project_or_is_disabled(world) -> None:
    a, manager = world["a"], world["manager"]
    services.grant_personal_data(a, manager, actor=world["organiser_a"])
    services.grant_personal_data(a, world["second_manager"], actor=world["organiser_a"])

    manager.projects = []
    world["second_manager"].active = False
    db.session.commit()

    assert not may_see_personal_data(manager, a)
    assert not may_see_personal_data(world["second_manager"], a)


# --- the Data access page ------------------------------------------------------------------------


def page_url(world: dict[str, Any]) -> str:
    return f"/partners/{world['a'].id}/data-access"


def test_the_organiser_sees_the_projects_managers_and_grants_and_revokes_with_buttons(client, login, world) -> None:
    login(world["organiser_a"])

    page = client.get(page_url(world)).get_data(as_text=True)
    assert "Marta Manager" in page and "Nuno Manager" in page
    assert "Fiona Foreign" not in page  # manager of another project
    assert page.count("Grant access") == 2 and "Revoke access" not in page
    assert "Who is told" in page and "Nobody is e-mailed" in page

    response = client.post(f"{page_url(world)}/grant", data={"manager_id": world["manager"].id})
    assert response.status_code == 302 and response.headers["Location"].endswith(page_url(world))
    page = client.get(page_url(world)).get_data(as_text=True)
    assert "Marta Manager may now see and export your attendees&#39; personal data." in page
    assert "by Olga Organiser" in page and page.count("Revoke access") == 1
    assert may_see_personal_data(world["manager"], world["a"])

    grant = grants()[0]
    response = client.post(f"{page_url(world)}/grants/{grant.id}/revoke")
    assert response.status_code == 302
    page = client.get(page_url(world)).get_data(as_text=True)
    assert "Marta Manager no longer sees your attendees&#39; personal data." in page
    assert not may_see_personal_data(world["manager"], world["a"])


def test_revoking_takes_effect_on_the_managers_very_next_request(app, world) -> None:
    event = world["event"]
    grant = services.grant_personal_data(world["a"], world["manager"], actor=world["organiser_a"])
    manager_client = app.test_client()
    manager_client.post("/login", data={"email": world["manager"].email, "password": "correct horse battery staple"})

    assert "Ana Sousa" in manager_client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)
    services.revoke_personal_data(grant, actor=world["organiser_a"])

    page = manager_client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)
    assert "Ana Sousa" not in page
    assert manager_client.get(f"/manage/events/{event.id}/registrations.csv").status_code == 403


def test_granting_someone_who_is_not_a_manager_of_the_project_says_why(client, login, world) -> None:
    login(world["organiser_a"])

    response = client.post(f"{page_url(world)}/grant", data={"manager_id": world["foreign_manager"].id})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Access can only be granted to a manager of the project" in page
    assert grants() == []


def test_the_access_log_lists_who_took_what_and_how_many_people_newest_first(client, login, world) -> None:
    a, event = world["a"], world["event"]
    earlier = services.log_personal_data_access(world["admin"], a, event, "registrations.csv", 12)
    earlier.at -= timedelta(days=2)
    db.session.commit()
    services.log_personal_data_access(world["manager"], a, None, "participants.xlsx", 345)
    services.log_personal_data_access(world["organiser_b"], world["b"], None, "participants.csv", 9)
    login(world["organiser_a"])

    page = client.get(page_url(world)).get_data(as_text=True)

    log = page[page.index("Access log") :]
    assert log.index("participants.xlsx") < log.index("registrations.csv")
    assert "Marta Manager" in log and world["manager"].email in log and "345" in log
    assert "Alice Admin" in log and "National seminar in Lisbon" in log and ">12<" in log
    assert "participants.csv" not in log  # partner B's log is not A's


def test_the_log_keeps_the_address_of_a_deleted_account(world) -> None:
    manager = world["manager"]
    entry = services.log_personal_data_access(manager, world["a"], None, "participants.csv", 3)
    email = manager.email

    db.session.delete(manager)
    db.session.commit()
    db.session.expire_all()

    kept = db.session.get(PersonalDataAccess, entry.id)
    assert kept is not None and kept.user_email == email and kept.row_count == 3


@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser_b", 404), ("foreign_manager", 404), ("manager", 403), ("second_manager", 403)],
)
def test_only_the_partners_own_people_open_the_data_access_page_and_press_its_buttons(
    client, login, world, who: str, status: int
) -> None:
    grant = services.grant_personal_data(world["a"], world["second_manager"], actor=world["organiser_a"])
    login(world[who])

    page = client.get(page_url(world))
    grant_post = client.post(f"{page_url(world)}/grant", data={"manager_id": world["manager"].id})
    revoke_post = client.post(f"{page_url(world)}/grants/{grant.id}/revoke")

    assert (page.status_code, grant_post.status_code, revoke_post.status_code) == (status, status, status)
    assert "Grant access" not in page.get_data(as_text=True)
    if status == 403:
        assert "Only the organisers of Centro de Prevenção Lisboa" in page.get_data(as_text=True)
    assert [(g.user_id, g.revoked_at) for g in grants()] == [(world["second_manager"].id, None)]


def test_a_grant_of_another_partner_cannot_be_revoked_through_this_partners_page(client, login, world) -> None:
    other = make_b_organiser_grant(world)
    login(world["organiser_a"])

    response = client.post(f"{page_url(world)}/grants/{other.id}/revoke")

    assert response.status_code == 404
    assert other.revoked_at is None


def make_b_organiser_grant(world: dict[str, Any]) -> PersonalDataGrant:
    return services.grant_personal_data(world["b"], world["manager"], actor=world["organiser_b"])


def test_anonymous_visitors_are_sent_to_log_in(client, world) -> None:
    response = client.get(page_url(world))

    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- migration 0005 ------------------------------------------------------------------------------


def test_migration_0005_creates_the_grant_and_log_tables_and_removes_them_again(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0005")
        tables = set(inspect(db.engine).get_table_names())
        assert {"personal_data_grant", "personal_data_access"} <= tables
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO project (name, acronym, slug, funding_programme, grant_number, funding_statement,"
                    " disclaimer, default_language, created_at, feedback_min_answers) VALUES ('P', 'P', 'p', '', '',"
                    " '', '', 'en', CURRENT_TIMESTAMP, 5)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO partner (project_id, name, short_name, country, city, timezone, default_language,"
                    " contact_email) VALUES (1, 'A', 'A', 'PT', '', 'Europe/Lisbon', 'pt', 'a@example.org')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                    " VALUES ('m@example.org', 'M', 'x', 'manager', true, CURRENT_TIMESTAMP)"
                )
            )
            insert_grant = text(
                "INSERT INTO personal_data_grant (partner_id, user_id, granted_at, revoked_at)"
                " VALUES (1, 1, CURRENT_TIMESTAMP, :revoked)"
            )
            conn.execute(insert_grant, {"revoked": None})
            conn.execute(insert_grant, {"revoked": "2026-01-01 00:00:00"})  # revoked grants may pile up
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert_grant, {"revoked": None})  # but only one is active

        downgrade(revision="0004")
        tables = set(inspect(db.engine).get_table_names())
        assert "personal_data_grant" not in tables and "personal_data_access" not in tables
        assert "partner" in tables
        upgrade()
        assert "personal_data_access" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_my_events_links_to_data_access_for_the_partner_and_to_exports_once_granted(client, login, world) -> None:
    data_access = f'href="/partners/{world["a"].id}/data-access"'
    export = f'href="/partners/{world["a"].id}/participants.xlsx"'
    login(world["organiser_a"])
    page = client.get("/manage/events").get_data(as_text=True)
    assert data_access in page and export in page

    login(world["manager"])
    page = client.get("/manage/events").get_data(as_text=True)
    assert data_access not in page and export not in page
    services.grant_personal_data(world["a"], world["manager"], actor=world["organiser_a"])
    page = client.get("/manage/events").get_data(as_text=True)
    assert export in page and data_access not in page
