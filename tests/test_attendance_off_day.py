"""The check-in page outside the event's days says so and names the day check-ins are
recorded for; the tick records exactly that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from seminar_app.attendance import queries
from seminar_app.attendance.models import Attendance
from seminar_app.attendance.routes import day_label
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, Role
from seminar_app.extensions import db
from seminar_app.registration import services as registration_services
from seminar_app.registration.services import RegistrationInput


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(name="Centro de Prevenção Lisboa")


@pytest.fixture
def as_organiser(client, login, make_user, partner):  # type: ignore[no-untyped-def]
    login(make_user(Role.ORGANISER, partners=[partner]))
    return client


def register(event):  # type: ignore[no-untyped-def]
    data = RegistrationInput(
        name="Ana Sousa", email="ana@dgrsp.example", mode=AttendanceMode.ONSITE, privacy_acknowledged=True
    )
    return registration_services.register(event, data).registration


def test_today_outside_event_is_none_on_an_event_day(make_event, partner) -> None:
    event = make_event(partner, days_ahead=10, hours=30)
    first, second = event.local_days
    assert queries.today_outside_event(event, first) is None
    assert queries.today_outside_event(event, second) is None
    assert queries.today_outside_event(event, first - timedelta(days=1)) == first - timedelta(days=1)


def test_days_before_the_event_the_page_warns_and_the_tick_records_the_day_shown(
    as_organiser, make_event, partner
) -> None:
    event = make_event(partner, days_ahead=5)
    person = register(event)
    page = as_organiser.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    first = event.local_days[0]
    today = datetime_today(event)
    assert 'id="off-day-warning"' in page
    assert f"Today, {day_label(event, today)}, is not one of the event's days." in page
    assert f"Check-ins on this page are recorded for {day_label(event, first)}." in page

    as_organiser.post(f"/manage/events/{event.id}/attendance/{person.id}/check-in", data={"day": first.isoformat()})
    [attendance] = db.session.scalars(select(Attendance))
    assert attendance.day == first


def test_a_multi_day_event_after_its_end_says_to_choose_the_day(as_organiser, make_event, partner) -> None:
    event = make_event(partner, days_ahead=-5, hours=30)
    page = as_organiser.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    last = event.local_days[-1]
    assert f"Check-ins on this page are recorded for {day_label(event, last)}. Choose the day above." in page


def test_no_warning_on_a_day_of_the_event(as_organiser, make_event, partner) -> None:
    event = make_event(partner, days_ahead=-1, hours=72)
    assert datetime_today(event) in event.local_days
    page = as_organiser.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    assert "off-day-warning" not in page and "is not one of the event's days" not in page


def datetime_today(event) -> date:  # type: ignore[no-untyped-def]
    return utcnow().astimezone(event.tz).date()
