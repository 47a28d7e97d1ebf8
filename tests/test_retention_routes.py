"""The Retention page of a project: who may open and change it, what it shows, and bad
input answered with clear messages that lose nothing already saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.privacy.retention_settings import RetentionInput, change_retention
from seminar_app.projects.models import Project


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(days_ahead=40, title="Seminar in Lisbon")


@pytest.fixture
def project(event) -> Project:  # type: ignore[no-untyped-def]
    return event.partner.project


def url(project: Project) -> str:
    return f"/projects/{project.id}/retention"


def form(**values: object) -> dict[str, object]:
    data: dict[str, object] = {"operational_days": "", "evidence_kept_until": "", "legal_hold_reason": ""}
    data.update(values)
    return data


def test_a_manager_sets_days_evidence_date_and_a_hold_and_sees_each_change(client, login, make_user, project) -> None:
    manager = make_user(Role.MANAGER, projects=[project], name="Maria Manager")
    login(manager)

    dashboard = client.get(f"/projects/{project.slug}/dashboard").get_data(as_text=True)
    assert f'href="{url(project)}"' in dashboard, "the manager finds the page from the dashboard"
    page = client.get(url(project))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No date set: the evidence is kept until a date is set." in text
    assert "five years after the final payment" in text
    assert "Seminar in Lisbon" in text, "the schedule lists the project's events"

    saved = client.post(
        url(project),
        data=form(operational_days="45", evidence_kept_until="2036-12-31", legal_hold="y", legal_hold_reason="Audit"),
        follow_redirects=True,
    )

    assert saved.status_code == 200
    db.session.expire_all()
    assert (project.operational_retention_days, project.evidence_kept_until, project.legal_hold) == (
        45,
        date(2036, 12, 31),
        True,
    )
    text = saved.get_data(as_text=True)
    assert "On legal hold since" in text and "(Audit)" in text and "Set by Maria Manager." in text
    assert "Deleted 45 days after each event ends." in text
    assert text.count("Maria Manager:") == 3, "one line per change, with who made it"
    assert "legal hold turned on" in text and "Reason: Audit" in text


def test_bad_input_is_explained_field_by_field_and_nothing_is_lost(client, login, make_user, project, event) -> None:
    admin = make_user(Role.ADMIN)
    change_retention(project, RetentionInput(60, date(2040, 1, 1), False), actor=admin)
    login(admin)

    page = client.post(
        url(project),
        data=form(
            operational_days="-3",
            evidence_kept_until=(event.ends_at.date() - timedelta(days=1)).isoformat(),
            legal_hold="y",
        ),
    )

    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Enter a number of days from 0 to 3650, or leave it empty." in text
    assert "The evidence must be kept at least until the project&#39;s last event has ended" in text
    assert "Say why the project&#39;s data is put on legal hold." in text
    assert 'value="-3"' in text, "what was typed is shown again to be corrected"
    db.session.expire_all()
    assert (project.operational_retention_days, project.evidence_kept_until, project.legal_hold) == (
        60,
        date(2040, 1, 1),
        False,
    )


def test_a_number_that_is_not_one_is_refused(client, login, make_user, project) -> None:
    login(make_user(Role.ADMIN))

    page = client.post(url(project), data=form(operational_days="thirty", evidence_kept_until="31/12/2036"))

    assert page.status_code == 422
    db.session.expire_all()
    assert project.operational_retention_days is None and project.evidence_kept_until is None


def test_organisers_may_not_open_or_change_retention(client, login, make_user, project, event) -> None:
    login(make_user(Role.ORGANISER, partners=[event.partner]))

    assert url(project) not in client.get(f"/projects/{project.slug}/dashboard").get_data(as_text=True)
    assert client.get(url(project)).status_code == 403
    assert client.post(url(project), data=form(legal_hold="y", legal_hold_reason="x")).status_code == 403
    db.session.expire_all()
    assert not project.legal_hold


def test_a_manager_of_another_project_gets_a_404_and_anonymous_visitors_the_log_in(
    client, login, make_user, make_project, project
) -> None:
    assert client.get(url(project)).status_code == 302
    login(make_user(Role.MANAGER, projects=[make_project()]))

    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), data=form(operational_days="1")).status_code == 404
    assert client.get("/projects/999999/retention").status_code == 404
    db.session.expire_all()
    assert project.operational_retention_days is None


def test_the_project_page_shows_the_same_schedule_read_only(client, login, make_user, project) -> None:
    admin = make_user(Role.ADMIN)
    change_retention(project, RetentionInput(None, None, True, "Dispute with a partner"), actor=admin)
    login(admin)

    page = client.get(f"/admin/projects/{project.id}").get_data(as_text=True)

    assert "Retention" in page and "(Dispute with a partner)" in page
    assert "Seminar in Lisbon" in page and "On legal hold" in page
    assert f'href="/projects/{project.id}/retention"' in page


@pytest.mark.parametrize("tier", ["operational", "evidence"])
def test_the_organisers_pages_and_documents_still_open_after_each_tier(  # type: ignore[no-untyped-def]
    client, login, make_user, make_event, tier
) -> None:
    from seminar_app.attendance import services as attendance_services
    from seminar_app.privacy.retention import run_retention
    from tests.test_retention import STARTS_LOCAL, register

    event = make_event(starts_local=STARTS_LOCAL, hours=3)
    came = register(event, "Ana Sousa")
    register(event, "Joao Martins")
    attendance_services.check_in(came, event.local_days[0])
    if tier == "evidence":
        change_retention(
            event.partner.project,
            RetentionInput(None, (event.ends_at + timedelta(days=1)).date(), False),
            actor=make_user(Role.ADMIN),
        )
    run_retention(event.ends_at + timedelta(days=31))
    login(make_user(Role.ORGANISER, partners=[event.partner]))

    base = f"/manage/events/{event.id}"
    for address in (
        f"{base}/registrations",
        f"{base}/registrations.csv",
        f"{base}/registrations.xlsx",
        f"{base}/attendance",
        f"{base}/attendance/online.pdf",
        f"{base}/attendance/sheet/{event.local_days[0].isoformat()}.pdf",
        f"{base}/evidence-pack.zip",
        f"/events/{event.slug}",
        f"/events/{event.slug}/calendar.ics",
    ):
        assert client.get(address).status_code == 200, address
    listing = client.get(f"{base}/registrations").get_data(as_text=True)
    assert ("Ana Sousa" in listing) is (tier == "operational"), "attendees stay named until the evidence date"
    assert "Joao Martins" not in listing and "probation.example" not in listing
