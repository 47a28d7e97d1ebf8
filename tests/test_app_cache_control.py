"""Pages and files with personal data are never kept by a browser or a shared cache, and
CSV downloads say their type once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from seminar_app.accounts.models import User
from seminar_app.enums import AttendanceMode, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.services import queue_mail
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    event = make_event(title="Lisbon seminar", slug="lisbon-seminar")
    services.register(
        event,
        RegistrationInput(
            name="Ana Sousa",
            email="ana@probation.example",
            organisation="DGRSP",
            mode=AttendanceMode.ONSITE,
            privacy_acknowledged=True,
        ),
    )
    return event


@pytest.fixture
def as_admin(login: Callable[[User], FlaskClient], make_user: Callable[..., User]) -> FlaskClient:
    return login(make_user(Role.ADMIN))


def personal_data_urls(event: Event, message_id: int) -> list[str]:
    e, p, slug = event.id, event.partner_id, event.project.slug
    return [
        f"/manage/events/{e}/registrations",
        f"/manage/events/{e}/registrations.csv",
        f"/manage/events/{e}/registrations.xlsx",
        f"/manage/events/{e}/attendance",
        f"/manage/events/{e}/attendance/online.pdf",
        f"/manage/events/{e}/evidence-pack.zip",
        f"/manage/events/{e}/campaigns",
        f"/manage/events/{e}/feedback/results.csv",
        f"/partners/{p}/contacts",
        f"/partners/{p}/participants.csv",
        f"/partners/{p}/participants.xlsx",
        f"/projects/{slug}/dashboard",
        f"/projects/{slug}/dashboard/export/events.csv",
        "/admin/users",
        "/admin/mail/",
        f"/admin/mail/{message_id}",
    ]


def test_organiser_pages_and_downloads_with_personal_data_are_not_stored(as_admin: FlaskClient, event: Event) -> None:
    message = queue_mail(
        kind="registration_confirmed",
        to_address="ana@probation.example",
        to_name="Ana Sousa",
        subject="Registration confirmed",
        body_text="Your place is confirmed.",
    )
    db.session.commit()
    for url in personal_data_urls(event, message.id):
        response = as_admin.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
        response.get_data()  # a streamed download ends here, not when collected during a later test


def test_public_pages_for_anonymous_visitors_may_still_be_cached(client: FlaskClient, event: Event) -> None:
    assert "no-store" not in client.get("/events/lisbon-seminar").headers.get("Cache-Control", "")
    assert client.get("/events/lisbon-seminar/calendar.ics").headers.get("Cache-Control") is None
    assert client.get(f"/feeds/partners/{event.partner_id}.ics").headers["Cache-Control"] == "public, max-age=300"


def test_csv_downloads_name_their_charset_once(as_admin: FlaskClient, event: Event) -> None:
    e, p, slug = event.id, event.partner_id, event.project.slug
    for url in (
        f"/manage/events/{e}/registrations.csv",
        f"/manage/events/{e}/feedback/results.csv",
        f"/partners/{p}/participants.csv",
        f"/projects/{slug}/dashboard/export/events.csv",
    ):
        response = as_admin.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
        response.get_data()
