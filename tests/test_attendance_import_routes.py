"""Importing online attendance on the organiser's pages: upload, a preview that saves
nothing, confirmation, re-import, and files that are not reports."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

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


# --- webinars, lists, dates, the organiser's decisions, one confirmation ------------------


@pytest.fixture
def webinar(make_event, partner):  # type: ignore[no-untyped-def]
    """Moved to the day of the sample webinar report and Teams list (14 October 2026,
    09:30-12:30) once people have registered (see `attendees`)."""
    return make_event(partner, hours=3)


@pytest.fixture
def attendees(webinar):  # type: ignore[no-untyped-def]
    online = AttendanceMode.ONLINE
    people = {
        "ana": register(webinar, "Ana Sousa", "ana.sousa@dgrsp.example", online),
        "joao": register(webinar, "João Martins", "joao.martins@pj.example", online),
        "maria_psp": register(webinar, "Maria Silva", "maria.silva@psp.example", online, organisation="PSP"),
        "maria_ngo": register(webinar, "Maria Silva", "msilva@ngo.example", online, organisation="APAV"),
        "rui": register(webinar, "Rui Costa", "rui.costa@reinsercao.example", online),
        "pedro": register(webinar, "Pedro Alves", "pedro.alves@psp.example", online),
        "helena": register(webinar, "Helena Duarte", "helena.duarte@ong.example", online),
    }
    webinar.starts_at = datetime(2026, 10, 14, 9, 30, tzinfo=webinar.tz).astimezone(UTC)
    webinar.ends_at = webinar.starts_at + timedelta(hours=3)
    db.session.commit()
    return people


def minutes() -> dict[str, int | None]:
    return {n: a.minutes for n, a in attendances().items()}


def test_webinar_report_preview_shows_the_meeting_and_leaves_hosts_and_no_shows_out(
    as_organiser, webinar, attendees
) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    assert "Webinar: mentoria em liberdade condicional" in page
    assert "dates read month first" in page and 'class="alert alert-danger date-problem"' not in page
    assert "2 host and panelist rows are left out" in page and "1 registrant of the webinar did not attend" in page
    # Helena was a panelist: not counted although she registered. Maria is ambiguous; Rui too short.
    assert counts(page) == {"matched": 2, "already": 0, "ambiguous": 1, "unmatched": 0, "too-short": 1}
    assert "ana.sousa@dgrsp.example" in page and "msilva@ngo.example" in page  # registrants' e-mails shown
    assert attendances() == {}

    confirm(as_organiser, webinar, page)
    assert minutes() == {"Ana Sousa": 91, "João Martins": 122}


def test_organiser_decides_ambiguous_unmatched_and_too_short_rows(as_organiser, webinar, attendees) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_participants_waiting_room.csv")).get_data(as_text=True)
    assert "2 rows of people in the waiting room are not attendance" in page
    # Two people named Maria Silva in a name-only report: two rows, each for the organiser to decide.
    assert counts(page) == {"matched": 2, "already": 0, "ambiguous": 2, "unmatched": 1, "too-short": 0}
    assert page.count("Another person in the report has this name.") == 2
    selects = re.findall(r'name="(assign-\d+)"', page)
    assert len(selects) == 3  # two Marias and the unmatched Centro (the host, not a registrant)

    maria_rows = [int(n) for n in re.findall(r'name="assign-(\d+)"', page)][:2]
    fields = {f"assign-{maria_rows[0]}": str(attendees["maria_psp"].id), f"assign-{maria_rows[1]}": ""}
    page = confirm(as_organiser, webinar, page, **fields).get_data(as_text=True)
    assert "3 online attendances recorded for" in page
    recorded = {(a.registration.email, a.minutes) for a in attendances().values()}
    assert recorded == {
        ("ana.sousa@dgrsp.example", 95),
        ("joao.martins@pj.example", 104),  # two sessions one after the other: one person who rejoined
        ("maria.silva@psp.example", 60),
    }


def test_too_short_row_can_be_credited_by_hand(as_organiser, webinar, attendees) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    [row] = re.findall(r'name="credit-(\d+)"', page)
    confirm(as_organiser, webinar, page, **{f"credit-{row}": "1"})
    assert minutes()["Rui Costa"] == 5


def test_teams_2020_list_preview_says_who_was_still_in_the_meeting(as_organiser, webinar, attendees) -> None:
    page = upload(as_organiser, webinar, fixture("teams_list_2020_day_first_utf16.csv")).get_data(as_text=True)
    assert "dates read day first" in page and "date-problem" not in page
    assert "Still in the meeting when the list was downloaded: counted until the event's end." in page
    confirm(as_organiser, webinar, page)
    assert minutes() == {"Ana Sousa": 90, "João Martins": 150}  # João: 09:59:30 until the event's end, 12:30


def test_report_of_another_day_is_flagged_and_needs_the_organisers_word(as_organiser, event, people) -> None:
    page = upload(as_organiser, event, fixture("zoom_participants.csv")).get_data(as_text=True)
    assert "This report is of a meeting on Friday, 14 March 2025, but this import is for" in page
    assert 'name="dates_ok"' in page

    refused = confirm(as_organiser, event, page).get_data(as_text=True)
    assert "The report&#39;s dates do not fit this event" in refused
    assert attendances() == {}
    assert "4 online attendances recorded" in dated_ok(as_organiser, event, page).get_data(as_text=True)


def test_unreadable_dates_are_flagged_with_what_was_expected_and_found(as_organiser, webinar, attendees) -> None:
    data = b"Name,User Email,Join Time,Duration (Minutes)\nAna Sousa,ana.sousa@dgrsp.example,le matin,60\n"
    page = upload(as_organiser, webinar, data).get_data(as_text=True)
    assert "The dates in this report could not be read" in page and "found “le matin”" in page
    assert attendances() == {}


def test_a_replayed_confirmation_is_refused_and_nothing_is_saved_twice(as_organiser, webinar, attendees) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    confirm(as_organiser, webinar, page)
    db.session.query(Attendance).filter_by(registration_id=attendees["ana"].id).delete()
    db.session.commit()

    again = confirm(as_organiser, webinar, page).get_data(as_text=True)
    assert "This import has already been confirmed: nothing was recorded twice." in again
    assert minutes() == {"João Martins": 122}


def test_a_tampered_decision_or_foreign_registrant_is_refused(
    as_organiser, make_event, partner, webinar, attendees
) -> None:
    outsider = register(make_event(partner), "Maria Silva", "maria@elsewhere.example", AttendanceMode.ONLINE)
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    [row] = re.findall(r'name="assign-(\d+)"', page)
    refused = confirm(as_organiser, webinar, page, **{f"assign-{row}": str(outsider.id)}).get_data(as_text=True)
    assert "is not a confirmed registrant of this event" in refused
    assert attendances() == {}


def test_another_partners_organiser_cannot_preview_or_confirm(
    client, as_organiser, login, make_user, make_partner, webinar, attendees
) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    signed = payload(page)
    client.post("/logout")
    login(make_user(Role.ORGANISER, partners=[make_partner()]))
    assert upload(client, webinar, fixture("zoom_webinar_attendees.csv")).status_code == 404
    url = f"/manage/events/{webinar.id}/attendance/import/confirm"
    assert client.post(url, data={"payload": signed}).status_code == 404
    assert attendances() == {}


def test_a_colleague_cannot_confirm_someone_elses_preview(
    client, as_organiser, login, make_user, partner, webinar, attendees
) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    client.post("/logout")
    login(make_user(Role.ORGANISER, partners=[partner]))
    refused = confirm(client, webinar, page).get_data(as_text=True)
    assert "This preview has expired or was not made for this event" in refused
    assert attendances() == {}


def test_check_in_page_shows_the_day_and_minutes_of_an_imported_attendance(as_organiser, webinar, attendees) -> None:
    page = upload(as_organiser, webinar, fixture("zoom_webinar_attendees.csv")).get_data(as_text=True)
    confirm(as_organiser, webinar, page)
    services.check_in(attendees["helena"], webinar.local_days[0])
    listing = as_organiser.get(f"/manage/events/{webinar.id}/attendance").get_data(as_text=True)
    ana = listing[listing.index(f'id="registration-{attendees["ana"].id}"') :]
    ana = ana[: ana.index("</li>")]
    assert "Online on 14 Oct 2026 for 91 minutes" in ana and "Checked in at" not in ana
    helena = listing[listing.index(f'id="registration-{attendees["helena"].id}"') :]
    assert "Checked in at" in helena[: helena.index("</li>")]
