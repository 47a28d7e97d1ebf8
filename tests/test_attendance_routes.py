"""The Attendance tab as an organiser uses it: tick, untick, search, day tabs, walk-ins,
QR codes (private page, e-mail image, the page a code opens) and who may do what."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from seminar_app.attendance import services
from seminar_app.attendance.models import Attendance
from seminar_app.attendance.qr_routes import check_in_qr_image
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, RegistrationStatus, Role
from seminar_app.extensions import db
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput
from tests.mail_rows import write_pending_mail


def register(event, name: str, email: str, mode=AttendanceMode.ONSITE, **extra) -> Registration:  # type: ignore[no-untyped-def]
    data = RegistrationInput(name=name, email=email, mode=mode, privacy_acknowledged=True, **extra)
    return registration_services.register(event, data).registration


def attendances() -> list[Attendance]:
    return list(db.session.scalars(select(Attendance).order_by(Attendance.id)))


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(name="Centro de Prevenção Lisboa")


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, title="Seminário nacional de mentoria")


@pytest.fixture
def people(event) -> dict[str, Registration]:  # type: ignore[no-untyped-def]
    return {
        "ana": register(event, "Ana Sousa", "ana@dgrsp.example", organisation="DGRSP"),
        "joao": register(event, "João Martins", "joao@pj.example", organisation="Polícia Judiciária"),
        "rita": register(event, "Rita Lopes", "rita@ngo.example", AttendanceMode.ONLINE, organisation="APAV"),
    }


@pytest.fixture
def as_organiser(client, login, organiser):  # type: ignore[no-untyped-def]
    return login(organiser)


def url(event, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/manage/events/{event.id}/attendance{suffix}"


def row_html(page: str, registration: Registration) -> str:
    match = re.search(rf'<li [^>]*id="registration-{registration.id}">(.*?)</li>', page, re.S)
    assert match, f"{registration.name} is not in the list"
    return match.group(1)


# --- the list ------------------------------------------------------------------------------


def test_list_shows_confirmed_people_with_counts_and_a_check_in_button(as_organiser, event, people) -> None:
    waiting = Registration(event=event, status=RegistrationStatus.WAITLISTED, mode=AttendanceMode.ONSITE, name="Wai")
    db.session.add(waiting)
    db.session.commit()

    page = as_organiser.get(url(event)).get_data(as_text=True)

    assert "0 present, 3 confirmed registrations" in page
    assert "Check in" in row_html(page, people["ana"]) and "Polícia Judiciária" in row_html(page, people["joao"])
    assert f'id="registration-{waiting.id}"' not in page
    day = event.local_days[0].isoformat()
    assert f'href="{url(event, f"/sheet/{day}.pdf")}"' in page, "the sheet to sign is one click away"
    assert f'href="{url(event, "/online.pdf")}"' in page


def test_tick_then_tick_again_then_untick(as_organiser, event, people) -> None:
    day = event.local_days[0].isoformat()
    ana = people["ana"]

    response = as_organiser.post(url(event, f"/{ana.id}/check-in"), data={"day": day, "q": "sou"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?day={day}&q=sou#registration-{ana.id}")
    page = as_organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ana Sousa is checked in." in page
    assert "Checked in at" in row_html(page, ana) and "Undo check-in" in row_html(page, ana)
    assert "1 present, 3 confirmed" in page
    [row] = attendances()
    assert (row.source, row.mode) == (CheckInSource.MANUAL, AttendanceMode.ONSITE)

    page = as_organiser.post(url(event, f"/{ana.id}/check-in"), data={"day": day}, follow_redirects=True).get_data(
        as_text=True
    )
    assert re.search(r"Ana Sousa was already checked in at \d\d:\d\d \(Europe/Lisbon\); nothing changed", page)
    assert [a.id for a in attendances()] == [row.id]

    page = as_organiser.post(url(event, f"/{ana.id}/undo"), data={"day": day}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "The check-in of Ana Sousa on" in page and "no longer counted as present" in page
    assert attendances() == []


def test_search_by_name_or_organisation_ignores_case(as_organiser, event, people) -> None:
    page = as_organiser.get(url(event), query_string={"q": "apav"}).get_data(as_text=True)
    assert "Rita Lopes" in page and "Ana Sousa" not in page and "João Martins" not in page
    page = as_organiser.get(url(event), query_string={"q": "SOUSA"}).get_data(as_text=True)
    assert "Ana Sousa" in page and "Rita Lopes" not in page
    page = as_organiser.get(url(event), query_string={"q": "nobody"}).get_data(as_text=True)
    assert "Nobody matches “nobody”." in page
    for q in ("joão", "JOÃO", "joao", "POLÍCIA", "policia"):
        page = as_organiser.get(url(event), query_string={"q": q}).get_data(as_text=True)
        assert "João Martins" in page and "Ana Sousa" not in page, q


def test_multi_day_event_has_a_tab_per_day_and_counts_each_day(as_organiser, make_event, partner) -> None:
    event = make_event(partner, hours=50)
    ana = register(event, "Ana Sousa", "ana@dgrsp.example")
    first, second, third = event.local_days
    services.check_in(ana, second)

    page = as_organiser.get(url(event), query_string={"day": second.isoformat()}).get_data(as_text=True)
    for day in (first, second, third):
        assert f"day={day.isoformat()}" in page
    assert 'aria-current="page">' in page and "1 present" in page
    assert "0 present" in as_organiser.get(url(event), query_string={"day": third.isoformat()}).get_data(as_text=True)

    page = as_organiser.get(url(event), query_string={"day": "2001-01-01"}).get_data(as_text=True)
    assert "This event has no day 2001-01-01" in page

    as_organiser.post(url(event, f"/{ana.id}/check-in"), data={"day": "2001-01-01"})
    assert [a.day for a in attendances()] == [second]


def test_cancelled_event_refuses_check_in_with_a_message(as_organiser, event, people) -> None:
    event.status = EventStatus.CANCELLED
    db.session.commit()
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "This event is cancelled: attendance cannot be recorded." in page
    response = as_organiser.post(
        url(event, f"/{people['ana'].id}/check-in"),
        data={"day": event.local_days[0].isoformat()},
        follow_redirects=True,
    )
    assert "cannot be recorded" in response.get_data(as_text=True)
    assert attendances() == []


# --- walk-ins -------------------------------------------------------------------------------


def test_walk_in_without_email(as_organiser, event, people) -> None:
    data = {
        "name": "Walk-In Person",
        "organisation": "Câmara Municipal",
        "organisation_country": "PT",
        "stakeholder_group": "ngo_community",
        "mode": "onsite",
        "day": event.local_days[0].isoformat(),
    }
    page = as_organiser.post(url(event, "/walk-in"), data=data, follow_redirects=True).get_data(as_text=True)

    assert "Walk-In Person is registered as a walk-in and checked in." in page
    person = db.session.scalar(select(Registration).where(Registration.name == "Walk-In Person"))
    assert person is not None and person.email is None and person.source == "walk_in"
    assert "Walk-in" in row_html(page, person) and "Checked in at" in row_html(page, person)
    assert [(a.registration_id, a.source) for a in attendances()] == [(person.id, CheckInSource.WALK_IN)]


def test_walk_in_with_email_and_errors_shown_next_to_fields(as_organiser, event, people) -> None:
    def walk_in(**values: str):  # type: ignore[no-untyped-def]
        blank = {"organisation_country": "", "stakeholder_group": "", "mode": "onsite"}
        return as_organiser.post(
            url(event, "/walk-in"), data={**blank, "day": event.local_days[0].isoformat(), **values}
        )

    response = walk_in(name="", email="nope")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and "Give a valid e-mail address" in page
    response = walk_in(name="Dup", email="ANA@dgrsp.example")
    assert response.status_code == 422
    assert "ANA@dgrsp.example is already registered for this event" in response.get_data(as_text=True)
    assert count(Registration) == 3 and attendances() == []

    response = walk_in(name="Nuno Reis", email="nuno@example.org", mode="online")
    page = as_organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "their private link is sent to nuno@example.org" in page
    assert count(Registration) == 4 and len(attendances()) == 1


# --- QR codes -------------------------------------------------------------------------------


def test_private_page_shows_the_code_only_to_confirmed_people(client, event, people) -> None:
    ana = people["ana"]
    token = registration_services.private_token(ana)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert '<svg role="img"' in page and "<title>Check-in code</title>" in page
    assert services.check_in_url(ana) in page

    response = client.get(f"/r/{token}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and response.headers["Cache-Control"] == "no-store"

    image = check_in_qr_image(ana)  # for the confirmation e-mail
    assert image.startswith("http") and image.endswith(f"/r/{token}/qr.png")
    online_token = registration_services.private_token(people["rita"])
    assert "<svg" not in client.get(f"/r/{online_token}").get_data(as_text=True)
    assert check_in_qr_image(people["rita"]) == ""
    assert client.get(f"/r/{online_token}/qr.png").status_code == 404

    registration_services.cancel_registration(ana)
    assert "<svg" not in client.get(f"/r/{token}").get_data(as_text=True)
    assert client.get(f"/r/{token}/qr.png").status_code == 404
    assert client.get("/r/unknown-token/qr.png").status_code == 404


def test_confirmation_mail_shows_the_code_to_on_site_people_only(event, people) -> None:
    from seminar_app.mail.models import OutboxMessage

    write_pending_mail()
    mails = {
        m.registration_id: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed"))
    }
    ana_mail = mails[people["ana"].id]
    assert f'<img src="{check_in_qr_image(people["ana"])}"' in ana_mail.body_html
    code_line = "mostre o código de registo de presença"  # the event, and so its mail, is in Portuguese
    assert code_line in ana_mail.body_text
    rita_mail = mails[people["rita"].id]
    assert "qr.png" not in rita_mail.body_html and code_line not in rita_mail.body_text


def test_code_opens_a_page_that_checks_the_person_in_once(as_organiser, event, people) -> None:
    ana = people["ana"]
    code_url = "/manage/checkin/" + services.check_in_token(ana)

    response = as_organiser.get(code_url)
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    page = response.get_data(as_text=True)
    assert "Ana Sousa" in page and "DGRSP" in page and "Not checked in on" in page

    page = as_organiser.post(code_url, data={"day": event.local_days[0].isoformat()}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Ana Sousa is checked in." in page and "Checked in on" in page
    [row] = attendances()
    assert row.source is CheckInSource.QR

    page = as_organiser.post(code_url, data={"day": event.local_days[0].isoformat()}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Ana Sousa was already checked in at" in page
    assert len(attendances()) == 1


def test_code_for_another_event_is_refused_and_records_nothing(
    as_organiser, make_event, partner, event, people
) -> None:
    other = make_event(partner, title="Workshop in Porto")
    stranger = register(other, "Pedro Alves", "pedro@psp.example")
    code_url = "/manage/checkin/" + services.check_in_token(stranger)

    response = as_organiser.get(code_url, query_string={"event_id": event.id})
    assert response.status_code == 409
    assert "This code is for another event: Workshop in Porto" in response.get_data(as_text=True)
    response = as_organiser.post(code_url, data={"event_id": event.id, "day": other.local_days[0].isoformat()})
    assert response.status_code == 409
    assert attendances() == []


def test_scanner_field_opens_the_code_in_the_context_of_the_event(as_organiser, event, people) -> None:
    full_url = services.check_in_url(people["ana"])
    response = as_organiser.get(url(event, "/scan"), query_string={"code": full_url})
    assert response.status_code == 302
    assert (
        f"/manage/checkin/{services.check_in_token(people['ana'])}?event_id={event.id}" in response.headers["Location"]
    )


def test_forged_code_gets_a_clear_404(as_organiser, event, people) -> None:
    token = services.check_in_token(people["ana"])
    for bad in (token[:-4] + "AAAA", "made-up", quote("{'r': 1}")):
        response = as_organiser.post(f"/manage/checkin/{bad}", data={"day": event.local_days[0].isoformat()})
        assert response.status_code == 404
        assert "This check-in code is not valid" in response.get_data(as_text=True)
    assert attendances() == []


# --- who may ------------------------------------------------------------------------------------


def test_other_partner_gets_404_manager_gets_403_anonymous_logs_in(
    client, login, make_user, make_partner, event, people
) -> None:
    token = services.check_in_token(people["ana"])
    day = {"day": event.local_days[0].isoformat()}
    urls = [url(event), url(event, "/import"), f"/manage/checkin/{token}"]

    assert client.get(urls[0]).status_code == 302  # to the log-in page

    login(make_user(Role.ORGANISER, partners=[make_partner(event.partner.project)]))
    for address in urls:
        assert client.get(address).status_code == 404
    assert client.post(url(event, f"/{people['ana'].id}/check-in"), data=day).status_code == 404
    client.post("/logout")

    login(make_user(Role.MANAGER, projects=[event.partner.project]))
    for address in urls:
        response = client.get(address)
        assert response.status_code == 403 and "Ana Sousa" not in response.get_data(as_text=True)
    assert client.post(url(event, f"/{people['ana'].id}/check-in"), data=day).status_code == 403
    assert client.post(url(event, "/walk-in"), data={"name": "X", **day}).status_code == 403
    assert attendances() == [] and count(Registration) == 3
