"""Importing online attendance on the organiser's pages: upload, a preview that saves
nothing, confirmation, re-import, and files that are not reports."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from seminar_app.attendance import services
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, Role
from seminar_app.extensions import db
from tests.test_attendance_imports import fixture
from tests.test_attendance_routes import register


def attendances() -> dict[str, Attendance]:
    return {a.registration.name: a for a in db.session.scalars(select(Attendance))}


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, hours=27)  # two days: the report's day must be chosen


@pytest.fixture
def people(event):  # type: ignore[no-untyped-def]
    online = AttendanceMode.ONLINE
    return {
        "ana": register(event, "Ana Sousa", "ana.sousa@dgrsp.example", online),
        "joao": register(event, "João Martins", "joao.martins@pj.example", online),
        "maria_psp": register(event, "Maria Silva", "maria.silva@psp.example", online, organisation="PSP"),
        "maria_ngo": register(event, "Maria Silva", "msilva@ngo.example", online, organisation="APAV"),
        "rui": register(event, "Rui Costa", "rui.costa@reinsercao.example", online),
        "pedro": register(event, "Pedro Alves", "pedro.alves@psp.example"),
        "helena": register(event, "Helena Duarte", "helena.duarte@ong.example", online),
    }


@pytest.fixture
def as_organiser(client, login, make_user, partner):  # type: ignore[no-untyped-def]
    return login(make_user(Role.ORGANISER, partners=[partner]))


def upload(client, event, data: bytes, name: str = "participants.csv", **fields):  # type: ignore[no-untyped-def]
    form = {"report": (io.BytesIO(data), name), "day": event.local_days[0].isoformat(), "min_minutes": "10", **fields}
    return client.post(f"/manage/events/{event.id}/attendance/import", data=form, content_type="multipart/form-data")


def counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="count-([a-z-]+)">(\d+)<', page)}


def payload(page: str) -> str:
    match = re.search(r'name="payload" type="hidden" value="([^"]+)"', page)
    assert match, "no confirmation form"
    return match.group(1)


def confirm(client, event, page: str, **fields: str):  # type: ignore[no-untyped-def]
    url = f"/manage/events/{event.id}/attendance/import/confirm"
    return client.post(url, data={"payload": payload(page), **fields}, follow_redirects=True)


def dated_ok(client, event, page: str):  # type: ignore[no-untyped-def]
    """Confirm a preview of an old sample report (its date is not the event's), accepting the date."""
    return confirm(client, event, page, dates_ok="y")


def test_upload_page_asks_for_file_day_and_minimum(as_organiser, event) -> None:
    page = as_organiser.get(f"/manage/events/{event.id}/attendance/import").get_data(as_text=True)
    assert 'type="file"' in page and 'name="day"' in page and 'name="min_minutes"' in page and 'value="10"' in page


def test_zoom_preview_saves_nothing_then_confirm_records_matched_people(as_organiser, event, people) -> None:
    services.check_in(people["helena"], event.local_days[0])

    response = upload(as_organiser, event, fixture("zoom_participants.csv"))
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert counts(page) == {"matched": 3, "already": 1, "ambiguous": 1, "unmatched": 2, "too-short": 1}
    assert "Zoom report (UTF-8)" in page and "iPhone de Carla" in page and "APAV" in page
    assert set(attendances()) == {"Helena Duarte"}

    page = dated_ok(as_organiser, event, page).get_data(as_text=True)
    assert "3 online attendances recorded for" in page
    assert "1 person was already recorded as present that day and is left unchanged: Helena Duarte." in page
    rows = attendances()
    assert {n: (a.source, a.mode, a.minutes) for n, a in rows.items() if n != "Helena Duarte"} == {
        "Ana Sousa": (CheckInSource.IMPORT, AttendanceMode.ONLINE, 91),
        "João Martins": (CheckInSource.IMPORT, AttendanceMode.ONLINE, 122),
        "Pedro Alves": (CheckInSource.IMPORT, AttendanceMode.ONLINE, 108),
    }
    assert rows["Helena Duarte"].source is CheckInSource.MANUAL and rows["Helena Duarte"].minutes is None


def test_reimport_leaves_existing_rows_unchanged(as_organiser, event, people) -> None:
    page = upload(as_organiser, event, fixture("zoom_participants.csv")).get_data(as_text=True)
    dated_ok(as_organiser, event, page)
    before = {n: (a.id, a.minutes, a.checked_in_at) for n, a in attendances().items()}

    page = upload(as_organiser, event, fixture("zoom_participants.csv"), min_minutes="0").get_data(as_text=True)
    assert counts(page)["already"] == 4 and counts(page)["matched"] == 1  # Rui, 5 minutes, now counts
    dated_ok(as_organiser, event, page)
    after = attendances()
    assert {n: (a.id, a.minutes, a.checked_in_at) for n, a in after.items() if n in before} == before
    assert after["Rui Costa"].minutes == 5


def test_teams_utf16_report_for_the_second_day(as_organiser, event, people) -> None:
    second = event.local_days[1]
    page = upload(as_organiser, event, fixture("teams_attendance_utf16.csv"), day=second.isoformat()).get_data(
        as_text=True
    )
    assert "Microsoft Teams report (UTF-16)" in page
    assert counts(page) == {"matched": 3, "already": 0, "ambiguous": 0, "unmatched": 2, "too-short": 1}
    dated_ok(as_organiser, event, page)
    assert {(n, a.day, a.minutes) for n, a in attendances().items()} == {
        ("Ana Sousa", second, 65),
        ("João Martins", second, 45),
        ("Helena Duarte", second, 121),
    }


def test_cp1252_file_from_excel(as_organiser, event, people) -> None:
    page = upload(as_organiser, event, fixture("zoom_participants_excel_cp1252.csv")).get_data(as_text=True)
    assert "Windows-1252" in page and "João Martins" in page
    assert counts(page)["matched"] == 2 and counts(page)["too-short"] == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Name,E-mail,Organisation\nAna Sousa,ana@example.org,DGRSP\n", "not an attendance report we can read"),
        (bytes(range(256)) * 8, "not a text (CSV) file"),
        (b"Name,Duration (Minutes)\nAna,\x81\x8d\x8f\n", "could not be read"),
    ],
)
def test_unknown_or_garbage_file_gets_a_message_and_nothing_changes(
    as_organiser, event, people, data: bytes, message: str
) -> None:
    services.check_in(people["ana"], event.local_days[0])
    before = {n: (a.id, a.minutes) for n, a in attendances().items()}
    response = upload(as_organiser, event, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'id="report-error"' in page
    assert {n: (a.id, a.minutes) for n, a in attendances().items()} == before


def test_missing_file_and_bad_threshold_are_refused(as_organiser, event) -> None:
    url = f"/manage/events/{event.id}/attendance/import"
    response = as_organiser.post(url, data={"day": event.local_days[0].isoformat(), "min_minutes": "-5"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the report file to upload." in page and 'id="min_minutes-error"' in page


def test_altered_or_foreign_preview_is_refused(as_organiser, make_event, partner, event, people) -> None:
    page = upload(as_organiser, event, fixture("zoom_participants.csv")).get_data(as_text=True)
    other = make_event(partner)
    for target, value in ((other, payload(page)), (event, payload(page)[:-4] + "AAAA")):
        response = as_organiser.post(
            f"/manage/events/{target.id}/attendance/import/confirm", data={"payload": value}, follow_redirects=True
        )
        assert "This preview has expired or was not made for this event" in response.get_data(as_text=True)
    assert attendances() == {}
